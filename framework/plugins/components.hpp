// components.hpp - RAII wrappers around plugin instances for the host: each
// creates its instance from a factory and a TOML table, turns status codes
// into ftl::Error ("<kind> '<name>': <message>") and destroys the instance.
// Model lives in model.hpp (it needs LibTorch); these three do not.
#pragma once

#include "plugins/registry.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ftl {

struct ComponentSpec {
  std::string toml;      // the component's table without `plugin`
  std::string base_dir;  // where relative paths resolve
  std::string where;     // "EXP.toml: tokenizer" for messages
  uint64_t seed = 0;
  DLDevice device{kDLCPU, 0};
  int32_t threads = 0;
  DLDataType compute_dtype{kDLFloat, 32, 1};  // models: autocast type (bf16/fp16) or float32 = none
  // Maps a config key named by the plugin to "file:line: section.key".
  std::string (*locate)(const void* ctx, const std::string& key) = nullptr;
  const void* locate_ctx = nullptr;
};

// Creates an instance; on failure throws ftl::Error naming the key's file and line.
ftl_instance* create_instance(const FactoryRef& f, const ComponentSpec& spec);
// Throws ftl::Error for a failed status.
void check_status(int32_t rc, const ftl_error& err, const FactoryRef& f, const char* call);
ftl_error new_error();

class Tokenizer {
 public:
  Tokenizer(const FactoryRef& f, const ComponentSpec& spec);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // Encodes with special tokens and truncation; thread-safe if the plugin is.
  std::vector<int32_t> encode(std::string_view text) const;
  // Encodes with explicit FTL_ENCODE_* flags.
  std::vector<int32_t> encode(std::string_view text, uint32_t flags) const;
  // ABI 1.1: true when the plugin has the encode_pair slot.
  bool has_encode_pair() const;
  // Pair template (b may be nullptr: a alone) with token type ids; throws
  // ftl::Error when the plugin predates ABI 1.1 (check has_encode_pair()).
  struct PairIds {
    std::vector<int32_t> ids;
    std::vector<int32_t> type_ids;
  };
  PairIds encode_pair(std::string_view a, const std::string_view* b, uint32_t flags) const;
  std::string decode(const std::vector<int32_t>& ids, bool skip_special) const;
  int64_t vocab_size() const;
  int32_t pad_id() const;
  bool thread_safe() const { return (f_.factory->capabilities & FTL_CAP_THREAD_SAFE) != 0; }
  const FactoryRef& factory() const { return f_; }

 private:
  FactoryRef f_;
  const ftl_tokenizer_vtable* vt_;
  ftl_instance* self_ = nullptr;
};

struct Example {
  std::string_view text;  // borrowed from the dataset instance
  int64_t label;
};

class Dataset {
 public:
  Dataset(const FactoryRef& f, const ComponentSpec& spec);
  ~Dataset();
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;

  int64_t num_labels() const;
  std::vector<std::string> label_names() const;
  int64_t size(int32_t split) const;
  Example example(int32_t split, int64_t i) const;
  const FactoryRef& factory() const { return f_; }

 private:
  FactoryRef f_;
  const ftl_dataset_vtable* vt_;
  ftl_instance* self_ = nullptr;
};

// Texts prepared for inference as the dataset plugin f prepares its own
// (ABI 1.3 prepare_texts, given the dataset's table in spec); as given where
// the plugin has no such slot. Creates no instance and reads no data files.
std::vector<std::string> dataset_prepare_texts(const FactoryRef& f, const ComponentSpec& spec,
                                               const std::vector<std::string>& texts);

struct MetricTable {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<double> values;  // converted to double; integer tables stay exact up to 2^53
  bool integer = false;
};

class Metric {
 public:
  Metric(const FactoryRef& f, const ComponentSpec& spec);
  ~Metric();
  Metric(const Metric&) = delete;
  Metric& operator=(const Metric&) = delete;

  void reset();
  // logits [N, C] float32 and labels [N] int64, copied into plugin-owned tensors.
  void update(const float* logits, const int64_t* labels, int64_t n, int64_t c);
  void update(std::vector<float>&& logits, std::vector<int64_t>&& labels, int64_t n, int64_t c);  // no copy
  std::vector<std::pair<std::string, double>> compute();
  std::vector<MetricTable> tables();
  std::string headline() const;
  const FactoryRef& factory() const { return f_; }

 private:
  FactoryRef f_;
  const ftl_metric_vtable* vt_;
  ftl_instance* self_ = nullptr;
};

}  // namespace ftl
