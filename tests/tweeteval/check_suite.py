#!/usr/bin/python3
"""check_suite.py FTLAB SOURCE_DIR OUT_DIR - `ftlab suite` end to end on tiny
sizes (a tiny base checkpoint, 64 training tweets, 1 epoch): the table lists each
task with its official metric, the predictions are written in the official
layout and equal the argmax of eval/test/final/logits read with h5py, and
`ftlab score` on those files, and `ftlab score --run` on the results file,
print the score of the table.
Runs sentiment on the bundled sample (no download); adds irony and stance
(pooled, split back into stance/<target>.txt) when ../shared holds TweetEval."""
import os
import re
import shutil
import subprocess
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:
    print(f"SKIP: h5py/numpy missing ({e}); apt-get install python3-h5py")
    sys.exit(77)

FTLAB, SRC, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
# The experiment files fine-tune a downloaded checkpoint; a tiny base checkpoint in
# the hub layout (tests/hf/make_checkpoint.py: width 16, 2 layers, 40 positions,
# RoBERTa's vocabulary) stands in for models/distilroberta-base.
CKPT = os.path.join(OUT, "checkpoint")
subprocess.run(["/usr/bin/python3", f"{SRC}/tests/hf/make_checkpoint.py", "roberta", CKPT, "--base", "--vocab", "50265"],
               check=True, capture_output=True)
TINY = [f'model.checkpoint="{CKPT}"', "tokenizer.max_length=38", "train.epochs=1",
        "train.learning_rate=1e-3", "dataset.max_train=64", "dataset.max_validation=32", "experiment.threads=2",
        f'experiment.output_dir="{OUT}/results"', f'tokenizer.path="{SRC}/experiments/assets/roberta-base"']
failures = []


def check(ok, msg):
    if not ok:
        failures.append(msg)


def suite(tasks, data, pred_dir):
    cmd = [FTLAB, "suite", f"{SRC}/experiments/tweeteval", "--tasks", ",".join(tasks), "--predictions", pred_dir]
    for s in TINY + [f'dataset.path="{data}"']:
        cmd += ["--set", s]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"FAIL: ftlab suite exited {out.returncode}:\n{out.stdout}\n{out.stderr[-3000:]}")
    print(out.stdout)
    return out.stdout


def read_ids(path):
    with open(path) as f:
        text = f.read()
    check(text.endswith("\n") and "\r" not in text and " " not in text, f"{path}: official format")
    return [int(x) for x in text.split("\n")[:-1]]


def verify(stdout, data, pred_dir, tasks):
    rows = {m.group(1): (m.group(2).strip(), float(m.group(3)), m.group(4))
            for m in re.finditer(r"^(\S+)\s+(.+?)\s+(-?[0-9.]+)\s+(\S+\.h5)$", stdout, re.M)}
    for task in tasks:
        check(task in rows, f"table has no row for {task}:\n{stdout}")
        if task not in rows:
            continue
        label, score, h5 = rows[task]
        want_label = {"sentiment": "macro recall", "irony": "F1 (irony)", "stance": "avg F1 (against, favor)"}[task]
        check(label == want_label, f"{task}: metric column '{label}'")
        with h5py.File(h5) as f:
            check(f.attrs["status"] == "complete", f"{h5} complete")
            pred = list(f["eval/test/final/logits"][()].argmax(axis=1))
            check(abs(f["eval/test/final"].attrs["metric/tweeteval"] * 100 - score) <= 5e-5,
                  f"{task}: table {score} vs results file metric/tweeteval")
        if task == "stance":
            written = sum((read_ids(f"{pred_dir}/stance/{t}.txt")
                           for t in ["abortion", "atheism", "climate", "feminist", "hillary"]), [])
            pred_arg = pred_dir
        else:
            written = read_ids(f"{pred_dir}/{task}.txt")
            pred_arg = f"{pred_dir}/{task}.txt"
        check(written == [int(x) for x in pred], f"{task}: predictions file = argmax of the test logits")
        out = subprocess.run([FTLAB, "score", "--task", task, "--gold", data, "--predictions", pred_arg],
                             capture_output=True, text=True)
        m = re.search(rf"^{task}: (\S+) ", out.stdout, re.M)
        check(m is not None and abs(float(m.group(1)) * 100 - score) <= 5e-5,
              f"{task}: ftlab score {out.stdout.strip()[-80:]} {out.stderr.strip()} vs table {score}")
        out = subprocess.run([FTLAB, "score", "--run", h5, "--gold", data, "--write-predictions", f"{pred_dir}-run"],
                             capture_output=True, text=True)
        m = re.search(rf"^{task}: (\S+) ", out.stdout, re.M)
        check(m is not None and abs(float(m.group(1)) * 100 - score) <= 5e-5,
              f"{task}: ftlab score --run {out.stdout.strip()[-80:]} {out.stderr.strip()} vs table {score}")
        again = sum((read_ids(f"{pred_dir}-run/stance/{t}.txt")
                     for t in ["abortion", "atheism", "climate", "feminist", "hillary"]), []) if task == "stance" \
            else read_ids(f"{pred_dir}-run/{task}.txt")
        check(again == written, f"{task}: score --run wrote the suite's predictions")
    check(re.search(r"^TweetEval\s+average\s+[0-9.]+\s+\(mean of %d tasks" % len(tasks), stdout, re.M) is not None,
          "average row")


