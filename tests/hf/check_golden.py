#!/usr/bin/env python3
"""check_golden.py HF_LOGITS FIXTURES WORKDIR - parity with Hugging Face
transformers itself. FIXTURES is tests/fixtures/hf/, written on a machine
with transformers by ../shared/gpu/hf_reference.py golden (copy its
roberta/, bert/, distilbert/ folders: config.json, model.safetensors,
golden.safetensors). For each model: eval logits within 1e-5 of max |logit|
and the loss; train-mode gradients (every dropout 0) within 1e-4 of
max(1, max |grad|) per parameter. Skips (exit 77) while FIXTURES is absent."""
import json
import os
import shutil
import sys

from common import check, finish, run_logits, st_io

exe, fixtures, work = sys.argv[1], sys.argv[2], sys.argv[3]
models = [m for m in ("roberta", "bert", "distilbert") if os.path.isfile(os.path.join(fixtures, m, "golden.safetensors"))]
if not models:
    print(f"SKIP: no transformers fixtures in {fixtures} yet (generate them with ../shared/gpu/hf_reference.py "
          "golden on a machine with transformers and copy roberta/, bert/, distilbert/ there)")
    sys.exit(77)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
DROPOUTS = {"roberta": ("hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"),
            "bert": ("hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"),
            "distilbert": ("dropout", "attention_dropout", "seq_classif_dropout")}
for m in models:
    d = os.path.join(fixtures, m)
    cfg = json.load(open(os.path.join(d, "config.json")))
    golden = os.path.join(d, "golden.safetensors")
    G, meta = st_io.read(golden)
    base = {"checkpoint": os.path.abspath(d), "num_labels": int(G["logits"].shape[1]), "vocab_size": cfg["vocab_size"],
            "pad_token_id": cfg["pad_token_id"]}
    out = os.path.join(work, m + ".safetensors")
    got, _ = run_logits(exe, cfg["model_type"], base, golden, out)
    ref = G["logits"].float()
    err = ((got["logits"] - ref).abs().max() / ref.abs().max()).item()
    check(err <= 1e-5, f"{m}: logits vs transformers {meta.get('transformers', '?')}: max rel diff {err:.2e} (<= 1e-5)")
    lerr = abs(got["loss"].item() - G["loss"].item())
    check(lerr <= 1e-5 * max(1.0, abs(G["loss"].item())), f"{m}: loss diff {lerr:.2e}")
    got, _ = run_logits(exe, cfg["model_type"], dict(base, **{k: 0.0 for k in DROPOUTS[m]}), golden, out, train=True)
    worst, worst_name, n = 0.0, "", 0
    for k, v in G.items():
        if not k.startswith("grad."):
            continue
        n += 1
        if k not in got:
            check(False, f"{m}: ftlab has no parameter {k[5:]}")
            continue
        e = ((got[k] - v.float()).abs().max() / max(1.0, v.float().abs().max().item())).item()
        if e > worst:
            worst, worst_name = e, k[5:]
    check(n > 0 and worst <= 1e-4, f"{m}: {n} parameter gradients, worst {worst:.2e} ({worst_name}) (<= 1e-4)")
finish()
