#!/bin/bash
# shard_test.sh FTLAB SWEEP OUTDIR - sharding and resumption of sweeps: two
# shard processes run concurrently on one machine; their union must be the
# whole sweep with no point run twice, and a re-run must skip every point.
set -uo pipefail
FTLAB="$1"; SWEEP="$2"; OUT="$3"
rm -rf "$OUT"; mkdir -p "$OUT"
SET=(--set "experiment.output_dir=\"$OUT\"")

"$FTLAB" sweep "$SWEEP" "${SET[@]}" --dry-run > "$OUT/dry.log" 2>&1 || { cat "$OUT/dry.log"; exit 1; }
n=$(grep -c "would run" "$OUT/dry.log")
[ "$n" -eq 4 ] || { echo "FAIL: dry run lists $n points, expected 4"; cat "$OUT/dry.log"; exit 1; }

"$FTLAB" sweep "$SWEEP" "${SET[@]}" --shard 0/2 > "$OUT/s0.log" 2>&1 &
p0=$!
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=0 "$FTLAB" sweep "$SWEEP" "${SET[@]}" \
  > "$OUT/s1.log" 2>&1 &
p1=$!
wait $p0 || { echo "FAIL: shard 0"; cat "$OUT/s0.log"; exit 1; }
wait $p1 || { echo "FAIL: shard 1"; cat "$OUT/s1.log"; exit 1; }

ids0=$(grep -o '^  [0-9a-f]\{12\} running' "$OUT/s0.log" | awk '{print $1}' | sort)
ids1=$(grep -o '^  [0-9a-f]\{12\} running' "$OUT/s1.log" | awk '{print $1}' | sort)
all=$(tail -n +2 "$OUT/sweeps/tiny-grid/index.tsv" | cut -f1 | sort)
[ "$(echo "$ids0" | wc -l)" -eq 2 ] && [ "$(echo "$ids1" | wc -l)" -eq 2 ] || { echo "FAIL: shards ran $ids0 / $ids1"; exit 1; }
[ -z "$(comm -12 <(echo "$ids0") <(echo "$ids1"))" ] || { echo "FAIL: a point ran in both shards"; exit 1; }
[ "$(printf '%s\n%s\n' "$ids0" "$ids1" | sort)" == "$all" ] || { echo "FAIL: union of shards != sweep"; exit 1; }
for id in $all; do
  /usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1]); assert f.attrs['status']=='complete'" \
    "$OUT/sweeps/tiny-grid/$id.h5" || { echo "FAIL: $id.h5 not complete"; exit 1; }
done

"$FTLAB" sweep "$SWEEP" "${SET[@]}" > "$OUT/again.log" 2>&1 || { cat "$OUT/again.log"; exit 1; }
grep -q "ran 0, skipped 4 complete, 0 left to other processes, 0 failed" "$OUT/again.log" || { echo "FAIL: re-run did not skip"; cat "$OUT/again.log"; exit 1; }
grep -q "complete" "$OUT/again.log" || exit 1
echo "ok: 2 shards ran $(echo $ids0) + $(echo $ids1); re-run skipped all 4"
