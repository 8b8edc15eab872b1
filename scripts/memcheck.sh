#!/bin/bash
# memcheck.sh - runs the host's unit tests, `ftlab plugin-check` over every
# bundled plugin and the analysis commands (compare, report, predict, export;
# over the runs CTest leaves in BUILD_DIR) under valgrind's memcheck, failing
# on any invalid read or write, use of freed memory or uninitialised value
# (leaks are not checked: LibTorch keeps global allocations). Not part of
# CTest: it takes about 8 minutes on 2 cores. Run it after changes to the ABI
# slots or to code that hands out borrowed pointers.
# Usage: scripts/memcheck.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
command -v valgrind > /dev/null || { echo "memcheck: valgrind is missing; apt-get install valgrind" >&2; exit 2; }
[ -x "$build/ftlab" ] || { echo "memcheck: $build/ftlab is missing; run scripts/build.sh $build first" >&2; exit 2; }
vg=(valgrind -q --error-exitcode=9 --num-callers=20 --trace-children=yes
    --suppressions="$PWD/tests/memcheck/libtorch.supp")
failed=0
run() {  # NAME COMMAND...
  local name=$1 log
  shift
  log=$(mktemp)
  if "${vg[@]}" "$@" > "$log" 2>&1; then
    echo "ok    $name"
  else
    echo "FAIL  $name (valgrind or the command failed; its output follows)"
    grep -A20 "==[0-9]*== [A-Z]" "$log" | head -60 || tail -20 "$log"
    failed=1
  fi
  rm -f "$log"
}
(cd "$build/tests" && FTLAB_PLUGIN_PATH="$PWD/../plugins" FTLAB_CACHE_DIR=off \
  "${vg[@]}" ./ftlab_tests > /tmp/ftlab-memcheck-unit.log 2>&1) \
  && echo "ok    unit tests (ftlab_tests)" \
  || { echo "FAIL  unit tests (ftlab_tests): see /tmp/ftlab-memcheck-unit.log"; failed=1; }
for plugin in "$build"/plugins/libftlab_*.so; do
  run "plugin-check $(basename "$plugin")" "$build/ftlab" plugin-check "$plugin" \
    --config-file tests/sdk/bundled-plugins.toml --timeout 600
done
# The analysis commands, over the runs CTest's analysis tests leave behind.
runs="$build/tests/analysis-work/runs"
if [ -f "$runs/lr1e-3-s1.h5" ]; then
  out=$(mktemp -d)
  run "compare (McNemar, bootstrap on 2 threads)" "$build/ftlab" compare "$runs" --bootstrap 100
  run "report RUN.h5" "$build/ftlab" report "$runs/lr1e-3-s1.h5" --out "$out/run.html"
  run "report FOLDER" "$build/ftlab" report "$runs" --out "$out/folder.html"
  run "predict --run" "$build/ftlab" predict --run "$runs/lr1e-3-s1.h5" "a tweet" --top-k 2
  run "export + predict --model" sh -c "\"$build/ftlab\" export \"$runs/lr1e-3-s1.h5\" --format hf --out \"$out/hf\" \
    && \"$build/ftlab\" predict --model \"$out/hf\" 'a tweet'"
  rm -rf "$out"
else
  echo "skip  analysis commands: run CTest first (it makes $runs)"
fi
exit $failed
