#!/bin/bash
# kill_resume.sh FTLAB EXPERIMENT WORKDIR [--set KEY=VALUE ...] - crash-safety
# and resume test: runs an experiment uninterrupted (A), runs it again (B) and
# kills it with SIGKILL as soon as a checkpoint exists mid-run, resumes B with
# --resume, and checks with h5py that A and B end with identical weights,
# losses, metrics and logits. Also checks that a changed experiment is refused.
# Extra arguments are added to every run (bench/gpu/run.sh: --set
# experiment.device='"cuda"'). RESUME_RTOL (default 0: bit for bit) allows a
# relative difference, for devices whose kernels are not deterministic;
# PYTHON (default /usr/bin/python3) is the Python with h5py.
set -uo pipefail
FTLAB="$1"; EXP="$2"; WORK="$3"
shift 3
rm -rf "$WORK"; mkdir -p "$WORK"
SETS=(--set dataset.max_train=640 --set dataset.max_validation=64 --set dataset.max_test=64
      --set model.hidden_size=32 --set model.intermediate_size=64 --set model.num_hidden_layers=1
      --set model.num_attention_heads=2 --set train.epochs=2 --set train.batch_size=16
      --set train.save_strategy='"steps"' --set train.save_steps=5 --set experiment.threads=1
      --set train.save_total_limit=2 --set train.load_best_model_at_end=false --set train.log_every=1000 "$@")

"$FTLAB" run "$EXP" "${SETS[@]}" --output "$WORK/a.h5" > "$WORK/a.log" 2>&1 || { cat "$WORK/a.log"; exit 1; }

"$FTLAB" run "$EXP" "${SETS[@]}" --output "$WORK/b.h5" > "$WORK/b.log" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do
  if ls "$WORK"/b.h5.ckpt/checkpoint-*.h5 > /dev/null 2>&1; then break; fi
  if ! kill -0 $pid 2> /dev/null; then break; fi
  sleep 0.01
done
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
if [ -f "$WORK/b.h5" ]; then echo "FAIL: the run finished before it could be killed; make it longer"; exit 1; fi
echo "killed after: $(ls "$WORK/b.h5.ckpt")"

# A changed experiment is refused, naming the key.
if "$FTLAB" run "$EXP" "${SETS[@]}" --set train.learning_rate=0.5 --resume "$WORK/b.h5" > "$WORK/c.log" 2>&1; then
  echo "FAIL: resume with a changed experiment was accepted"; exit 1
fi
grep -q "train.learning_rate" "$WORK/c.log" || { echo "FAIL: refusal does not name the key:"; cat "$WORK/c.log"; exit 1; }

"$FTLAB" run "$EXP" "${SETS[@]}" --resume "$WORK/b.h5" > "$WORK/b2.log" 2>&1 || { cat "$WORK/b2.log"; exit 1; }
grep -q "resumed from" "$WORK/b2.log" || { echo "FAIL: did not resume"; cat "$WORK/b2.log"; exit 1; }
[ -d "$WORK/b.h5.ckpt" ] && { echo "FAIL: checkpoint folder left behind"; exit 1; }

# SIGTERM: the run finishes its step, writes a checkpoint, exits non-zero with a message.
"$FTLAB" run "$EXP" "${SETS[@]}" --output "$WORK/t.h5" > "$WORK/t.log" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do
  if ls "$WORK"/t.h5.ckpt/checkpoint-*.h5 > /dev/null 2>&1; then break; fi
  sleep 0.01
done
kill -TERM $pid
wait $pid; rc=$?
[ $rc -ne 0 ] || { echo "FAIL: SIGTERM'd run exited 0"; cat "$WORK/t.log"; exit 1; }
grep -q "interrupted after" "$WORK/t.log" || { echo "FAIL: no interruption message"; cat "$WORK/t.log"; exit 1; }
echo "SIGTERM: exit $rc, $(grep -o 'interrupted after [a-z]* [0-9]*' "$WORK/t.log")"
"$FTLAB" run "$EXP" "${SETS[@]}" --resume "$WORK/t.h5" > "$WORK/t2.log" 2>&1 || { cat "$WORK/t2.log"; exit 1; }

for other in b t; do
"${PYTHON:-/usr/bin/python3}" - "$WORK/a.h5" "$WORK/$other.h5" <<'PY'
import os, sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
rtol = float(os.environ.get("RESUME_RTOL", "0"))
same = (lambda x, y: np.array_equal(x, y)) if rtol == 0 else (
    lambda x, y: x.shape == y.shape and np.allclose(x, y, rtol=rtol, atol=rtol * max(1e-12, np.abs(x).max())))
bad = []
for name in a["model/weights"]:
    if not same(a["model/weights"][name][()], b["model/weights"][name][()]): bad.append("weights " + name)
for path in ["train/log/loss", "train/log/learning_rate", "train/log/grad_norm", "metrics/validation/macro_f1",
             "metrics/validation/loss", "eval/test/final/logits", "eval/validation/epoch_2/logits"]:
    if not same(a[path][()], b[path][()]): bad.append(path)
if sorted(a["checkpoints"]) != sorted(b["checkpoints"]): bad.append("checkpoint names")
if bad:
    print("FAIL: resumed run differs from the uninterrupted one:", ", ".join(bad)); sys.exit(1)
print(f"ok: {sys.argv[2]} resumed, {'identical' if rtol == 0 else f'within rtol {rtol}'} to the uninterrupted run ({len(a['model/weights'])} weights, "
      f"{a['train/log/loss'].shape[0]} steps, {len(a['checkpoints'])} checkpoints)")
PY
[ $? -eq 0 ] || exit 1
done
