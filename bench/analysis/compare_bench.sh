#!/bin/bash
# compare_bench.sh FTLAB RUN.h5 [WORK_DIR] - times `ftlab compare` over 100
# run files (target: under 2 s). The files are copies of one real run (make
# one with tests/analysis/make_runs.sh) given 100 different seeds, learning
# rates and test metrics with h5py, so compare has 100 complete, valid,
# distinct runs with two differing config keys. Baseline in the same run: an
# h5py script that reads what compare reads (status, schema version, the
# stored experiment, the test metrics) and sorts. Prints a Markdown table;
# cold = first pass after dropping nothing (page cache warm from the copies).
set -euo pipefail
FTLAB=$1 RUN=$2 WORK=${3:-/tmp/ftlab-compare-bench}
rm -rf "$WORK" && mkdir -p "$WORK/runs"
/usr/bin/python3 - "$RUN" "$WORK/runs" <<'PY'
import re, shutil, sys
import h5py, numpy as np
src, out = sys.argv[1:3]
rng = np.random.default_rng(0)
for i in range(100):
    p = f"{out}/run-{i:03d}.h5"
    shutil.copyfile(src, p)
    with h5py.File(p, "r+") as f:
        toml = f["config"].attrs["experiment_toml"]
        toml = re.sub(r"(?m)^seed = \d+", f"seed = {i % 5}", toml)
        toml = re.sub(r"(?m)^learning_rate = .*", f"learning_rate = {[1e-4, 3e-4, 1e-3, 3e-3][i // 25]}", toml)
        f["config"].attrs["experiment_toml"] = toml
        g = f["eval/test/final"]
        for m in g.attrs["metrics"].split("\n"):
            g.attrs["metric/" + m] = float(rng.uniform(0.3, 0.7))
PY
reps=5
time_it() {  # median wall seconds of $reps runs of "$@"
  for _ in $(seq $reps); do
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc
  done | sort -n | sed -n "$(( (reps + 1) / 2 ))p"
}
cat > "$WORK/baseline.py" <<'PY'
import sys, os, h5py
rows = []
for n in sorted(os.listdir(sys.argv[1])):
    with h5py.File(os.path.join(sys.argv[1], n), "r") as f:
        if f.attrs["status"] != "complete" or int(f.attrs["schema_version"]) != 2:
            continue
        toml = f["config"].attrs["experiment_toml"]
        g = f["eval/test/final"]
        rows.append((g.attrs["metric/macro_f1"], n, toml))
rows.sort(reverse=True)
print(len(rows))
PY
t_ftlab=$(time_it "$FTLAB" compare "$WORK/runs")
t_group=$(time_it "$FTLAB" compare "$WORK/runs" --group-by learning_rate)
t_h5py=$(time_it /usr/bin/python3 "$WORK/baseline.py" "$WORK/runs")
t_start=$(time_it "$FTLAB" --version)
rows=$("$FTLAB" compare "$WORK/runs" --csv 2>/dev/null | tail -n +2 | wc -l)
size=$(du -sh "$WORK/runs" | cut -f1)
echo "| what | median of $reps (s) | vs h5py baseline |"
echo "|---|---|---|"
printf '| ftlab compare, 100 files (%s rows, %s on disk) | %.3f | %.2fx |\n' "$rows" "$size" "$t_ftlab" "$(echo "$t_ftlab / $t_h5py" | bc -l)"
printf '| ftlab compare --group-by learning_rate | %.3f | %.2fx |\n' "$t_group" "$(echo "$t_group / $t_h5py" | bc -l)"
printf '| ftlab --version (process start: loading LibTorch etc.) | %.3f | %.2fx |\n' "$t_start" "$(echo "$t_start / $t_h5py" | bc -l)"
printf '| baseline: h5py reads status, schema, experiment, test metric; sorts | %.3f | 1.00x |\n' "$t_h5py"

# The paired bootstrap (1000 resamples of the metric, through the run's metric
# plugin) on an emoji-sized test set: two copies of the run whose test logits
# are replaced by 50,000 x 20 random ones (num_labels 20 in the stored
# experiment), against the same compare with --bootstrap 0.
mkdir -p "$WORK/big"
/usr/bin/python3 - "$RUN" "$WORK/big" <<'PY'
import re, shutil, sys
import h5py, numpy as np
src, out = sys.argv[1:3]
rng = np.random.default_rng(1)
labels = rng.integers(0, 20, 50000)
for i in range(2):
    p = f"{out}/big-{i}.h5"
    shutil.copyfile(src, p)
    with h5py.File(p, "r+") as f:
        toml = f["config"].attrs["experiment_toml"]
        toml = re.sub(r"(?m)^num_labels = \d+", "num_labels = 20", toml)
        toml = re.sub(r"(?m)^seed = \d+", f"seed = {i}", toml)
        f["config"].attrs["experiment_toml"] = toml
        g = f["eval/test/final"]
        logits = rng.normal(size=(50000, 20)).astype(np.float32)
        logits[np.arange(50000), labels] += 1.0 + 0.1 * i
        del g["logits"], g["labels"]
        g["logits"], g["labels"] = logits, labels
        g.attrs["metric/macro_f1"] = 0.5 + 0.01 * i
PY
t_boot=$(time_it "$FTLAB" compare "$WORK/big")
t_noboot=$(time_it "$FTLAB" compare "$WORK/big" --bootstrap 0)
echo
echo "| paired bootstrap, 2 runs x 50,000 test examples x 20 classes | median of $reps (s) | vs --bootstrap 0 |"
echo "|---|---|---|"
printf '| ftlab compare (1000 resamples, the default) | %.3f | %.2fx |\n' "$t_boot" "$(echo "$t_boot / $t_noboot" | bc -l)"
printf '| ftlab compare --bootstrap 0 (McNemar only) | %.3f | 1.00x |\n' "$t_noboot"
