#!/usr/bin/env python3
"""make_checkpoint.py - writes tiny Hugging Face hub folders (config.json +
model.safetensors, by hand with st_io.py) for RoBERTa, BERT and DistilBERT
with random weights, as transformers would save them: full sequence
classifiers, or base checkpoints (masked-LM heads, no classifier). Also writes
inputs.safetensors (input_ids, attention_mask with right padding, labels).
Key names and shapes follow ../shared/reference/hf-parity.md B.1, E.2, E.3.

  make_checkpoint.py ARCH OUT_DIR [--base] [--seed N] [--dtype F32|F16|BF16] [--positions N]
"""
import argparse
import json
import os

import torch

import st_io

H, HEADS, INTER, LAYERS, LABELS = 16, 2, 32, 2, 3


def config(arch, vocab):
    if arch == "roberta":
        return {"architectures": ["RobertaForSequenceClassification"], "model_type": "roberta", "vocab_size": vocab,
                "hidden_size": H, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
                "intermediate_size": INTER, "max_position_embeddings": 40, "type_vocab_size": 1,
                "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2, "layer_norm_eps": 1e-5,
                "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
                "classifier_dropout": None, "initializer_range": 0.02, "position_embedding_type": "absolute"}
    if arch == "bert":
        return {"architectures": ["BertForSequenceClassification"], "model_type": "bert", "vocab_size": vocab,
                "hidden_size": H, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
                "intermediate_size": INTER, "max_position_embeddings": 40, "type_vocab_size": 2,
                "pad_token_id": 0, "layer_norm_eps": 1e-12, "hidden_act": "gelu",
                "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02}
    return {"architectures": ["DistilBertForSequenceClassification"], "model_type": "distilbert", "vocab_size": vocab,
            "dim": H, "n_layers": LAYERS, "n_heads": HEADS, "hidden_dim": INTER, "max_position_embeddings": 40,
            "pad_token_id": 0, "activation": "gelu", "dropout": 0.1, "attention_dropout": 0.1,
            "seq_classif_dropout": 0.2, "sinusoidal_pos_embds": False, "initializer_range": 0.02}


def weights(arch, cfg, base, g):
    V = cfg["vocab_size"]
    w = {}

    def lin(name, o, i):
        w[name + ".weight"] = torch.randn(o, i, generator=g) * 0.2
        w[name + ".bias"] = torch.randn(o, generator=g) * 0.1

    def ln(name):
        w[name + ".weight"] = 1 + torch.randn(H, generator=g) * 0.1
        w[name + ".bias"] = torch.randn(H, generator=g) * 0.1

    if arch in ("roberta", "bert"):
        p = arch + "."
        w[p + "embeddings.word_embeddings.weight"] = torch.randn(V, H, generator=g)
        w[p + "embeddings.position_embeddings.weight"] = torch.randn(cfg["max_position_embeddings"], H, generator=g)
        w[p + "embeddings.token_type_embeddings.weight"] = torch.randn(cfg["type_vocab_size"], H, generator=g)
        ln(p + "embeddings.LayerNorm")
        for i in range(LAYERS):
            q = f"{p}encoder.layer.{i}."
            for n in ("query", "key", "value"):
                lin(q + "attention.self." + n, H, H)
            lin(q + "attention.output.dense", H, H)
            ln(q + "attention.output.LayerNorm")
            lin(q + "intermediate.dense", INTER, H)
            lin(q + "output.dense", H, INTER)
            ln(q + "output.LayerNorm")
        if arch == "bert":
            lin("bert.pooler.dense", H, H)
        if base and arch == "roberta":  # RobertaForMaskedLM (+ an old pooler transformers drops)
            lin("lm_head.dense", H, H)
            ln("lm_head.layer_norm")
            w["lm_head.bias"] = torch.randn(V, generator=g)
            lin("roberta.pooler.dense", H, H)
        elif base:  # BertForPreTraining heads
            lin("cls.predictions.transform.dense", H, H)
            ln("cls.predictions.transform.LayerNorm")
            w["cls.predictions.bias"] = torch.randn(V, generator=g)
            lin("cls.seq_relationship", 2, H)
        elif arch == "roberta":
            lin("classifier.dense", H, H)
            lin("classifier.out_proj", LABELS, H)
        else:
            lin("classifier", LABELS, H)
    else:
        p = "distilbert."
        w[p + "embeddings.word_embeddings.weight"] = torch.randn(V, H, generator=g)
        w[p + "embeddings.position_embeddings.weight"] = torch.randn(cfg["max_position_embeddings"], H, generator=g)
        ln(p + "embeddings.LayerNorm")
        for i in range(LAYERS):
            q = f"{p}transformer.layer.{i}."
            for n in ("q_lin", "k_lin", "v_lin", "out_lin"):
                lin(q + "attention." + n, H, H)
            ln(q + "sa_layer_norm")
            lin(q + "ffn.lin1", INTER, H)
            lin(q + "ffn.lin2", H, INTER)
            ln(q + "output_layer_norm")
        if base:  # DistilBertForMaskedLM
            lin("vocab_transform", H, H)
            ln("vocab_layer_norm")
            w["vocab_projector.bias"] = torch.randn(V, generator=g)
        else:
            lin("pre_classifier", H, H)
            lin("classifier", LABELS, H)
    return w


def inputs(cfg, g, batch=5, T=12):
    pad = cfg["pad_token_id"]
    lengths = [T, 9, 4, 1 + 2, T - 1][:batch]
    ids = torch.full((batch, T), pad, dtype=torch.int64)
    mask = torch.zeros(batch, T, dtype=torch.int64)
    for b, n in enumerate(lengths):
        ids[b, :n] = torch.randint(3, cfg["vocab_size"], (n,), generator=g)
        mask[b, :n] = 1
    labels = torch.arange(batch, dtype=torch.int64) % LABELS
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("arch", choices=["roberta", "bert", "distilbert"])
    ap.add_argument("out")
    ap.add_argument("--base", action="store_true", help="masked-LM checkpoint without a classifier")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--vocab", type=int, default=120)
    ap.add_argument("--dtype", default="F32", choices=["F32", "F16", "BF16"])
    ap.add_argument("--positions", type=int, default=40, help="max_position_embeddings")
    a = ap.parse_args()
    g = torch.Generator().manual_seed(a.seed)
    cfg = config(a.arch, a.vocab)
    cfg["max_position_embeddings"] = a.positions
    if a.base:
        cfg["architectures"] = [{"roberta": "RobertaForMaskedLM", "bert": "BertForPreTraining",
                                 "distilbert": "DistilBertForMaskedLM"}[a.arch]]
    os.makedirs(a.out, exist_ok=True)
    w = weights(a.arch, cfg, a.base, g)
    w = {k: v.to(st_io.DTYPES[a.dtype]) for k, v in w.items()}
    st_io.write(os.path.join(a.out, "model.safetensors"), w, {"format": "pt"})
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    st_io.write(os.path.join(a.out, "inputs.safetensors"), inputs(cfg, g))


if __name__ == "__main__":
    main()
