#!/usr/bin/env python3
"""Checks ftlab compare, predict and report against independent references.

Usage: check_analysis.py FTLAB RUNS_DIR SAMPLE_DIR WORK_DIR (runs made by
make_runs.sh; SAMPLE_DIR = experiments/assets/tweeteval-sample/sentiment).
Reads the stored logits with h5py and recomputes with scikit-learn, scipy and
numpy: compare's metric column, group mean / sample std / count, its
McNemar p-value (scipy.stats.binomtest) and its paired bootstrap (the same
resamples, scored by scikit-learn); predict's probabilities (softmax of
the logits `ftlab run` stored for the same test texts); report's per-class
precision/recall/F1/support, confusion matrix, ECE and most confident errors
(from the JSON block the page embeds), and that the page loads nothing
from outside; the folder page of `ftlab report DIR` (charts per differing key, compare's
tests between the best two). Run with /usr/bin/python3 (Debian's h5py, sklearn, scipy).
"""
import csv
from html import unescape as html_unescape
import io
import json
import os
import re
import subprocess
import sys

import h5py
import numpy as np
from scipy.stats import binomtest
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score,
                             precision_recall_fscore_support)

ftlab, runs, sample, work = sys.argv[1:5]
os.makedirs(work, exist_ok=True)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args):
    p = subprocess.run([ftlab, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"ftlab {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p.stdout, p.stderr


def stored(path):
    with h5py.File(path, "r") as f:
        return f["eval/test/final/logits"][()].astype(np.float64), f["eval/test/final/labels"][()]


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


complete = sorted(os.path.join(runs, n) for n in os.listdir(runs) if n.startswith("lr") and n.endswith(".h5"))
check(len(complete) == 3, "three complete runs")

# ---- compare: one row per run, sorted by accuracy, McNemar between the best two
out, err = run("compare", runs, "--metric", "accuracy", "--csv")
rows = list(csv.DictReader(io.StringIO(out)))
check(len(rows) == 3, f"compare lists the 3 complete runs (got {len(rows)})")
check("train.learning_rate" in rows[0] and "experiment.seed" in rows[0], "differing keys are columns")
check("dataset.task" not in rows[0], "keys that are equal in all runs are not columns")
acc = {}
for r in rows:
    logits, labels = stored(r["run"])
    acc[r["run"]] = accuracy_score(labels, logits.argmax(1))
    check(abs(float(r["accuracy"]) - acc[r["run"]]) < 6e-5, f"accuracy of {r['run']} matches sklearn")
vals = [float(r["accuracy"]) for r in rows]
check(vals == sorted(vals, reverse=True), "rows sorted by the metric, best first")
check(re.search(r"not compared \(2\)", err) is not None, "two files listed as not compared")
check(re.search(r"crashed\.h5\.partial: incomplete run", err) is not None, "the .partial run is listed as incomplete")
check(re.search(r"old-schema\.h5: schema version 1", err) is not None, "the old schema run is listed")
m = re.search(r"A right where B is wrong: (\d+); B right where A is wrong: (\d+); p = ([0-9.e+-]+)", err)
check(m is not None, "compare prints the McNemar test")
if m:
    la, ya = stored(rows[0]["run"])
    lb, _ = stored(rows[1]["run"])
    ca, cb = la.argmax(1) == ya, lb.argmax(1) == ya
    b, c = int(np.sum(ca & ~cb)), int(np.sum(~ca & cb))
    check((int(m.group(1)), int(m.group(2))) == (b, c), f"McNemar counts {m.group(1)},{m.group(2)} vs {b},{c}")
    p_ref = binomtest(min(b, c), b + c, 0.5).pvalue if b + c > 0 else 1.0
    check(abs(float(m.group(3)) - p_ref) <= 1e-3 * max(p_ref, 1e-3), f"McNemar p {m.group(3)} vs scipy {p_ref}")

# ---- compare: the paired bootstrap of macro F1 between the best two, redrawn
# here with the generator analysis/bootstrap.hpp documents (splitmix64) and
# scored with scikit-learn
M64 = (1 << 64) - 1


def resamples(n, count, seed=0):
    state = seed
    for _ in range(count):
        idx = np.empty(n, dtype=np.int64)
        for i in range(n):
            state = (state + 0x9E3779B97F4A7C15) & M64
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            z ^= z >> 31
            idx[i] = ((z >> 11) * n) >> 53
        yield idx


out, err = run("compare", runs, "--metric", "macro_f1", "--bootstrap", "300")
m = re.search(r"paired bootstrap of macro_f1 on the same (\d+) test examples \(300 resamples, seed 0, plugin "
              r"'classification'\):\n  A ([0-9.]+), B ([0-9.]+), A - B = ([+-][0-9.]+), 95% interval "
              r"\[([+-][0-9.]+), ([+-][0-9.]+)\], p ([=<]) ([0-9.e+-]+)", out)
check(m is not None, f"compare prints the paired bootstrap: {out}")
if m:
    names = re.findall(r"best two: A = (\S+), B = (\S+)", out)[0]
    la, ya = stored(os.path.join(runs, names[0]))
    lb, _ = stored(os.path.join(runs, names[1]))
    f1 = lambda lg, y: f1_score(y, lg.argmax(1), average="macro", zero_division=0)
    deltas = np.array([f1(la[i], ya[i]) - f1(lb[i], ya[i]) for i in resamples(len(ya), 300)])
    ref = {"A": f1(la, ya), "B": f1(lb, ya), "low": np.percentile(deltas, 2.5), "high": np.percentile(deltas, 97.5),
           "p": min(1.0, 2 * min(np.sum(deltas <= 0), np.sum(deltas >= 0)) / 300)}
    got = {"A": float(m.group(2)), "B": float(m.group(3)), "low": float(m.group(5)), "high": float(m.group(6)),
           "p": float(m.group(8)) if m.group(7) == "=" else 0.0}
    for k in ref:
        check(abs(got[k] - ref[k]) < 6e-5 + 6e-4 * abs(ref[k]), f"bootstrap {k}: ftlab {got[k]} vs sklearn {ref[k]}")
    print(f"bootstrap: A-B {float(m.group(4)):+.4f}, interval [{ref['low']:+.4f}, {ref['high']:+.4f}], "
          f"p {ref['p']:.3f}, as scikit-learn on the same resamples")
out, _ = run("compare", runs, "--metric", "macro_f1", "--bootstrap", "0")
check("paired bootstrap" not in out, "--bootstrap 0 turns the bootstrap off")
out, _ = run("compare", runs, "--metric", "loss")
check("no paired bootstrap: metric plugin 'classification' does not compute 'loss'" in out,
      f"a metric the plugin does not compute is one line: {out}")

# ---- compare --split validation: the evaluation at summary/best_step, recomputed from its stored logits
out, _ = run("compare", runs, "--split", "validation", "--metric", "macro_f1", "--csv")
for r in csv.DictReader(io.StringIO(out)):
    with h5py.File(r["run"], "r") as f:
        best = int(f["summary"].attrs["best_step"])
        g = [f["eval/validation"][t] for t in f["eval/validation"] if int(f["eval/validation"][t].attrs["step"]) == best][0]
        ref_f1 = f1_score(g["labels"][()], g["logits"][()].argmax(1), average="macro", zero_division=0)
    check(abs(float(r["macro_f1"]) - ref_f1) < 6e-5, f"validation macro_f1 of {r['run']} at the best step matches sklearn")

# ---- compare --group-by: mean, sample std and count over seeds
out, _ = run("compare", runs, "--metric", "macro_f1", "--group-by", "learning_rate", "--csv")
groups = list(csv.DictReader(io.StringIO(out)))
check(len(groups) == 2, f"two learning-rate groups (got {len(groups)})")
for g in groups:
    lr = float(g["train.learning_rate"])
    f1s = []
    for path in complete:
        with h5py.File(path, "r") as f:
            if abs(float(re.search(r"learning_rate = ([0-9.e-]+)", f["config"].attrs["experiment_toml"]).group(1)) - lr) > 1e-12:
                continue
        logits, labels = stored(path)
        f1s.append(f1_score(labels, logits.argmax(1), average="macro", zero_division=0))
    check(int(g["n"]) == len(f1s), f"group {lr}: count {g['n']} vs {len(f1s)}")
    check(abs(float(g["macro_f1 mean"]) - np.mean(f1s)) < 6e-5, f"group {lr}: mean vs numpy")
    if len(f1s) > 1:
        ref_std = np.std(f1s, ddof=1)
        check(abs(float(g["std"]) - ref_std) < 6e-5, f"group {lr}: std {g['std']} vs numpy {ref_std}")
    else:  # a sample std of one run does not exist: an empty field, not 0
        check(g["std"] == "", f"group {lr}: one run, std {g['std']!r} should be empty")

# ---- predict: the test texts of a run, against softmax of the logits it stored
target = os.path.join(runs, "lr1e-3-s1.h5")
logits, labels = stored(target)
with open(os.path.join(sample, "test_text.txt"), encoding="utf-8") as f:
    texts = [line.rstrip("\n").strip() for line in f][: len(labels)]
inp = os.path.join(work, "texts.txt")
with open(inp, "w", encoding="utf-8") as f:
    f.write("\n".join(texts) + "\n")
jsonl = os.path.join(work, "pred.jsonl")
run("predict", "--run", target, "--input", inp, "--output", jsonl, "--top-k", "2", "--batch-size", "7")
with h5py.File(target, "r") as f:
    names = [n.decode() if isinstance(n, bytes) else n for n in f["data/label_names"][()]]
preds = [json.loads(line) for line in open(jsonl, encoding="utf-8")]
check(len(preds) == len(texts), "one prediction per text")
ref = softmax(logits)
worst = 0.0
for i, p in enumerate(preds):
    check(p["text"] == texts[i], f"prediction {i} keeps its text")
    worst = max(worst, abs(p["probability"] - ref[i].max()))
    check(p["label"] == names[int(ref[i].argmax())] or abs(np.sort(ref[i])[-1] - np.sort(ref[i])[-2]) < 1e-4,
          f"prediction {i}: label {p['label']} vs stored argmax {names[int(ref[i].argmax())]}")
    check(len(p["top_k"]) == 2 and p["top_k"][0]["probability"] >= p["top_k"][1]["probability"], f"top-k {i}")
    second = np.sort(ref[i])[-2]
    check(abs(p["top_k"][1]["probability"] - second) < 1e-4, f"prediction {i}: second probability")
check(worst < 1e-4, f"predict probabilities match softmax of stored logits (max diff {worst:.2e})")
# The table: one label per row by default, the K best with an explicit --top-k K.
table, _ = run("predict", "--run", target, texts[0], texts[1])
rows = table.splitlines()
check(len(rows) == 2 and rows[0].split()[0] == preds[0]["label"], f"table: best label first: {rows[:1]}")
check(len(rows) == 2 and rows[0].rstrip().endswith(texts[0].strip()), "table: the text ends the row")
table, _ = run("predict", "--run", target, texts[0], "--top-k", "2")
cells = table.split()
check(len(cells) >= 4 and [cells[0], cells[2]] == [t["label"] for t in preds[0]["top_k"]] and
      abs(float(cells[3]) - preds[0]["top_k"][1]["probability"]) < 1e-4, f"table with --top-k 2: {table.strip()}")
print(f"predict: {len(preds)} texts, max |p - softmax(stored)| = {worst:.2e}")

# ---- report: the numbers on the page against scikit-learn and numpy (a run with noisy logits: mixed predictions)
target = os.path.join(runs, "lr3e-3-s1.h5")
logits, labels = stored(target)
ref = softmax(logits)
html_path = os.path.join(work, "report.html")
run("report", target, "--out", html_path)
html = open(html_path, encoding="utf-8").read()
data = json.loads(re.search(r'<script type="application/json" id="ftlab-report-data">(.*?)</script>', html, re.S).group(1))
C = len(names)
pred = logits.argmax(1)
P, R, F, S = precision_recall_fscore_support(labels, pred, labels=list(range(C)), zero_division=0)
check(np.allclose(data["precision"], P) and np.allclose(data["recall"], R) and np.allclose(data["f1"], F),
      "per-class precision/recall/F1 match sklearn")
check(data["support"] == S.tolist(), "support matches sklearn")
check(np.array_equal(np.array(data["confusion"]).reshape(C, C), confusion_matrix(labels, pred, labels=list(range(C)))),
      "confusion matrix matches sklearn")
prob = ref.max(1)
bins = np.minimum((prob * 10).astype(int), 9)
ece = sum(abs((pred[bins == b] == labels[bins == b]).mean() - prob[bins == b].mean()) * np.sum(bins == b) / len(labels)
          for b in range(10) if np.any(bins == b))
check(abs(data["ece"] - ece) < 1e-9, f"ECE {data['ece']} vs numpy {ece}")
wrong = np.where(pred != labels)[0]
order = wrong[np.argsort(-prob[wrong], kind="stable")][:20]
check([e["index"] for e in data["errors"]] == order.tolist() or
      np.allclose([e["probability"] for e in data["errors"]], prob[order]), "the most confident errors, in order")
for e in data["errors"]:
    check(e["text"] == texts[e["index"]], f"error {e['index']} shows its dataset text")
check(re.search(r'\b(src|href)\s*=', html) is None and "<link" not in html, "the page loads nothing from outside")
for part in ("training loss per step", "validation metrics per evaluation", "predicted label", "reliability"):
    check(part in html, f"the page has '{part}'")

# ---- report over a folder (a sweep): the metric against each key that differs, the runs, the skipped files
sweep_html = os.path.join(work, "sweep.html")
run("report", runs, "--out", sweep_html, "--metric", "accuracy")
page = open(sweep_html, encoding="utf-8").read()
for key in ("train.learning_rate", "experiment.seed"):
    check(f"accuracy vs {key}" in page, f"the folder page charts accuracy against {key}")
check(page.count("<tr><td class=\"n\">") == 3, "the folder page lists the 3 complete runs")
check("crashed.h5.partial: incomplete run" in page and "old-schema.h5: schema version 1" in page,
      "the folder page lists the skipped files")
check(re.search(r'\b(src|href)\s*=', page) is None, "the folder page loads nothing from outside")
# The page shows compare's tests between the best two, word for word.
out, _ = run("compare", runs, "--metric", "accuracy")
tests = out[out.index("McNemar's exact test"):out.index("not compared")].strip()
shown = re.search(r"<pre>(.*?)</pre>", page, re.S)
check(shown is not None and html_unescape(shown.group(1)).strip() == tests,
      "the folder page shows compare's McNemar test and paired bootstrap")

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
print("analysis checks: all passed")
