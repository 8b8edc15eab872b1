// bert_model.hpp - BertForSequenceClassification in LibTorch with Hugging
// Face parameter names ("bert.encoder.layer.0...", "bert.pooler.dense",
// "classifier"). The encoder layers are RoBERTa's (identical math and names);
// BERT differs in the embeddings (absolute positions 0..T-1, token types, no
// padding row in the position table) and the head (pooler dense + tanh on
// [CLS], dropout, linear). Token types are all 0 (the host sends none).
#pragma once

#include "../model_roberta/roberta_model.hpp"

namespace bert {

struct EmbeddingsImpl : torch::nn::Module {
  explicit EmbeddingsImpl(const roberta::Config& c);
  torch::Tensor forward(const torch::Tensor& input_ids);  // [B, T] -> [B, T, C]
  int64_t max_positions;
  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(Embeddings);

struct PoolerImpl : torch::nn::Module {
  explicit PoolerImpl(const roberta::Config& c);
  torch::Tensor forward(const torch::Tensor& hidden);  // [B, T, C] -> tanh(dense(hidden[:, 0])) [B, C]
  torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(Pooler);

struct BackboneImpl : torch::nn::Module {
  explicit BackboneImpl(const roberta::Config& c);
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask);  // -> pooled [B, C]
  Embeddings embeddings{nullptr};
  roberta::Encoder encoder{nullptr};
  Pooler pooler{nullptr};
};
TORCH_MODULE(Backbone);

struct ClassifierImpl : hf::NetImpl {
  explicit ClassifierImpl(const roberta::Config& c);
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) override;
  Backbone bert{nullptr};
  torch::nn::Dropout dropout{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(Classifier);

const hf::Arch& arch();

}  // namespace bert
