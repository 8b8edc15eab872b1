#!/bin/bash
# sweep_too_big.sh FTLAB TINY_SWEEP WORKDIR - a random sweep with count = 1e12
# and a grid of 1000 x 1000 values are refused with one line before any point
# is expanded (count = 1e12 used to grow memory without bound).
set -uo pipefail
ftlab="$1" tiny="$2" work="$3"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || exit 1
src="$(cd "$(dirname "$tiny")/../.." && pwd)"
sed "s|mode = \"grid\"|mode = \"random\"\ncount = 1000000000000|; s|\"\\.\\./\\.\\./|\"$src/|g" "$tiny" > "$work/random.toml"
/usr/bin/python3 - "$tiny" "$src" "$work/grid.toml" <<'PY' || fail "writing grid.toml"
import sys
s = open(sys.argv[1]).read().replace('"../../', '"' + sys.argv[2] + '/')
s = s.replace('"train.learning_rate" = [1e-3, 5e-4]', '"train.learning_rate" = [' + ", ".join(f"{i}e-5" for i in range(1, 1001)) + "]")
s = s.replace('"experiment.seed" = [1, 2]', '"experiment.seed" = [' + ", ".join(str(i) for i in range(1, 1001)) + "]")
open(sys.argv[3], "w").write(s)
PY
for case in "random.toml|sweep.count must be between 1 and 100000" "grid.toml|the grid has 1e\\+06 points, over 100000"; do
  f="${case%%|*}" want="${case#*|}"
  err=$(ulimit -v 4000000; "$ftlab" sweep "$work/$f" --dry-run 2>&1 >/dev/null)
  rc=$?
  [ $rc = 1 ] || fail "$f: exit $rc: $err"
  [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] || fail "$f: not one line: $err"
  printf '%s' "$err" | grep -Eq "$want" || fail "$f: no '$want' in: $err"
  echo "ok: $f -> exit 1: $err"
done
