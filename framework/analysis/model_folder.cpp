// model_folder.cpp - plugins picked for a Hugging Face model folder by offering
// it to each (see model_folder.hpp).
#include "analysis/model_folder.hpp"

#include "util/error.hpp"

#include "safetensors.hpp"

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace ftl::analysis {

namespace {

const char* k_export_hint = "`ftlab export RUN.h5 --format hf --out DIR` writes one";

// Records the key a plugin names in a config error (ComponentSpec::locate).
struct KeyCatcher {
  std::string plugin;
  std::string key;
};

std::string catch_key(const void* ctx, const std::string& key) {
  auto* c = const_cast<KeyCatcher*>(static_cast<const KeyCatcher*>(ctx));
  c->key = key;
  return "tokenizer (plugin '" + c->plugin + "') key '" + key + "'";
}

nlohmann::json read_json(const std::string& path, bool required) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!required) return nlohmann::json();
    throw Error(path + ": not found; a model folder needs config.json (" + k_export_hint +
                "); export the run again or predict from it with --run RUN.h5");
  }
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw Error(path + ": not a JSON object; replace it with the file " + std::string(k_export_hint));
  return j;
}

// id2label {"0": "negative", ...} in id order; else num_labels as LABEL_i (transformers' default).
std::vector<std::string> read_labels(const nlohmann::json& config, const std::string& path) {
  std::vector<std::string> names;
  auto it = config.find("id2label");
  if (it != config.end() && it->is_object() && !it->empty()) {
    names.resize(it->size());
    for (auto& [k, v] : it->items()) {
      size_t id = 0, used = 0;
      try {
        id = std::stoul(k, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != k.size() || id >= names.size() || !v.is_string() || !names[id].empty())
        throw Error(path + ": id2label must map the ids 0.." + std::to_string(names.size() - 1) +
                    " to label names (found key \"" + k + "\"); fix the file or export the run again");
      names[id] = v.get<std::string>();
    }
    return names;
  }
  auto n = config.find("num_labels");
  if (n != config.end() && n->is_number_integer() && n->get<int64_t>() >= 2) {
    for (int64_t i = 0; i < n->get<int64_t>(); ++i) names.push_back("LABEL_" + std::to_string(i));
    return names;
  }
  throw Error(path + ": no id2label (or num_labels); predict needs the classifier's labels: add id2label or export " +
              "the run again with ftlab export");
}

std::string toml_string(const std::string& s) {
  std::ostringstream ss;
  ss << toml::value<std::string>(s);
  return ss.str();
}

// Every model parameter must come from the file (directly, or under the prefix
// a bare-encoder checkpoint omits); otherwise the plugin initialised it.
void check_all_weights_stored(Model& model, const std::string& path) {
  std::set<std::string> stored;
  try {
    safetensors::File f(path);
    for (const auto& t : f.header().tensors) stored.insert(t.name);
  } catch (const safetensors::Error& e) {
    throw Error(e.what());
  }
  for (const Param& p : model.params()) {
    bool found = stored.count(p.name) > 0;
    for (size_t dot = p.name.find('.'); !found && dot != std::string::npos; dot = p.name.find('.', dot + 1))
      found = stored.count(p.name.substr(dot + 1)) > 0;
    if (!found)
      throw Error(path + " has no '" + p.name +
                  "': this is a base checkpoint without a trained classifier, whose predictions would be random; "
                  "fine-tune it (ftlab run) and predict from the run or its export");
  }
}

}  // namespace

// ftlab_dataset.toml: the run's [dataset] table, so new texts are prepared as its dataset prepared them.
void read_dataset_table(ModelFolder& m) {
  const std::string path = m.folder + "/" + k_dataset_file;
  std::error_code ec;
  if (!fs::exists(path, ec)) return;
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw Error(path + ": invalid TOML (" + std::string(e.description()) + "); export the run again");
  }
  const auto plugin = t["plugin"].value<std::string>();
  if (!plugin) throw Error(path + ": no plugin = \"...\"; export the run again");
  m.dataset = &m.registry.find(FTL_KIND_DATASET, *plugin);
  t.erase("plugin");
  std::ostringstream ss;
  ss << t;
  m.dataset_spec.toml = ss.str();
  m.dataset_spec.base_dir = m.folder;
  m.dataset_spec.where = path;
}

