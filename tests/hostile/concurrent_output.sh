#!/bin/bash
# concurrent_output.sh FTLAB SOURCE_DIR WORKDIR - two runs on one --output:
# the second is refused with one line naming the first's pid and host (even
# with HDF5_USE_FILE_LOCKING=FALSE, as on NFS and Lustre); after the first is
# killed with SIGKILL its stale lock is taken over by the next run, which
# completes and leaves no lock behind.
set -uo pipefail
ftlab="$1" src="$2" work="$3"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
export HDF5_USE_FILE_LOCKING=FALSE
small=(--set dataset.max_train=64 --set dataset.max_validation=32 --set dataset.max_test=32 --set train.epochs=1)
"$ftlab" run "$src/experiments/quickstart.toml" --output r.h5 --set train.epochs=50 > first.log 2>&1 &
pid=$!
for _ in $(seq 1 500); do [ -f r.h5.lock ] && break; sleep 0.02; done
[ -f r.h5.lock ] || { kill -9 $pid; fail "no lock file while the first run writes"; }
err=$("$ftlab" run "$src/experiments/quickstart.toml" --output r.h5 "${small[@]}" 2>&1 >/dev/null)
rc=$?
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
[ $rc = 1 ] || fail "second run: exit $rc: $err"
[ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] || fail "second run: not one line: $err"
printf '%s' "$err" | grep -q "another ftlab run (pid $pid on $(hostname)) is writing it" || fail "no holder in: $err"
echo "ok: second run refused: $err"
rm -rf r.h5.ckpt r.h5.partial  # the killed run's leftovers; its lock stays, stale
"$ftlab" run "$src/experiments/quickstart.toml" --output r.h5 "${small[@]}" > third.log 2>&1 ||
  { tail -3 third.log; fail "a run after the holder was killed"; }
[ -f r.h5 ] && [ ! -e r.h5.lock ] || fail "after the run: r.h5 missing or the lock left behind"
echo "ok: the stale lock of the killed run was taken over; the run completed and removed its lock"
