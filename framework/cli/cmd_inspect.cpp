// cmd_inspect.cpp - `ftlab inspect RUN.h5`: a readable summary of a results
// file (complete, running or failed): status, config, plugins, environment,
// the per-evaluation metrics table with the best row marked, per-epoch timing,
// test metrics, checkpoints and what takes space in the file.
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "results/h5.hpp"
#include "results/records.hpp"
#include "results/schema.hpp"
#include "util/error.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace ftl::cli {

namespace {

const char* k_usage = "inspect RUN.h5 [--config]";

std::string attr_or(hid_t obj, const char* name, const std::string& fallback = "-") {
  return H5Aexists(obj, name) > 0 ? h5::read_attr_string(obj, name) : fallback;
}

std::string human_bytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1024 && u < 4) b /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

int cmd_inspect(int argc, char** argv) {
  po::options_description desc("ftlab inspect");
  desc.add_options()("run", po::value<std::string>(), "results file (.h5 or .h5.partial)")(
      "config", "also print the resolved experiment TOML");
  Parsed p = parse(argc, argv, desc, {"run"}, k_usage);
  if (p.help) return 0;
  if (!p.vm.count("run")) throw Error(std::string("missing the results file; usage: ftlab ") + k_usage);
  const std::string path = p.vm["run"].as<std::string>();
  h5::Handle f = h5::open_file(path, false);
  const hid_t root = f.id();
  if (attr_or(root, schema::k_attr_format) != schema::k_format)
    throw Error(path + ": not an ftlab results file (no format = \"ftlab-results\" attribute)");
  const int64_t version = h5::read_attr_int(root, schema::k_attr_schema_version);
  if (version != schema::k_schema_version)
    throw Error(path + ": results schema version " + std::to_string(version) + ", this ftlab reads version " +
                std::to_string(schema::k_schema_version) + "; use the ftlab version that wrote it (" +
                attr_or(root, schema::k_attr_ftlab_version) + ")");

  std::printf("%s\n  status %s, written by ftlab %s, %s .. %s, %s\n", path.c_str(),
              attr_or(root, schema::k_attr_status).c_str(), attr_or(root, schema::k_attr_ftlab_version).c_str(),
              attr_or(root, schema::k_attr_created).c_str(), attr_or(root, schema::k_attr_finished).c_str(),
              human_bytes(static_cast<double>(std::filesystem::file_size(path))).c_str());
  if (H5Aexists(root, schema::k_attr_error) > 0)
    std::printf("  error: %s\n", h5::read_attr_string(root, schema::k_attr_error).c_str());
  if (h5::exists(root, schema::k_config)) {
    h5::Handle c = h5::open_group(root, schema::k_config);
    std::printf("  experiment %s", attr_or(c.id(), "experiment_path").c_str());
    const std::string o = attr_or(c.id(), "overrides", "");
    if (!o.empty()) {
      std::string sets;
      for (char ch : o) sets += ch == '\n' ? std::string(" --set ") : std::string(1, ch);
      std::printf(" --set %s", sets.c_str());
    }
    std::printf("\n");
    if (p.vm.count("config")) std::printf("\n%s\n", attr_or(c.id(), "experiment_toml").c_str());
  }
  for (const auto& kind : h5::children(root, schema::k_plugins)) {
    h5::Handle g = h5::open_group(root, std::string(schema::k_plugins) + "/" + kind);
    std::printf("  %-9s %s %s\n", kind.c_str(), attr_or(g.id(), "name").c_str(), attr_or(g.id(), "version").c_str());
  }
  if (h5::exists(root, schema::k_env)) {
    h5::Handle g = h5::open_group(root, schema::k_env);
    std::printf("  on %s, %s, %s threads, libtorch %s, %s, git %s\n", attr_or(g.id(), "host").c_str(),
                attr_or(g.id(), "device").c_str(), attr_or(g.id(), "threads").c_str(),
                attr_or(g.id(), "libtorch").c_str(), attr_or(g.id(), "precision").c_str(),
                attr_or(g.id(), "git_revision").c_str());
  }
  if (h5::exists(root, schema::k_data)) {
    h5::Handle g = h5::open_group(root, schema::k_data);
    auto names = h5::read_strings(g.id(), "label_names");
    std::string labels;
    for (const auto& n : names) labels += (labels.empty() ? "" : ", ") + n;
    std::printf("  data: train %lld, validation %lld, test %lld; labels: %s\n",
                static_cast<long long>(h5::read_attr_int(g.id(), "num_train")),
                static_cast<long long>(h5::read_attr_int(g.id(), "num_validation")),
                static_cast<long long>(h5::read_attr_int(g.id(), "num_test")), labels.c_str());
  }

  // Evaluations, in the order they ran.
  std::string best_ckpt, metric_for_best = "loss";
  int64_t best_step = -1;
  if (h5::exists(root, schema::k_summary)) {
    h5::Handle s = h5::open_group(root, schema::k_summary);
    best_ckpt = attr_or(s.id(), "best_checkpoint", "");
    metric_for_best = attr_or(s.id(), "metric_for_best_model", "loss");
    best_step = static_cast<int64_t>(h5::read_attr_double(s.id(), "best_step"));
  }
  for (const auto& split : h5::children(root, schema::k_eval)) {
    std::vector<EvalRecord> evals;
    for (const auto& tag : h5::children(root, std::string(schema::k_eval) + "/" + split)) {
      h5::Handle g = h5::open_group(root, std::string(schema::k_eval) + "/" + split + "/" + tag);
      evals.push_back(read_eval(g.id(), path + ": " + std::string(schema::k_eval) + "/" + split + "/" + tag));
    }
    std::sort(evals.begin(), evals.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
    if (evals.empty()) continue;
    std::printf("\n%s:\n  %-12s %6s %7s %8s", split.c_str(), "", "epoch", "step", "loss");
    for (const auto& [k, v] : evals[0].metrics) std::printf(" %15s", k.c_str());
    std::printf("\n");
    for (const auto& r : evals) {
      const bool best = split == "validation" && r.step == best_step;
      std::printf("  %-12s %6.2f %7lld %8.4f", r.tag.c_str(), r.epoch, static_cast<long long>(r.step), r.loss);
      for (const auto& [k, v] : r.metrics) std::printf(" %15.4f", v);
      std::printf("%s\n", best ? "  <- best" : "");
    }
  }
  if (h5::exists(root, schema::k_train_epochs)) {
    h5::Handle g = h5::open_group(root, schema::k_train_epochs);
    auto epochs = read_epoch_log(g.id());
    std::printf("\ntraining:\n  %6s %10s %12s %12s %9s\n", "epoch", "seconds", "samples/s", "tokens/s", "padding");
    for (const auto& e : epochs)
      std::printf("  %6lld %10.1f %12.1f %12.0f %8.1f%%\n", static_cast<long long>(e.epoch), e.seconds,
                  e.samples_per_second(), e.tokens_per_second(), 100 * e.padded_fraction());
  }
  if (h5::exists(root, schema::k_summary)) {
    h5::Handle s = h5::open_group(root, schema::k_summary);
    std::printf("  stopped: %s after %lld steps; best %s = %.4f at step %lld (%s); final weights: %s\n",
                attr_or(s.id(), "stop_reason").c_str(),
                static_cast<long long>(h5::read_attr_double(s.id(), "global_step")), metric_for_best.c_str(),
                h5::read_attr_double(s.id(), "best_metric"), static_cast<long long>(best_step),
                best_ckpt.empty() ? "not saved" : best_ckpt.c_str(), attr_or(s.id(), "weights").c_str());
  }
  auto ckpts = h5::children(root, schema::k_checkpoints);
  if (!ckpts.empty()) {
    std::printf("\ncheckpoints:\n");
    for (const auto& c : ckpts)
      std::printf("  %s%s  %s\n", c.c_str(), c == best_ckpt ? " (best)" : "",
                  human_bytes(static_cast<double>(h5::storage_size(root, std::string(schema::k_checkpoints) + "/" + c)))
                      .c_str());
  }
  std::printf("\nspace:");
  for (const char* part : {schema::k_eval, "train", schema::k_weights, schema::k_checkpoints})
    if (h5::exists(root, part))
      std::printf("  %s %s", part, human_bytes(static_cast<double>(h5::storage_size(root, part))).c_str());
  std::printf("\n");
  return 0;
}

}  // namespace

FTL_COMMAND(inspect, "inspect", k_usage, "summarise a results file: metrics per evaluation, best model, timing",
            cmd_inspect);

}  // namespace ftl::cli
