# expect.sh - sourced by the tests/hostile scripts: fail MESSAGE, and
# expect NAME REGEX COMMAND... (the command must exit 1..125 with exactly one
# stderr line matching REGEX; stdout is ignored).
fail() { echo "FAIL: $*"; exit 1; }
expect() {
  local name="$1" want="$2" err rc
  shift 2
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  [ $rc -ge 1 ] && [ $rc -le 125 ] || fail "$name: exit $rc: $err"
  [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] || fail "$name: not one line: $err"
  printf '%s' "$err" | grep -Eq -- "$want" || fail "$name: no '$want' in: $err"
  echo "ok: $name -> exit $rc: $err"
}
