#!/usr/bin/env python3
"""Checks the example `matthews` metric plugin against scikit-learn.

Generates logits and labels (binary, multiclass, skewed, perfect, constant and
anti-correlated predictions), runs them through metric_driver (the host's
metric wrapper) and compares "mcc" with sklearn.metrics.matthews_corrcoef and
"accuracy" with accuracy_score, to 1e-12; with ERROR_RATE_LIBRARY also the
minimal example's "error_rate" with 1 - accuracy_score.
Usage: check_matthews.py DRIVER LIBRARY [ERROR_RATE_LIBRARY]
Run with /usr/bin/python3 (Debian's python3-sklearn, python3-numpy).
"""
import subprocess
import sys

import numpy as np
from sklearn.metrics import accuracy_score, matthews_corrcoef

driver, library = sys.argv[1], sys.argv[2]
error_rate_library = sys.argv[3] if len(sys.argv) > 3 else None
rng = np.random.default_rng(20261126)
cases = []
for n, c in ((50, 2), (200, 3), (333, 5), (64, 20)):
    cases.append((f"random n={n} c={c}", rng.normal(size=(n, c)), rng.integers(0, c, size=n)))
y = rng.integers(0, 4, size=120)
near = np.eye(4)[y] * 2 + rng.normal(scale=0.8, size=(120, 4))
cases.append(("mostly right, 4 classes", near, y))
cases.append(("perfect", np.eye(3)[np.arange(30) % 3], np.arange(30) % 3))
cases.append(("constant prediction (0 by convention)", np.tile([0.0, 1.0, 0.0], (40, 1)), np.arange(40) % 3))
cases.append(("anti-correlated binary", np.eye(2)[1 - np.arange(20) % 2], np.arange(20) % 2))
skew = np.concatenate([np.zeros(90, dtype=int), np.ones(10, dtype=int)])
cases.append(("skewed binary", rng.normal(size=(100, 2)) + np.eye(2)[skew] * 0.7, skew))


def run_metric(lib, metric, logits, labels):
    lines = [f"{logits.shape[0]} {logits.shape[1]}"]
    lines += [" ".join(repr(float(v)) for v in row) + f" {int(l)}" for row, l in zip(logits, labels)]
    run = subprocess.run([driver, lib, metric], input="\n".join(lines) + "\n", capture_output=True, text=True)
    if run.returncode != 0:
        return None, run.stderr.strip()
    return {k: float(v) for k, v in (line.split() for line in run.stdout.splitlines())}, ""


failures = 0
for name, logits, labels in cases:
    logits = logits.astype(np.float32)
    pred = logits.argmax(axis=1)
    runs = [(library, "matthews", {"mcc": matthews_corrcoef(labels, pred), "accuracy": accuracy_score(labels, pred)})]
    if error_rate_library:
        runs.append((error_rate_library, "error_rate", {"error_rate": 1.0 - accuracy_score(labels, pred)}))
    for lib, metric, want in runs:
        got, err = run_metric(lib, metric, logits, labels)
        if got is None:
            print(f"FAIL {name}: metric_driver {metric} failed: {err}")
            failures += 1
            continue
        for key, value in want.items():
            ok = key in got and abs(got[key] - value) <= 1e-12
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}: {metric}.{key} plugin {got.get(key)} sklearn {value}")
sys.exit(1 if failures else 0)
