// run.cpp - the fine-tuning run: tokenize, train with AdamW + linear schedule +
// clipping, evaluate on validation after every epoch and on test at the end,
// and record everything in the results file. Seeded and deterministic on CPU
// for a fixed thread count.
#include "train/run.hpp"

#include "data/batches.hpp"
#include "train/optim.hpp"
#include "train/pipeline.hpp"
#include "util/error.hpp"
#include "util/version.hpp"

#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include <unistd.h>

namespace fs = std::filesystem;

namespace ftl {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string format_duration(double s) {
  auto total = static_cast<long>(s + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60, total % 60);
  return buf;
}

std::string default_output(const Experiment& e) {
  std::time_t t = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
  std::string base = (fs::path(e.output_dir) / (e.name + "-" + stamp)).string();
  std::string path = base + ".h5";
  for (int i = 1; fs::exists(path) || fs::exists(path + ".partial"); ++i) path = base + "-" + std::to_string(i) + ".h5";
  return path;
}

const char* split_name(int32_t split) {
  return split == FTL_SPLIT_TRAIN ? "train" : split == FTL_SPLIT_VALIDATION ? "validation" : "test";
}

// Forward pass over a split in length-sorted batches; logits back in dataset order.
EvalRecord evaluate(Pipeline& p, const EncodedSplit& data, int32_t split, const std::string& tag, int64_t epoch,
                    int64_t batch_size) {
  const auto t0 = Clock::now();
  EvalRecord r;
  r.split = split_name(split);
  r.tag = tag;
  r.epoch = epoch;
  r.n = static_cast<int64_t>(data.size());
  r.c = p.dataset->num_labels();
  r.logits.assign(static_cast<size_t>(r.n * r.c), 0.0f);
  r.labels = data.labels;
  const auto order = length_sorted_order(data);
  double loss_sum = 0.0;
  const bool labelled = std::all_of(r.labels.begin(), r.labels.end(), [](int64_t l) { return l >= 0; });
  for (int64_t start = 0; start < r.n; start += batch_size) {
    const int64_t count = std::min(batch_size, r.n - start);
    Batch b = make_batch(data, order.data() + start, count, p.tokenizer->pad_id());
    StepOutput out = p.model->step(b.input_ids, b.attention_mask, labelled ? b.labels : at::Tensor(), false);
    at::Tensor lg = out.logits.to(at::kCPU).contiguous();  // [B, C]
    if (lg.size(0) != count || lg.size(1) != r.c)
      throw Error("model returned logits of shape [" + std::to_string(lg.size(0)) + ", " + std::to_string(lg.size(1)) +
                  "], expected [" + std::to_string(count) + ", " + std::to_string(r.c) + "]");
    const float* src = lg.data_ptr<float>();
    for (int64_t b2 = 0; b2 < count; ++b2) {
      const int64_t row = order[static_cast<size_t>(start + b2)];
      std::copy(src + b2 * r.c, src + (b2 + 1) * r.c, r.logits.begin() + row * r.c);
    }
    if (labelled) loss_sum += out.loss * static_cast<double>(count);
  }
  r.loss = labelled && r.n > 0 ? loss_sum / static_cast<double>(r.n) : std::nan("");
  if (labelled && r.n > 0) {
    p.metric->reset();
    p.metric->update(r.logits.data(), r.labels.data(), r.n, r.c);
    r.metrics = p.metric->compute();
    for (auto& t : p.metric->tables()) r.tables.push_back({t.name, t.shape, t.values, t.integer});
  }
  r.seconds = seconds_since(t0);
  return r;
}

void print_eval(const EvalRecord& r, const std::string& headline) {
  std::fprintf(stderr, "%s %s: loss %.4f", r.split.c_str(), r.tag.c_str(), r.loss);
  for (const auto& [k, v] : r.metrics) std::fprintf(stderr, "  %s%s %.4f", k.c_str(), k == headline ? "*" : "", v);
  std::fprintf(stderr, "  (%.1fs)\n", r.seconds);
}

}  // namespace

