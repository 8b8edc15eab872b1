#!/usr/bin/env python3
"""check_checkpoints.py HF_LOGITS WORKDIR - Hugging Face hub folders written by
hand (make_checkpoint.py: Debian's python3-torch + struct/json, no ftlab code)
load into the roberta, bert and distilbert plugins with exactly the stored
values (F32, and F16 converted); base checkpoints get a seeded N(0, 0.02)
classifier with zero bias; logits match an independent plain-PyTorch
reference forward (reference.py, not transformers) within 1e-5 of max |logit|;
every bad input is a one-line error."""
import json
import os
import shutil
import subprocess
import sys

from common import check, expect_error, finish, run_logits, st_io, HERE
import reference
import torch
import torch.nn.functional as F

exe, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
PAD = {"roberta": 1, "bert": 0, "distilbert": 0}
DROPOUTS = {"roberta": ("hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"),
            "bert": ("hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"),
            "distilbert": ("dropout", "attention_dropout", "seq_classif_dropout")}


def make(arch, name, *extra):
    d = os.path.join(work, name)
    subprocess.run([sys.executable, os.path.join(HERE, "make_checkpoint.py"), arch, d, *extra], check=True)
    return d


def model_config(arch, d, **kw):
    c = {"checkpoint": d, "num_labels": 3, "vocab_size": 120, "pad_token_id": PAD[arch]}
    c.update(kw)
    return c


for arch in ("roberta", "bert", "distilbert"):
    d = make(arch, arch)
    inputs = os.path.join(d, "inputs.safetensors")
    out = os.path.join(work, arch + "-out.safetensors")
    W, _ = st_io.read(os.path.join(d, "model.safetensors"))
    cfg = json.load(open(os.path.join(d, "config.json")))
    got, _ = run_logits(exe, arch, model_config(arch, d), inputs, out, dump=True)
    same = all(torch.equal(got["param." + k], v) for k, v in W.items())
    n_params = sum(1 for k in got if k.startswith("param."))
    check(same and n_params == len(W), f"{arch}: all {len(W)} tensors load with the stored values")
    x, _ = st_io.read(inputs)
    with torch.no_grad():
        ref = reference.LOGITS[arch](W, cfg, x["input_ids"], x["attention_mask"])
    err = ((got["logits"] - ref).abs().max() / ref.abs().max()).item()
    check(err <= 1e-5, f"{arch}: logits vs the plain-PyTorch reference: max rel diff {err:.2e} (<= 1e-5)")
    ref_loss = F.cross_entropy(ref, x["labels"]).item()
    check(abs(got["loss"].item() - ref_loss) <= 1e-5 * max(1.0, abs(ref_loss)),
          f"{arch}: loss {got['loss'].item():.6f} vs reference {ref_loss:.6f}")

    # Gradients of the mean cross-entropy in train mode with every dropout 0, vs autograd on the reference.
    Wg = {k: v.clone().requires_grad_(True) for k, v in W.items()}
    F.cross_entropy(reference.LOGITS[arch](Wg, cfg, x["input_ids"], x["attention_mask"]), x["labels"]).backward()
    zero = {k: 0.0 for k in DROPOUTS[arch]}
    gt, _ = run_logits(exe, arch, model_config(arch, d, **zero), inputs, out, train=True)
    worst = max(((gt["grad." + k] - v.grad).abs().max() / max(1.0, v.grad.abs().max().item())).item()
                for k, v in Wg.items())
    check(worst <= 1e-4, f"{arch}: {len(Wg)} gradients vs autograd on the reference: worst {worst:.2e} (<= 1e-4)")

    d16 = make(arch, arch + "-f16", "--dtype", "F16")
    W16, _ = st_io.read(os.path.join(d16, "model.safetensors"))
    got16, _ = run_logits(exe, arch, model_config(arch, d16), inputs, out, dump=True)
    check(all(torch.equal(got16["param." + k], v.float()) for k, v in W16.items()), f"{arch}: F16 weights -> float32")

    db = make(arch, arch + "-base", "--base")
    Wb, _ = st_io.read(os.path.join(db, "model.safetensors"))
    gb, log = run_logits(exe, arch, model_config(arch, db), inputs, out, dump=True)
    gb2, _ = run_logits(exe, arch, model_config(arch, db), inputs, out, dump=True)
    head = [k[6:] for k in gb if k.startswith("param.") and k[6:] not in Wb]
    enc_ok = all(torch.equal(gb["param." + k], v) for k, v in Wb.items() if "param." + k in gb)
    biases = all(gb["param." + k].abs().max().item() == 0 for k in head if k.endswith(".bias"))
    ws = torch.cat([gb["param." + k].flatten() for k in head if k.endswith(".weight")])
    check(enc_ok and head and biases and 0.012 < ws.std().item() < 0.028 and abs(ws.mean().item()) < 0.01,
          f"{arch}: base checkpoint: encoder loaded, head {head} N(0, 0.02) std {ws.std().item():.4f}, zero bias")
    check(all(torch.equal(gb["param." + k], gb2["param." + k]) for k in head), f"{arch}: head init is seeded")
    check("ignored" in log and "initialised" in log, f"{arch}: ignored MLM keys and the new head are listed")

