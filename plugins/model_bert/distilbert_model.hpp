// distilbert_model.hpp - DistilBertForSequenceClassification in LibTorch with
// Hugging Face parameter names ("distilbert.transformer.layer.0.attention.q_lin",
// "pre_classifier", "classifier"). No token types, positions 0..T-1, every
// LayerNorm eps 1e-12, q scaled by 1/sqrt(d) before QK^T, post-LN blocks
// (sa_layer_norm, ffn lin1 -> GELU -> lin2 -> dropout, output_layer_norm),
// head: hidden[:, 0] -> pre_classifier -> ReLU -> dropout(seq_classif) -> classifier.
#pragma once

#include <torch/torch.h>

#include "../common_hf/hf_arch.hpp"

namespace distilbert {

struct Config {
  int64_t vocab_size = 30522, dim = 768, n_layers = 6, n_heads = 12, hidden_dim = 3072;
  int64_t max_position_embeddings = 512, pad_token_id = 0, num_labels = 2;
  double dropout = 0.1, attention_dropout = 0.1, seq_classif_dropout = 0.2, initializer_range = 0.02;
};

struct EmbeddingsImpl : torch::nn::Module {
  explicit EmbeddingsImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& input_ids);  // [B, T] -> [B, T, C]
  int64_t max_positions;
  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(Embeddings);

struct AttentionImpl : torch::nn::Module {
  explicit AttentionImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);  // x [B, T, C], mask [B, 1, 1, T]
  int64_t heads, head_dim;
  double dropout_p;
  torch::nn::Linear q_lin{nullptr}, k_lin{nullptr}, v_lin{nullptr}, out_lin{nullptr};
};
TORCH_MODULE(Attention);

struct FFNImpl : torch::nn::Module {
  explicit FFNImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear lin1{nullptr}, lin2{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(FFN);

struct BlockImpl : torch::nn::Module {
  explicit BlockImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
  Attention attention{nullptr};
  torch::nn::LayerNorm sa_layer_norm{nullptr}, output_layer_norm{nullptr};
  FFN ffn{nullptr};
};
TORCH_MODULE(Block);

struct TransformerImpl : torch::nn::Module {
  explicit TransformerImpl(const Config& c);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& mask);
  torch::nn::ModuleList layer{nullptr};
};
TORCH_MODULE(Transformer);

struct BackboneImpl : torch::nn::Module {
  explicit BackboneImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask);  // -> [B, T, C]
  Embeddings embeddings{nullptr};
  Transformer transformer{nullptr};
};
TORCH_MODULE(Backbone);

struct ClassifierImpl : hf::NetImpl {
  explicit ClassifierImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) override;
  Backbone distilbert{nullptr};
  torch::nn::Linear pre_classifier{nullptr}, classifier{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(Classifier);

const hf::Arch& arch();

}  // namespace distilbert
