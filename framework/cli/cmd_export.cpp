// cmd_export.cpp - `ftlab export RUN.h5 --format hf --out DIR`: a finished
// run's final weights as a Hugging Face folder that
// transformers.AutoModelForSequenceClassification.from_pretrained(DIR) loads:
// config.json (written by the model plugin itself, created from the run's
// stored [model] table with `export_dir`; the host adds id2label/label2id),
// model.safetensors (model/weights/<HF name>, checked against the plugin's
// parameter names and shapes; header padded to 8 bytes, {"format":"pt"}) and
// the tokenizer files found in the folders the run's [tokenizer] table names.
// The host knows no architecture: it never looks at the plugin name.
// Everything is written into a staging folder next to DIR and moved into DIR
// only when complete, so a failed export leaves no folder that looks whole;
// an export without the tokenizer files a loader needs fails.
// Limits: relative paths in the stored experiment resolve against the folder
// the run resolved them against (stored as config/base_dir; or --base-dir); a
// checkpoint the run started from must still exist there (the plugin rereads
// its config.json).
#include "analysis/model_folder.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "plugins/registry.hpp"
#include "results/h5.hpp"
#include "results/schema.hpp"
#include "train/model.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include "safetensors.hpp"

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace ftl::cli {

namespace {

const char* k_usage = "export RUN.h5 --format hf --out DIR [--base-dir DIR] [--plugin-path DIR]...";

// Tokenizer files transformers' AutoTokenizer reads, in any tokenizer folder.
const char* const k_tokenizer_files[] = {
    "vocab.json",       "merges.txt", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
    "added_tokens.json"};

std::string resolve(const std::string& base, const std::string& p) {
  return fs::path(p).is_absolute() ? p : (fs::path(base) / p).lexically_normal().string();
}

std::string attr_or(hid_t obj, const char* name) {
  return H5Aexists(obj, name) > 0 ? h5::read_attr_string(obj, name) : std::string();
}

// The folder relative paths of the stored experiment resolve against: --base-dir, else the
// run's own (config/base_dir), else the stored experiment file's folder.
std::string export_base_dir(const po::variables_map& vm, hid_t cfg, const std::string& experiment_path) {
  if (vm.count("base-dir")) {
    const std::string b = fs::absolute(vm["base-dir"].as<std::string>()).string();
    std::error_code ec;
    if (!fs::is_directory(b, ec)) throw Error("--base-dir " + b + ": not a folder");
    return b;
  }
  const std::string stored = attr_or(cfg, "base_dir");
  if (!stored.empty()) return stored;
  return fs::absolute(experiment_path).parent_path().string();
}

// A folder written under a temporary name beside DIR and moved into DIR by publish();
// removed if publish() is never reached.
struct StagedFolder {
  std::string final_dir, dir;
  explicit StagedFolder(std::string out)
      : final_dir(std::move(out)), dir(final_dir + ".ftlab-export-" + std::to_string(::getpid())) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) throw Error(dir + ": cannot create the export folder (" + ec.message() + ")");
  }
  ~StagedFolder() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
  // The export replaces DIR whole: a new or empty DIR is one rename; an earlier
  // export is moved aside, the new one renamed in, the old removed (and put
  // back if the second rename fails), so no stale file of it survives and no
  // mix of two exports is ever left. A folder holding anything else is refused
  // before any work (out_check).
  void publish() {
    std::error_code ec;
    const std::string old = final_dir + ".ftlab-old-" + std::to_string(::getpid());
    const bool replace = fs::exists(final_dir, ec) && !fs::is_empty(final_dir, ec);
    if (replace) {
      fs::rename(final_dir, old, ec);
      if (ec) throw Error(final_dir + ": cannot move the earlier export aside (" + ec.message() + ")");
    }
    fs::rename(dir, final_dir, ec);
    if (ec) {
      if (replace) fs::rename(old, final_dir);
      throw Error(final_dir + ": cannot move the export into place (" + ec.message() + "); the folder is unchanged");
    }
    dir.clear();
    if (replace) fs::remove_all(old, ec);
  }
};