std::unique_ptr<ModelFolder> model_folder_load(const std::string& folder, int64_t max_length,
                                               const std::vector<std::string>& plugin_dirs) {
  auto m = std::make_unique<ModelFolder>();
  std::error_code ec;
  if (!fs::exists(folder, ec))
    throw Error(folder + ": no such folder; give a model folder (" + k_export_hint +
                ") or a results file with --run RUN.h5");
  if (!fs::is_directory(folder, ec))
    throw Error(folder + ": not a folder; --model takes a model folder (config.json, model.safetensors, tokenizer " +
                "files); give a results file with --run instead");
  m->folder = fs::absolute(folder).lexically_normal().string();
  while (m->folder.size() > 1 && m->folder.back() == '/') m->folder.pop_back();
  for (const char* name : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "vocab.json",
                           "merges.txt", "vocab.txt", "special_tokens_map.json", "added_tokens.json", k_dataset_file}) {
    const fs::path p = fs::path(m->folder) / name;  // a FIFO would block the reader, a folder fail obscurely
    if (fs::exists(p, ec) && !fs::is_regular_file(p, ec))
      throw Error(p.string() + ": not a regular file (a folder, FIFO or device); give the model folder's real file");
  }
  const std::string config_path = m->folder + "/config.json";
  const nlohmann::json config = read_json(config_path, true);
  m->label_names = read_labels(config, config_path);
  m->max_length = max_length;
  const bool user_max_length = max_length > 0;
  if (m->max_length <= 0) {
    const nlohmann::json tc = read_json(m->folder + "/tokenizer_config.json", false);
    if (tc.is_object() && tc.contains("model_max_length") && tc["model_max_length"].is_number_integer()) {
      const int64_t v = tc["model_max_length"].get<int64_t>();
      if (v > 0 && v <= 1000000) m->max_length = v;  // transformers writes 1e30 for "no limit"
    }
  }
  m->registry.load_dirs(Registry::search_path(plugin_dirs));

  // ---- tokenizer: the first plugin that reads the folder
  std::string refusals, max_length_refusals;
  for (const FactoryRef& f : m->registry.factories()) {
    if (f.factory->kind != FTL_KIND_TOKENIZER) continue;
    for (bool with_max : {true, false}) {
      if (!with_max && m->max_length <= 0) break;
      KeyCatcher caught{f.factory->name, ""};
      ComponentSpec spec;
      spec.toml = "path = " + toml_string(m->folder) + "\n";
      if (with_max && m->max_length > 0) spec.toml += "max_length = " + std::to_string(m->max_length) + "\n";
      spec.where = "tokenizer";
      spec.locate = catch_key;
      spec.locate_ctx = &caught;
      try {
        m->tokenizer = std::make_unique<Tokenizer>(f, spec);
        break;
      } catch (const std::exception& e) {
        if (with_max && caught.key == "max_length") {
          if (!user_max_length) continue;  // a plugin without max_length: try without it
          max_length_refusals += std::string(max_length_refusals.empty() ? "" : " | ") + e.what();
        }
        refusals += std::string(refusals.empty() ? "" : " | ") + e.what();
        break;
      }
    }
    if (m->tokenizer) break;
  }
  if (!m->tokenizer && !max_length_refusals.empty())
    throw Error("--max-length " + std::to_string(max_length) + " is refused (" + max_length_refusals +
                "); give another value or leave it out");
  if (!m->tokenizer)
    throw Error(m->folder + ": no tokenizer plugin reads the tokenizer files here (" +
                (refusals.empty() ? std::string("no tokenizer plugin is loaded") : refusals) +
                "); copy the run's tokenizer files (e.g. vocab.json + merges.txt, tokenizer.json or vocab.txt) into "
                "the folder, or export the run again");

  // ---- model: the first plugin that loads the folder as its checkpoint
  refusals.clear();
  for (const FactoryRef& f : m->registry.factories()) {
    if (f.factory->kind != FTL_KIND_MODEL) continue;
    ComponentSpec spec;
    spec.toml = "checkpoint = " + toml_string(m->folder) + "\nnum_labels = " + std::to_string(m->label_names.size()) +
                "\npad_token_id = " + std::to_string(m->tokenizer->pad_id()) +
                "\nvocab_size = " + std::to_string(m->tokenizer->vocab_size()) + "\n";
    spec.where = "model";
    spec.threads = 0;
    try {
      m->model = std::make_unique<Model>(f, spec);
      break;
    } catch (const std::exception& e) {
      refusals += std::string(refusals.empty() ? "" : " | ") + e.what();
    }
  }
  if (!m->model)
    throw Error(m->folder + ": no model plugin loads this folder as a checkpoint (" +
                (refusals.empty() ? std::string("no model plugin is loaded") : refusals) +
                "); check config.json and model.safetensors, or export the run again");
  const std::string weights = m->folder + "/model.safetensors";
  if (fs::exists(weights, ec)) check_all_weights_stored(*m->model, weights);
  for (const Param& p : m->model->params())
    if (!at::isfinite(p.value).all().item<bool>())
      throw Error(weights + ": '" + p.name + "' holds NaN or infinite values; the model cannot predict");
  read_dataset_table(*m);
  std::fprintf(stderr, "model folder %s: tokenizer plugin '%s', model plugin '%s', %zu labels\n", m->folder.c_str(),
               m->tokenizer->factory().factory->name, m->model->factory().factory->name, m->label_names.size());
  return m;
}

}  // namespace ftl::analysis
