#!/bin/bash
# expect_fail.sh REGEX CMD... - passes when CMD exits non-zero (not by a
# signal) and prints exactly one line on stderr that matches REGEX.
regex="$1"; shift
err=$("$@" 2>&1 >/dev/null); rc=$?
if [ $rc -eq 0 ]; then echo "expected failure, got exit 0"; exit 1; fi
if [ $rc -ge 128 ]; then echo "crashed with signal $((rc - 128)): $err"; exit 1; fi
lines=$(printf '%s\n' "$err" | grep -c .)
if [ "$lines" -ne 1 ]; then echo "expected one error line, got $lines:"; echo "$err"; exit 1; fi
if ! printf '%s\n' "$err" | grep -Eq -- "$regex"; then echo "error did not match '$regex': $err"; exit 1; fi
echo "ok (exit $rc): $err"