// --out must be new, an empty folder, or an earlier ftlab export (replaced whole).
void out_check(const std::string& out) {
  std::error_code ec;
  if (!fs::exists(out, ec) || (fs::is_directory(out, ec) && fs::is_empty(out, ec))) return;
  if (!fs::is_directory(out, ec)) throw Error("--out " + out + ": exists and is not a folder; give a folder path");
  if (!fs::exists(fs::path(out) / analysis::k_dataset_file, ec) && !fs::exists(fs::path(out) / "config.json", ec))
    throw Error("--out " + out + ": a folder with other files; give a new or empty folder (an earlier export is " +
                "replaced whole)");
}

// Copies the tokenizer files of every folder (or file) a [tokenizer] string value names.
std::vector<std::string> copy_tokenizer_files(const toml::table* tok, const std::string& base, const std::string& out) {
  std::vector<std::string> copied;
  if (tok == nullptr) return copied;
  for (const auto& [key, node] : *tok) {
    auto s = node.value_exact<std::string>();
    if (!s || key.str() == "plugin") continue;
    const std::string p = resolve(base, *s);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const char* name : k_tokenizer_files)
        if (fs::is_regular_file(fs::path(p) / name, ec)) {
          fs::copy_file(fs::path(p) / name, fs::path(out) / name, fs::copy_options::overwrite_existing);
          copied.push_back(name);
        }
    } else if (fs::is_regular_file(p, ec)) {
      for (const char* name : k_tokenizer_files)
        if (fs::path(p).filename() == name) {
          fs::copy_file(p, fs::path(out) / name, fs::copy_options::overwrite_existing);
          copied.push_back(name);
        }
    }
  }
  return copied;
}

