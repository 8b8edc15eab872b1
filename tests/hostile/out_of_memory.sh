#!/bin/bash
# out_of_memory.sh FTLAB EXPERIMENT WORKDIR - a LibTorch allocation failure
# (every training tweet in one batch, under a 4 GB address-space limit) ends
# the run with exit 1 and one error line, not a C++ stack or a signal, and
# leaves only the .partial results file.
set -uo pipefail
ftlab="$1" exp="$2" work="$3"
rm -rf "$work" && mkdir -p "$work" || exit 1
(ulimit -v 4000000; exec "$ftlab" run "$exp" --output "$work/oom.h5" --set train.batch_size=1048576 \
  --set train.epochs=1 --set experiment.threads=2) > /dev/null 2> "$work/err.log"
rc=$?
errors=$(grep -c . <(sed -n '/^ftlab: error/,$p' "$work/err.log"))
[ $rc = 1 ] || { tail -5 "$work/err.log"; echo "FAIL: exit $rc"; exit 1; }
[ "$errors" = 1 ] || { cat "$work/err.log"; echo "FAIL: the error is not one last line"; exit 1; }
grep -Eq "^ftlab: error: .*(can't allocate memory|out of memory|not enough memory)" "$work/err.log" ||
  { tail -2 "$work/err.log"; echo "FAIL: the error does not say memory"; exit 1; }
[ -e "$work/oom.h5" ] && { echo "FAIL: a complete-looking oom.h5"; exit 1; }
echo "ok: exit 1: $(grep '^ftlab: error' "$work/err.log" | cut -c1-200)"
