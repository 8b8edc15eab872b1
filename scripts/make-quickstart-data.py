#!/usr/bin/env python3
"""Builds the quickstart's bundled TweetEval sentiment sample.

The SemEval-2017 sentiment tweets that TweetEval ships as `val` and `test`
(CC BY 3.0) are pooled and re-split, with a fixed seed, into train / val / test
for the demo. Output: experiments/assets/tweeteval-sample/sentiment/ in the
cardiffnlp layout. Usage: scripts/make-quickstart-data.py [TWEETEVAL_DATASETS_DIR]
(default ../shared/data/tweeteval/datasets). Plain Python 3, no packages.
"""
import os
import random
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data", "tweeteval", "datasets")
DST = os.path.join(os.path.dirname(__file__), "..", "experiments", "assets", "tweeteval-sample", "sentiment")
SIZES = {"train": 11284, "val": 1000, "test": 2000}


def lines(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8")
    out = data.split("\n")
    if out and out[-1] == "":
        out.pop()  # the final newline does not start another line
    return out


pool = []
for split in ("val", "test"):
    texts = lines(os.path.join(SRC, "sentiment", f"{split}_text.txt"))
    labels = lines(os.path.join(SRC, "sentiment", f"{split}_labels.txt"))
    assert len(texts) == len(labels), split
    pool += list(zip(texts, labels))
assert len(pool) == sum(SIZES.values()), len(pool)
random.Random(20171).shuffle(pool)

os.makedirs(DST, exist_ok=True)
start = 0
for split, n in SIZES.items():
    part = pool[start:start + n]
    start += n
    with open(os.path.join(DST, f"{split}_text.txt"), "wb") as f:
        f.write("".join(t + "\n" for t, _ in part).encode("utf-8"))
    with open(os.path.join(DST, f"{split}_labels.txt"), "wb") as f:
        f.write("".join(l + "\n" for _, l in part).encode("utf-8"))
with open(os.path.join(SRC, "sentiment", "mapping.txt"), "rb") as f:
    mapping = f.read()
with open(os.path.join(DST, "mapping.txt"), "wb") as f:
    f.write(mapping)
print(f"wrote {DST}: " + ", ".join(f"{k} {v}" for k, v in SIZES.items()))