int cmd_export(int argc, char** argv) {
  po::options_description desc("ftlab export");
  desc.add_options()("run", po::value<std::string>(), "results file of a finished run")(
      "format", po::value<std::string>()->default_value("hf"), "output format: hf (Hugging Face folder)")(
      "out", po::value<std::string>(), "folder to write: new, empty, or an earlier export (replaced whole)")(
      "base-dir", po::value<std::string>(), "folder relative paths of the stored experiment resolve against")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(), "extra plugin folder (repeatable)");
  Parsed p = parse(argc, argv, desc, {"run"}, k_usage);
  if (p.help) return 0;
  if (!p.vm.count("run")) throw Error(std::string("missing the results file; usage: ftlab ") + k_usage);
  if (!p.vm.count("out")) throw Error(std::string("missing --out DIR; usage: ftlab ") + k_usage);
  const std::string format = p.vm["format"].as<std::string>();
  if (format != "hf") throw Error("--format " + format + ": unknown format; the only one is hf (Hugging Face)");
  const std::string path = p.vm["run"].as<std::string>();
  if (p.vm["out"].as<std::string>().empty()) throw Error("--out: empty path; give a folder to write");
  std::string out = fs::absolute(p.vm["out"].as<std::string>()).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  out_check(out);

  // ---- the run: stored experiment, labels, final weights
  h5::Handle f = h5::open_file(path, false);
  const hid_t root = f.id();
  if (attr_or(root, schema::k_attr_format) != schema::k_format)
    throw Error(path + ": not an ftlab results file (no format = \"ftlab-results\" attribute)");
  if (H5Aexists(root, schema::k_attr_schema_version) <= 0 ||
      h5::read_attr_int(root, schema::k_attr_schema_version) != schema::k_schema_version)
    throw Error(path + ": not results schema version " + std::to_string(schema::k_schema_version) +
                "; export it with the ftlab version that wrote it");
  if (attr_or(root, schema::k_attr_status) != "complete")
    throw Error(path + ": the run's status is '" + attr_or(root, schema::k_attr_status) +
                "', not complete; export a finished run");
  if (!h5::exists(root, schema::k_weights))
    throw Error(path + ": no final weights (model/weights): the run did not finish; export a finished run");
  h5::Handle cfg = h5::open_group(root, schema::k_config);
  const std::string experiment_toml = h5::read_attr_string(cfg.id(), "experiment_toml");
  const std::string experiment_path = attr_or(cfg.id(), "experiment_path");
  const std::string base = export_base_dir(p.vm, cfg.id(), experiment_path);
  std::vector<std::string> labels;
  if (h5::exists(root, schema::k_data)) {
    h5::Handle d = h5::open_group(root, schema::k_data);
    labels = h5::read_strings(d.id(), "label_names");
  }
  if (labels.size() < 2)
    throw Error(path + ": data/label_names holds " + std::to_string(labels.size()) +
                " names; the file is damaged (a classifier has at least 2 labels)");
  toml::table doc;
  try {
    doc = toml::parse(experiment_toml);
  } catch (const toml::parse_error& e) {
    throw Error(path + ": stored experiment TOML does not parse: " + std::string(e.description()));
  }
  toml::table* model_table = doc["model"].as_table();
  if (model_table == nullptr || !(*model_table)["plugin"].is_string())
    throw Error(path + ": the stored experiment has no [model] plugin");
  const std::string plugin = *(*model_table)["plugin"].value<std::string>();
  if (auto n = (*model_table)["num_labels"].value<int64_t>(); n && *n != static_cast<int64_t>(labels.size()))
    throw Error(path + ": data/label_names holds " + std::to_string(labels.size()) + " names but the model has " +
                std::to_string(*n) + " labels; the file is damaged");

  // ---- the model plugin writes its own config.json (export_dir)
  std::vector<std::string> dirs;
  if (p.vm.count("plugin-path")) dirs = p.vm["plugin-path"].as<std::vector<std::string>>();
  if (const toml::array* pp = doc["experiment"]["plugin_path"].as_array())
    for (const auto& n : *pp)
      if (auto s = n.value_exact<std::string>()) dirs.push_back(resolve(base, *s));
  Registry registry;
  registry.load_dirs(Registry::search_path(dirs));
  StagedFolder staged(out);
  const std::string& dir = staged.dir;  // everything below writes here; publish() moves it to out
  toml::table t = *model_table;
  t.erase("plugin");
  t.insert_or_assign("export_dir", dir);
  std::ostringstream ss;
  ss << t;
  ComponentSpec spec;
  spec.toml = ss.str();
  spec.base_dir = base;
  spec.where = path + ": [model]";
  spec.threads = 1;
  Model model(registry.find(FTL_KIND_MODEL, plugin), spec);
  const std::string config_path = dir + "/config.json";
  std::ifstream cin(config_path);
  if (!cin)
    throw Error("the '" + plugin + "' model plugin wrote no " + config_path +
                " (it does not support export_dir); this plugin cannot be exported to Hugging Face format");
  nlohmann::ordered_json config = nlohmann::ordered_json::parse(cin, nullptr, false);
  cin.close();
  if (config.is_discarded() || !config.is_object()) throw Error(config_path + ": the model plugin wrote invalid JSON");

  // ---- weights: every parameter, names and shapes as the plugin has them
  h5::Handle w = h5::open_group(root, schema::k_weights);
  std::vector<std::vector<float>> data;
  std::vector<safetensors::WriteTensor> tensors;
  data.reserve(model.params().size());
  for (const auto& prm : model.params()) {
    if (!h5::exists(w.id(), prm.name))
      throw Error(path + ": model/weights lacks '" + prm.name + "', which the '" + plugin +
                  "' model has; was the run made with another model configuration?");
    std::vector<int64_t> shape;
    data.push_back(h5::read<float>(w.id(), prm.name, &shape));
    std::vector<int64_t> want(prm.value.sizes().begin(), prm.value.sizes().end());
    if (shape != want)
      throw Error(path + ": model/weights/" + prm.name +
                  " has another shape than the model the stored "
                  "experiment builds; was the run made with another model configuration?");
    if (!std::all_of(data.back().begin(), data.back().end(), [](float x) { return std::isfinite(x); }))
      throw Error(path + ": model/weights/" + prm.name + " holds NaN or infinite values; the run diverged or the " +
                  "file is damaged: there is nothing usable to export");
    tensors.push_back({prm.name, "F32", shape, data.back().data()});
  }
  const size_t stored = h5::children(root, schema::k_weights).size();
  if (stored != model.params().size())
    throw Error(path + ": model/weights holds " + std::to_string(stored) + " tensors but the model has " +
                std::to_string(model.params().size()));
  safetensors::write_file(dir + "/model.safetensors", std::move(tensors), {{"format", "pt"}});

  // ---- labels into config.json
  if (!labels.empty()) {
    nlohmann::ordered_json id2label = nlohmann::ordered_json::object(), label2id = nlohmann::ordered_json::object();
    for (size_t i = 0; i < labels.size(); ++i) {
      id2label[std::to_string(i)] = labels[i];
      label2id[labels[i]] = static_cast<int64_t>(i);
    }
    config["id2label"] = id2label;
    config["label2id"] = label2id;
  }
  std::ofstream cout(config_path);
  cout << config.dump(2) << "\n";
  cout.close();
  if (!cout) throw Error(config_path + ": cannot write");

  auto copied = copy_tokenizer_files(doc["tokenizer"].as_table(), base, dir);
  // The run's [dataset] table: `ftlab predict --model` prepares new texts as this dataset prepared its own.
  if (const toml::table* ds = doc["dataset"].as_table()) {
    std::ostringstream dt;
    dt << *ds;
    write_file_atomic(dir + "/" + analysis::k_dataset_file,
                      "# ftlab export: the run's [dataset] table. `ftlab predict --model` prepares new texts\n"
                      "# as this dataset plugin prepared the training texts (prepare_texts).\n" +
                          dt.str() + "\n");
  }
  if (copied.empty())
    throw Error(path + ": no tokenizer files (vocab.json, vocab.txt, tokenizer.json, ...) in the folders its " +
                "[tokenizer] table names, resolved against " + base +
                "; a loader needs them: give --base-dir the folder the experiment's relative paths start from");
  // The run's truncation length travels as tokenizer_config.json's model_max_length
  // (what transformers' tokenizers and `ftlab predict --model` read).
  if (auto max_length = doc["tokenizer"]["max_length"].value<int64_t>()) {
    const std::string tc_path = dir + "/tokenizer_config.json";
    nlohmann::ordered_json tc = nlohmann::ordered_json::object();
    if (std::ifstream in(tc_path); in) {
      tc = nlohmann::ordered_json::parse(in, nullptr, /*allow_exceptions=*/false);
      if (!tc.is_object())
        throw Error(tc_path + ": not a JSON object; fix or remove the tokenizer_config.json it came from");
    }
    tc["model_max_length"] = *max_length;
    std::ofstream tout(tc_path);
    tout << tc.dump(2) << "\n";
    tout.close();
    if (!tout) throw Error(tc_path + ": cannot write");
    if (std::find(copied.begin(), copied.end(), "tokenizer_config.json") == copied.end())
      copied.push_back("tokenizer_config.json");
  }
  staged.publish();
  std::string files;
  for (const auto& c : copied) files += " " + c;
  std::fprintf(stderr, "exported %zu tensors, %zu labels; tokenizer:%s\n", model.params().size(), labels.size(),
               files.c_str());
  std::printf("%s\n", out.c_str());
  return 0;
}

}  // namespace

FTL_COMMAND(export, "export", k_usage,
            "write a finished run's model as a Hugging Face folder (config.json, "
            "model.safetensors, tokenizer files)",
            cmd_export);

}  // namespace ftl::cli
