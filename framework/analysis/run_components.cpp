// run_components.cpp - plugin components rebuilt from a results file (see run_components.hpp).
#include "analysis/run_components.hpp"

#include "analysis/run_file.hpp"
#include "results/h5.hpp"
#include "results/schema.hpp"
#include "util/error.hpp"

#include <filesystem>

namespace fs = std::filesystem;

namespace ftl::analysis {

namespace {

bool names_a_path(const std::string& key) {
  auto ends = [&](const char* s) {
    const std::string x(s);
    return key.size() >= x.size() && key.compare(key.size() - x.size(), x.size(), x) == 0;
  };
  return key == "path" || key == "file" || ends("_path") || ends("_file") || ends("_dir") ||
         key.rfind("vocab", 0) == 0 || key.rfind("merges", 0) == 0;
}

}  // namespace

std::unique_ptr<RunComponents> run_components_load(const std::string& run_path, const std::string& base_dir_override,
                                                   const std::vector<std::string>& plugin_dirs) {
  RunInfo info = run_info_read(run_path, "test");
  if (info.state != RunState::ok) throw Error(run_path + ": " + info.problem + "; use a complete run");
  auto rc = std::make_unique<RunComponents>();
  rc->run_path = run_path;
  std::string text, base_dir;
  {
    h5::Handle f = h5::open_file(run_path, false);
    if (!h5::exists(f.id(), schema::k_config)) throw Error(run_path + ": no /config group; the file is damaged");
    h5::Handle c = h5::open_group(f.id(), schema::k_config);
    text = h5::read_attr_string(c.id(), "experiment_toml");
    base_dir = H5Aexists(c.id(), "base_dir") > 0 ? h5::read_attr_string(c.id(), "base_dir") : ".";
    if (h5::exists(f.id(), std::string(schema::k_data) + "/label_names")) {
      h5::Handle d = h5::open_group(f.id(), schema::k_data);
      rc->label_names = h5::read_strings(d.id(), "label_names");
    }
  }
  if (!base_dir_override.empty()) base_dir = base_dir_override;
  rc->experiment = load_experiment_text(text, base_dir, run_path + " (stored experiment)", {});
  std::vector<std::string> dirs = plugin_dirs;
  dirs.insert(dirs.end(), rc->experiment.plugin_path.begin(), rc->experiment.plugin_path.end());
  rc->registry.load_dirs(Registry::search_path(dirs));
  return rc;
}

ComponentSpec run_component_spec(const RunComponents& rc, const std::string& section) {
  ComponentSpec s;
  s.toml = rc.experiment.component_toml(section);
  s.base_dir = rc.experiment.base_dir;
  s.where = rc.run_path + ": stored [" + section + "]";
  s.seed = rc.experiment.seed;
  s.threads = rc.experiment.threads > 0 ? static_cast<int32_t>(rc.experiment.threads) : 0;
  return s;
}

void run_component_files_check(const RunComponents& rc, const std::string& section) {
  const toml::table* t = rc.experiment.doc[section].as_table();
  if (t == nullptr) return;
  for (const auto& [key, node] : *t) {
    auto v = node.value_exact<std::string>();
    if (!v || !names_a_path(std::string(key.str()))) continue;
    const std::string p = rc.experiment.resolve(*v);
    std::error_code ec;
    if (!fs::exists(p, ec))
      throw Error(rc.run_path + ": the run's " + section + " files are missing: " + p + " (" + section + "." +
                  std::string(key.str()) + " in the stored experiment); restore them there or pass --base-dir DIR");
  }
}

std::unique_ptr<Tokenizer> run_tokenizer_create(const RunComponents& rc) {
  run_component_files_check(rc, "tokenizer");
  return std::make_unique<Tokenizer>(rc.registry.find(FTL_KIND_TOKENIZER, rc.experiment.plugin_name("tokenizer")),
                                     run_component_spec(rc, "tokenizer"));
}

std::unique_ptr<Metric> run_metric_create(const RunComponents& rc) {
  return std::make_unique<Metric>(rc.registry.find(FTL_KIND_METRIC, rc.experiment.plugin_name("metric")),
                                  run_component_spec(rc, "metric"));
}

std::unique_ptr<Dataset> run_dataset_create(const RunComponents& rc) {
  run_component_files_check(rc, "dataset");
  return std::make_unique<Dataset>(rc.registry.find(FTL_KIND_DATASET, rc.experiment.plugin_name("dataset")),
                                   run_component_spec(rc, "dataset"));
}

}  // namespace ftl::analysis
