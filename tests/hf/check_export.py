#!/usr/bin/env python3
"""check_export.py FTLAB HF_LOGITS SOURCE_DIR WORKDIR - fine-tune a tiny
RoBERTa base checkpoint (written by make_checkpoint.py) with `ftlab run`,
`ftlab export` it, then check the folder as transformers would read it
(config.json architectures/model_type/sizes/id2label/label2id, 8-byte padded
safetensors header with {"format": "pt"}, tokenizer files) and that reloading
the export in ftlab gives bit-identical logits to the run's own final weights
(read from the results file with --h5-weights). The plain-PyTorch reference
(reference.py) stands in for transformers, which is checked on a machine that
has it (docs/checkpoints.md)."""
import json
import os
import shutil
import struct
import subprocess
import sys

from common import check, finish, run_logits, st_io, HERE
import reference
import torch

ftlab, exe, src, work = sys.argv[1:5]
try:
    import h5py
except ImportError:
    print("SKIP: python3-h5py is not installed")
    sys.exit(77)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
ckpt = os.path.join(work, "ckpt")
subprocess.run([sys.executable, os.path.join(HERE, "make_checkpoint.py"), "roberta", ckpt, "--base", "--vocab", "50265"],
               check=True)
assets = os.path.join(src, "experiments", "assets")
exp = os.path.join(work, "exp.toml")
with open(exp, "w") as f:
    f.write(f"""[experiment]
name = "hf-export"
seed = 3
device = "cpu"
threads = 1

[tokenizer]
plugin = "bpe"
path = "{assets}/roberta-base"
max_length = 32

[dataset]
plugin = "tweeteval"
path = "{assets}/tweeteval-sample"
task = "sentiment"
max_train = 64
max_validation = 32
max_test = 32

[model]
plugin = "roberta"
checkpoint = "ckpt"

[metric]
plugin = "classification"

[train]
epochs = 1
batch_size = 16
eval_batch_size = 32
learning_rate = 1e-3
""")
run_h5 = os.path.join(work, "run.h5")
r = subprocess.run([ftlab, "run", exp, "--output", run_h5], capture_output=True, text=True)
if r.returncode != 0:
    print(r.stderr)
    sys.exit(1)
out = os.path.join(work, "exported")
r = subprocess.run([ftlab, "export", run_h5, "--format", "hf", "--out", out], capture_output=True, text=True)
check(r.returncode == 0, "ftlab export: " + (r.stderr.strip().splitlines() or [""])[-1])
if r.returncode != 0:
    finish()

cfg = json.load(open(os.path.join(out, "config.json")))
with h5py.File(run_h5, "r") as h:
    labels = [s.decode() if isinstance(s, bytes) else s for s in h["data/label_names"][()]]
    H5W = {k: torch.from_numpy(h["model/weights"][k][()]) for k in h["model/weights"]}
check(cfg.get("architectures") == ["RobertaForSequenceClassification"] and cfg.get("model_type") == "roberta",
      "config.json: architectures and model_type")
ck = json.load(open(os.path.join(ckpt, "config.json")))
check(all(cfg[k] == ck[k] for k in ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                                    "max_position_embeddings", "type_vocab_size", "vocab_size", "pad_token_id",
                                    "layer_norm_eps")), "config.json: sizes of the checkpoint the run started from")
check(cfg.get("id2label") == {str(i): n for i, n in enumerate(labels)} and
      cfg.get("label2id") == {n: i for i, n in enumerate(labels)}, f"config.json: id2label/label2id {labels}")
check(all(os.path.isfile(os.path.join(out, n)) for n in ("vocab.json", "merges.txt")), "tokenizer files copied")
tc_path = os.path.join(out, "tokenizer_config.json")
check(os.path.isfile(tc_path) and json.load(open(tc_path)).get("model_max_length") == 32,
      "tokenizer_config.json: model_max_length = the run's tokenizer.max_length (32)")

raw = open(os.path.join(out, "model.safetensors"), "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n])
check(n % 8 == 0 and raw[8 + len(json.dumps(header, separators=(',', ':'))):8 + n].strip() == b"",
      f"header {n} bytes, padded to 8 with spaces")
check(header.get("__metadata__") == {"format": "pt"}, "metadata {\"format\": \"pt\"}")
spans = sorted(tuple(v["data_offsets"]) for k, v in header.items() if k != "__metadata__")
check(spans[0][0] == 0 and all(a[1] == b[0] for a, b in zip(spans, spans[1:])) and spans[-1][1] == len(raw) - 8 - n,
      "offsets tile the data buffer")
E, _ = st_io.read(os.path.join(out, "model.safetensors"))
check(set(E) == set(H5W) and all(torch.equal(E[k], H5W[k]) for k in E),
      f"model.safetensors holds the run's {len(H5W)} final weights bit for bit")

inputs = os.path.join(ckpt, "inputs.safetensors")
a, _ = run_logits(exe, "roberta", {"checkpoint": ckpt, "num_labels": len(labels), "vocab_size": 50265,
                                   "pad_token_id": 1}, inputs, os.path.join(work, "a.safetensors"), h5=run_h5)
b, _ = run_logits(exe, "roberta", {"checkpoint": out, "num_labels": len(labels), "vocab_size": 50265,
                                   "pad_token_id": 1}, inputs, os.path.join(work, "b.safetensors"))
check(torch.equal(a["logits"], b["logits"]), "reloaded export: logits bit-identical to the run's weights")
x, _ = st_io.read(inputs)
with torch.no_grad():
    ref = reference.roberta_logits(E, cfg, x["input_ids"], x["attention_mask"])
err = ((b["logits"] - ref).abs().max() / ref.abs().max()).item()
check(err <= 1e-5, f"exported folder through the plain-PyTorch reference: max rel diff {err:.2e}")

for args, needles in (([exp], ("not an ftlab results file", "cannot open as HDF5")),
                      ([run_h5, "--format", "onnx"], ("unknown format",))):
    r = subprocess.run([ftlab, "export", *args, "--out", os.path.join(work, "x")], capture_output=True, text=True)
    msg = r.stderr.strip()
    check(r.returncode != 0 and any(n in msg for n in needles) and "\n" not in msg, f"export error: {msg}")
finish()
