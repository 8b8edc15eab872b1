// model_roberta.cpp - the `roberta` model plugin (RoBERTa, DistilRoBERTa,
// Twitter RoBERTa): RobertaForSequenceClassification with Hugging Face
// parameter names. Random init from the [model] sizes, or `checkpoint = DIR`
// (config.json + model.safetensors); the shared glue is plugins/common_hf.
// This file only describes the architecture: config fields with
// RobertaConfig's defaults, the head keys, and the keys transformers ignores.
#include <ftlab/sdk.hpp>

#include "../common_hf/hf_plugin.hpp"
#include "roberta_family.hpp"
#include "roberta_model.hpp"

namespace {

using hf::FieldKind;

void validate(const hf::Values& v) {
  roberta::validate_common(v);
  const auto i = [&](const char* k) { return static_cast<int64_t>(v.at(k)); };
  if (i("max_position_embeddings") < i("pad_token_id") + 3)
    throw ftl::sdk::config_error("max_position_embeddings", "max_position_embeddings must exceed pad_token_id + 2");
}

void check_json(const nlohmann::json& j) {
  roberta::check_json(j);
}

std::shared_ptr<hf::NetImpl> build(const hf::Values& v) {
  return roberta::Classifier(roberta::config_from(v)).ptr();
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
