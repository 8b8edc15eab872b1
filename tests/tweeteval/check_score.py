#!/usr/bin/python3
"""check_score.py FTLAB [SHARED_TWEETEVAL_DIR] - checks `ftlab score` against
independent references, on random predictions for every task:
  1. every value and table of `ftlab score --json` equals scikit-learn's
     (precision_recall_fscore_support, accuracy_score, confusion_matrix,
     classification_report on string labels as evaluation_script.py uses it)
     to 1e-12, on synthetic data with labels absent from gold or predictions;
  2. with TweetEval's files (SHARED_TWEETEVAL_DIR holds datasets/ and
     evaluation_script.py): the scores `ftlab score` prints equal the official
     script's output to 1e-6, on the real test sets and on the synthetic ones.
Exits 77 (CTest skip) only if scikit-learn is missing; part 2 is skipped with a
message when the shared folder is absent. Needs Debian's /usr/bin/python3."""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from sklearn.metrics import (accuracy_score, classification_report, confusion_matrix,
                                 precision_recall_fscore_support)
except ImportError as e:
    print(f"SKIP: scikit-learn/numpy missing ({e}); apt-get install python3-sklearn")
    sys.exit(77)

FTLAB = sys.argv[1]
SHARED = sys.argv[2] if len(sys.argv) > 2 else ""
TASKS = ["emoji", "emotion", "hate", "irony", "offensive", "sentiment", "stance"]
TARGETS = ["abortion", "atheism", "climate", "feminist", "hillary"]
NUM = {"emoji": 20, "emotion": 4, "hate": 2, "irony": 2, "offensive": 2, "sentiment": 3, "stance": 3}
failures = []
checked = 0
max_diff = {"sklearn": 0.0, "script": 0.0}


def close(a, b, tol, ref):
    """|a - b| <= tol, remembering the largest difference seen per reference."""
    d = abs(a - b)
    max_diff[ref] = max(max_diff[ref], d)
    return d <= tol


def check(ok, msg):
    global checked
    checked += 1
    if not ok:
        failures.append(msg)


def official(task, gold, pred):
    """evaluation_script.py's expression, on string labels."""
    r = classification_report([str(x) for x in gold], [str(x) for x in pred], output_dict=True, zero_division=0)
    try:
        if task == "irony":
            return r["1"]["f1-score"]
        if task == "sentiment":
            return r["macro avg"]["recall"]
        if task == "stance":
            return (r["1"]["f1-score"] + r["2"]["f1-score"]) / 2
        return r["macro avg"]["f1-score"]
    except KeyError:
        return -1


def write_lines(path, ids):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("".join(f"{i}\n" for i in ids))


def read_lines(path):
    with open(path) as f:
        return [int(x) for x in f.read().split("\n")[:-1]]


def gold_of(root, task):
    if task == "stance":
        return sum((read_lines(f"{root}/stance/{t}/test_labels.txt") for t in TARGETS), [])
    return read_lines(f"{root}/{task}/test_labels.txt")


