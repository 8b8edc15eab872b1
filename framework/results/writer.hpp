// writer.hpp - writes one run's HDF5 results file. The file is created as
// "<path>.partial" with status "running"; finish() marks it complete and
// renames it to <path>; fail() records the error and leaves the .partial name,
// so an unfinished run never looks complete.
#pragma once

#include "results/h5.hpp"

#include <map>
#include <string>
#include <vector>

namespace ftl {

struct PluginInfo {
  std::string kind, name, version, library;
};

struct EvalRecord {
  std::string split;          // "validation" or "test"
  std::string tag;            // "epoch_1", ..., "final"
  int64_t epoch = 0;          // epoch after which it ran
  std::vector<float> logits;  // [N, C] row-major
  std::vector<int64_t> labels;
  int64_t n = 0, c = 0;
  std::vector<std::pair<std::string, double>> metrics;
  struct Table {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<double> values;
    bool integer = false;
  };
  std::vector<Table> tables;
  double loss = 0.0;
  double seconds = 0.0;
};

struct StepRecord {
  int64_t step;
  double epoch;
  float loss;
  double learning_rate;
  float grad_norm;
};

class RunWriter {
 public:
  explicit RunWriter(std::string path);
  ~RunWriter();
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  const std::string& path() const { return path_; }
  const std::string& partial_path() const { return partial_; }

  void write_config(const std::string& toml, const std::string& experiment_path,
                    const std::vector<std::string>& overrides);
  void write_plugins(const std::vector<PluginInfo>& plugins);
  void write_data(const std::vector<std::string>& label_names, const std::map<std::string, int64_t>& split_sizes);
  void write_environment(const std::map<std::string, std::string>& env);
  void write_eval(const EvalRecord& r);  // flushed at once
  void write_train_log(const std::vector<StepRecord>& steps);
  void write_weight(const std::string& name, const std::vector<int64_t>& shape, const float* data);
  void finish();
  void fail(const std::string& message) noexcept;

 private:
  std::string path_, partial_;
  h5::Handle file_;
  // split -> (epoch, metrics) collected for the per-split tables
  std::map<std::string, std::vector<std::pair<int64_t, std::vector<std::pair<std::string, double>>>>> metric_rows_;
  bool closed_ = false;
};

}  // namespace ftl
