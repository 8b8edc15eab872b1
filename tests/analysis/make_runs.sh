#!/bin/bash
# make_runs.sh FTLAB QUICKSTART OUT_DIR - the tiny runs the analysis tests read:
# three complete runs of the quickstart experiment at test sizes (two seeds at
# one learning rate, one seed at another), then a copy marked incomplete
# (.h5.partial, status running) and a copy claiming schema version 1, made
# with h5py. About 15 s on 2 cores.
# Models this small predict the majority class for every text, so every run
# would tie. To give compare's ordering, the McNemar test and the report's
# confusion matrix disagreeing predictions to work on, seeded Gaussian noise is
# added to the stored test logits of lr1e-3-s2 and lr3e-3-s1 (and their stored
# test metrics and tables recomputed from the new logits with scikit-learn).
# lr1e-3-s1 stays exactly as `ftlab run` wrote it (predict is checked on it).
set -euo pipefail
FTLAB=$1 QUICKSTART=$2 OUT=$3
rm -rf "$OUT" && mkdir -p "$OUT/runs"
tiny=(--set dataset.max_train=96 --set dataset.max_validation=40 --set dataset.max_test=50
      --set model.hidden_size=16 --set model.num_hidden_layers=1 --set model.num_attention_heads=2
      --set model.intermediate_size=32 --set train.epochs=2 --set train.batch_size=16
      --set 'train.save_strategy="no"' --set train.load_best_model_at_end=false --set experiment.threads=1)
"$FTLAB" run "$QUICKSTART" "${tiny[@]}" --set experiment.seed=1 --set train.learning_rate=0.001 --output "$OUT/runs/lr1e-3-s1.h5" 2>/dev/null
"$FTLAB" run "$QUICKSTART" "${tiny[@]}" --set experiment.seed=2 --set train.learning_rate=0.001 --output "$OUT/runs/lr1e-3-s2.h5" 2>/dev/null
"$FTLAB" run "$QUICKSTART" "${tiny[@]}" --set experiment.seed=1 --set train.learning_rate=0.003 --output "$OUT/runs/lr3e-3-s1.h5" 2>/dev/null
cp "$OUT/runs/lr1e-3-s1.h5" "$OUT/runs/crashed.h5.partial"
cp "$OUT/runs/lr1e-3-s1.h5" "$OUT/runs/old-schema.h5"
/usr/bin/python3 - "$OUT/runs" <<'PY'
import sys, h5py
d = sys.argv[1]
with h5py.File(d + "/crashed.h5.partial", "r+") as f:
    f.attrs["status"] = "running"
with h5py.File(d + "/old-schema.h5", "r+") as f:
    f.attrs["schema_version"] = 1

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
for name, seed, scale in (("lr1e-3-s2", 1, 0.8), ("lr3e-3-s1", 2, 0.6)):
    with h5py.File(f"{d}/{name}.h5", "r+") as f:
        g = f["eval/test/final"]
        logits = g["logits"][()] + np.random.default_rng(seed).normal(0, scale, g["logits"].shape).astype(np.float32)
        g["logits"][...] = logits
        y, p = g["labels"][()], logits.argmax(1)
        C = logits.shape[1]
        for m in g.attrs["metrics"].split("\n"):
            if m == "accuracy":
                v = accuracy_score(y, p)
            else:
                avg, what = m.split("_")
                v = precision_recall_fscore_support(y, p, average=avg, zero_division=0)[["precision", "recall", "f1"].index(what)]
            g.attrs["metric/" + m] = float(v)
            f["metrics/test/" + m][-1] = float(v)
        P, R, F, S = precision_recall_fscore_support(y, p, labels=list(range(C)), zero_division=0)
        for t, v in (("confusion_matrix", confusion_matrix(y, p, labels=list(range(C)))), ("precision", P),
                     ("recall", R), ("f1", F), ("support", S)):
            if t in g:
                g[t][...] = v
PY
echo "runs: $OUT/runs"
