// hf_checkpoint.hpp - copies a hub folder's model.safetensors into a module's
// parameters with transformers' loading rules for sequence classification:
// keys may lack the base-model prefix; keys transformers drops (MLM heads,
// RoBERTa's pooler, old position_ids buffers) are listed and ignored; other
// unexpected keys, missing keys and shape mismatches are errors, except a
// classification head absent as a whole (a base checkpoint), which is
// initialised N(0, init_std) with zero biases from gen. F32/F16/BF16/F64
// tensors are converted to float32. Pickle files (.bin) are refused.
#pragma once

#include <ftlab/plugin.h>

#include "hf_arch.hpp"

namespace hf {

// Returns the resolved safetensors path of a checkpoint folder, or throws.
std::string checkpoint_weights_path(const std::string& dir);

void load_checkpoint(const Arch& arch, torch::nn::Module& net, const std::string& dir, double init_std,
                     at::Generator& gen, const ftl_host_api* host);

}  // namespace hf
