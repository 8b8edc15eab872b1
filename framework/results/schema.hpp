// schema.hpp - the one place that names every group, dataset and attribute of
// an ftlab results file (docs/results-format.md describes the layout). The
// writer and every reader use these names; bump k_schema_version on change.
#pragma once

namespace ftl::schema {

constexpr long k_schema_version = 2;  // 2: checkpoints, epoch log, summary, step/epoch columns
constexpr const char* k_format = "ftlab-results";

// Root attributes.
constexpr const char* k_attr_format = "format";
constexpr const char* k_attr_schema_version = "schema_version";
constexpr const char* k_attr_ftlab_version = "ftlab_version";
constexpr const char* k_attr_status = "status";  // "running", "complete", "failed"
constexpr const char* k_attr_error = "error";
constexpr const char* k_attr_created = "created";
constexpr const char* k_attr_finished = "finished";

constexpr const char* k_config = "config";        // attrs: experiment_toml, experiment_path, overrides
constexpr const char* k_plugins = "plugins";      // plugins/<kind>: attrs name, version, library, abi
constexpr const char* k_data = "data";            // label_names [C]; attrs num_<split>
constexpr const char* k_train_log = "train/log";  // step, epoch, loss, learning_rate, grad_norm, ... [S]
constexpr const char* k_train_epochs = "train/epochs";  // per-epoch timing and padding [E]
constexpr const char* k_summary = "summary";  // attrs: best checkpoint and metric, stop reason
constexpr const char* k_checkpoints = "checkpoints";  // checkpoints/<name>: weights, optimizer, rng; attr best
constexpr const char* k_eval = "eval";        // eval/<split>/<tag>: logits [N, C], labels [N], tables; attrs metrics
constexpr const char* k_metrics = "metrics";  // metrics/<split>: epoch, step, loss [E] + one [E] dataset per metric
constexpr const char* k_weights = "model/weights";  // one dataset per parameter, float32
constexpr const char* k_checkpoint_format = "ftlab-checkpoint";
constexpr const char* k_env = "environment";        // attrs: host, device, libtorch, threads, ...

}  // namespace ftl::schema
