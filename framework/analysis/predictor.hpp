// predictor.hpp - a trained classifier for new texts (needs LibTorch), from
// either a finished run's results file (its tokenizer and model plugins
// rebuilt from the stored experiment, the parameters overwritten with
// /model/weights) or a Hugging Face model folder (analysis/model_folder.hpp),
// and batched inference. Limits: CPU only (a run's stored device is ignored);
// a run's texts are encoded with its tokenizer settings (truncation at its
// max_length), a folder's with what the folder records (see model_folder.hpp).
// New texts are first prepared as the run's dataset plugin prepared its own
// (prepare_texts: TweetEval strips them, for one), from the stored [dataset]
// table or a folder's ftlab_dataset.toml, so that training and serving agree.
#pragma once

#include "analysis/model_folder.hpp"
#include "analysis/run_components.hpp"
#include "train/model.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ftl::analysis {

struct Predictor {
  std::unique_ptr<RunComponents> run;    // set when loaded from a results file
  std::unique_ptr<ModelFolder> folder;   // set when loaded from a model folder
  std::vector<std::string> label_names;  // [C]
  std::unique_ptr<Tokenizer> tokenizer;  // declared after run/folder: destroyed first
  std::unique_ptr<Model> model;
  // Texts as the run's dataset prepared its own; identity when nothing is known.
  std::function<std::vector<std::string>(const std::vector<std::string>&)> prepare;
  std::string prepared_by;  // the dataset plugin's name, "" for none
  int64_t num_labels() const { return static_cast<int64_t>(label_names.size()); }
};

std::unique_ptr<Predictor> predictor_load(const std::string& run_path, const std::string& base_dir_override,
                                          const std::vector<std::string>& plugin_dirs);

// From a model folder; max_length > 0 overrides the folder's tokenizer_config.json.
std::unique_ptr<Predictor> predictor_load_folder(const std::string& folder, int64_t max_length,
                                                 const std::vector<std::string>& plugin_dirs);

// Logits [texts.size(), C] row-major, in the order of texts.
std::vector<float> predictor_logits(Predictor& p, const std::vector<std::string>& texts, int64_t batch_size);

}  // namespace ftl::analysis
