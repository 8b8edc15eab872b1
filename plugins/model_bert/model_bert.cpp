// model_bert.cpp - the `bert` and `distilbert` model plugins (one library):
// BertForSequenceClassification and DistilBertForSequenceClassification with
// Hugging Face parameter names; random init from [model] sizes or
// `checkpoint = DIR` (config.json + model.safetensors). Glue: plugins/common_hf.
#include <ftlab/sdk.hpp>

#include "../common_hf/hf_plugin.hpp"
#include "bert_model.hpp"
#include "distilbert_model.hpp"

namespace {

int32_t create_bert(const ftl_config* cfg, const ftl_host_api* host, ftl_instance** out, ftl_error* err) noexcept {
  return hf::create_model(bert::arch(), cfg, host, out, err);
}

int32_t create_distilbert(const ftl_config* cfg, const ftl_host_api* host, ftl_instance** out,
                          ftl_error* err) noexcept {
  return hf::create_model(distilbert::arch(), cfg, host, out, err);
}

const ftl_model_vtable k_bert = {
    {sizeof(k_bert), create_bert, hf::destroy}, hf::num_params, hf::param, hf::grad, hf::zero_grad, hf::step};
const ftl_model_vtable k_distilbert = {{sizeof(k_distilbert), create_distilbert, hf::destroy},
                                       hf::num_params,
                                       hf::param,
                                       hf::grad,
                                       hf::zero_grad,
                                       hf::step};

const ftl_factory k_factories[] = {
    {sizeof(ftl_factory), FTL_KIND_MODEL, "bert", "0.1.0",
     "BERT sequence classifier: random init from sizes, or checkpoint = hub folder (safetensors)",
     FTL_CAP_LINKS_LIBTORCH | FTL_CAP_CUDA, &k_bert},
    {sizeof(ftl_factory), FTL_KIND_MODEL, "distilbert", "0.1.0",
     "DistilBERT sequence classifier: random init from sizes, or checkpoint = hub folder (safetensors)",
     FTL_CAP_LINKS_LIBTORCH | FTL_CAP_CUDA, &k_distilbert}};

const ftl_plugin_descriptor k_descriptor = {sizeof(ftl_plugin_descriptor),
                                            FTL_ABI_MAJOR,
                                            FTL_ABI_MINOR,
                                            "model_bert",
                                            "libtorch " TORCH_VERSION,
                                            2,
                                            k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
