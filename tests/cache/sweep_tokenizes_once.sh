#!/bin/bash
# sweep_tokenizes_once.sh FTLAB SWEEP OUTDIR - a sweep's runs share the token
# cache: over the 12 points of SWEEP (two at a time, so two runs race for the
# same split), each of the 3 splits is tokenized once ("token cache miss") and
# every other run reads it ("token cache hit": 33); a re-run of one point with
# the cache off tokenizes again and its test predictions equal the cached run's.
set -uo pipefail
FTLAB="$1"; SWEEP="$2"; OUT="$3"
rm -rf "$OUT"; mkdir -p "$OUT"
export FTLAB_CACHE_DIR="$OUT/cache"
SET=(--set "experiment.output_dir=\"$OUT\"")
"$FTLAB" sweep "$SWEEP" "${SET[@]}" --jobs 2 > "$OUT/sweep.log" 2>&1 || { echo "FAIL: sweep"; cat "$OUT/sweep.log"; exit 1; }
logs=("$OUT"/sweeps/*/*.log)
[ "${#logs[@]}" -eq 12 ] || { echo "FAIL: expected 12 run logs, found ${#logs[@]}"; exit 1; }
miss=$(cat "${logs[@]}" | grep -c "^token cache miss: ")
hit=$(cat "${logs[@]}" | grep -c "^token cache hit: ")
echo "12 runs x 3 splits: $miss misses, $hit hits"
[ "$miss" -eq 3 ] && [ "$hit" -eq 33 ] || { echo "FAIL: expected 3 misses and 33 hits"; grep -h "token cache" "${logs[@]}"; exit 1; }
[ "$(ls "$OUT"/cache/*.ftltok | wc -l)" -eq 3 ] || { echo "FAIL: expected 3 cache files"; ls -l "$OUT/cache"; exit 1; }

# The same point with the cache off: tokenized again, same test predictions.
first=$(ls "$OUT"/sweeps/*/*.toml | head -1)
id=$(basename "$first" .toml)
base=$(sed -n '1s/.*run with --base-dir //p' "$first")
sets=()
for kv in $(sed -n '2s/^# overrides: //p' "$first"); do sets+=(--set "$kv"); done
threads=$(sed -n 's/^training: .*[ ,]\([0-9][0-9]*\) threads\{0,1\}$/\1/p' "${first%.toml}.log")  # as the sweep ran it
[ -n "$threads" ] && sets+=(--set "experiment.threads=$threads")
FTLAB_CACHE_DIR=off "$FTLAB" run "$first" --base-dir "$base" "${sets[@]}" \
  --output "$OUT/off.h5" > "$OUT/off.log" 2>&1 || { echo "FAIL: run with the cache off"; cat "$OUT/off.log"; exit 1; }
grep -q "^token cache off" "$OUT/off.log" || { echo "FAIL: no 'token cache off' line"; cat "$OUT/off.log"; exit 1; }
cmp -s "$OUT/off.predictions.txt" "$(dirname "$first")/$id.predictions.txt" ||
  { echo "FAIL: predictions differ between the cached and the uncached run"; exit 1; }
echo "PASS"
