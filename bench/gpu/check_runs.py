#!/usr/bin/env python3
"""check_runs.py KIND RUN.h5 - the GPU checks of bench/gpu/run.sh, read from
ftlab results files with h5py (independent of ftlab's own reader). One line
per check, "ok" or "FAIL"; exit 1 on any failure.

  fp16   RUN.h5  fp16 with dynamic loss scaling: the run completed, the loss
                 fell, every logged loss scale follows GradScaler's rule from
                 65536 (halved on a skipped step, doubled after 2000 good
                 ones), skipped steps are few and carry no update
  recipe RUN.h5  the notebook recipe: completed, one evaluation per epoch,
                 checkpoints embedded with the best one marked and its
                 weights the final ones, finite test logits, peak GPU
                 memory read back (> 0 and below the card's size)
"""
import sys

import h5py
import numpy as np

fails = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        fails.append(what)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def check_fp16(f):
    log = f["train/log"]
    loss, scale, skipped = log["loss"][()], log["loss_scale"][()], log["skipped"][()]
    n = len(loss)
    check(n >= 50, f"{n} steps logged (log_every = 1 expected)")
    good = loss[skipped == 0]
    k = max(1, len(good) // 5)
    first, last = float(np.mean(good[:k])), float(np.mean(good[-k:]))
    check(np.isfinite(good).all(), "every applied step has a finite loss")
    check(last < first, f"loss fell: first fifth {first:.4f}, last fifth {last:.4f}")
    expect, run, bad = 65536.0, 0, []
    for i in range(n):
        if skipped[i]:
            expect, run = expect / 2, 0
        else:
            run += 1
            if run == 2000:
                expect, run = expect * 2, 0
        if scale[i] != expect:
            bad.append(i)
    check(not bad, f"loss scale follows GradScaler's rule over {n} steps (first at {bad[:3]})" if bad else
          f"loss scale follows GradScaler's rule over {n} steps: {scale[0]:.0f} -> {scale[-1]:.0f}")
    check(int(skipped.sum()) <= n // 10, f"{int(skipped.sum())} of {n} steps skipped (at most a tenth)")
    gn = log["grad_norm"][()]
    check(bool(np.isnan(gn[skipped == 1]).all()) and bool(np.isfinite(gn[skipped == 0]).all()),
          "grad norm is NaN exactly on the skipped steps")


def check_recipe(f):
    s = f["summary"].attrs
    epochs = f["train/epochs/epoch"][()]
    check(len(epochs) == 3, f"{len(epochs)} epochs trained")
    evals = [t for t in f["eval/validation"]]
    check(len(evals) == 3, f"validation evaluated {len(evals)} times: {', '.join(evals)}")
    ck = f["checkpoints"]
    best = text(ck.attrs.get("best", ""))
    check(best in ck, f"checkpoints embedded: {', '.join(ck)}; best = {best}")
    check(text(s["weights"]) == "best", "final weights are the best model's")
    if best in ck:
        w, cw = f["model/weights"], ck[best]["weights"]
        same = all(np.array_equal(w[k][()], cw[k][()]) for k in w)
        check(same, f"model/weights equal checkpoint {best}'s weights ({len(w)} tensors)")
    logits = f["eval/test/final/logits"][()]
    check(logits.size > 0 and np.isfinite(logits).all(), f"test logits {logits.shape}, all finite")
    peak = float(s["peak_gpu_memory_bytes"])
    check(0 < peak < 200 * 2**30, f"peak GPU memory read back: {peak / 2**30:.2f} GiB")


kind, path = sys.argv[1], sys.argv[2]
with h5py.File(path, "r") as f:
    check(text(f.attrs["status"]) == "complete", f"{path}: status {text(f.attrs['status'])}")
    check(text(f["environment"].attrs.get("device", "")).startswith("cuda"),
          f"ran on {text(f['environment'].attrs.get('device', '?'))}")
    {"fp16": check_fp16, "recipe": check_recipe}[kind](f)
sys.exit(1 if fails else 0)