def random_predictions(root, out, rng, mode):
    """Writes predictions for every task; mode picks the label distribution."""
    for task in TASKS:
        C = NUM[task]
        parts = [f"{root}/stance/{t}/test_labels.txt" for t in TARGETS] if task == "stance" else \
            [f"{root}/{task}/test_labels.txt"]
        outs = [f"{out}/stance/{t}.txt" for t in TARGETS] if task == "stance" else [f"{out}/{task}.txt"]
        for gp, op in zip(parts, outs):
            n = len(read_lines(gp))
            if mode == "uniform":
                ids = [rng.randrange(C) for _ in range(n)]
            elif mode == "subset":  # some labels never predicted
                allowed = rng.sample(range(C), max(1, C // 2))
                ids = [rng.choice(allowed) for _ in range(n)]
            else:  # one label only
                ids = [C - 1] * n
            write_lines(op, ids)


def make_synthetic(root, rng):
    """All seven tasks with random gold labels; some labels absent from gold."""
    for task in TASKS:
        C = NUM[task]
        dirs = [f"{root}/stance/{t}" for t in TARGETS] if task == "stance" else [f"{root}/{task}"]
        mapping = f"{root}/{task}/mapping.txt"
        os.makedirs(os.path.dirname(mapping), exist_ok=True)
        with open(mapping, "w") as f:
            f.write("".join(f"{i}\tlabel{i}\n" for i in range(C)))
        for k, d in enumerate(dirs):
            n = rng.randrange(30, 400)
            present = list(range(C)) if k % 2 == 0 else rng.sample(range(C), max(2, C - 1))
            if task == "irony" or task == "stance":
                present = sorted(set(present) | {1})
            write_lines(f"{d}/test_labels.txt", [rng.choice(present) for _ in range(n)])


def ftlab_json(root, pred):
    out = subprocess.run([FTLAB, "score", "--tweeteval", root, "--predictions", pred, "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"FAIL: ftlab score exited {out.returncode}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def compare_with_sklearn(root, pred, label):
    got = ftlab_json(root, pred)
    for task in TASKS:
        C = NUM[task]
        gold = gold_of(root, task)
        p = sum((read_lines(f"{pred}/stance/{t}.txt") for t in TARGETS), []) if task == "stance" else \
            read_lines(f"{pred}/{task}.txt")
        g = got["tasks"][task]
        v, t = g["values"], g["tables"]
        want = {"tweeteval": official(task, gold, p), "accuracy": accuracy_score(gold, p)}
        for avg in ("macro", "weighted", "micro"):
            pr, rc, f1, _ = precision_recall_fscore_support(gold, p, average=avg, zero_division=0)
            want.update({f"{avg}_precision": pr, f"{avg}_recall": rc, f"{avg}_f1": f1})
        for k, w in want.items():
            check(close(v[k], w, 1e-12, "sklearn"), f"{label} {task} {k}: ftlab {v[k]!r} sklearn {w!r}")
        check(close(g["official"], want["tweeteval"], 1e-12, "sklearn"), f"{label} {task} official")
        pc, rc, fc, sc = precision_recall_fscore_support(gold, p, labels=list(range(C)), average=None, zero_division=0)
        for name, arr in (("precision", pc), ("recall", rc), ("f1", fc)):
            check(np.max(np.abs(np.array(t[name]["values"]) - arr)) <= 1e-12, f"{label} {task} per-class {name}")
        check(t["support"]["values"] == list(map(int, sc)), f"{label} {task} support")
        cm = confusion_matrix(gold, p, labels=list(range(C)))
        check(t["confusion_matrix"]["values"] == [int(x) for x in cm.flatten()] and
              t["confusion_matrix"]["shape"] == [C, C], f"{label} {task} confusion matrix")
    mean = sum(got["tasks"][t]["official"] for t in TASKS) / 7
    check(abs(got["tweeteval"] - mean) <= 1e-12, f"{label} average")
    return got


def run_official_script(script, root, pred):
    out = subprocess.run(["/usr/bin/python3", script, "--tweeteval_path", root + "/", "--predictions_path",
                          pred + "/"], capture_output=True, text=True)
    scores = dict(re.findall(r"^(\w+): (-?[0-9.e-]+)$", out.stdout, re.M))
    m = re.search(r"TweetEval Score: (-?[0-9.e-]+)", out.stdout)
    if m is None or len(scores) != 7:
        raise SystemExit(f"FAIL: could not read evaluation_script.py output:\n{out.stdout}\n{out.stderr}")
    return {k: float(v) for k, v in scores.items()}, float(m.group(1))


def compare_with_script(script, root, pred, label):
    scores, total = run_official_script(script, root, pred)
    out = subprocess.run([FTLAB, "score", "--tweeteval", root, "--predictions", pred], capture_output=True, text=True)
    check(out.returncode == 0, f"{label}: ftlab score failed: {out.stderr.strip()}")
    printed = dict(re.findall(r"^(\w+)\s.*\s(-?[0-9.e-]+)$", out.stdout, re.M))
    for task in TASKS:
        check(close(float(printed[task]), scores[task], 1e-6, "script"),
              f"{label} {task}: ftlab printed {printed.get(task)} official script {scores[task]}")
    check(close(float(printed["TweetEval"]), total, 1e-6, "script"), f"{label} TweetEval: {printed['TweetEval']} vs {total}")
    print(f"{label}: official script {total:.6f}, ftlab {printed['TweetEval']}")


rng = random.Random(20261126)
tmp = tempfile.mkdtemp(prefix="ftlab-score-")
try:
    synth = f"{tmp}/synthetic"
    make_synthetic(synth, rng)
    for i, mode in enumerate(["uniform", "uniform", "subset", "subset", "constant"]):
        pred = f"{tmp}/pred-synth-{i}"
        random_predictions(synth, pred, rng, mode)
        compare_with_sklearn(synth, pred, f"synthetic/{mode}/{i}")
    script = os.path.join(SHARED, "evaluation_script.py")
    real = os.path.join(SHARED, "datasets")
    if SHARED and os.path.isfile(script) and os.path.isdir(real):
        for i, mode in enumerate(["uniform", "subset"]):
            pred = f"{tmp}/pred-real-{i}"
            random_predictions(real, pred, rng, mode)
            compare_with_sklearn(real, pred, f"tweeteval/{mode}/{i}")
            compare_with_script(script, real, pred, f"tweeteval/{mode}/{i}")
        for i, mode in enumerate(["uniform", "subset"]):
            compare_with_script(script, synth, f"{tmp}/pred-synth-{2 * i}", f"synthetic/{mode}")
    else:
        print(f"NOTE: {SHARED or '(no path)'} lacks TweetEval's datasets/ + evaluation_script.py; "
              "skipped the comparison with the official script")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

if failures:
    for f in failures[:30]:
        print("FAIL:", f)
    sys.exit(1)
print(f"ok: {checked} checks; largest difference vs scikit-learn {max_diff['sklearn']:.3g}, "
      f"vs evaluation_script.py {max_diff['script']:.3g}")
