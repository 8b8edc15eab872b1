// hf_checkpoint.cpp - hub folder -> parameters (see hf_checkpoint.hpp).
#include "hf_checkpoint.hpp"

#include "safetensors.hpp"

#include <ftlab/sdk.hpp>

#include <cstring>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace hf {

namespace {

bool starts_with(const std::string& s, const std::string& p) {
  return s.compare(0, p.size(), p) == 0;
}
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

std::string shape_str(c10::IntArrayRef s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

std::string join(const std::vector<std::string>& v, size_t max = 8) {
  std::string r;
  for (size_t i = 0; i < v.size() && i < max; ++i) r += (i ? ", " : "") + v[i];
  if (v.size() > max) r += ", ... (" + std::to_string(v.size()) + " in all)";
  return r;
}

// The file's tensor as a float32 CPU tensor (copied: the mapping may be unaligned).
torch::Tensor to_float(const safetensors::File& f, const safetensors::TensorInfo& t) {
  torch::ScalarType st;
  if (t.dtype == "F32")
    st = torch::kFloat;
  else if (t.dtype == "F16")
    st = torch::kHalf;
  else if (t.dtype == "BF16")
    st = torch::kBFloat16;
  else if (t.dtype == "F64")
    st = torch::kDouble;
  else
    throw ftl::sdk::data_error(f.path() + ": tensor '" + t.name + "' has dtype " + t.dtype +
                               "; model weights must be F32, F16, BF16 or F64");
  auto out = torch::empty(t.shape, torch::TensorOptions().dtype(st));
  std::memcpy(out.data_ptr(), f.data(t), static_cast<size_t>(t.end - t.begin));
  return out.to(torch::kFloat);
}

}  // namespace

std::string checkpoint_weights_path(const std::string& dir) {
  if (!fs::is_directory(dir))
    throw ftl::sdk::config_error("checkpoint", dir +
                                                   " is not a folder; give a Hugging Face checkpoint folder "
                                                   "(config.json + model.safetensors)");
  const std::string st = dir + "/model.safetensors";
  if (fs::exists(st)) return st;
  if (fs::exists(dir + "/model.safetensors.index.json"))
    throw ftl::sdk::config_error("checkpoint", dir +
                                                   " holds a sharded checkpoint (model.safetensors.index.json), "
                                                   "which ftlab does not read yet; save it as one model.safetensors");
  for (const char* pickle : {"pytorch_model.bin", "model.bin", "pytorch_model.pt"})
    if (fs::exists(dir + "/" + pickle))
      throw ftl::sdk::config_error("checkpoint",
                                   dir + "/" + pickle +
                                       " is a pickle file, which ftlab never loads (unpickling runs code); "
                                       "convert it to model.safetensors (transformers: save_pretrained with "
                                       "safe_serialization=True, or the hub's safetensors conversion)");
  throw ftl::sdk::config_error("checkpoint", dir + " has no model.safetensors");
}

void load_checkpoint(const Arch& arch, torch::nn::Module& net, const std::string& dir, double init_std,
                     at::Generator& gen, const ftl_host_api* host) {
  const std::string path = checkpoint_weights_path(dir);
  std::unique_ptr<safetensors::File> file;
  try {
    file = std::make_unique<safetensors::File>(path);
  } catch (const safetensors::Error& e) {
    throw ftl::sdk::data_error(e.what());
  }
  const std::string prefix = std::string(arch.prefix) + ".";
  std::set<std::string> used;
  auto lookup = [&](const std::string& name) -> const safetensors::TensorInfo* {
    if (const auto* t = file->find(name)) return t;
    if (starts_with(name, prefix)) return file->find(name.substr(prefix.size()));  // saved from the bare encoder
    return nullptr;
  };
  auto is_head = [&](const std::string& name) {
    for (const auto& h : arch.head_keys)
      if (name == h) return true;
    return false;
  };
  bool head_present = false;
  for (const auto& h : arch.head_keys) head_present = head_present || lookup(h) != nullptr;

  torch::NoGradGuard no_grad;
  std::vector<std::string> missing, initialised;
  for (auto& item : net.named_parameters(/*recurse=*/true)) {
    const std::string& name = item.key();
    torch::Tensor p = item.value();
    const auto* t = lookup(name);
    if (t == nullptr) {
      if (is_head(name) && !head_present) {
        if (ends_with(name, ".bias"))
          p.zero_();
        else
          p.normal_(0.0, init_std, gen);
        initialised.push_back(name);
      } else {
        missing.push_back(name);
      }
      continue;
    }
    used.insert(t->name);
    if (c10::IntArrayRef(t->shape) != p.sizes())
      throw ftl::sdk::data_error(path + ": tensor '" + t->name + "' has shape " + shape_str(t->shape) +
                                 " but the model built from config.json and [model] expects " + shape_str(p.sizes()) +
                                 (is_head(name) ? " (num_labels comes from the dataset)" : "") +
                                 "; config.json does not match the weights");
    p.copy_(to_float(*file, *t));
  }
  if (!missing.empty())
    throw ftl::sdk::data_error(path + ": missing " + std::to_string(missing.size()) + " tensor(s) the " +
                               arch.architecture + " needs: " + join(missing) +
                               "; is this a checkpoint of model_type \"" + arch.model_type + "\"?");
  std::vector<std::string> ignored, unexpected;
  for (const auto& t : file->header().tensors) {
    if (used.count(t.name)) continue;
    bool ignore = false;
    for (const auto& p : arch.ignored_prefixes) ignore = ignore || starts_with(t.name, p);
    for (const auto& s : arch.ignored_suffixes) ignore = ignore || ends_with(t.name, s);
    (ignore ? ignored : unexpected).push_back(t.name);
  }
  if (!unexpected.empty())
    throw ftl::sdk::data_error(path + ": " + std::to_string(unexpected.size()) + " unexpected tensor(s) that " +
                               arch.architecture + " does not have: " + join(unexpected) +
                               "; is this a checkpoint of model_type \"" + arch.model_type + "\"?");
  auto log = [&](const std::string& msg) {
    if (host != nullptr && host->log != nullptr) host->log(host->host_ctx, FTL_LOG_INFO, arch.factory, msg.c_str());
  };
  if (!ignored.empty())
    log(path + ": ignored " + std::to_string(ignored.size()) + " tensor(s) transformers also drops: " + join(ignored));
  if (!initialised.empty())
    log(path + ": base checkpoint without a classifier; initialised " + join(initialised) + " (normal std " +
        std::to_string(init_std) + ", zero bias, seeded)");
}

}  // namespace hf
