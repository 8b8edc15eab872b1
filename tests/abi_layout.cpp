// abi_layout.cpp - freezes the layout of every public struct of ABI 1.0 on
// LP64 Linux (x86_64, aarch64): an accidental change fails the build. Append
// new fields at the end and bump FTL_ABI_MINOR; never edit these numbers for
// a released minor (add a new block instead).
#include <ftlab/plugin.h>

#include <cstddef>
#include <cstdio>
#include <type_traits>

static_assert(
    std::is_same_v<ftl_entry_fn, const ftl_plugin_descriptor* (*)(uint32_t, const ftl_host_api*, ftl_error*) noexcept>,
    "the entry signature is frozen");

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFull
// ---- ABI 1.0 - DO NOT MODIFY ABOVE THE NEXT MARKER ----
static_assert(sizeof(ftl_error) == 1160, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_error, code) == 4, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_error, message) == 8, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_error, key) == 1032, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_host_api) == 40, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_host_api, host_ctx) == 16, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_host_api, log) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_host_api, should_stop) == 32, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_tensor) == 80, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_tensor, manager_ctx) == 8, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_tensor, deleter) == 16, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_tensor, flags) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_tensor, dl_tensor) == 32, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_named_tensor) == 16, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_config) == 56, "ABI 1.0 layout changed");  // 1.2 fills its tail padding
static_assert(offsetof(ftl_config, toml) == 8, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_config, toml_len) == 16, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_config, base_dir) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_config, seed) == 32, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_config, device) == 40, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_config, num_threads) == 48, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_common_vtable) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_common_vtable, create) == 8, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_common_vtable, destroy) == 16, "ABI 1.0 layout changed");
// 1.0 size of the tokenizer vtable (the struct grew in 1.1, see below):
static_assert(offsetof(ftl_tokenizer_vtable, decode) + sizeof(void*) == 64, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_tokenizer_vtable, vocab_size) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_tokenizer_vtable, token_to_id) == 32, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_tokenizer_vtable, pad_id) == 40, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_tokenizer_vtable, encode) == 48, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_tokenizer_vtable, decode) == 56, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_dataset_vtable) == 64, "ABI 1.3 layout changed (1.0-1.2: 56)");
static_assert(offsetof(ftl_dataset_vtable, num_labels) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_dataset_vtable, label_name) == 32, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_dataset_vtable, num_examples) == 40, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_dataset_vtable, example) == 48, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_dataset_vtable, prepare_texts) == 56, "ABI 1.3 layout changed");
// 1.0 size of ftl_step_args (the struct grew in 1.2, see below):
static_assert(offsetof(ftl_step_args, stream) + sizeof(void*) == 32, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_step_args, inputs) == 8, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_step_args, n_inputs) == 16, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_step_args, train) == 20, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_step_args, stream) == 24, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_model_vtable) == 64, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_model_vtable, num_params) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_model_vtable, param) == 32, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_model_vtable, grad) == 40, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_model_vtable, zero_grad) == 48, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_model_vtable, step) == 56, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_metric_value) == 16, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_metric_vtable) == 64, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_metric_vtable, reset) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_metric_vtable, update) == 32, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_metric_vtable, compute) == 40, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_metric_vtable, tables) == 48, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_metric_vtable, headline) == 56, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_factory) == 48, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_factory, kind) == 4, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_factory, name) == 8, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_factory, version) == 16, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_factory, summary) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_factory, capabilities) == 32, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_factory, vtable) == 40, "ABI 1.0 layout changed");
static_assert(sizeof(ftl_plugin_descriptor) == 48, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_plugin_descriptor, abi_major) == 4, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_plugin_descriptor, abi_minor) == 8, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_plugin_descriptor, library_name) == 16, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_plugin_descriptor, build_info) == 24, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_plugin_descriptor, num_factories) == 32, "ABI 1.0 layout changed");
static_assert(offsetof(ftl_plugin_descriptor, factories) == 40, "ABI 1.0 layout changed");
// ---- end of ABI 1.0 ----
// ---- ABI 1.1 - DO NOT MODIFY ABOVE THE NEXT MARKER ----
static_assert(offsetof(ftl_tokenizer_vtable, encode_pair) == 64, "ABI 1.1 layout changed");
static_assert(sizeof(ftl_tokenizer_vtable) == 72, "ABI 1.1 layout changed");
// ---- end of ABI 1.1 ----
// ---- ABI 1.2 - DO NOT MODIFY ABOVE THE NEXT MARKER ----
static_assert(offsetof(ftl_config, compute_dtype) == 52, "ABI 1.2 layout changed");
static_assert(offsetof(ftl_step_args, flags) == 32, "ABI 1.2 layout changed");
static_assert(sizeof(ftl_step_args) == 40, "ABI 1.2 layout changed");
// ---- end of ABI 1.2 ----
#endif

int main() {
  std::printf("abi_layout: ABI %u.%u layout frozen\n", FTL_ABI_MAJOR, FTL_ABI_MINOR);
  return 0;
}
