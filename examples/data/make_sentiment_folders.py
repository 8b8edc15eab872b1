#!/usr/bin/env python3
"""Rebuilds examples/data/sentiment-folders (the class_files example dataset)
from the bundled TweetEval sentiment sample: the first 200 (train) or 60
(validation, test) tweets of each label of the sample's train, val and test
files, written one tweet per line to <split>/<label>.txt. Deterministic; run
from anywhere: python3 examples/data/make_sentiment_folders.py"""
import pathlib

here = pathlib.Path(__file__).resolve().parent
src = here.parent.parent / "experiments" / "assets" / "tweeteval-sample" / "sentiment"
names = [line.split("\t")[1] for line in (src / "mapping.txt").read_text().splitlines() if line.strip()]
for split, stem, per_label in (("train", "train", 200), ("validation", "val", 60), ("test", "test", 60)):
    texts = (src / f"{stem}_text.txt").read_text(encoding="utf-8").split("\n")
    labels = (src / f"{stem}_labels.txt").read_text().split("\n")
    out = here / "sentiment-folders" / split
    out.mkdir(parents=True, exist_ok=True)
    for k, name in enumerate(names):
        picked = [t for t, l in zip(texts, labels) if l.strip() == str(k) and t.strip()][:per_label]
        (out / f"{name}.txt").write_text("\n".join(picked) + "\n", encoding="utf-8")
