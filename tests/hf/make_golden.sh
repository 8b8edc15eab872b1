#!/bin/bash
# make_golden.sh PYTHON GENERATOR OUT COMMITTED - regenerates the transformers
# golden fixtures with the pinned transformers (scripts/setup-pip.sh) on the
# CPU: GENERATOR is ../shared/gpu/hf_reference.py (tiny random RoBERTa, BERT,
# DistilBERT saved by save_pretrained, with their logits, loss, gradients and
# one AdamW step). hf_golden then checks ftlab against OUT. Also prints how far
# OUT is from the committed tests/fixtures/hf (COMMITTED), for the record: the
# two were written by the same pins, on an H100 machine's CPU and here.
set -euo pipefail
py="$1" gen="$2" out="$3" committed="$4"
here="$(cd "$(dirname "$0")/../.." && pwd)"
[ -x "$py" ] || { echo "SKIP: no Python with transformers at $py (run scripts/setup-pip.sh)"; exit 77; }
[ -f "$gen" ] || { echo "SKIP: no generator at $gen (../shared/gpu is not beside this checkout)"; exit 77; }
rm -rf "$out"
"$py" "$gen" golden --vocab-dir "$here/experiments/assets/roberta-base" \
  --bert-vocab "$here/experiments/assets/bert-base-uncased/vocab.txt" --out "$out" 2>&1 | grep -v 'Writing model shards'
"$py" - "$out" "$committed" <<'PY'
import os, sys
from safetensors.torch import load_file
out, committed = sys.argv[1], sys.argv[2]
for m in ("roberta", "bert", "distilbert"):
    a = load_file(os.path.join(out, m, "golden.safetensors"))
    path = os.path.join(committed, m, "golden.safetensors")
    if not os.path.isfile(path):
        print(f"{m}: regenerated, {len(a)} tensors (no committed copy to compare)")
        continue
    b = load_file(path)
    diff = max((a[k].float() - b[k].float()).abs().max().item() for k in a if k in b)
    print(f"{m}: regenerated, {len(a)} tensors; max |diff| to the committed fixture {diff:.3g}")
PY
