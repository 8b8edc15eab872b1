#!/bin/bash
# predict_matches_training.sh FTLAB SOURCE_DIR WORKDIR - new texts are prepared
# as training prepared them: for each bundled dataset plugin (tweeteval, which
# strips every text as Hugging Face's loader does, and table, which keeps them
# as written) a run's own raw test texts, given to `ftlab predict --run` and to
# `ftlab predict --model` on its export, give the probabilities the run stored
# for its test split within 1e-5. And the check has teeth: the export without
# its ftlab_dataset.toml (texts used as given) misses on the stripped texts.
set -uo pipefail
ftlab="$1" src="$2" work="$3"
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
sample="$src/experiments/assets/tweeteval-sample/sentiment"
head -300 "$sample/test_text.txt" > test_text.txt
# The table dataset: the same tweets as JSON Lines, texts exactly as in the files.
/usr/bin/python3 - "$sample" <<'PY' || fail "writing the JSONL files"
import json, sys
d = sys.argv[1]
for split, stem, n in (("train", "train", 320), ("validation", "val", 32), ("test", "test", 300)):
    texts = open(f"{d}/{stem}_text.txt", encoding="utf-8").read().split("\n")[:n]
    labels = open(f"{d}/{stem}_labels.txt").read().split()[:n]
    with open(f"{split}.jsonl", "w", encoding="utf-8") as f:
        for t, l in zip(texts, labels):
            f.write(json.dumps({"text": t, "label": int(l)}) + "\n")
PY
common=(--set dataset.max_validation=32 --set dataset.max_test=300 --set train.epochs=1 --set experiment.threads=2)
# The quickstart experiment with its [dataset] table swapped for the table plugin's.
/usr/bin/python3 - "$src/experiments/quickstart.toml" "$work" <<'PY' || fail "writing table.toml"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read().replace('"assets/', '"' + sys.argv[1].rsplit("/", 1)[0] + "/assets/")
table = f'[dataset]\nplugin = "table"\ntrain = "{sys.argv[2]}/train.jsonl"\nvalidation = "{sys.argv[2]}/validation.jsonl"\n' \
        f'test = "{sys.argv[2]}/test.jsonl"\n\n'
open("table.toml", "w", encoding="utf-8").write(re.sub(r"\[dataset\]\n(?:[^\[]*\n)", table, text, count=1))
PY
compare() { # compare RUN.h5 PREDICTIONS.jsonl MODE: MODE = same (within 1e-5) or differs
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
import h5py, numpy as np
run, pred, mode = sys.argv[1:4]
with h5py.File(run, "r") as f:
    lg = f["eval/test/final/logits"][()].astype(np.float64)
    names = [n.decode() if isinstance(n, bytes) else n for n in f["data/label_names"][()]]
p = np.exp(lg - lg.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
rows = [json.loads(l) for l in open(pred, encoding="utf-8")]
got = np.array([[{d["label"]: d["probability"] for d in r["top_k"]}[n] for n in names] for r in rows])
err = np.abs(got - p).max(axis=1) if got.shape == p.shape else np.array([np.inf])
print(f"{pred}: {len(rows)} texts, max |p - stored| {err.max():.2e}, {(err > 1e-5).sum()} rows beyond 1e-5")
sys.exit(0 if (err.max() <= 1e-5) == (mode == "same") else 1)
PY
}
for ds in tweeteval table; do
  exp="$src/experiments/quickstart.toml"
  [ $ds = table ] && exp=table.toml
  "$ftlab" run "$exp" --output $ds.h5 "${common[@]}" --set dataset.max_train=320 > $ds.run.log 2>&1 ||
    { tail -3 $ds.run.log; fail "$ds run"; }
  "$ftlab" predict --run $ds.h5 --input test_text.txt --output $ds.run.jsonl --top-k 3 2> $ds.pr.log ||
    { cat $ds.pr.log; fail "$ds predict --run"; }
  compare $ds.h5 $ds.run.jsonl same || fail "$ds: predict --run differs from the stored test predictions"
  "$ftlab" export $ds.h5 --out $ds.export > /dev/null 2>&1 || fail "$ds export"
  "$ftlab" predict --model $ds.export --input test_text.txt --output $ds.model.jsonl --top-k 3 2> $ds.pm.log ||
    { cat $ds.pm.log; fail "$ds predict --model"; }
  compare $ds.h5 $ds.model.jsonl same || fail "$ds: predict --model differs from the stored test predictions"
done
rm tweeteval.export/ftlab_dataset.toml
"$ftlab" predict --model tweeteval.export --input test_text.txt --output raw.jsonl --top-k 3 2> /dev/null || fail "raw"
compare tweeteval.h5 raw.jsonl differs || fail "texts used as given matched too: this test would not catch the skew"
echo "ok: both datasets' runs and exports predict their own test texts as stored"
