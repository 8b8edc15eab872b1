#!/usr/bin/env python3
"""Checks the results file of examples/class_files_matthews.toml with h5py and
scikit-learn: the out-of-tree plugins were used (names in plugins/), the
class_files dataset produced the expected labels and split sizes, and every
stored "metric/mcc" and "metric/accuracy" equals scikit-learn's value on the
stored logits and labels. Usage: check_example_results.py RUN.h5
Run with /usr/bin/python3 (Debian's python3-h5py, python3-sklearn).
"""
import sys

import h5py
from sklearn.metrics import accuracy_score, matthews_corrcoef

failures = []


def check(cond, what):
    print(f"{'ok  ' if cond else 'FAIL'} {what}")
    if not cond:
        failures.append(what)


with h5py.File(sys.argv[1], "r") as f:
    check(f.attrs["status"] == "complete", "status is complete")
    check(f["plugins/dataset"].attrs["name"] == "class_files", "dataset plugin is class_files")
    check(f["plugins/metric"].attrs["name"] == "matthews", "metric plugin is matthews")
    check(f["plugins/tokenizer"].attrs["name"] == "bpe", "tokenizer plugin is the built-in bpe")
    check(f["plugins/model"].attrs["name"] == "roberta", "model plugin is the built-in roberta")
    names = [n.decode() if isinstance(n, bytes) else n for n in f["data/label_names"][()]]
    check(names == ["negative", "neutral", "positive"], f"label names from the file stems, sorted: {names}")
    evals = []
    f["eval"].visititems(lambda name, obj: evals.append(obj) if isinstance(obj, h5py.Group) and "logits" in obj else None)
    check(len(evals) >= 2, f"{len(evals)} evaluations stored")
    for g in evals:
        labels = g["labels"][()]
        pred = g["logits"][()].argmax(axis=1)
        check(len(labels) == 180, f"{g.name}: 180 examples (60 per class)")
        mcc, acc = matthews_corrcoef(labels, pred), accuracy_score(labels, pred)
        check(abs(g.attrs["metric/mcc"] - mcc) < 1e-12, f"{g.name}: mcc {g.attrs['metric/mcc']} = sklearn {mcc}")
        check(abs(g.attrs["metric/accuracy"] - acc) < 1e-12, f"{g.name}: accuracy = sklearn {acc}")
sys.exit(1 if failures else 0)
