// model_folder.hpp - a Hugging Face model folder (what `ftlab export --format
// hf` writes, or a fine-tuned classifier from the hub: config.json,
// model.safetensors, tokenizer files) as a tokenizer and a model for
// `ftlab predict --model`. The host names no plugin: every tokenizer plugin on
// the plugin path is offered `path = FOLDER` and every model plugin
// `checkpoint = FOLDER` (with num_labels, pad_token_id and vocab_size, as
// `ftlab run` injects them); the first that accepts is used and each refusal
// is kept for the error message. Labels come from config.json's id2label.
// Limits: only settings the folder's files carry reach the tokenizer
// (max_length: --max-length, else tokenizer_config.json's model_max_length,
// else the plugin's default; other TOML-only settings of the run, such as a
// BERT tokenizer's lowercase = false, are not recorded in the folder: predict
// from the run file for those); model.safetensors must hold every parameter
// (a base checkpoint without a trained classifier is refused).
#pragma once

#include "plugins/components.hpp"
#include "plugins/registry.hpp"
#include "train/model.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ftl::analysis {

struct ModelFolder {
  std::string folder;                    // absolute
  Registry registry;                     // outlives the instances below
  std::vector<std::string> label_names;  // id2label in id order
  int64_t max_length = 0;                // 0: the tokenizer plugin's default
  std::unique_ptr<Tokenizer> tokenizer;
  std::unique_ptr<Model> model;
  // From ftlab_dataset.toml (written by `ftlab export`): the dataset plugin and
  // table whose prepare_texts new texts go through; no factory = none stored.
  const FactoryRef* dataset = nullptr;
  ComponentSpec dataset_spec;
};

// The file `ftlab export` writes with the run's [dataset] table (plugin included).
constexpr const char* k_dataset_file = "ftlab_dataset.toml";

// Checks the folder and config.json, loads the plugins, picks and creates the
// tokenizer, then the model, and reads ftlab_dataset.toml when present. max_length > 0 overrides tokenizer_config.json.
// Throws ftl::Error with one line naming the file at fault and what to do.
std::unique_ptr<ModelFolder> model_folder_load(const std::string& folder, int64_t max_length,
                                               const std::vector<std::string>& plugin_dirs);

}  // namespace ftl::analysis
