#!/bin/bash
# libstdcxx_binding.sh FTLAB - every std::filesystem symbol the host and its
# plugins use must bind to libstdc++.so.6. pip's LibTorch 2.x exports its own
# statically linked copy (pytorch/pytorch#133437); when that copy won the
# lookup, std::filesystem::remove_all jumped to address 0 and ended the
# 3-epoch recipe with SIGSEGV as it removed its checkpoint folder
# (CMakeLists.txt: libstdc++ is linked as the first needed library). Loads
# every plugin with all symbols bound at once (LD_BIND_NOW) and reads the
# dynamic linker's report (LD_DEBUG=bindings).
set -uo pipefail
ftlab="$1"
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT
LD_BIND_NOW=1 LD_DEBUG=bindings LD_DEBUG_OUTPUT="$log/b" "$ftlab" plugins > /dev/null || { echo "ftlab plugins failed"; exit 1; }
all=$(cat "$log"/b.* | grep -c '_ZNSt10filesystem' || true)
# A library calling its own copy of an inline function is fine; another file's call into it is not.
bad=$(cat "$log"/b.* | grep '_ZNSt10filesystem' | grep -v "to [^ ]*/libstdc++\.so\.6 " |
  awk '{ from = $0; sub(/.*binding file /, "", from); sub(/ .*/, "", from)
         to = $0; sub(/.*\] to /, "", to); sub(/ .*/, "", to)
         if (from != to) print }' || true)
if [ "$all" -eq 0 ]; then echo "FAIL: no std::filesystem binding seen; is LD_DEBUG working?"; exit 1; fi
if [ -n "$bad" ]; then
  echo "FAIL: $(printf '%s\n' "$bad" | wc -l) of $all std::filesystem bindings go elsewhere than libstdc++.so.6:"
  printf '%s\n' "$bad" | sed -E 's/^ *[0-9]+:\s*//' | head -5
  exit 1
fi
echo "ok: $all std::filesystem bindings of ftlab and its plugins: none to a copy outside libstdc++.so.6"
