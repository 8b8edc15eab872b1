// run_file.hpp - what `ftlab compare` and `ftlab report` read from results
// files (docs/results-format.md), without LibTorch: a run's state (usable or
// why not), its flattened config, its scalar metrics for one split and its
// stored logits. Limits: reads schema version 2 only; other versions and
// incomplete runs are reported through RunInfo::state, never thrown.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ftl::analysis {

enum class RunState { ok, incomplete, other_schema, not_results };

struct RunInfo {
  std::string path;
  RunState state = RunState::ok;
  std::string problem;                        // for a state other than ok: one line saying why
  std::map<std::string, std::string> config;  // dotted key -> TOML value text
  std::map<std::string, double> metrics;      // scalar metrics of the split asked for
  std::vector<std::string> metric_order;      // the metric plugin's order
};

// Results files named by args: files as given, folders searched recursively
// for *.h5 and *.h5.partial (sorted). Throws ftl::Error for a missing path.
std::vector<std::string> run_files_expand(const std::vector<std::string>& args);

// Reads one file. split: "test" (eval/test/final) or "validation" (the row of
// metrics/validation at summary/best_step, else the last row).
RunInfo run_info_read(const std::string& path, const std::string& split);

// The flattened config keys whose value differs between the runs (a key
// missing from a run counts as the value "-"), sorted.
std::vector<std::string> config_keys_differing(const std::vector<const RunInfo*>& runs);
std::string config_value(const RunInfo& r, const std::string& key);  // "-" when absent

// Every leaf of a TOML document as "section.key" -> value as TOML text.
std::map<std::string, std::string> toml_flatten(const std::string& text);

struct Predictions {
  std::vector<float> logits;    // [n, c] row-major, dataset order
  std::vector<int64_t> labels;  // [n]
  int64_t n = 0, c = 0;
};

// eval/<split>/<tag>/logits and labels; throws ftl::Error naming the file if absent.
Predictions predictions_read(const std::string& path, const std::string& split, const std::string& tag);

}  // namespace ftl::analysis
