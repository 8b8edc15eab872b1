// pipeline.hpp - the components of one experiment, created in dependency
// order: tokenizer and dataset first, then the host fills in what the model
// and metric need from them (vocab_size, pad_token_id, num_labels).
#pragma once

#include "config/experiment.hpp"
#include "plugins/components.hpp"
#include "results/writer.hpp"
#include "train/model.hpp"

#include <memory>

namespace ftl {

struct Pipeline {
  Registry registry;
  std::unique_ptr<Tokenizer> tokenizer;
  std::unique_ptr<Dataset> dataset;
  std::unique_ptr<Model> model;
  std::unique_ptr<Metric> metric;
  DLDevice device{kDLCPU, 0};
  at::Device torch_device{at::kCPU};
  int threads = 1;
  std::string precision = "fp32";  // train.precision resolved: fp32 | bf16 | fp16
  int64_t pad_multiple = 1;        // train.pad_to_multiple_of resolved

  std::vector<PluginInfo> plugin_infos() const;
};

std::unique_ptr<Pipeline> build_pipeline(Experiment& e, const std::vector<std::string>& plugin_dirs);

}  // namespace ftl
