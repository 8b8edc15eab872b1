#!/usr/bin/env python3
"""Checks an ftlab results file with plain h5py, and its metrics with scikit-learn.

Independent of ftlab's own reader: opens the file with h5py, checks the
documented layout (docs/results-format.md), recomputes every stored metric
and confusion matrix from the stored logits and labels with scikit-learn, and
checks the resolved config parses as TOML. Usage: check_results.py RUN.h5
Run with /usr/bin/python3 (Debian's python3-h5py, python3-sklearn).
"""
import sys
import tomllib

import h5py
import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score,
                             precision_recall_fscore_support)

path = sys.argv[1]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


with h5py.File(path, "r") as f:
    check(f.attrs["format"] == "ftlab-results", "format attribute")
    check(int(f.attrs["schema_version"]) == 2, "schema_version")
    check(f.attrs["status"] == "complete", "status is complete")
    cfg = tomllib.loads(f["config"].attrs["experiment_toml"])
    for section in ("tokenizer", "dataset", "model", "metric", "train"):
        check(section in cfg, f"config has [{section}]")
    for kind in ("tokenizer", "dataset", "model", "metric"):
        check(f[f"plugins/{kind}"].attrs["name"] == cfg[kind]["plugin"], f"plugins/{kind} name")
    names = [n.decode() if isinstance(n, bytes) else n for n in f["data/label_names"][()]]
    C = len(names)
    check(cfg["model"]["num_labels"] == C, "num_labels in config equals label count")

    log = f["train/log"]
    S = log["step"].shape[0]
    for k in ("epoch", "loss", "learning_rate", "grad_norm"):
        check(log[k].shape == (S,), f"train/log/{k} has {S} rows")
    check(np.all(np.diff(log["step"][()]) == 1), "steps are consecutive")
    check(np.all(np.isfinite(log["loss"][()])), "losses are finite")

    n_evals = 0
    for split in f["eval"]:
        for tag in f["eval"][split]:
            g = f["eval"][split][tag]
            logits, labels = g["logits"][()], g["labels"][()]
            check(logits.dtype == np.float32 and logits.ndim == 2 and logits.shape[1] == C, f"{split}/{tag} logits")
            check(labels.shape == (logits.shape[0],), f"{split}/{tag} labels")
            pred = logits.argmax(axis=1)
            p, r, f1, _ = precision_recall_fscore_support(labels, pred, average="macro", zero_division=0)
            want = {
                "accuracy": accuracy_score(labels, pred),
                "macro_precision": p,
                "macro_recall": r,
                "macro_f1": f1,
                "weighted_f1": f1_score(labels, pred, average="weighted", zero_division=0),
            }
            for k, v in want.items():
                got = g.attrs[f"metric/{k}"]
                check(abs(got - v) < 1e-9, f"{split}/{tag} {k}: ftlab {got} sklearn {v}")
            cm = confusion_matrix(labels, pred, labels=list(range(C)))
            check(np.array_equal(g["confusion_matrix"][()], cm), f"{split}/{tag} confusion matrix")
            pc, rc, fc, sc = precision_recall_fscore_support(labels, pred, labels=list(range(C)), zero_division=0)
            check(np.allclose(g["f1"][()], fc) and np.array_equal(g["support"][()], sc), f"{split}/{tag} per-class")
            n_evals += 1
    check(n_evals >= 2, "at least one validation and one test evaluation")
    val = f["metrics/validation"]
    check(list(val["epoch"][()]) == [float(e) for e in range(1, cfg["train"]["epochs"] + 1)], "one validation row per epoch")
    check(list(val["step"][()]) == [int(f["eval/validation"][f"epoch_{e}"].attrs["step"]) for e in range(1, cfg["train"]["epochs"] + 1)], "steps of the validation rows")
    ep = f["train/epochs"]
    check(ep["epoch"].shape == (cfg["train"]["epochs"],), "one timing row per epoch")
    check(np.all(ep["samples_per_second"][()] > 0), "throughput recorded")
    check(np.all((ep["padded_fraction"][()] >= 0) & (ep["padded_fraction"][()] < 1)), "padding fraction in [0, 1)")
    check(f["summary"].attrs["stop_reason"] == "completed", "summary stop reason")
    ckpts = f["checkpoints"]
    limit = cfg["train"].get("save_total_limit", 0)
    check(1 <= len(ckpts) <= (cfg["train"]["epochs"] if limit == 0 else limit + 1), "checkpoints kept per save_total_limit")
    for name in ckpts:
        g = ckpts[name]
        check(set(g["weights"]) == set(f["model/weights"]), f"{name} holds every weight")
        check(set(g["optimizer/m"]) == set(g["weights"]) and set(g["optimizer/v"]) == set(g["weights"]), f"{name} optimizer moments")
        check(g["weights/classifier.out_proj.weight"].compression is None, f"{name} is uncompressed")
    summary = f["summary"].attrs
    newest = "checkpoint-%06d" % int(summary["global_step"])
    if cfg["train"].get("save_strategy", "epoch") == "epoch":
        check(newest in ckpts, "the newest checkpoint is kept (save_total_limit never drops it)")
    source = summary["best_checkpoint"] if summary["weights"] == "best" else sorted(ckpts)[-1]
    check(np.array_equal(ckpts[source]["weights/classifier.out_proj.weight"][()], f["model/weights/classifier.out_proj.weight"][()]), f"final weights equal {source}")
    if summary["weights"] == "best":
        check(ckpts.attrs["best"] == summary["best_checkpoint"] and ckpts[source].attrs["best"] == 1, "best checkpoint marked")
        rows = f["metrics/validation"]
        best_row = int(np.argmax(rows[summary["metric_for_best_model"]][()]))
        check(int(rows["step"][best_row]) == int(summary["best_step"]), "best step is the argmax of the metric")

pred_file = path[:-3] + ".predictions.txt"
with open(pred_file) as pf:
    lines = pf.read().split("\n")
with h5py.File(path, "r") as f:
    want = f["eval/test/final/logits"][()].argmax(axis=1)
check(lines[-1] == "" and [int(x) for x in lines[:-1]] == list(want), "predictions file = argmax of test logits")

if failures:
    for x in failures:
        print("FAIL:", x)
    sys.exit(1)
print(f"check_results: {path}: layout and {n_evals} evaluations agree with h5py and scikit-learn")
