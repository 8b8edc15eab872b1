#!/usr/bin/env python3
"""ftlab_summary.py - the numbers bench/gpu compares, read from ftlab results files with h5py:
training wall time (summary/train_seconds: the training loop with its per-epoch evaluations,
as the Trainer's train() wall time), samples/s, per-epoch time and padding, peak GPU memory,
and the validation metrics of each evaluation. Prints one JSON object per file.

  ftlab_summary.py RUN.h5 [RUN.h5 ...] > summary.json
"""
import json
import sys

import h5py


def attrs(g):
    return {k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v)
            for k, v in g.attrs.items()}


def summarize(path):
    with h5py.File(path, "r") as f:
        s = attrs(f["summary"])
        env = attrs(f["environment"])
        ep = f["train/epochs"]
        epochs = [{k: float(ep[k][i]) for k in ("epoch", "seconds", "samples", "samples_per_second",
                                                  "padded_fraction")} for i in range(len(ep["epoch"]))]
        evals = []
        for tag, g in f["eval/validation"].items():
            a = attrs(g)
            evals.append({"tag": tag, "step": a.get("step"), "seconds": a.get("seconds"), "loss": a.get("loss"),
                          "accuracy": a.get("metric/accuracy"), "macro_recall": a.get("metric/macro_recall"),
                          "macro_f1": a.get("metric/macro_f1")})
        evals.sort(key=lambda e: e["step"])
        samples = sum(e["samples"] for e in epochs)
        loss = f["train/log/loss"][:]
        skipped = f["train/log/skipped"][:]
        scale = f["train/log/loss_scale"][:]
        return {"file": path, "environment": env, "config": attrs(f["config"]).get("experiment_toml", ""),
                "train_seconds": s.get("train_seconds"), "global_step": s.get("global_step"),
                "samples": samples, "samples_per_second": samples / s["train_seconds"] if s.get("train_seconds") else None,
                "peak_gpu_memory_gib": s.get("peak_gpu_memory_bytes", 0) / 2**30,
                "epochs": epochs, "validation": evals,
                "first_losses": [float(x) for x in loss[:5]], "last_losses": [float(x) for x in loss[-5:]],
                "skipped_steps": int(skipped.sum()), "loss_scale_first_last": [float(scale[0]), float(scale[-1])]}


if __name__ == "__main__":
    json.dump([summarize(p) for p in sys.argv[1:]], sys.stdout, indent=1, default=str)
    print()
