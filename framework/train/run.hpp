// run.hpp - `ftlab run` and `ftlab validate`: builds the four components from
// an experiment, fine-tunes, evaluates and writes the results file.
#pragma once

#include "config/experiment.hpp"

#include <string>
#include <vector>

namespace ftl {

struct RunOptions {
  std::string output;                    // results file; empty = <output_dir>/<name>-<time>.h5
  std::vector<std::string> plugin_dirs;  // --plugin-path
  std::string resume;                    // --resume: results path, .ckpt folder or checkpoint file
  bool force = false;                    // --force: resume although the experiment changed
};

// Loads plugins and creates every component, which checks every key and file.
void validate_experiment(Experiment& e, const RunOptions& opt);

// Runs the experiment; returns the path of the complete results file.
std::string run_experiment(Experiment& e, const RunOptions& opt);

}  // namespace ftl
