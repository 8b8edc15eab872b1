// global_rng.hpp - LibTorch's global CPU generator state as bytes, for
// `ftlab plugin-check` (which has no LibTorch of its own): a plugin's create
// or step that changes it draws from the global generator, against ABI rule 6.
// Limits: the CPU generator only (reading CUDA's would initialise CUDA).
#pragma once

#include <string>

namespace ftl {

std::string global_rng_state();

}  // namespace ftl
