// predictor.hpp - a finished run as a classifier (needs LibTorch): the run's
// tokenizer and model plugins rebuilt from its stored experiment, the model's
// parameters overwritten with /model/weights, and batched inference on new
// texts. Limits: CPU only (the stored device is ignored); texts are encoded
// with the run's tokenizer settings (truncation at its max_length).
#pragma once

#include "analysis/run_components.hpp"
#include "train/model.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ftl::analysis {

struct Predictor {
  std::unique_ptr<RunComponents> run;
  std::unique_ptr<Tokenizer> tokenizer;
  std::unique_ptr<Model> model;
  int64_t num_labels() const { return static_cast<int64_t>(run->label_names.size()); }
};

std::unique_ptr<Predictor> predictor_load(const std::string& run_path, const std::string& base_dir_override,
                                          const std::vector<std::string>& plugin_dirs);

// Logits [texts.size(), C] row-major, in the order of texts.
std::vector<float> predictor_logits(Predictor& p, const std::vector<std::string>& texts, int64_t batch_size);

}  // namespace ftl::analysis
