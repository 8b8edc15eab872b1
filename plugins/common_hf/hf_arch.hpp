// hf_arch.hpp - what one Hugging Face sequence-classification architecture
// tells the shared plugin glue (hf_plugin.cpp): its config.json fields with
// class defaults, how to build the LibTorch module, which checkpoint keys
// transformers ignores when loading the classifier, and which keys form the
// classification head (initialised when a base checkpoint lacks them).
// Limits: numeric config fields only; string fields are checked by check_json.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace hf {

// The classifier: forward(input_ids [B, T] int64, attention_mask [B, T]) -> logits [B, L].
struct NetImpl : torch::nn::Module {
  virtual torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask) = 0;
};

using Values = std::map<std::string, double>;  // config.json field -> value

enum class FieldKind {
  size,    // with a checkpoint, TOML may repeat it only with the same value
  option,  // dropout and the like: TOML overrides config.json
  vocab,   // injected from the tokenizer: must be <= config.json's value
  pad,     // injected from the tokenizer: must equal config.json's value
  labels,  // injected from the dataset; never read from config.json
};

struct Field {
  const char* key;
  double fallback;  // default without a checkpoint (TOML)
  bool integer;
  FieldKind kind;
  double class_default = std::numeric_limits<double>::quiet_NaN();  // when config.json lacks the key; NaN = fallback
};

// Optional fields (e.g. classifier_dropout) use this value for JSON null / unset.
constexpr double k_unset = -1.0;

struct Arch {
  const char* factory;       // plugin factory name, e.g. "roberta"
  const char* model_type;    // config.json model_type
  const char* architecture;  // e.g. "RobertaForSequenceClassification"
  const char* prefix;        // base_model_prefix: "roberta", "bert", "distilbert"
  std::vector<Field> fields;
  std::vector<std::string> head_keys;         // classifier parameters (may be missing in a base checkpoint)
  std::vector<std::string> ignored_prefixes;  // unexpected keys transformers drops (listed, not loaded)
  std::vector<std::string> ignored_suffixes;  // e.g. non-persistent buffers saved by old versions
  // Checks config.json's non-numeric fields (activation, position type...); throws a message.
  std::function<void(const nlohmann::json&)> check_json;
  // Validates resolved values (divisibility, ranges); throws ftl::sdk::Error naming the key.
  std::function<void(const Values&)> validate;
  std::function<std::shared_ptr<NetImpl>(const Values&)> build;
  // Extra fields written to config.json on export (e.g. bos/eos ids, activation strings).
  nlohmann::ordered_json export_extras;
};

// Hugging Face's _init_weights over every Linear/Embedding/LayerNorm of net:
// weights N(0, std) from gen, biases 0, padding rows 0, LayerNorm 1 and 0.
void init_weights(torch::nn::Module& net, double std, at::Generator& gen);

// True for parameters Hugging Face's Trainer excludes from weight decay (biases, LayerNorm).
bool is_no_decay(const std::string& name);

}  // namespace hf
