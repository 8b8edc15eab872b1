// writer.hpp - writes one run's HDF5 results file. The file is created as
// "<path>.partial" with status "running"; finish() marks it complete and
// renames it to <path>; fail() records the error and leaves the .partial name,
// so an unfinished run never looks complete. Crash safety of the training
// state is the checkpoint files' job (train/checkpoint.hpp); finish() copies
// the surviving checkpoints into /checkpoints.
#pragma once

#include "results/records.hpp"

#include <map>
#include <string>
#include <vector>

namespace ftl {

struct PluginInfo {
  std::string kind, name, version, library;
};

class RunWriter {
 public:
  explicit RunWriter(std::string path);
  ~RunWriter();
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  const std::string& path() const { return path_; }
  const std::string& partial_path() const { return partial_; }

  void write_config(const std::string& toml, const std::string& experiment_path, const std::string& base_dir,
                    const std::vector<std::string>& overrides);
  void write_plugins(const std::vector<PluginInfo>& plugins);
  void write_data(const std::vector<std::string>& label_names, const std::map<std::string, int64_t>& split_sizes);
  void write_environment(const std::map<std::string, std::string>& env);
  void write_eval(const EvalRecord& r);  // flushed at once
  void write_train_log(const std::vector<StepRecord>& steps, const std::vector<EpochRecord>& epochs);
  void write_summary(const std::map<std::string, std::string>& text, const std::map<std::string, double>& numbers);
  void write_weight(const std::string& name, const std::vector<int64_t>& shape, const float* data);
  // Copies a checkpoint file's contents into /checkpoints/<name>.
  void embed_checkpoint(const std::string& file, const std::string& name, bool best);
  void finish();
  void fail(const std::string& message) noexcept;

 private:
  std::string path_, partial_;
  h5::Handle file_;
  // split -> rows (epoch, step, metrics) for the per-split tables
  struct Row {
    double epoch;
    int64_t step;
    std::vector<std::pair<std::string, double>> metrics;
    double loss;
  };
  std::map<std::string, std::vector<Row>> metric_rows_;
  bool closed_ = false;
};

}  // namespace ftl
