#!/bin/bash
# memcheck.sh - runs the host's unit tests and `ftlab plugin-check` over every
# bundled plugin under valgrind's memcheck, failing on any invalid read or
# write, use of freed memory or uninitialised value (leaks are not checked:
# LibTorch keeps global allocations). Not part of CTest: it takes about 5
# minutes on 2 cores. Run it after changes to the ABI slots or to code that
# hands out borrowed pointers. Usage: scripts/memcheck.sh [BUILD_DIR]
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
exit $failed
