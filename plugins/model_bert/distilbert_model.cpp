// distilbert_model.cpp - DistilBERT forward and its architecture description
// (DistilBertConfig fields and defaults, head and ignored keys).
#include "distilbert_model.hpp"

#include "../common_hf/hf_config.hpp"

#include <ftlab/sdk.hpp>

#include <cmath>
#include <limits>

namespace nn = torch::nn;

namespace distilbert {

namespace {
nn::LayerNormOptions ln(int64_t dim) {
  return nn::LayerNormOptions({dim}).eps(1e-12);  // hard-coded in DistilBERT
}
}  // namespace

EmbeddingsImpl::EmbeddingsImpl(const Config& c) : max_positions(c.max_position_embeddings) {
  word_embeddings =
      register_module("word_embeddings", nn::Embedding(nn::EmbeddingOptions(c.vocab_size, c.dim)
                                                           .padding_idx(c.pad_token_id)
                                                           ._weight(torch::empty({c.vocab_size, c.dim}))));
  position_embeddings =
      register_module("position_embeddings", nn::Embedding(nn::EmbeddingOptions(c.max_position_embeddings, c.dim)));
  LayerNorm = register_module("LayerNorm", nn::LayerNorm(ln(c.dim)));
  dropout = register_module("dropout", nn::Dropout(c.dropout));
}

torch::Tensor EmbeddingsImpl::forward(const torch::Tensor& input_ids) {
  const int64_t T = input_ids.size(1);
  if (T > max_positions)
    throw std::invalid_argument("sequence of " + std::to_string(T) + " tokens exceeds max_position_embeddings " +
                                std::to_string(max_positions) + "; lower the tokenizer's max_length");
  auto positions = torch::arange(T, input_ids.options()).unsqueeze(0);  // [1, T]
  return dropout(LayerNorm(word_embeddings(input_ids) + position_embeddings(positions)));
}

AttentionImpl::AttentionImpl(const Config& c)
    : heads(c.n_heads), head_dim(c.dim / c.n_heads), dropout_p(c.attention_dropout) {
  q_lin = register_module("q_lin", nn::Linear(c.dim, c.dim));
  k_lin = register_module("k_lin", nn::Linear(c.dim, c.dim));
  v_lin = register_module("v_lin", nn::Linear(c.dim, c.dim));
  out_lin = register_module("out_lin", nn::Linear(c.dim, c.dim));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  const int64_t B = x.size(0), T = x.size(1);
  auto split = [&](const torch::Tensor& t) { return t.view({B, T, heads, head_dim}).transpose(1, 2); };
  auto k = split(k_lin(x)), v = split(v_lin(x));  // [B, H, T, D]
#if TORCH_VERSION_MAJOR >= 2
  // Fused attention; it scales by 1/sqrt(D) itself (the same math as below).
  auto ctx = at::scaled_dot_product_attention(split(q_lin(x)), k, v, mask, is_training() ? dropout_p : 0.0, false);
#else
  auto q = split(q_lin(x)) / std::sqrt(static_cast<double>(head_dim));  // [B, H, T, D], scaled first
  auto scores = torch::matmul(q, k.transpose(-1, -2)) + mask;           // [B, H, T, T]
  auto probs = torch::dropout(torch::softmax(scores, -1), dropout_p, is_training());
  auto ctx = torch::matmul(probs, v);  // [B, H, T, D]
#endif
  return out_lin(ctx.transpose(1, 2).reshape({B, T, heads * head_dim}));  // [B, T, C]
}

FFNImpl::FFNImpl(const Config& c) {
  lin1 = register_module("lin1", nn::Linear(c.dim, c.hidden_dim));
  lin2 = register_module("lin2", nn::Linear(c.hidden_dim, c.dim));
  dropout = register_module("dropout", nn::Dropout(c.dropout));
}

torch::Tensor FFNImpl::forward(const torch::Tensor& x) {
  return dropout(lin2(torch::gelu(lin1(x))));  // exact erf GELU
}

BlockImpl::BlockImpl(const Config& c) {
  attention = register_module("attention", Attention(c));
  sa_layer_norm = register_module("sa_layer_norm", nn::LayerNorm(ln(c.dim)));
  ffn = register_module("ffn", FFN(c));
  output_layer_norm = register_module("output_layer_norm", nn::LayerNorm(ln(c.dim)));
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  auto sa = sa_layer_norm(attention(x, mask) + x);
  return output_layer_norm(ffn(sa) + sa);
}

TransformerImpl::TransformerImpl(const Config& c) {
  layer = register_module("layer", nn::ModuleList());
  for (int64_t i = 0; i < c.n_layers; ++i) layer->push_back(Block(c));
}

torch::Tensor TransformerImpl::forward(torch::Tensor x, const torch::Tensor& mask) {
  for (const auto& m : *layer) x = m->as<BlockImpl>()->forward(x, mask);
  return x;
}

BackboneImpl::BackboneImpl(const Config& c) {
  embeddings = register_module("embeddings", Embeddings(c));
  transformer = register_module("transformer", Transformer(c));
}

torch::Tensor BackboneImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  auto x = embeddings(input_ids);
  auto keep = attention_mask.to(x.dtype()).unsqueeze(1).unsqueeze(2);  // [B, 1, 1, T]
  return transformer(x, (1.0 - keep) * std::numeric_limits<float>::lowest());
}

