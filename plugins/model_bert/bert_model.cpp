// bert_model.cpp - BERT embeddings, pooler and classifier; the architecture
// description (BertConfig fields and defaults, head and ignored keys).
#include "bert_model.hpp"

#include "../model_roberta/roberta_family.hpp"

#include <ftlab/sdk.hpp>

#include <limits>

namespace nn = torch::nn;

namespace bert {

EmbeddingsImpl::EmbeddingsImpl(const roberta::Config& c) : max_positions(c.max_position_embeddings) {
  word_embeddings =
      register_module("word_embeddings", nn::Embedding(nn::EmbeddingOptions(c.vocab_size, c.hidden_size)
                                                           .padding_idx(c.pad_token_id)
                                                           ._weight(torch::empty({c.vocab_size, c.hidden_size}))));
  position_embeddings = register_module("position_embeddings",
                                        nn::Embedding(nn::EmbeddingOptions(c.max_position_embeddings, c.hidden_size)));
  token_type_embeddings =
      register_module("token_type_embeddings", nn::Embedding(nn::EmbeddingOptions(c.type_vocab_size, c.hidden_size)));
  LayerNorm = register_module("LayerNorm", nn::LayerNorm(nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
  dropout = register_module("dropout", nn::Dropout(c.hidden_dropout_prob));
}

torch::Tensor EmbeddingsImpl::forward(const torch::Tensor& input_ids) {
  const int64_t T = input_ids.size(1);
  if (T > max_positions)
    throw std::invalid_argument("sequence of " + std::to_string(T) + " tokens exceeds max_position_embeddings " +
                                std::to_string(max_positions) + "; lower the tokenizer's max_length");
  auto positions = torch::arange(T, input_ids.options()).unsqueeze(0);                        // [1, T]
  auto x = word_embeddings(input_ids) + token_type_embeddings(torch::zeros_like(input_ids));  // [B, T, C]
  x = x + position_embeddings(positions);
  return dropout(LayerNorm(x));
}

PoolerImpl::PoolerImpl(const roberta::Config& c) {
  dense = register_module("dense", nn::Linear(c.hidden_size, c.hidden_size));
}

torch::Tensor PoolerImpl::forward(const torch::Tensor& hidden) {
  return torch::tanh(dense(hidden.select(1, 0)));
}

BackboneImpl::BackboneImpl(const roberta::Config& c) {
  embeddings = register_module("embeddings", Embeddings(c));
  encoder = register_module("encoder", roberta::Encoder(c));
  pooler = register_module("pooler", Pooler(c));
}

torch::Tensor BackboneImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  auto x = embeddings(input_ids);                                      // [B, T, C]
  auto keep = attention_mask.to(x.dtype()).unsqueeze(1).unsqueeze(2);  // [B, 1, 1, T]
  auto mask = (1.0 - keep) * std::numeric_limits<float>::lowest();
  return pooler(encoder(x, mask));
}

ClassifierImpl::ClassifierImpl(const roberta::Config& c) {
  bert = register_module("bert", Backbone(c));
  dropout =
      register_module("dropout", nn::Dropout(c.classifier_dropout >= 0 ? c.classifier_dropout : c.hidden_dropout_prob));
  classifier = register_module("classifier", nn::Linear(c.hidden_size, c.num_labels));
}

torch::Tensor ClassifierImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) {
  return classifier(dropout(bert(input_ids, attention_mask)));  // [B, L]
}

namespace {

using hf::FieldKind;

void validate(const hf::Values& v) {
  roberta::validate_common(v);
}

void check_json(const nlohmann::json& j) {
  roberta::check_json(j);
}

std::shared_ptr<hf::NetImpl> build(const hf::Values& v) {
  return Classifier(roberta::config_from(v)).ptr();
}

}  // namespace

const hf::Arch& arch() {
  // Defaults are BertConfig's (bert-base sizes).
  static const hf::Arch a = {"bert",
                             "bert",
                             "BertForSequenceClassification",
                             "bert",
                             {{"vocab_size", 30522, true, FieldKind::vocab},
                              {"hidden_size", 768, true, FieldKind::size},
                              {"num_hidden_layers", 12, true, FieldKind::size},
                              {"num_attention_heads", 12, true, FieldKind::size},
                              {"intermediate_size", 3072, true, FieldKind::size},
                              {"max_position_embeddings", 512, true, FieldKind::size},
                              {"type_vocab_size", 2, true, FieldKind::size},
                              {"pad_token_id", 0, true, FieldKind::pad},
                              {"num_labels", 2, true, FieldKind::labels},
                              {"layer_norm_eps", 1e-12, false, FieldKind::size},
                              {"hidden_dropout_prob", 0.1, false, FieldKind::option},
                              {"attention_probs_dropout_prob", 0.1, false, FieldKind::option},
                              {"classifier_dropout", hf::k_unset, false, FieldKind::option},
                              {"initializer_range", 0.02, false, FieldKind::option}},
                             {"classifier.weight", "classifier.bias"},
                             {"cls."},
                             {"embeddings.position_ids", "embeddings.token_type_ids"},
                             check_json,
                             validate,
                             build,
                             {{"hidden_act", "gelu"}, {"position_embedding_type", "absolute"}}};
  return a;
}

}  // namespace bert
