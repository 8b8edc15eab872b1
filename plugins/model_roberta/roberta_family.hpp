// roberta_family.hpp - what the RoBERTa and BERT plugins share when reading a
// configuration: the checks on sizes and rates, the config.json keys this
// code supports, and the roberta::Config that both architectures build from
// (BERT reuses RoBERTa's encoder layers). Header-only; needs plugins/common_hf.
#pragma once

#include <ftlab/sdk.hpp>

#include "../common_hf/hf_config.hpp"
#include "../common_hf/hf_plugin.hpp"
#include "roberta_model.hpp"

#include <nlohmann/json.hpp>

namespace roberta {

// Checks that hold for both architectures; each adds its own on top.
inline void validate_common(const hf::Values& v) {
  const auto i = [&](const char* k) { return static_cast<int64_t>(v.at(k)); };
  if (i("hidden_size") % i("num_attention_heads") != 0)
    throw ftl::sdk::config_error("num_attention_heads", "hidden_size (" + std::to_string(i("hidden_size")) +
                                                            ") must be a multiple of num_attention_heads (" +
                                                            std::to_string(i("num_attention_heads")) + ")");
  if (i("pad_token_id") < 0 || i("pad_token_id") >= i("vocab_size"))
    throw ftl::sdk::config_error("pad_token_id", "pad_token_id must be a valid token id");
  for (const char* key : {"hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"}) {
    const double p = v.at(key);
    if (!(p >= 0.0 && p < 1.0) && !(p == hf::k_unset && std::string(key) == "classifier_dropout"))
      throw ftl::sdk::config_error(key, std::string(key) + " must be in [0, 1)");
  }
  if (!(v.at("layer_norm_eps") > 0.0))
    throw ftl::sdk::config_error("layer_norm_eps", "layer_norm_eps must be positive");
  hf::check_model_size(v, "num_hidden_layers", "hidden_size", "intermediate_size", "vocab_size",
                       "max_position_embeddings");
}

// config.json settings this implementation does not have.
inline void check_json(const nlohmann::json& j) {
  auto it = j.find("hidden_act");
  if (it != j.end() && *it != "gelu")
    throw std::runtime_error("hidden_act " + it->dump() + " is not supported (only \"gelu\", the exact erf GELU)");
  it = j.find("position_embedding_type");
  if (it != j.end() && *it != "absolute")
    throw std::runtime_error("position_embedding_type " + it->dump() + " is not supported (only \"absolute\")");
}

inline Config config_from(const hf::Values& v) {
  Config c;
  const auto i = [&](const char* k) { return static_cast<int64_t>(v.at(k)); };
  c.vocab_size = i("vocab_size");
  c.hidden_size = i("hidden_size");
  c.num_hidden_layers = i("num_hidden_layers");
  c.num_attention_heads = i("num_attention_heads");
  c.intermediate_size = i("intermediate_size");
  c.max_position_embeddings = i("max_position_embeddings");
  c.type_vocab_size = i("type_vocab_size");
  c.pad_token_id = i("pad_token_id");
  c.num_labels = i("num_labels");
  c.layer_norm_eps = v.at("layer_norm_eps");
  c.hidden_dropout_prob = v.at("hidden_dropout_prob");
  c.attention_probs_dropout_prob = v.at("attention_probs_dropout_prob");
  c.classifier_dropout = v.at("classifier_dropout");
  c.initializer_range = v.at("initializer_range");
  return c;
}

}  // namespace roberta
