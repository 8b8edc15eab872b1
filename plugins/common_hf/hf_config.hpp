// hf_config.hpp - resolves an architecture's sizes from the [model] TOML table
// and, when `checkpoint` names a hub folder, from its config.json: sizes must
// agree when given twice, the tokenizer's vocab_size must fit the embedding
// table, pad_token_id must match, dropout-like options in TOML override.
#pragma once

#include <ftlab/sdk.hpp>

#include "hf_arch.hpp"

namespace hf {

struct Settings {
  Values values;                   // every Arch field, resolved
  std::string checkpoint;          // hub folder, "" for random init
  std::string export_dir;          // "" unless exporting
  nlohmann::json checkpoint_json;  // config.json of the checkpoint (null without one)
};

// Reads every key (unknown keys are rejected by c.finish()).
Settings resolve_settings(const Arch& arch, ftl::sdk::Config& c);

// config.json for transformers: model_type, architectures, every field, arch extras.
nlohmann::ordered_json export_config(const Arch& arch, const Values& v);

// Refuses an encoder too large to build before a tensor is allocated (a typo
// such as num_hidden_layers = 1e9 grew memory until the system killed the
// process): about layers * (4 h^2 + 2 h inner) + (vocab + positions) * h
// parameters, at most k_max_params and at most what fits in the machine's
// memory in float32. The arguments are the Values' key names.
constexpr double k_max_params = 2e10;  // 80 GB of float32 weights, before optimizer state
void check_model_size(const Values& v, const char* layers, const char* hidden, const char* inner, const char* vocab,
                      const char* positions);

std::string format_number(double v, bool integer);

}  // namespace hf
