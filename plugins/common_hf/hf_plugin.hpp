// hf_plugin.hpp - the model-plugin vtable shared by the Hugging Face
// architectures (RoBERTa, BERT, DistilBERT). create_model() reads the [model]
// table: without `checkpoint`, random init from TOML sizes; with `checkpoint`
// (a hub folder: config.json + model.safetensors), sizes from config.json and
// weights from the file (strict key and shape checks). With `export_dir`, it
// also writes DIR/config.json for transformers (the host adds the weights).
// Each plugin wraps create_model() with its Arch and uses the other slots as-is.
#pragma once

#include <ftlab/plugin.h>

#include "hf_arch.hpp"

namespace hf {

int32_t create_model(const Arch& arch, const ftl_config* cfg, const ftl_host_api* host, ftl_instance** out,
                     ftl_error* err) noexcept;

// The remaining model slots, the same for every architecture.
void destroy(ftl_instance* self) noexcept;
uint32_t num_params(const ftl_instance* self) noexcept;
int32_t param(ftl_instance* self, uint32_t i, const char** name, int32_t* no_decay, ftl_tensor** out,
              ftl_error* err) noexcept;
int32_t grad(ftl_instance* self, uint32_t i, ftl_tensor** out, ftl_error* err) noexcept;
int32_t zero_grad(ftl_instance* self, ftl_error* err) noexcept;
int32_t step(ftl_instance* self, const ftl_step_args* args, ftl_named_tensor* outputs, uint32_t cap, uint32_t* n_out,
             double* loss, ftl_error* err) noexcept;

}  // namespace hf
