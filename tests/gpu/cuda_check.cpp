// cuda_check.cpp - the CUDA path against the CPU path, through the real
// plugins: the same seeded RoBERTa (dropout 0) on CPU (fp32, the reference)
// and on CUDA gives the same logits (fp32: 1e-4; bf16 autocast: within bf16
// tolerance), the same loss and gradients (fp32), the fused AdamW kernel the
// same parameters as the per-parameter loop, and foreach clipping the same
// norm. Exits 77 (CTest: skipped) where LibTorch has no usable GPU, so CPU CI
// builds and skips it; bench/gpu/run.sh runs it on the GPU machine.
//
//   ftlab_cuda_check [PLUGIN_DIR]
//   FTLAB_CHECK_DEVICE=cpu ftlab_cuda_check   # dry run of the checks' own code, CPU against CPU
#include "config/experiment.hpp"
#include "data/batches.hpp"
#include "data/encode.hpp"
#include "train/cuda_util.hpp"
#include "train/optim.hpp"
#include "train/pipeline.hpp"

#include <ATen/Context.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int g_failures = 0;

void check(bool ok, const char* what, double value, double limit) {
  std::printf("%-58s %.3e (limit %.1e)  %s\n", what, value, limit, ok ? "ok" : "FAIL");
  if (!ok) ++g_failures;
}

double max_abs(const at::Tensor& a) {
  return a.abs().max().item<double>();
}

// Relative error of b against the reference a: |a - b|_max / (|a|_max + tiny).
double rel_err(const at::Tensor& a, const at::Tensor& b) {
  const at::Tensor x = a.to(at::kCPU, at::kDouble), y = b.to(at::kCPU, at::kDouble);
  return max_abs(x - y) / (max_abs(x) + 1e-12);
}

std::string experiment(const std::string& src, const std::string& device, const std::string& precision) {
  const std::string assets = src + "/experiments/assets";
  return "[experiment]\nname = \"cuda-check\"\nseed = 11\nthreads = 2\ndevice = \"" + device +
         "\"\n[tokenizer]\nplugin = \"bpe\"\npath = \"" + assets +
         "/roberta-base\"\nmax_length = 64\n[dataset]\nplugin = \"tweeteval\"\npath = \"" + assets +
         "/tweeteval-sample\"\ntask = \"sentiment\"\nmax_train = 64\nmax_validation = 8\nmax_test = 8\n"
         "[model]\nplugin = \"roberta\"\nhidden_size = 64\nnum_hidden_layers = 2\nnum_attention_heads = 4\n"
         "intermediate_size = 128\nmax_position_embeddings = 66\nhidden_dropout_prob = 0.0\n"
         "attention_probs_dropout_prob = 0.0\n[metric]\nplugin = \"classification\"\n[train]\nprecision = \"" +
         precision + "\"\n";
}

std::unique_ptr<ftl::Pipeline> make(const std::string& src, const std::string& plugins, const std::string& device,
                                    const std::string& precision) {
  ftl::Experiment e = ftl::load_experiment_text(experiment(src, device, precision), src, "cuda-check.toml", {});
  return ftl::build_pipeline(e, {plugins});
}

}  // namespace

