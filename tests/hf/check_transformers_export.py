#!/usr/bin/env python3
"""check_transformers_export.py WORK_EXPORT - on a machine WITH transformers
(the GPU machine; not run by CTest here): loads the folder `ftlab export`
wrote in the hf_export test (WORK_EXPORT/exported) with
transformers.AutoModelForSequenceClassification.from_pretrained and compares
its eval-mode logits on WORK_EXPORT/../work-export inputs (ckpt/inputs.safetensors)
with ftlab's logits for the same folder (WORK_EXPORT/b.safetensors, written
by check_export.py). Target: within 1e-5 of max |logit|. Also loads the
tokenizer with AutoTokenizer. Not verified here: Debian 12 has no transformers.
Copy build/tests/hf/work-export to the machine (carry it) and run:
  python3 tests/hf/check_transformers_export.py build/tests/hf/work-export
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st_io  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

work = sys.argv[1]
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
sys.exit(0 if err <= 1e-5 else 1)