ClassifierImpl::ClassifierImpl(const Config& c) {
  distilbert = register_module("distilbert", Backbone(c));
  pre_classifier = register_module("pre_classifier", nn::Linear(c.dim, c.dim));
  classifier = register_module("classifier", nn::Linear(c.dim, c.num_labels));
  dropout = register_module("dropout", nn::Dropout(c.seq_classif_dropout));
}

torch::Tensor ClassifierImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  auto x = distilbert(input_ids, attention_mask).select(1, 0);  // [B, C]
  return classifier(dropout(torch::relu(pre_classifier(x))));   // [B, L]
}

namespace {

using hf::FieldKind;

void validate(const hf::Values& v) {
  if (static_cast<int64_t>(v.at("dim")) % static_cast<int64_t>(v.at("n_heads")) != 0)
    throw ftl::sdk::config_error("n_heads", "dim must be a multiple of n_heads");
  if (v.at("pad_token_id") < 0 || v.at("pad_token_id") >= v.at("vocab_size"))
    throw ftl::sdk::config_error("pad_token_id", "pad_token_id must be a valid token id");
  for (const char* key : {"dropout", "attention_dropout", "seq_classif_dropout"})
    if (!(v.at(key) >= 0.0 && v.at(key) < 1.0))
      throw ftl::sdk::config_error(key, std::string(key) + " must be in [0, 1)");
  hf::check_model_size(v, "n_layers", "dim", "hidden_dim", "vocab_size", "max_position_embeddings");
}

void check_json(const nlohmann::json& j) {
  auto it = j.find("activation");
  if (it != j.end() && *it != "gelu")
    throw std::runtime_error("activation " + it->dump() + " is not supported (only \"gelu\", the exact erf GELU)");
  it = j.find("sinusoidal_pos_embds");
  if (it != j.end() && *it != false) throw std::runtime_error("sinusoidal_pos_embds = true is not supported");
}

std::shared_ptr<hf::NetImpl> build(const hf::Values& v) {
  Config c;
  const auto i = [&](const char* k) { return static_cast<int64_t>(v.at(k)); };
  c.vocab_size = i("vocab_size");
  c.dim = i("dim");
  c.n_layers = i("n_layers");
  c.n_heads = i("n_heads");
  c.hidden_dim = i("hidden_dim");
  c.max_position_embeddings = i("max_position_embeddings");
  c.pad_token_id = i("pad_token_id");
  c.num_labels = i("num_labels");
  c.dropout = v.at("dropout");
  c.attention_dropout = v.at("attention_dropout");
  c.seq_classif_dropout = v.at("seq_classif_dropout");
  c.initializer_range = v.at("initializer_range");
  return Classifier(c).ptr();
}

}  // namespace

const hf::Arch& arch() {
  // Defaults are DistilBertConfig's (distilbert-base sizes).
  static const hf::Arch a = {"distilbert",
                             "distilbert",
                             "DistilBertForSequenceClassification",
                             "distilbert",
                             {{"vocab_size", 30522, true, FieldKind::vocab},
                              {"dim", 768, true, FieldKind::size},
                              {"n_layers", 6, true, FieldKind::size},
                              {"n_heads", 12, true, FieldKind::size},
                              {"hidden_dim", 3072, true, FieldKind::size},
                              {"max_position_embeddings", 512, true, FieldKind::size},
                              {"pad_token_id", 0, true, FieldKind::pad},
                              {"num_labels", 2, true, FieldKind::labels},
                              {"dropout", 0.1, false, FieldKind::option},
                              {"attention_dropout", 0.1, false, FieldKind::option},
                              {"seq_classif_dropout", 0.2, false, FieldKind::option},
                              {"initializer_range", 0.02, false, FieldKind::option}},
                             {"pre_classifier.weight", "pre_classifier.bias", "classifier.weight", "classifier.bias"},
                             {"vocab_transform.", "vocab_layer_norm.", "vocab_projector."},
                             {"embeddings.position_ids"},
                             check_json,
                             validate,
                             build,
                             {{"activation", "gelu"}, {"sinusoidal_pos_embds", false}, {"qa_dropout", 0.1}}};
  return a;
}

}  // namespace distilbert