int main(int argc, char** argv) {
  const char* dry = std::getenv("FTLAB_CHECK_DEVICE");
  const std::string target = dry != nullptr ? dry : "cuda";
  if (target == "cuda" && !at::hasCUDA()) {
    std::printf("cuda_check: no CUDA device in this LibTorch build; skipped\n");
    return 77;
  }
  const std::string src = FTLAB_SOURCE_DIR;
  const std::string plugins = argc > 1 ? argv[1] : FTLAB_PLUGIN_DIR;
  try {
    auto cpu = make(src, plugins, "cpu", "fp32");
    auto gpu = make(src, plugins, target, "fp32");
    auto bf16 = make(src, plugins, target, target == "cuda" ? "bf16" : "fp32");
    const at::Device dev = target == "cuda" ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);

    // One real batch: the first 32 training tweets, padded to the longest.
    ftl::EncodedSplit train = ftl::encode_split(*cpu->tokenizer, *cpu->dataset, FTL_SPLIT_TRAIN, 2);
    std::vector<int64_t> idx(32);
    for (int64_t i = 0; i < 32; ++i) idx[static_cast<size_t>(i)] = i;
    ftl::Batch b = ftl::make_batch(train, idx.data(), 32, cpu->tokenizer->pad_id());
    ftl::Batch bd = ftl::make_device_batch(train, idx.data(), 32, cpu->tokenizer->pad_id(), dev);

    // Same seed -> same initial weights on both devices.
    double w = 0;
    for (size_t i = 0; i < cpu->model->params().size(); ++i)
      w = std::max(w, rel_err(cpu->model->params()[i].value, gpu->model->params()[i].value));
    check(w == 0.0, "initial weights, CPU vs CUDA (identical)", w, 0.0);

    // Evaluation logits.
    auto ref = cpu->model->step(b.input_ids, b.attention_mask, b.labels, false);
    auto g32 = gpu->model->step(bd.input_ids, bd.attention_mask, bd.labels, false);
    auto g16 = bf16->model->step(bd.input_ids, bd.attention_mask, bd.labels, false);
    const bool on_dev = g32.logits.device() == dev && g32.loss.device() == dev;
    check(on_dev, "logits and loss stay on the device (1 = yes)", on_dev ? 1.0 : 0.0, 1.0);
    check(rel_err(ref.logits, g32.logits) < 1e-4, "eval logits, CUDA fp32 vs CPU (relative)",
          rel_err(ref.logits, g32.logits), 1e-4);
    check(rel_err(ref.logits, g16.logits) < 3e-2, "eval logits, CUDA bf16 autocast vs CPU fp32 (relative)",
          rel_err(ref.logits, g16.logits), 3e-2);
    check(std::fabs(ref.loss_value() - g32.loss_value()) < 1e-5, "eval loss, CUDA fp32 vs CPU (absolute)",
          std::fabs(ref.loss_value() - g32.loss_value()), 1e-5);

    // Training step: loss and every gradient (dropout is 0, so both devices compute the same function).
    cpu->model->zero_grad();
    gpu->model->zero_grad();
    auto tr = cpu->model->step(b.input_ids, b.attention_mask, b.labels, true);
    auto tg = gpu->model->step(bd.input_ids, bd.attention_mask, bd.labels, true);
    check(std::fabs(tr.loss_value() - tg.loss_value()) < 1e-5, "train loss, CUDA fp32 vs CPU (absolute)",
          std::fabs(tr.loss_value() - tg.loss_value()), 1e-5);
    auto gc = cpu->model->grads(), gg = gpu->model->grads();
    // Per tensor, relative to its own largest entry, but never to less than 1e-4 of the largest
    // gradient of the model: some gradients are zero in exact arithmetic (the attention key bias
    // shifts every score of a row equally) and both devices hold only rounding noise there.
    auto grad_err = [&](const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& g, std::string& worst) {
      double big = 0, e = 0;
      for (const auto& t : a)
        if (t.defined()) big = std::max(big, max_abs(t.to(at::kDouble)));
      for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].defined()) continue;
        const at::Tensor x = a[i].to(at::kCPU, at::kDouble), y = g[i].to(at::kCPU, at::kDouble);
        const double r = max_abs(x - y) / std::max(max_abs(x), 1e-4 * big);
        if (r > e) e = r, worst = cpu->model->params()[i].name;
      }
      return e;
    };
    std::string worst;
    const double ge = grad_err(gc, gg, worst);
    std::printf("(worst gradient: %s)\n", worst.c_str());
    check(ge < 1e-3, "gradients, CUDA fp32 vs CPU (worst tensor, relative)", ge, 1e-3);

    // Clipping: foreach kernels on CUDA vs the loop on CPU.
    const double nc = ftl::clip_grad_norm(gc, 0.5).item<double>(), ng = ftl::clip_grad_norm(gg, 0.5).item<double>();
    check(std::fabs(nc - ng) / nc < 1e-5, "pre-clip gradient norm, CUDA vs CPU (relative)", std::fabs(nc - ng) / nc,
          1e-5);
    const double ce = grad_err(gc, gg, worst);
    check(ce < 1e-3, "clipped gradients, CUDA vs CPU (worst tensor, relative)", ce, 1e-3);

    // The device generator's state round-trips (checkpoints keep dropout draws on resume).
    const at::Tensor rng = ftl::generator_state(dev);
    const at::Tensor draw1 = at::rand({64}, at::TensorOptions().device(dev));
    ftl::set_generator_state(dev, rng);
    const at::Tensor draw2 = at::rand({64}, at::TensorOptions().device(dev));
    const double rd = max_abs((draw1 - draw2).to(at::kCPU));
    check(rd == 0.0, "random draws after restoring the generator state (difference)", rd, 0.0);

    // AdamW: the fused kernel (CUDA) against the loop (CPU), 3 steps on the same gradients.
    ftl::AdamW loop(cpu->model->params(), {0.9, 0.999, 1e-8, 0.01, false});
    ftl::AdamW fused(gpu->model->params(), {0.9, 0.999, 1e-8, 0.01, ftl::fused_adamw_available(dev)});
    std::printf("optimizer on CUDA: %s\n", fused.fused() ? "fused AdamW kernel" : "per-parameter loop");
    for (int s = 0; s < 3; ++s) {
      std::vector<at::Tensor> g2;
      for (auto& g : gc) g2.push_back(g.defined() ? g.to(dev) : at::Tensor());
      loop.step(gc, 1e-3);
      fused.step(g2, 1e-3);
    }
    double pe = 0;
    for (size_t i = 0; i < cpu->model->params().size(); ++i)
      pe = std::max(pe, rel_err(cpu->model->params()[i].value, gpu->model->params()[i].value));
    check(pe < 1e-5, "parameters after 3 AdamW steps, CUDA vs CPU (relative)", pe, 1e-5);
  } catch (const std::exception& ex) {
    std::printf("cuda_check: error: %s\n", ex.what());
    return 1;
  }
  std::printf("cuda_check: %s\n", g_failures == 0 ? "all checks passed" : "FAILED");
  return g_failures == 0 ? 0 : 1;
}
