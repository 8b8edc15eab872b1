#!/bin/bash
# thread_refused.sh FTLAB TOKENIZER_DIR - a worker thread the system refuses to
# start (here: `ulimit -u` for an unprivileged user) ends `ftlab tokenize` with
# one error line and exit 1, not "terminate called without an active
# exception". Needs root (to become nobody); skips otherwise or where nobody
# cannot read the build.
set -uo pipefail
ftlab="$1" tok="$2"
[ "$(id -u)" = 0 ] && command -v runuser > /dev/null || { echo "SKIP: needs root and runuser"; exit 77; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$tok" "$work/tok" && seq 1 20000 | sed 's/^/hello world /' > "$work/in.txt" && chmod -R a+rX "$work"
runuser -u nobody -- test -x "$ftlab" || { echo "SKIP: nobody cannot run $ftlab (a private folder)"; exit 77; }
err=$(runuser -u nobody -- bash -c "ulimit -u 24; FTLAB_CACHE_DIR=off '$ftlab' tokenize --tokenizer '$work/tok' \
  --threads 200 < '$work/in.txt' 2>&1 > /dev/null")
rc=$?
echo "exit $rc: $err"
[ $rc = 1 ] && [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] && printf '%s' "$err" | grep -q "cannot start worker thread"
