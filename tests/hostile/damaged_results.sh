#!/bin/bash
# damaged_results.sh FTLAB SOURCE_DIR WORKDIR - results files damaged with
# h5py (a NaN logit, a gold label outside the classes, labels shorter than
# the logits) given to every reader of stored predictions: report, score
# --run, inspect and compare. Each refuses with one line naming the file and
# dataset (exit 1..125, never a signal), report leaves no page behind, and
# compare says why it ran no significance test instead of scoring NaN.
set -uo pipefail
. "$(dirname "$0")/expect.sh"
ftlab="$1" src="$2" work="$3"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
"$ftlab" run "$src/experiments/quickstart.toml" --output r.h5 --set dataset.max_train=64 \
  --set dataset.max_validation=32 --set dataset.max_test=32 --set model.hidden_size=16 \
  --set model.intermediate_size=32 --set model.num_hidden_layers=1 --set model.num_attention_heads=2 \
  --set train.epochs=1 --set experiment.threads=1 > run.log 2>&1 || { cat run.log; fail "run"; }
for k in nan label short; do cp r.h5 $k.h5; done
/usr/bin/python3 - <<'PY' || fail "h5py could not damage the files"
import h5py, numpy as np
with h5py.File("nan.h5", "r+") as f:
    d = f["eval/test/final/logits"]; a = d[()]; a[3, 1] = np.nan; d[...] = a
with h5py.File("label.h5", "r+") as f:
    d = f["eval/test/final/labels"]; a = d[()]; a[5] = 7; d[...] = a
with h5py.File("short.h5", "r+") as f:
    a = f["eval/test/final/labels"][()]; del f["eval/test/final/labels"]; f["eval/test/final/labels"] = a[:-4]
PY
gold="$src/experiments/assets/tweeteval-sample"
nan="nan.h5: eval/test/final/logits holds 1 NaN or infinite values \\(first in row 3\\)"
label="label.h5: eval/test/final/labels\\[5\\] = 7 is outside 0..2"
short="short.h5: eval/test/final/labels has 28 entries but logits has 32 rows"
for k in nan label short; do
  expect "report $k" "${!k}" "$ftlab" report $k.h5 --out $k.html
  [ -e $k.html ] && fail "report $k left $k.html"
  ls $k.html.tmp-* > /dev/null 2>&1 && fail "report $k left a temporary file"
  expect "score --run $k" "${!k}" "$ftlab" score --run $k.h5 --gold "$gold"
done
expect "inspect label" "$label" "$ftlab" inspect label.h5
expect "inspect short" "$short" "$ftlab" inspect short.h5
out=$("$ftlab" compare r.h5 nan.h5 2>&1) || fail "compare with a NaN run: exit $?: $out"
printf '%s' "$out" | grep -Eq "no significance test: $nan" || fail "compare does not say why it ran no test: $out"
echo "ok: compare r.h5 nan.h5 shows the stored metrics and: $(printf '%s\n' "$out" | grep 'no significance')"
