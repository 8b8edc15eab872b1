#!/bin/bash
# sweep_signal.sh FTLAB SWEEP WORKDIR - SIGTERM to a running sweep: no new
# point starts, the running point is stopped (it saves a checkpoint), and the
# sweep exits 1 within a bounded time with one line saying how to resume;
# running the same command again resumes and completes every point.
set -uo pipefail
ftlab="$1" sweep="$2" work="$3"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
SET=(--set "experiment.output_dir=\"$work\"" --set train.epochs=60)
"$ftlab" sweep "$sweep" "${SET[@]}" > first.log 2>&1 &
pid=$!
logs="$work/sweeps/tiny-grid"
for _ in $(seq 1 1000); do grep -qs "^epoch 2" "$logs"/*.log && break; sleep 0.02; done
grep -qs "^epoch 2" "$logs"/*.log || { kill -9 $pid; fail "the first point did not start training"; }
kill -TERM $pid
for _ in $(seq 1 1500); do kill -0 $pid 2> /dev/null || break; sleep 0.02; done
kill -0 $pid 2> /dev/null && { kill -9 $pid; fail "the sweep did not stop within 30 s of SIGTERM"; }
wait $pid
rc=$?
[ $rc = 1 ] || fail "sweep exit $rc after SIGTERM, expected 1"
grep -q "^ftlab: error: sweep tiny-grid: stopped by a signal after starting 1 point(s); run the same command" first.log ||
  { cat first.log; fail "no one-line message saying how to resume"; }
[ "$(ls "$logs"/*.log | wc -l)" = 1 ] || fail "points started after the signal: $(ls "$logs")"
pgrep -f "$logs" > /dev/null && fail "a point's process still runs"
echo "ok: SIGTERM stopped the sweep after 1 point with exit 1: $(grep '^ftlab: error' first.log)"
"$ftlab" sweep "$sweep" "${SET[@]}" > second.log 2>&1 || { tail -5 second.log; fail "resume"; }
grep -q "resuming" second.log || fail "the interrupted point was not resumed"
[ "$(ls "$logs"/*.h5 | wc -l)" = 4 ] || fail "not every point completed: $(ls "$logs")"
echo "ok: the same command resumed the interrupted point and completed all 4"