void validate_experiment(Experiment& e, const RunOptions& opt) {
  auto p = build_pipeline(e, opt.plugin_dirs);
  for (int32_t s : {FTL_SPLIT_TRAIN, FTL_SPLIT_VALIDATION, FTL_SPLIT_TEST})
    std::fprintf(stderr, "%s: %lld examples\n", split_name(s), static_cast<long long>(p->dataset->size(s)));
  std::fprintf(stderr, "model: %zu parameter tensors\n", p->model->params().size());
}

std::string run_experiment(Experiment& e, const RunOptions& opt) {
  const auto t_start = Clock::now();
  auto p = build_pipeline(e, opt.plugin_dirs);
  const TrainConfig& tc = e.train;
  at::manual_seed(e.seed);  // dropout draws from the default generator

  // ---- data
  EncodedSplit splits[3];
  for (int32_t s : {FTL_SPLIT_TRAIN, FTL_SPLIT_VALIDATION, FTL_SPLIT_TEST}) {
    splits[s] = encode_split(*p->tokenizer, *p->dataset, s, p->threads);
    std::fprintf(stderr, "%s: %zu examples, %lld tokens\n", split_name(s), splits[s].size(),
                 static_cast<long long>(splits[s].total_tokens));
  }
  const EncodedSplit& train = splits[FTL_SPLIT_TRAIN];
  if (train.size() == 0) throw Error(e.where("dataset") + ": the training split is empty");
  for (size_t i = 0; i < train.size(); ++i)
    if (train.labels[i] < 0)
      throw Error(e.where("dataset") + ": training example " + std::to_string(i) + " has no label");

  // ---- results file
  const std::string out_path = opt.output.empty() ? default_output(e) : opt.output;
  RunWriter writer(out_path);
  try {
    writer.write_config(e.resolved_toml(), e.path, e.overrides);
    writer.write_plugins(p->plugin_infos());
    writer.write_data(p->dataset->label_names(), {{"train", static_cast<int64_t>(splits[0].size())},
                                                  {"validation", static_cast<int64_t>(splits[1].size())},
                                                  {"test", static_cast<int64_t>(splits[2].size())}});
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    writer.write_environment({{"host", host},
                              {"device", e.device},
                              {"libtorch", TORCH_VERSION},
                              {"threads", std::to_string(p->threads)},
                              {"ftlab_version", k_ftlab_version},
                              {"git_revision", FTLAB_GIT_REVISION}});

    // ---- training
    const int64_t n = static_cast<int64_t>(train.size());
    const int64_t steps_per_epoch = (n + tc.batch_size - 1) / tc.batch_size;  // short last batch kept
    const int64_t total_steps = steps_per_epoch * tc.epochs;
    const int64_t warmup =
        tc.warmup_steps > 0 ? tc.warmup_steps : static_cast<int64_t>(std::ceil(tc.warmup_ratio * total_steps));
    AdamW opt_adam(p->model->params(), {tc.adam_beta1, tc.adam_beta2, tc.adam_epsilon, tc.weight_decay});
    std::vector<StepRecord> log;
    log.reserve(static_cast<size_t>(total_steps));
    const std::string headline = p->metric->headline();
    const bool tty = isatty(STDERR_FILENO) != 0;
    std::fprintf(stderr, "training: %lld epochs x %lld steps, batch %lld, lr %g, warmup %lld, %d threads\n",
                 static_cast<long long>(tc.epochs), static_cast<long long>(steps_per_epoch),
                 static_cast<long long>(tc.batch_size), tc.learning_rate, static_cast<long long>(warmup), p->threads);

    int64_t step = 0;
    const auto t_train = Clock::now();
    for (int64_t epoch = 1; epoch <= tc.epochs; ++epoch) {
      const auto order = shuffled_order(n, e.seed, epoch);
      const auto t_epoch = Clock::now();
      int64_t samples = 0;
      double loss_window = 0.0;
      int64_t window = 0;
      for (int64_t start = 0; start < n; start += tc.batch_size) {
        if (host_api()->should_stop(nullptr)) throw Error("interrupted at step " + std::to_string(step));
        const int64_t count = std::min(tc.batch_size, n - start);
        Batch b = make_batch(train, order.data() + start, count, p->tokenizer->pad_id());
        p->model->zero_grad();
        StepOutput out = p->model->step(b.input_ids, b.attention_mask, b.labels, true);
        if (!std::isfinite(out.loss))
          throw Error("training loss is " + std::to_string(out.loss) + " at step " + std::to_string(step + 1) +
                      "; lower train.learning_rate or set train.max_grad_norm");
        auto grads = p->model->grads();
        const double norm = clip_grad_norm(grads, tc.max_grad_norm);
        const double lr = linear_schedule(tc.learning_rate, step, warmup, total_steps);
        opt_adam.step(grads, lr);
        ++step;
        samples += count;
        loss_window += out.loss;
        ++window;
        log.push_back({step, static_cast<double>(epoch - 1) + static_cast<double>(start + count) / n,
                       static_cast<float>(out.loss), lr, static_cast<float>(norm)});
        const bool last = start + count >= n;
        if (step % tc.log_every == 0 || last || tty) {
          const double el = seconds_since(t_train);
          const double eta = el / static_cast<double>(step) * static_cast<double>(total_steps - step);
          std::fprintf(stderr, "%sepoch %lld/%lld step %lld/%lld loss %.4f lr %.2e | %.0f samples/s | ETA %s%s",
                       tty ? "\r" : "", static_cast<long long>(epoch), static_cast<long long>(tc.epochs),
                       static_cast<long long>(step), static_cast<long long>(total_steps), loss_window / window, lr,
                       samples / seconds_since(t_epoch), format_duration(eta).c_str(), tty ? "   " : "\n");
          if (!tty) {
            loss_window = 0.0;
            window = 0;
          }
        }
      }
      if (tty) std::fprintf(stderr, "\n");
      std::fprintf(stderr, "epoch %lld done in %s\n", static_cast<long long>(epoch),
                   format_duration(seconds_since(t_epoch)).c_str());
      if (splits[FTL_SPLIT_VALIDATION].size() > 0) {
        EvalRecord r = evaluate(*p, splits[FTL_SPLIT_VALIDATION], FTL_SPLIT_VALIDATION,
                                "epoch_" + std::to_string(epoch), epoch, tc.eval_batch_size);
        print_eval(r, headline);
        writer.write_eval(r);
      }
    }
    writer.write_train_log(log);

    if (splits[FTL_SPLIT_TEST].size() > 0) {
      EvalRecord r = evaluate(*p, splits[FTL_SPLIT_TEST], FTL_SPLIT_TEST, "final", tc.epochs, tc.eval_batch_size);
      print_eval(r, headline);
      writer.write_eval(r);
      // The majority-class rate puts the accuracy in context.
      std::vector<int64_t> counts(static_cast<size_t>(r.c), 0);
      for (auto l : r.labels)
        if (l >= 0) ++counts[static_cast<size_t>(l)];
      const int64_t best = *std::max_element(counts.begin(), counts.end());
      std::fprintf(stderr, "test majority-class rate: %.4f\n", r.n > 0 ? static_cast<double>(best) / r.n : 0.0);
    }

    for (const auto& prm : p->model->params()) {
      at::Tensor w = prm.value.detach().to(at::kCPU, at::kFloat).contiguous();
      writer.write_weight(prm.name, std::vector<int64_t>(w.sizes().begin(), w.sizes().end()), w.data_ptr<float>());
    }
    writer.finish();
  } catch (const std::exception& ex) {
    writer.fail(ex.what());
    throw Error(std::string(ex.what()) + " (partial results kept in " + writer.partial_path() + ")");
  }
  std::fprintf(stderr, "done in %s\n", format_duration(seconds_since(t_start)).c_str());
  return out_path;
}

}  // namespace ftl
