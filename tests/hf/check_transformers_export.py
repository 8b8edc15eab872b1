#!/usr/bin/env python3
"""check_transformers_export.py WORK_EXPORT [FTLAB] - CTest's
hf_transformers_export, run with the pinned transformers of
scripts/setup-pip.sh on the CPU. Loads the folder `ftlab export` wrote in the
hf_export test (WORK_EXPORT/exported) with
transformers.AutoModelForSequenceClassification.from_pretrained and compares
its eval-mode logits on the same inputs (WORK_EXPORT/ckpt/inputs.safetensors)
with ftlab's logits for that folder (WORK_EXPORT/b.safetensors, written by
check_export.py). Target: within 1e-5 of max |logit|. Also loads the folder's
tokenizer with AutoTokenizer and, given FTLAB, checks that `ftlab tokenize`
on the same folder gives the same ids for every TweetEval sample text.
"""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st_io  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

work = sys.argv[1]
ftlab = sys.argv[2] if len(sys.argv) > 2 else None
folder = os.path.join(work, "exported")
model = transformers.AutoModelForSequenceClassification.from_pretrained(folder, attn_implementation="eager").eval()
x, _ = st_io.read(os.path.join(work, "ckpt", "inputs.safetensors"))
ours, _ = st_io.read(os.path.join(work, "b.safetensors"))
with torch.no_grad():
    theirs = model(input_ids=x["input_ids"], attention_mask=x["attention_mask"]).logits
err = ((theirs - ours["logits"]).abs().max() / theirs.abs().max()).item()
tok = transformers.AutoTokenizer.from_pretrained(folder)
print(f"transformers {transformers.__version__}: {type(model).__name__}, labels {model.config.id2label}, "
      f"tokenizer {type(tok).__name__}; logits max rel diff {err:.2e} (target <= 1e-5)")
ok = err <= 1e-5
if ftlab:
    here = os.path.dirname(os.path.abspath(__file__))
    sample = os.path.join(here, "..", "..", "experiments", "assets", "tweeteval-sample")
    texts = [t for f in sorted(glob.glob(os.path.join(sample, "**", "*_text.txt"), recursive=True))
             for t in open(f, encoding="utf-8").read().split("\n") if t]
    r = subprocess.run([ftlab, "tokenize", "--tokenizer", folder, "--special"], input="\n".join(texts) + "\n",
                       capture_output=True, text=True, check=True)
    got = [[int(i) for i in line.split()] for line in r.stdout.split("\n")[:-1]]
    want = tok(texts, add_special_tokens=True)["input_ids"]
    same = sum(g == w for g, w in zip(got, want))
    print(f"tokenizer: ftlab and AutoTokenizer agree on {same} of {len(texts)} texts from the exported folder")
    ok = ok and len(got) == len(want) == same and same > 0
sys.exit(0 if ok else 1)
