// roberta_model.cpp - forward pass and initialisation of the RoBERTa classifier.
// Attention: scaled-dot-product attention on LibTorch >= 2, the explicit
// softmax(QK^T/sqrt(d) + mask) V on 1.13 (Debian 12); both give the same math.
#include "roberta_model.hpp"

#include <cmath>
#include <limits>

namespace nn = torch::nn;

namespace roberta {

EmbeddingsImpl::EmbeddingsImpl(const Config& c) : cfg(c) {
  // The word table starts uninitialised (_weight): init_weights or the checkpoint fills it, and
  // LibTorch's own normal_ init of 50265 x 768 values would only cost time (bench/checkpoints).
  word_embeddings =
      register_module("word_embeddings", nn::Embedding(nn::EmbeddingOptions(c.vocab_size, c.hidden_size)
                                                           .padding_idx(c.pad_token_id)
                                                           ._weight(torch::empty({c.vocab_size, c.hidden_size}))));
  position_embeddings = register_module(
      "position_embeddings",
      nn::Embedding(nn::EmbeddingOptions(c.max_position_embeddings, c.hidden_size).padding_idx(c.pad_token_id)));
  token_type_embeddings =
      register_module("token_type_embeddings", nn::Embedding(nn::EmbeddingOptions(c.type_vocab_size, c.hidden_size)));
  LayerNorm = register_module("LayerNorm", nn::LayerNorm(nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
  dropout = register_module("dropout", nn::Dropout(c.hidden_dropout_prob));
}

torch::Tensor EmbeddingsImpl::forward(const torch::Tensor& input_ids) {
  // RoBERTa positions: real tokens count up from pad_token_id + 1, pads get pad_token_id.
  auto not_pad = input_ids.ne(cfg.pad_token_id).to(torch::kLong);           // [B, T]
  auto positions = torch::cumsum(not_pad, 1) * not_pad + cfg.pad_token_id;  // [B, T]
  // Positions never exceed T + pad_token_id: only a long batch needs the exact
  // maximum, whose read-back would make the host wait for the GPU.
  if (input_ids.size(1) + cfg.pad_token_id >= cfg.max_position_embeddings &&
      positions.max().item<int64_t>() >= cfg.max_position_embeddings)
    throw std::invalid_argument("sequence of " + std::to_string(input_ids.size(1)) +
                                " tokens exceeds max_position_embeddings " +
                                std::to_string(cfg.max_position_embeddings) + "; lower the tokenizer's max_length");
  auto token_types = torch::zeros_like(input_ids);
  auto x = word_embeddings(input_ids) + token_type_embeddings(token_types);  // [B, T, C]
  x = x + position_embeddings(positions);
  return dropout(LayerNorm(x));
}

SelfAttentionImpl::SelfAttentionImpl(const Config& c)
    : heads(c.num_attention_heads),
      head_dim(c.hidden_size / c.num_attention_heads),
      dropout_p(c.attention_probs_dropout_prob) {
  query = register_module("query", nn::Linear(c.hidden_size, c.hidden_size));
  key = register_module("key", nn::Linear(c.hidden_size, c.hidden_size));
  value = register_module("value", nn::Linear(c.hidden_size, c.hidden_size));
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  const int64_t B = x.size(0), T = x.size(1);
  auto split = [&](const torch::Tensor& t) { return t.view({B, T, heads, head_dim}).transpose(1, 2); };
  auto q = split(query(x)), k = split(key(x)), v = split(value(x));  // [B, H, T, D]
  torch::Tensor ctx;
#if TORCH_VERSION_MAJOR >= 2
  ctx = at::scaled_dot_product_attention(q, k, v, mask, is_training() ? dropout_p : 0.0, false);
#else
  auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(head_dim));  // [B, H, T, T]
  scores = scores + mask;
  auto probs = torch::dropout(torch::softmax(scores, -1), dropout_p, is_training());
  ctx = torch::matmul(probs, v);  // [B, H, T, D]
#endif
  return ctx.transpose(1, 2).reshape({B, T, heads * head_dim});  // [B, T, C]
}

ResidualOutputImpl::ResidualOutputImpl(int64_t in, const Config& c) {
  dense = register_module("dense", nn::Linear(in, c.hidden_size));
  LayerNorm = register_module("LayerNorm", nn::LayerNorm(nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
  dropout = register_module("dropout", nn::Dropout(c.hidden_dropout_prob));
}

torch::Tensor ResidualOutputImpl::forward(const torch::Tensor& h, const torch::Tensor& residual) {
  return LayerNorm(dropout(dense(h)) + residual);
}

AttentionImpl::AttentionImpl(const Config& c) {
  self = register_module("self", SelfAttention(c));
  output = register_module("output", ResidualOutput(c.hidden_size, c));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  return output(self(x, mask), x);
}

IntermediateImpl::IntermediateImpl(const Config& c) {
  dense = register_module("dense", nn::Linear(c.hidden_size, c.intermediate_size));
}

torch::Tensor IntermediateImpl::forward(const torch::Tensor& x) {
  return torch::gelu(dense(x));  // exact erf GELU, as Hugging Face's "gelu"
}

LayerImpl::LayerImpl(const Config& c) {
  attention = register_module("attention", Attention(c));
  intermediate = register_module("intermediate", Intermediate(c));
  output = register_module("output", ResidualOutput(c.intermediate_size, c));
}

torch::Tensor LayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  auto a = attention(x, mask);
  return output(intermediate(a), a);
}

EncoderImpl::EncoderImpl(const Config& c) {
  layer = register_module("layer", nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) layer->push_back(Layer(c));
}

torch::Tensor EncoderImpl::forward(torch::Tensor x, const torch::Tensor& mask) {
  for (const auto& m : *layer) x = m->as<LayerImpl>()->forward(x, mask);
  return x;
}

BackboneImpl::BackboneImpl(const Config& c) {
  embeddings = register_module("embeddings", Embeddings(c));
  encoder = register_module("encoder", Encoder(c));
}

torch::Tensor BackboneImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  auto x = embeddings(input_ids);  // [B, T, C]
  // Additive key mask [B, 1, 1, T]: 0 where attended, the dtype's lowest value where padded.
  auto keep = attention_mask.to(x.dtype()).unsqueeze(1).unsqueeze(2);
  auto mask = (1.0 - keep) * std::numeric_limits<float>::lowest();
  return encoder(x, mask);
}

HeadImpl::HeadImpl(const Config& c) {
  dense = register_module("dense", nn::Linear(c.hidden_size, c.hidden_size));
  dropout =
      register_module("dropout", nn::Dropout(c.classifier_dropout >= 0 ? c.classifier_dropout : c.hidden_dropout_prob));
  out_proj = register_module("out_proj", nn::Linear(c.hidden_size, c.num_labels));
}

torch::Tensor HeadImpl::forward(const torch::Tensor& features) {
  auto x = features.select(1, 0);  // [B, C]: the <s> token
  x = torch::tanh(dense(dropout(x)));
  return out_proj(dropout(x));  // [B, L]
}

ClassifierImpl::ClassifierImpl(const Config& c) {
  roberta = register_module("roberta", Backbone(c));
  classifier = register_module("classifier", Head(c));
}

torch::Tensor ClassifierImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  return classifier(roberta(input_ids, attention_mask));
}

void init_weights(Classifier& model, const Config& c, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& m : model->modules(/*include_self=*/false)) {
    if (auto* lin = m->as<nn::LinearImpl>()) {
      lin->weight.normal_(0.0, c.initializer_range, gen);
      if (lin->bias.defined()) lin->bias.zero_();
    } else if (auto* emb = m->as<nn::EmbeddingImpl>()) {
      emb->weight.normal_(0.0, c.initializer_range, gen);
      if (emb->options.padding_idx()) emb->weight[*emb->options.padding_idx()].zero_();
    } else if (auto* ln = m->as<nn::LayerNormImpl>()) {
      ln->weight.fill_(1.0);
      ln->bias.zero_();
    }
  }
}

bool is_no_decay(const std::string& name) {
  auto ends_with = [&](const char* s) {
    std::string suffix(s);
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".bias") || name.find("LayerNorm.") != std::string::npos;
}

}  // namespace roberta