sample = f"{SRC}/experiments/assets/tweeteval-sample"
stdout = suite(["sentiment"], sample, f"{OUT}/pred-sample")
verify(stdout, sample, f"{OUT}/pred-sample", ["sentiment"])
shared = os.path.normpath(f"{SRC}/../shared/data/tweeteval/datasets")
if os.path.isdir(shared):
    stdout = suite(["irony", "stance"], shared, f"{OUT}/pred-shared")
    verify(stdout, shared, f"{OUT}/pred-shared", ["irony", "stance"])
    # five per-target stance runs (as the Cardiff models are trained): the suite pools them
    targets = ["abortion", "atheism", "climate", "feminist", "hillary"]
    folder = f"{OUT}/stance-targets"
    os.makedirs(folder)
    base = open(f"{SRC}/experiments/tweeteval/stance.toml").read()
    for t in targets:
        text = base.replace('task = "stance"', f'task = "stance/{t}"')
        text = text.replace('name = "tweeteval-stance"', f'name = "tweeteval-stance-{t}"')
        check(text.count(f'task = "stance/{t}"') >= 2 and f"stance-{t}\"" in text,
              "stance.toml has experiment.name, dataset.task and metric.task")
        open(f"{folder}/{t}.toml", "w").write(text)
    cmd = [FTLAB, "suite", folder, "--predictions", f"{OUT}/pred-targets"]
    for s in TINY + [f'dataset.path="{shared}"']:
        cmd += ["--set", s]
    out = subprocess.run(cmd, capture_output=True, text=True)
    print(out.stdout)
    check(out.returncode == 0, f"per-target suite exited {out.returncode}: {out.stderr[-2000:]}")
    m = re.search(r"^stance\s+avg F1 \(against, favor\)\s+([0-9.]+)\s+\(pooled from the five per-target runs\)$",
                  out.stdout, re.M)
    check(m is not None, "pooled stance row")
    ref = subprocess.run([FTLAB, "score", "--task", "stance", "--gold", shared, "--predictions", f"{OUT}/pred-targets"],
                         capture_output=True, text=True)
    r = re.search(r"^stance: (\S+) ", ref.stdout, re.M)
    check(m is not None and r is not None and abs(float(r.group(1)) * 100 - float(m.group(1))) <= 5e-5,
          f"pooled row vs ftlab score: {ref.stdout[-100:]} {ref.stderr}")
    avg = re.search(r"^TweetEval\s+average\s+([0-9.]+)\s+\(mean of 1 tasks", out.stdout, re.M)
    check(m is not None and avg is not None and avg.group(1) == m.group(1), "average counts only the pooled row")
else:
    print(f"NOTE: {shared} is absent; irony and pooled stance not run")

if failures:
    for f in failures:
        print("FAIL:", f)
    sys.exit(1)
print("ok")