# ---- random init from TOML sizes (no checkpoint), as before
d = os.path.join(work, "roberta")
inputs = os.path.join(d, "inputs.safetensors")
out = os.path.join(work, "out.safetensors")
g, _ = run_logits(exe, "roberta", {"num_labels": 3, "vocab_size": 120, "hidden_size": 8, "num_hidden_layers": 1,
                                   "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 20},
                  inputs, out)
check(tuple(g["logits"].shape) == (5, 3), "roberta: random init from TOML sizes")

# ---- bad input: one line each
R = model_config("roberta", d)
expect_error(exe, "roberta", dict(R, hidden_size=32), inputs, out, "remove the key", "TOML size disagrees")
expect_error(exe, "roberta", dict(R, vocab_size=200), inputs, out,
             "the tokenizer has 200 tokens but the checkpoint's embedding table has 120 rows", "vocabulary too large")
expect_error(exe, "roberta", dict(R, pad_token_id=0), inputs, out, "pads with id 0", "pad id disagrees")
expect_error(exe, "roberta", dict(R, num_labels=4), inputs, out, "num_labels comes from the dataset",
             "classifier of another size")
expect_error(exe, "roberta", dict(R, checkpoint=os.path.join(work, "bert")), inputs, out, "model_type",
             "checkpoint of another architecture")
expect_error(exe, "roberta", dict(R, checkpoint=os.path.join(work, "nope")), inputs, out, "config.json not found",
             "missing folder")


def variant(name, mutate_weights=None, mutate_config=None, st_bytes=None):
    v = os.path.join(work, name)
    shutil.copytree(d, v)
    W, meta = st_io.read(os.path.join(v, "model.safetensors"))
    if mutate_weights:
        mutate_weights(W)
        st_io.write(os.path.join(v, "model.safetensors"), W, meta)
    if mutate_config:
        c = json.load(open(os.path.join(v, "config.json")))
        mutate_config(c)
        json.dump(c, open(os.path.join(v, "config.json"), "w"))
    if st_bytes:
        p = os.path.join(v, "model.safetensors")
        data = open(p, "rb").read()
        open(p, "wb").write(st_bytes(data))
    return dict(R, checkpoint=v)


expect_error(exe, "roberta", variant("cfg-mismatch", mutate_config=lambda c: c.update(intermediate_size=64)),
             inputs, out, "config.json does not match the weights", "config.json does not match the weights")
expect_error(exe, "roberta", variant("extra", lambda W: W.update({"roberta.extra.weight": torch.zeros(2)})),
             inputs, out, "unexpected tensor(s)", "unexpected key")
expect_error(exe, "roberta", variant("missing", lambda W: W.pop("roberta.encoder.layer.1.output.dense.bias")),
             inputs, out, "missing 1 tensor(s)", "missing key")
expect_error(exe, "roberta", variant("half-head", lambda W: W.pop("classifier.out_proj.bias")),
             inputs, out, "missing 1 tensor(s)", "partial classifier")
expect_error(exe, "roberta", variant("int", lambda W: W.update({"classifier.dense.bias": torch.zeros(16, dtype=torch.int64)})),
             inputs, out, "must be F32, F16, BF16 or F64", "integer weights")
expect_error(exe, "roberta", variant("truncated", st_bytes=lambda b: b[:-100]), inputs, out, "truncated",
             "truncated model.safetensors")
expect_error(exe, "roberta", variant("garbage", st_bytes=lambda b: b"\xff" * 64), inputs, out, "header length",
             "garbage model.safetensors")
expect_error(exe, "roberta", variant("act", mutate_config=lambda c: c.update(hidden_act="relu")), inputs, out,
             "hidden_act", "unsupported activation")
pk = variant("pickle")
os.rename(os.path.join(pk["checkpoint"], "model.safetensors"), os.path.join(pk["checkpoint"], "pytorch_model.bin"))
expect_error(exe, "roberta", pk, inputs, out, "pickle file, which ftlab never loads", "pickle .bin refused")
finish()
