// run_components.hpp - rebuilds a finished run's plugin components from the
// experiment its results file stores (/config experiment_toml, base_dir), for
// `ftlab predict` (tokenizer + model), `ftlab report` (dataset texts) and
// `ftlab compare` (the metric, for the paired bootstrap).
// Limits: the files the stored experiment names (tokenizer vocabularies,
// dataset folders) must still exist, under the stored base_dir or the one
// given; the plugins must be found on the plugin path.
#pragma once

#include "config/experiment.hpp"
#include "plugins/components.hpp"
#include "plugins/registry.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ftl::analysis {

struct RunComponents {
  std::string run_path;
  Experiment experiment;  // rebuilt from the stored TOML
  Registry registry;
  std::vector<std::string> label_names;  // data/label_names
};

// Opens a complete schema-2 results file (else throws ftl::Error saying why),
// rebuilds its experiment (base_dir_override replaces the stored base_dir when
// not empty) and loads the plugins from plugin_dirs + the usual search path.
std::unique_ptr<RunComponents> run_components_load(const std::string& run_path, const std::string& base_dir_override,
                                                   const std::vector<std::string>& plugin_dirs);

// The spec a component of `section` is created from (as `ftlab run` does).
ComponentSpec run_component_spec(const RunComponents& rc, const std::string& section);

// Throws ftl::Error naming the first path in the stored [section] table that
// no longer exists (string values of keys named path/*_path/*_file/file/vocab*/merges*).
void run_component_files_check(const RunComponents& rc, const std::string& section);

std::unique_ptr<Tokenizer> run_tokenizer_create(const RunComponents& rc);
std::unique_ptr<Metric> run_metric_create(const RunComponents& rc);  // as the run scored, num_labels included
std::unique_ptr<Dataset> run_dataset_create(const RunComponents& rc);

}  // namespace ftl::analysis
