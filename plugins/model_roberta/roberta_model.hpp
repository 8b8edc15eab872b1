// roberta_model.hpp - RoBERTa encoder + sequence-classification head in
// LibTorch, laid out like Hugging Face's RobertaForSequenceClassification so
// parameter names match its checkpoints ("roberta.encoder.layer.0...").
// Post-LN blocks, exact (erf) GELU, RoBERTa position ids (pad-aware cumsum),
// head = dropout, dense, tanh, dropout, out_proj on the first token.
#pragma once

#include <torch/torch.h>

#include "../common_hf/hf_arch.hpp"

namespace roberta {

struct Config {
  int64_t vocab_size = 50265;
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 6;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  int64_t max_position_embeddings = 514;
  int64_t type_vocab_size = 1;
  int64_t pad_token_id = 1;
  int64_t num_labels = 2;
  double layer_norm_eps = 1e-5;
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  double classifier_dropout = -1.0;  // < 0: use hidden_dropout_prob (config.json null)
  double initializer_range = 0.02;
};

struct EmbeddingsImpl : torch::nn::Module {
  explicit EmbeddingsImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& input_ids);  // [B, T] -> [B, T, C]
  Config cfg;
  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(Embeddings);

struct SelfAttentionImpl : torch::nn::Module {
  explicit SelfAttentionImpl(const Config& c);
  // x [B, T, C], additive mask [B, 1, 1, T] -> [B, T, C]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
  int64_t heads, head_dim;
  double dropout_p;
  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr};
};
TORCH_MODULE(SelfAttention);

// Linear, dropout, LayerNorm(h + residual): RobertaSelfOutput and RobertaOutput.
struct ResidualOutputImpl : torch::nn::Module {
  ResidualOutputImpl(int64_t in, const Config& c);
  torch::Tensor forward(const torch::Tensor& h, const torch::Tensor& residual);
  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(ResidualOutput);

struct AttentionImpl : torch::nn::Module {
  explicit AttentionImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
  SelfAttention self{nullptr};
  ResidualOutput output{nullptr};
};
TORCH_MODULE(Attention);

struct IntermediateImpl : torch::nn::Module {
  explicit IntermediateImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& x);  // [B, T, C] -> [B, T, F]
  torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(Intermediate);

struct LayerImpl : torch::nn::Module {
  explicit LayerImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
  Attention attention{nullptr};
  Intermediate intermediate{nullptr};
  ResidualOutput output{nullptr};
};
TORCH_MODULE(Layer);

struct EncoderImpl : torch::nn::Module {
  explicit EncoderImpl(const Config& c);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& mask);
  torch::nn::ModuleList layer{nullptr};
};
TORCH_MODULE(Encoder);

struct BackboneImpl : torch::nn::Module {
  explicit BackboneImpl(const Config& c);
  // input_ids, attention_mask [B, T] -> hidden states [B, T, C]
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask);
  Embeddings embeddings{nullptr};
  Encoder encoder{nullptr};
};
TORCH_MODULE(Backbone);

struct HeadImpl : torch::nn::Module {
  explicit HeadImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& features);  // [B, T, C] -> logits [B, L]
  torch::nn::Linear dense{nullptr}, out_proj{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(Head);

struct ClassifierImpl : hf::NetImpl {
  explicit ClassifierImpl(const Config& c);
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) override;
  Backbone roberta{nullptr};
  Head classifier{nullptr};
};
TORCH_MODULE(Classifier);

// The architecture description the shared plugin glue uses (model_roberta.cpp).
const hf::Arch& arch();

// Hugging Face's _init_weights: Linear/Embedding weights N(0, initializer_range)
// drawn from gen, biases 0, padding rows 0, LayerNorm weight 1 and bias 0.
void init_weights(Classifier& model, const Config& c, at::Generator& gen);

// True for parameters Hugging Face's Trainer excludes from weight decay.
bool is_no_decay(const std::string& name);

}  // namespace roberta
