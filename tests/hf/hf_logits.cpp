// hf_logits.cpp - test driver: creates a model plugin through ftlab's host
// code (registry + Model wrapper, exactly as `ftlab run` does), runs one step
// on inputs from a safetensors file and writes the results to another:
// "logits" [B, L] F32, "loss" [] F32, with --train the gradient of every
// parameter as "grad.<name>", with --dump-params every parameter as
// "param.<name>". --h5-weights RUN.h5 first copies a run's final weights
// (model/weights) into the parameters. Used by tests/hf/*.py and *.sh only.
//
//   hf_logits --plugin roberta --config 'checkpoint = "dir"\nnum_labels = 3...' \
//             --inputs in.safetensors --out out.safetensors [--train] [--dump-params]
#include "plugins/registry.hpp"
#include "results/h5.hpp"
#include "train/model.hpp"
#include "util/error.hpp"

#include "safetensors.hpp"

#include <ATen/Parallel.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

namespace {

at::Tensor read_tensor(const safetensors::File& f, const std::string& name) {
  const auto* t = f.find(name);
  if (t == nullptr) throw ftl::Error(f.path() + ": no tensor '" + name + "'");
  if (t->dtype != "I64") throw ftl::Error(f.path() + ": '" + name + "' must be I64");
  auto out = at::empty(t->shape, at::kLong);
  std::memcpy(out.data_ptr(), f.data(*t), t->end - t->begin);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string plugin, config, inputs, out, base_dir = std::filesystem::current_path().string(), h5_weights;
    bool train = false, dump = false;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto next = [&]() -> std::string {
        if (i + 1 >= argc) throw ftl::Error(a + " needs a value");
        return argv[++i];
      };
      if (a == "--plugin")
        plugin = next();
      else if (a == "--config")
        config = next();
      else if (a == "--inputs")
        inputs = next();
      else if (a == "--out")
        out = next();
      else if (a == "--base-dir")
        base_dir = next();
      else if (a == "--h5-weights")
        h5_weights = next();
      else if (a == "--train")
        train = true;
      else if (a == "--dump-params")
        dump = true;
      else
        throw ftl::Error("unknown argument " + a);
    }
    for (size_t p; (p = config.find("\\n")) != std::string::npos;) config.replace(p, 2, "\n");
    ftl::Registry reg;
    reg.load_dirs(ftl::Registry::search_path({}));
    ftl::ComponentSpec spec;
    spec.toml = config;
    spec.base_dir = base_dir;
    spec.where = "[model]";
    spec.seed = 1234;
    spec.threads = 1;
    at::set_num_threads(1);
    ftl::Model model(reg.find(FTL_KIND_MODEL, plugin), spec);
    if (!h5_weights.empty()) {
      ftl::h5::Handle f = ftl::h5::open_file(h5_weights, false);
      at::NoGradGuard no_grad;
      for (auto& prm : model.params()) {
        std::vector<int64_t> shape;
        auto v = ftl::h5::read<float>(f.id(), "model/weights/" + prm.name, &shape);
        prm.value.copy_(at::from_blob(v.data(), prm.value.sizes(), at::kFloat));
      }
    }
    safetensors::File in(inputs);
    at::Tensor ids = read_tensor(in, "input_ids"), mask = read_tensor(in, "attention_mask"),
               labels = read_tensor(in, "labels");
    ftl::StepOutput r = model.step(ids, mask, labels, train);
    std::vector<at::Tensor> keep;  // owns the bytes until written
    std::vector<safetensors::WriteTensor> w;
    auto add = [&](const std::string& name, const at::Tensor& t) {
      keep.push_back(t.detach().to(at::kFloat).contiguous());
      w.push_back({name, "F32", std::vector<int64_t>(keep.back().sizes().begin(), keep.back().sizes().end()),
                   keep.back().data_ptr()});
    };
    add("logits", r.logits);
    add("loss", r.loss.reshape({}));
    if (train) {
      auto g = model.grads();
      for (size_t i = 0; i < g.size(); ++i)
        add("grad." + model.params()[i].name, g[i].defined() ? g[i] : at::zeros_like(model.params()[i].value));
    }
    if (dump)
      for (auto& prm : model.params()) add("param." + prm.name, prm.value);
    safetensors::write_file(out, std::move(w), {});
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hf_logits: %s\n", e.what());
    return 1;
  }
}
