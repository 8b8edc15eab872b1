// experiment.hpp - an experiment file: TOML parsed with toml++, --set
// overrides applied, host keys ([experiment], [train]) validated with their
// defaults, and each component table ([tokenizer], [dataset], [model],
// [metric]) kept for its plugin. Errors name file:line and the dotted key.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace ftl {

// Upper bounds validate enforces on host sizes and counts (a typo such as 2^63
// is an error, never an overflowing step count or a thread storm).
constexpr int64_t k_max_threads = 1024;            // experiment.threads, ftlab tokenize --threads
constexpr int64_t k_max_epochs = 1000000;          // also save_total_limit, early_stopping_patience
constexpr int64_t k_max_batch = int64_t{1} << 20;  // batch sizes and gradient accumulation
constexpr int64_t k_max_steps = 1000000000000;     // step counts: log_every, eval/save/warmup steps

struct TrainConfig {
  int64_t epochs = 3;
  int64_t batch_size = 16;
  int64_t eval_batch_size = 64;
  double learning_rate = 2e-5;
  double weight_decay = 0.01;
  int64_t warmup_steps = 0;
  double warmup_ratio = 0.0;
  double max_grad_norm = 1.0;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_epsilon = 1e-8;
  int64_t log_every = 50;  // progress line; on CUDA also how often the losses are read back
  int64_t gradient_accumulation_steps = 1;
  std::string lr_scheduler = "linear";  // linear | cosine | constant | constant_with_warmup
  std::string eval_strategy = "epoch";  // epoch | steps | no
  int64_t eval_steps = 0;
  std::string save_strategy = "epoch";  // epoch | steps | no
  int64_t save_steps = 0;
  int64_t save_total_limit = 0;                // 0 = keep every checkpoint; the best is never deleted
  std::string metric_for_best_model = "loss";  // "loss" or a metric name of the metric plugin
  bool greater_is_better = false;              // default: false for names ending in "loss"
  bool load_best_model_at_end = false;
  int64_t early_stopping_patience = 0;  // evaluations without improvement; 0 = off
  double early_stopping_threshold = 0.0;
  double label_smoothing = 0.0;
  std::vector<double> class_weights;    // empty = unweighted; one weight per label
  bool class_weights_balanced = false;  // class_weights = "balanced": n / (C * count_c) on the training split
  bool group_by_length = false;
  // Batches padded to a multiple of this many tokens; 0 = auto: 8 on CUDA, 1 on CPU.
  int64_t pad_to_multiple_of = 0;
  std::string precision = "auto";  // auto (bf16 on GPUs that have it, else fp32) | fp32 | bf16 | fp16 (CUDA only)
  std::string optim = "auto";      // auto (fused AdamW on CUDA where available) | adamw_fused | adamw_loop
};

struct Experiment {
  std::string path;      // the experiment file as given
  std::string base_dir;  // its folder: relative paths inside it resolve here
  std::string name;
  uint64_t seed = 42;
  std::string device = "cpu";  // "cpu", "cuda" or "cuda:N"
  int64_t threads = 0;         // 0 = all cores
  std::string output_dir = "results";
  std::vector<std::string> plugin_path;
  TrainConfig train;
  toml::table doc;  // resolved document (file + overrides)
  std::vector<std::string> overrides;

  // The component table of `section` ("tokenizer", ...): its plugin name and
  // the remaining keys as TOML text for the plugin.
  std::string plugin_name(const std::string& section) const;
  std::string component_toml(const std::string& section) const;
  // "file:line: section.key" for messages; "(--set section.key)" for overrides.
  std::string where(const std::string& dotted_key) const;
  // The resolved experiment as TOML text (stored in results files).
  std::string resolved_toml() const;
  // Resolves p against base_dir unless it is absolute.
  std::string resolve(const std::string& p) const;
};

// Loads and validates; throws ftl::Error with file, line and key.
Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides);
// The same from TOML text (e.g. stored in a results file); relative paths in
// it resolve against base_dir; `path` names it in messages.
Experiment load_experiment_text(const std::string& text, const std::string& base_dir, const std::string& path,
                                const std::vector<std::string>& overrides);

// Sets a dotted key in a component table if the user did not (host-provided
// values such as num_labels); throws if the user's value differs.
void inject_component_value(Experiment& e, const std::string& section, const std::string& key, int64_t value,
                            const std::string& source);

}  // namespace ftl
