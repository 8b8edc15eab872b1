// model_roberta.cpp - the `roberta` model plugin (RoBERTa, DistilRoBERTa,
// Twitter RoBERTa): RobertaForSequenceClassification with Hugging Face
// parameter names. Random init from the [model] sizes, or `checkpoint = DIR`
// (config.json + model.safetensors); the shared glue is plugins/common_hf.
// This file only describes the architecture: config fields with
// RobertaConfig's defaults, the head keys, and the keys transformers ignores.
#include <ftlab/sdk.hpp>

#include "../common_hf/hf_plugin.hpp"
#include "roberta_model.hpp"

namespace {

using hf::FieldKind;

void validate(const hf::Values& v) {
  const auto i = [&](const char* k) { return static_cast<int64_t>(v.at(k)); };
  if (i("hidden_size") % i("num_attention_heads") != 0)
    throw ftl::sdk::config_error("num_attention_heads", "hidden_size (" + std::to_string(i("hidden_size")) +
                                                            ") must be a multiple of num_attention_heads (" +
                                                            std::to_string(i("num_attention_heads")) + ")");
  if (i("max_position_embeddings") < i("pad_token_id") + 3)
    throw ftl::sdk::config_error("max_position_embeddings", "max_position_embeddings must exceed pad_token_id + 2");
  if (i("pad_token_id") < 0 || i("pad_token_id") >= i("vocab_size"))
    throw ftl::sdk::config_error("pad_token_id", "pad_token_id must be a valid token id");
  for (const char* key : {"hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout"}) {
    const double p = v.at(key);
    if (!(p >= 0.0 && p < 1.0) && !(p == hf::k_unset && std::string(key) == "classifier_dropout"))
      throw ftl::sdk::config_error(key, std::string(key) + " must be in [0, 1)");
  }
  if (!(v.at("layer_norm_eps") > 0.0))
    throw ftl::sdk::config_error("layer_norm_eps", "layer_norm_eps must be positive");
}

void check_json(const nlohmann::json& j) {
  auto it = j.find("hidden_act");
  if (it != j.end() && *it != "gelu")
    throw std::runtime_error("hidden_act " + it->dump() + " is not supported (only \"gelu\", the exact erf GELU)");
  it = j.find("position_embedding_type");
  if (it != j.end() && *it != "absolute")
    throw std::runtime_error("position_embedding_type " + it->dump() + " is not supported (only \"absolute\")");
}

std::shared_ptr<hf::NetImpl> build(const hf::Values& v) {
  roberta::Config c;
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
  return roberta::Classifier(c).ptr();
}

}  // namespace

namespace roberta {

const hf::Arch& arch() {
  // Defaults without a checkpoint are distilroberta-base's; the last column is
  // RobertaConfig's class default, used when a config.json lacks the key.
  static const hf::Arch a = {
      "roberta",
      "roberta",
      "RobertaForSequenceClassification",
      "roberta",
      {{"vocab_size", 50265, true, FieldKind::vocab},
       {"hidden_size", 768, true, FieldKind::size},
       {"num_hidden_layers", 6, true, FieldKind::size, 12},
       {"num_attention_heads", 12, true, FieldKind::size},
       {"intermediate_size", 3072, true, FieldKind::size},
       {"max_position_embeddings", 514, true, FieldKind::size, 512},
       {"type_vocab_size", 1, true, FieldKind::size, 2},
       {"pad_token_id", 1, true, FieldKind::pad},
       {"num_labels", 2, true, FieldKind::labels},
       {"layer_norm_eps", 1e-5, false, FieldKind::size, 1e-12},
       {"hidden_dropout_prob", 0.1, false, FieldKind::option},
       {"attention_probs_dropout_prob", 0.1, false, FieldKind::option},
       {"classifier_dropout", hf::k_unset, false, FieldKind::option},
       {"initializer_range", 0.02, false, FieldKind::option}},
      {"classifier.dense.weight", "classifier.dense.bias", "classifier.out_proj.weight", "classifier.out_proj.bias"},
      {"lm_head.", "roberta.pooler.", "pooler."},
      {"embeddings.position_ids", "embeddings.token_type_ids"},
      check_json,
      validate,
      build,
      {{"bos_token_id", 0}, {"eos_token_id", 2}, {"hidden_act", "gelu"}, {"position_embedding_type", "absolute"}}};
  return a;
}

}  // namespace roberta

namespace {

int32_t create(const ftl_config* cfg, const ftl_host_api* host, ftl_instance** out, ftl_error* err) noexcept {
  return hf::create_model(roberta::arch(), cfg, host, out, err);
}

const ftl_model_vtable k_vtable = {
    {sizeof(k_vtable), create, hf::destroy}, hf::num_params, hf::param, hf::grad, hf::zero_grad, hf::step};

const ftl_factory k_factories[] = {
    {sizeof(ftl_factory), FTL_KIND_MODEL, "roberta", "0.2.0",
     "RoBERTa sequence classifier: random init from sizes, or checkpoint = hub folder (safetensors)",
     FTL_CAP_LINKS_LIBTORCH | FTL_CAP_CUDA, &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {sizeof(ftl_plugin_descriptor),
                                            FTL_ABI_MAJOR,
                                            FTL_ABI_MINOR,
                                            "model_roberta",
                                            "libtorch " TORCH_VERSION,
                                            1,
                                            k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
