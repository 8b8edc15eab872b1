#!/bin/sh
# expect_check.sh REGEX CMD... - passes when CMD (an `ftlab plugin-check`)
# exits 1, not by a signal, and one line of its stdout matches REGEX.
regex="$1"
shift
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -ne 1 ]; then echo "expected exit 1 (checks failed), got $rc"; exit 1; fi
if ! printf '%s\n' "$out" | grep -Eq -- "$regex"; then echo "no line matched '$regex'"; exit 1; fi
echo "ok: found '$regex'"
