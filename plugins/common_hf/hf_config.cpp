// hf_config.cpp - [model] table + config.json -> resolved architecture sizes.
#include "hf_config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <unistd.h>
#include <fstream>
#include <sstream>

namespace hf {

namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw ftl::sdk::config_error("checkpoint", path +
                                                   " not found: a Hugging Face checkpoint folder holds config.json "
                                                   "and model.safetensors");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw ftl::sdk::config_error("checkpoint", path + " is not a JSON object; download the checkpoint again");
  return j;
}

}  // namespace

std::string format_number(double v, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(v));
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

Settings resolve_settings(const Arch& arch, ftl::sdk::Config& c) {
  Settings s;
  if (c.has("checkpoint")) s.checkpoint = c.path("checkpoint");
  if (c.has("export_dir")) s.export_dir = c.path("export_dir");
  std::string json_path;
  if (!s.checkpoint.empty()) {
    json_path = s.checkpoint + "/config.json";
    s.checkpoint_json = read_json(json_path);
    auto mt = s.checkpoint_json.find("model_type");
    if (mt == s.checkpoint_json.end() || !mt->is_string() || mt->get<std::string>() != arch.model_type)
      throw ftl::sdk::config_error(
          "checkpoint", json_path + ": model_type is " + (mt == s.checkpoint_json.end() ? "missing" : mt->dump()) +
                            " but the '" + arch.factory + "' model plugin reads \"" + arch.model_type +
                            "\" checkpoints; pick the model plugin that matches the checkpoint");
    if (arch.check_json) {
      try {
        arch.check_json(s.checkpoint_json);
      } catch (const std::exception& e) {
        throw ftl::sdk::config_error("checkpoint", json_path + ": " + e.what());
      }
    }
  }
  for (const Field& f : arch.fields) {
    const std::string key = f.key;
    const bool in_toml = c.has(key);
    double toml = 0;
    if (in_toml)
      toml = f.integer ? static_cast<double>(c.get<int64_t>(key, 0)) : c.get<double>(key, 0.0);
    else
      c.get<double>(key, 0.0);  // marks the key as known
    if (s.checkpoint.empty() || f.kind == FieldKind::labels) {
      if (!in_toml && (f.kind == FieldKind::labels || f.kind == FieldKind::vocab))
        throw ftl::sdk::config_error(key, "required key '" + key + "' is missing (the host injects it)");
      s.values[key] = in_toml ? toml : f.fallback;
      continue;
    }
    double file = std::isnan(f.class_default) ? f.fallback : f.class_default;
    auto it = s.checkpoint_json.find(key);
    if (it != s.checkpoint_json.end() && !it->is_null()) {
      if (!it->is_number() || (f.integer && !it->is_number_integer()))
        throw ftl::sdk::config_error("checkpoint",
                                     json_path + ": '" + key + "' must be " + (f.integer ? "an integer" : "a number"));
      file = it->get<double>();
    }
    const std::string fs = format_number(file, f.integer), ts = format_number(toml, f.integer);
    switch (f.kind) {
      case FieldKind::vocab:
        if (in_toml && toml > file)
          throw ftl::sdk::config_error(key, "the tokenizer has " + ts +
                                                " tokens but the checkpoint's embedding table "
                                                "has " +
                                                fs + " rows (" + json_path +
                                                " vocab_size); use the checkpoint's "
                                                "own tokenizer files");
        s.values[key] = file;
        break;
      case FieldKind::pad:
        if (in_toml && toml != file)
          throw ftl::sdk::config_error(key, "the tokenizer pads with id " + ts + " but " + json_path +
                                                " says pad_token_id = " + fs + "; use the checkpoint's own tokenizer");
        s.values[key] = file;
        break;
      case FieldKind::size:
        if (in_toml && toml != file)
          throw ftl::sdk::config_error(key, "[model] " + key + " = " + ts + " but " + json_path + " says " + fs +
                                                "; remove the key (a checkpoint fixes its sizes)");
        s.values[key] = file;
        break;
      default:
        s.values[key] = in_toml ? toml : file;
    }
  }
  c.finish();
  for (const Field& f : arch.fields) {
    if (f.integer && f.kind != FieldKind::pad && s.values[f.key] <= 0)
      throw ftl::sdk::config_error(f.key, std::string(f.key) + " must be positive");
    if (f.integer && s.values[f.key] > 2147483647.0)
      throw ftl::sdk::config_error(f.key, std::string(f.key) + " must be at most 2147483647");
    if (!f.integer && !std::isfinite(s.values[f.key]))
      throw ftl::sdk::config_error(f.key, std::string(f.key) + " must be finite");
  }
  if (s.values.count("num_labels") && s.values["num_labels"] < 2)
    throw ftl::sdk::config_error("num_labels", "num_labels must be at least 2");
  if (arch.validate) arch.validate(s.values);
  return s;
}

void check_model_size(const Values& v, const char* layers, const char* hidden, const char* inner, const char* vocab,
                      const char* positions) {
  const double h = v.at(hidden),
               params = v.at(layers) * (4 * h * h + 2 * h * v.at(inner)) + (v.at(vocab) + v.at(positions)) * h;
  // The weights are built in host memory first: they must fit in it, whatever the device.
  const double ram = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  const double limit = ram > 0 ? std::min(k_max_params, ram / 4) : k_max_params;
  if (params > limit) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "the model would have %.3g parameters (%.1f GB in float32), over the %.3g that %s; check %s, %s "
                  "and %s",
                  params, params * 4 / 1e9, limit,
                  limit < k_max_params ? "fit in this machine's memory" : "this plugin builds", layers, hidden, inner);
    throw ftl::sdk::config_error(layers, buf);
  }
}

nlohmann::ordered_json export_config(const Arch& arch, const Values& v) {
  nlohmann::ordered_json j;
  j["architectures"] = {arch.architecture};
  j["model_type"] = arch.model_type;
  for (const Field& f : arch.fields) {
    if (f.kind == FieldKind::labels) continue;  // id2label carries the count
    if (f.integer)
      j[f.key] = static_cast<int64_t>(std::llround(v.at(f.key)));
    else if (v.at(f.key) == k_unset)
      j[f.key] = nullptr;
    else
      j[f.key] = v.at(f.key);
  }
  for (auto it = arch.export_extras.begin(); it != arch.export_extras.end(); ++it) j[it.key()] = it.value();
  j["problem_type"] = "single_label_classification";
  j["torch_dtype"] = "float32";
  return j;
}

}  // namespace hf
