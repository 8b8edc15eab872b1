"""reference.py - independent reference forward passes of Hugging Face's
RobertaForSequenceClassification, BertForSequenceClassification and
DistilBertForSequenceClassification in plain PyTorch functional code, written
from the transformers source facts in ../shared/reference/hf-parity.md (A.2-A.5,
E.2, E.3). It does not call ftlab and does not use transformers (not in
Debian 12): it is NOT the transformers golden check (tests/fixtures/hf/ is).
Eval mode only (no dropout). Weights: {HF key: tensor}; config: config.json dict.
"""
import math

import torch
import torch.nn.functional as F


def _layer_norm(x, w, b, eps):
    return F.layer_norm(x, (x.shape[-1],), w, b, eps)


def _bert_layer(x, add_mask, W, p, heads, eps):
    B, T, C = x.shape
    d = C // heads

    def split(t):
        return t.view(B, T, heads, d).transpose(1, 2)

    q = split(F.linear(x, W[p + "attention.self.query.weight"], W[p + "attention.self.query.bias"]))
    k = split(F.linear(x, W[p + "attention.self.key.weight"], W[p + "attention.self.key.bias"]))
    v = split(F.linear(x, W[p + "attention.self.value.weight"], W[p + "attention.self.value.bias"]))
    scores = q @ k.transpose(-1, -2) / math.sqrt(d) + add_mask
    ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
    a = F.linear(ctx, W[p + "attention.output.dense.weight"], W[p + "attention.output.dense.bias"])
    a = _layer_norm(a + x, W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"], eps)
    h = F.gelu(F.linear(a, W[p + "intermediate.dense.weight"], W[p + "intermediate.dense.bias"]))
    h = F.linear(h, W[p + "output.dense.weight"], W[p + "output.dense.bias"])
    return _layer_norm(h + a, W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"], eps)


def _extended_mask(mask):
    # get_extended_attention_mask: (1 - mask) * finfo.min, shape [B, 1, 1, T]
    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


def roberta_logits(W, cfg, ids, mask):
    pad, eps = cfg["pad_token_id"], cfg.get("layer_norm_eps", 1e-12)
    nonpad = (ids != pad).long()
    pos = torch.cumsum(nonpad, 1) * nonpad + pad  # create_position_ids_from_input_ids
    e = "roberta.embeddings."
    x = W[e + "word_embeddings.weight"][ids] + W[e + "token_type_embeddings.weight"][torch.zeros_like(ids)]
    x = x + W[e + "position_embeddings.weight"][pos]
    x = _layer_norm(x, W[e + "LayerNorm.weight"], W[e + "LayerNorm.bias"], eps)
    m = _extended_mask(mask)
    for i in range(cfg["num_hidden_layers"]):
        x = _bert_layer(x, m, W, f"roberta.encoder.layer.{i}.", cfg["num_attention_heads"], eps)
    h = torch.tanh(F.linear(x[:, 0], W["classifier.dense.weight"], W["classifier.dense.bias"]))
    return F.linear(h, W["classifier.out_proj.weight"], W["classifier.out_proj.bias"])


def bert_logits(W, cfg, ids, mask):
    eps = cfg.get("layer_norm_eps", 1e-12)
    T = ids.shape[1]
    e = "bert.embeddings."
    x = W[e + "word_embeddings.weight"][ids] + W[e + "token_type_embeddings.weight"][torch.zeros_like(ids)]
    x = x + W[e + "position_embeddings.weight"][torch.arange(T)][None]
    x = _layer_norm(x, W[e + "LayerNorm.weight"], W[e + "LayerNorm.bias"], eps)
    m = _extended_mask(mask)
    for i in range(cfg["num_hidden_layers"]):
        x = _bert_layer(x, m, W, f"bert.encoder.layer.{i}.", cfg["num_attention_heads"], eps)
    pooled = torch.tanh(F.linear(x[:, 0], W["bert.pooler.dense.weight"], W["bert.pooler.dense.bias"]))
    return F.linear(pooled, W["classifier.weight"], W["classifier.bias"])


def distilbert_logits(W, cfg, ids, mask):
    eps, T = 1e-12, ids.shape[1]
    heads = cfg["n_heads"]
    e = "distilbert.embeddings."
    x = W[e + "word_embeddings.weight"][ids] + W[e + "position_embeddings.weight"][torch.arange(T)][None]
    x = _layer_norm(x, W[e + "LayerNorm.weight"], W[e + "LayerNorm.bias"], eps)
    B, _, C = x.shape
    d = C // heads
    keymask = (mask == 0)[:, None, None, :]
    for i in range(cfg["n_layers"]):
        p = f"distilbert.transformer.layer.{i}."

        def lin(t, name):
            return F.linear(t, W[p + name + ".weight"], W[p + name + ".bias"])

        def split(t):
            return t.view(B, T, heads, d).transpose(1, 2)

        q = split(lin(x, "attention.q_lin")) / math.sqrt(d)  # scaled before the matmul
        k, v = split(lin(x, "attention.k_lin")), split(lin(x, "attention.v_lin"))
        scores = (q @ k.transpose(-1, -2)).masked_fill(keymask, torch.finfo(torch.float32).min)
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
        sa = _layer_norm(lin(ctx, "attention.out_lin") + x, W[p + "sa_layer_norm.weight"], W[p + "sa_layer_norm.bias"], eps)
        h = lin(F.gelu(lin(sa, "ffn.lin1")), "ffn.lin2")
        x = _layer_norm(h + sa, W[p + "output_layer_norm.weight"], W[p + "output_layer_norm.bias"], eps)
    h = F.relu(F.linear(x[:, 0], W["pre_classifier.weight"], W["pre_classifier.bias"]))
    return F.linear(h, W["classifier.weight"], W["classifier.bias"])


LOGITS = {"roberta": roberta_logits, "bert": bert_logits, "distilbert": distilbert_logits}
