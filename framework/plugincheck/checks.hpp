// checks.hpp - the check groups of `ftlab plugin-check`. Each runs inside one
// sandboxed child (sandbox.hpp), loads the plugin itself and reports through
// Report. The library group lists the factories worth checking; the factory
// groups then exercise one factory each: its lifecycle (create/destroy with
// empty, invalid, unknown-key and working configs) and its kind's behaviour.
#pragma once

#include "plugincheck/probes.hpp"
#include "plugincheck/report.hpp"

#include <ftlab/plugin.h>

#include <string>

namespace ftl::plugincheck {

// Library file, entry symbol, exports, ABI negotiation, descriptor, factory
// table; calls r.factory() for every factory whose table entry is usable.
void check_library(const std::string& path, Report& r);

// The config a factory gets for its working instance: the user's table (or
// "") plus the keys the host always injects for its kind (metric: num_labels;
// model: num_labels, pad_token_id, vocab_size) when the user did not set them.
struct WorkingConfig {
  std::string toml;
  std::string base_dir;
  bool from_user = false;  // --config was given for this factory
  int64_t num_labels = 3;  // host-injected values, for the kind checks
  int64_t vocab_size = 100;
  int64_t pad_token_id = 1;
  uint32_t abi_minor = FTL_ABI_MINOR;  // the ABI minor the plugin declares (set by check_behaviour)
  // LibTorch's global CPU generator state as bytes (nullptr: not checked); see Options.
  std::string (*global_rng)() = nullptr;
};

// create/destroy contract for factory `index` of the library.
void check_lifecycle(const std::string& path, uint32_t index, const WorkingConfig& cfg, Report& r);
// Kind behaviour on a working instance (skipped when none can be created).
void check_behaviour(const std::string& path, uint32_t index, const WorkingConfig& cfg, Report& r);

// Per kind, on a created instance (called by check_behaviour, which destroys
// the instance afterwards and then checks that every tensor in `pool` was
// released exactly once).
void check_tokenizer(const ftl_factory& f, ftl_instance* self, const WorkingConfig& cfg, Report& r);
void check_dataset(const ftl_factory& f, ftl_instance* self, const WorkingConfig& cfg, Report& r);
void check_model(const ftl_factory& f, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool, Report& r);
// The silent training bugs (check_model_training.cpp); *deterministic tells
// whether two train steps gave the same gradients (no dropout).
void check_model_training(const ftl_model_vtable* vt, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool,
                          Report& r, bool* deterministic);
void check_metric(const ftl_factory& f, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool, Report& r);

// Byte size of the ABI 1.0 vtable of a kind (0 for an unknown kind).
size_t min_vtable_size_1_0(int32_t kind);

}  // namespace ftl::plugincheck
