// run.cpp - the fine-tuning run, with the Hugging Face Trainer's semantics:
// AdamW in two groups, linear/cosine/constant schedules with warmup,
// gradient accumulation, global-norm clipping (pre-clip norm logged),
// evaluation and checkpoints by epoch or steps, best model by any metric,
// early stopping, load-best-at-end, save_total_limit that keeps the best,
// label smoothing and class weights, length-grouped batches, fp16 dynamic
// loss scaling on CUDA. Checkpoints make it resumable bit-exactly on CPU.
// On CUDA nothing in a step waits for the GPU (fp16 loss scaling excepted):
// batches go up from pinned memory, losses and gradient norms stay on the
// device and are read back every log_every steps, at epoch ends and before
// evaluations, checkpoints and interruptions; a NaN loss is reported then,
// with its step.
#include "train/run.hpp"

#include "data/batches.hpp"
#include "data/token_cache.hpp"
#include "train/checkpoint.hpp"
#include "train/cuda_util.hpp"
#include "train/evaluate.hpp"
#include "train/optim.hpp"
#include "train/pipeline.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/run_lock.hpp"
#include "util/version.hpp"

#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

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

// Flattens a TOML document into dotted key -> value text, for diffs.
void flatten(const toml::table& t, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (const auto& [k, v] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = v.as_table()) {
      flatten(*sub, key, out);
    } else {
      std::ostringstream ss;
      v.visit([&](const auto& node) { ss << node; });
      out[key] = ss.str();
    }
  }
}

std::vector<std::string> differing_keys(const std::string& a, const std::string& b) {
  std::map<std::string, std::string> fa, fb;
  flatten(toml::parse(a), "", fa);
  flatten(toml::parse(b), "", fb);
  std::vector<std::string> keys;
  for (const auto& [k, v] : fa)
    if (!fb.count(k) || fb[k] != v) keys.push_back(k);
  for (const auto& [k, v] : fb)
    if (!fa.count(k)) keys.push_back(k);
  return keys;
}

// <stem>.predictions.txt next to <stem>.h5
std::string predictions_path(const std::string& results) {
  std::string stem = results;
  if (stem.size() > 3 && stem.compare(stem.size() - 3, 3, ".h5") == 0) stem.resize(stem.size() - 3);
  return stem + ".predictions.txt";
}

// --output must be a file ftlab may replace: not a folder or device, not the
// experiment file, not a .partial name (reserved for unfinished runs), and not
// an existing file other than an HDF5 one (an earlier run's results are
// replaced, which is said).
void results_path_check(const std::string& out, const std::string& experiment_path) {
  if (std::error_code ec; fs::is_directory(out, ec))
    throw Error("--output " + out + ": is a folder; give a file name such as " + out + "/run.h5");
  output_path_check(out, "--output");
  const std::string suffix = ".partial";
  if (out.size() >= suffix.size() && out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0)
    throw Error("--output " + out + ": .partial names are for unfinished runs; give a name ending in .h5");
  std::error_code ec;
  if (!experiment_path.empty() && fs::equivalent(out, experiment_path, ec))
    throw Error("--output " + out + " is the experiment file; give another file for the results");
  if (!fs::exists(out, ec)) return;
  char magic[8] = {0};
  std::ifstream(out, std::ios::binary).read(magic, sizeof magic);
  if (std::memcmp(magic, "\x89HDF\r\n\x1a\n", 8) != 0)
    throw Error("--output " + out + ": exists and is not an HDF5 file; it would be overwritten: give another name");
  std::fprintf(stderr, "note: %s exists; it will be replaced when this run completes\n", out.c_str());
}

// The command that continues this run: the same experiment and --set values.
std::string resume_command(const Experiment& e, const std::string& out_path) {
  std::string cmd = "ftlab run " + e.path;
  for (const auto& o : e.overrides) cmd += " --set '" + o + "'";
  return cmd + " --resume " + out_path;
}

std::string checkpoint_name(int64_t step) {
  char name[64];
  std::snprintf(name, sizeof name, "checkpoint-%06lld.h5", static_cast<long long>(step));
  return name;
}

// fp16 dynamic loss scaling with torch.cuda.amp.GradScaler's defaults.
struct LossScaler {
  static constexpr double k_init = 65536.0, k_growth = 2.0, k_backoff = 0.5;
  static constexpr int64_t k_interval = 2000;
  // Unscales grads in place; returns false (and backs off) when any is inf/NaN.
  // fp16 runs on CUDA only: GradScaler's fused kernel unscales and checks every
  // gradient, then one read-back (the only wait in an fp16 step).
  static bool unscale_and_check(std::vector<at::Tensor>& grads, TrainState& s) {
    std::vector<at::Tensor> live;
    for (auto& g : grads)
      if (g.defined()) live.push_back(g);
    bool finite = true;
    if (!live.empty()) {
      const auto opt = live[0].options().dtype(at::kFloat);
      at::Tensor found_inf = at::zeros({1}, opt);
      const at::Tensor inv_scale = at::full({1}, 1.0 / s.loss_scale, opt);  // a power of two: exact
      at::_amp_foreach_non_finite_check_and_unscale_(live, found_inf, inv_scale);
      finite = found_inf.item<float>() == 0.0f;
    }
    if (!finite) {
      s.loss_scale *= k_backoff;
      s.scale_good_steps = 0;
    } else if (++s.scale_good_steps == k_interval) {
      s.loss_scale *= k_growth;
      s.scale_good_steps = 0;
    }
    return finite;
  }
};

std::vector<float> resolve_class_weights(const TrainConfig& tc, const Experiment& e, const EncodedSplit& train,
                                         int64_t C) {
  std::vector<float> w;
  if (tc.class_weights_balanced) {  // scikit-learn's "balanced": n / (C * count_c)
    std::vector<int64_t> counts(static_cast<size_t>(C), 0);
    for (auto l : train.labels) ++counts[static_cast<size_t>(l)];
    for (auto c : counts)
      w.push_back(c > 0 ? static_cast<float>(static_cast<double>(train.size()) / (static_cast<double>(C) * c)) : 0.f);
  } else if (!tc.class_weights.empty()) {
    if (static_cast<int64_t>(tc.class_weights.size()) != C)
      throw Error(e.where("train.class_weights") + " has " + std::to_string(tc.class_weights.size()) +
                  " weights but the dataset has " + std::to_string(C) + " labels");
    for (double x : tc.class_weights) w.push_back(static_cast<float>(x));
  }
  return w;
}

// The value names the metric plugin reports, from one compute over one example
// per class (empty when the plugin cannot compute on such a batch, or when the
// [C, C] batch would be large: more than 1024 labels).
std::vector<std::string> metric_names(Metric& metric, int64_t c) {
  std::vector<std::string> names;
  if (c < 1 || c > 1024) return names;
  try {
    std::vector<int64_t> labels(static_cast<size_t>(c));
    for (int64_t i = 0; i < c; ++i) labels[static_cast<size_t>(i)] = i;
    metric.reset();
    metric.update(std::vector<float>(static_cast<size_t>(c * c), 0.0f).data(), labels.data(), c, c);  // [C, C]
    for (const auto& m : metric.compute()) names.push_back(m.first);
  } catch (const std::exception&) {
    names.clear();
  }
  metric.reset();
  return names;
}

// What the experiment asks of its components, checked before any training and
// by `ftlab validate`: training examples, one class weight per label, and a
// metric_for_best_model that the metric plugin reports.
// The longest input the tokenizer produces (a long text, truncated) goes
// through one eval step, so that a max_length beyond the model's positions is
// found by validate, not at the first long batch of a run.
void check_longest_input(const Experiment& e, Pipeline& p) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "a ";
  const std::vector<int32_t> ids = p.tokenizer->encode(text, FTL_ENCODE_ADD_SPECIAL | FTL_ENCODE_TRUNCATE);
  if (ids.empty()) return;
  const auto n = static_cast<int64_t>(ids.size());
  at::Tensor t = at::empty({1, n}, at::kLong);  // [1, T]
  for (int64_t i = 0; i < n; ++i) t[0][i] = static_cast<int64_t>(ids[static_cast<size_t>(i)]);
  try {
    (void)p.model->step(t, at::ones({1, n}, at::kLong), at::Tensor(), /*train=*/false, StepExtras{});
  } catch (const std::exception& err) {
    const std::string why = err.what();
    throw Error(e.where("tokenizer") + ": its longest input (" + std::to_string(n) +
                " tokens, max_length with special tokens) does not fit the model: " + why.substr(0, why.find('\n')) +
                "; lower tokenizer.max_length or raise the model's max_position_embeddings");
  }
}

void check_pipeline(const Experiment& e, Pipeline& p) {
  const TrainConfig& tc = e.train;
  if (p.dataset->size(FTL_SPLIT_TRAIN) == 0)
    throw Error(e.where("dataset") + ": the train split has no examples; check dataset.path and max_train");
  const int64_t c = p.dataset->num_labels();
  if (!tc.class_weights.empty() && static_cast<int64_t>(tc.class_weights.size()) != c)
    throw Error(e.where("train.class_weights") + " has " + std::to_string(tc.class_weights.size()) +
                " weights but the dataset has " + std::to_string(c) + " labels");
  check_longest_input(e, p);
  if (tc.metric_for_best_model == "loss" || tc.eval_strategy == "no") return;
  const auto names = metric_names(*p.metric, c);
  if (names.empty() || std::find(names.begin(), names.end(), tc.metric_for_best_model) != names.end()) return;
  std::string have = "loss";
  for (const auto& n : names) have += ", " + n;
  throw Error(e.where("train.metric_for_best_model") + ": the metric plugin reports no '" + tc.metric_for_best_model +
              "'; choose one of " + have);
}

}  // namespace

void validate_experiment(Experiment& e, const RunOptions& opt) {
  auto p = build_pipeline(e, opt.plugin_dirs);
  check_pipeline(e, *p);
  for (int32_t s : {FTL_SPLIT_TRAIN, FTL_SPLIT_VALIDATION, FTL_SPLIT_TEST})
    std::fprintf(stderr, "%s: %lld examples\n", split_name(s), static_cast<long long>(p->dataset->size(s)));
  std::fprintf(stderr, "model: %zu parameter tensors\n", p->model->params().size());
}

std::string run_experiment(Experiment& e, const RunOptions& opt) {
  const auto t_start = Clock::now();
  auto p = build_pipeline(e, opt.plugin_dirs);
  check_pipeline(e, *p);
  const TrainConfig& tc = e.train;
  at::manual_seed(e.seed);  // dropout draws from the default generator
  const std::string experiment_toml = e.resolved_toml();

  // ---- resume: which checkpoint, and is it the same experiment?
  std::string resume_file;
  std::string out_path = opt.output;
  if (!opt.resume.empty()) {
    resume_file = find_checkpoint(opt.resume);
    LoadedCheckpoint peek = peek_checkpoint(resume_file);
    auto diff = differing_keys(peek.experiment_toml, experiment_toml);
    if (!diff.empty() && !opt.force) {
      std::string keys;
      for (const auto& k : diff) keys += (keys.empty() ? "" : ", ") + k;
      throw Error(resume_file + " was written by a different experiment (keys differ: " + keys +
                  "); resume with the same file and --set values, or add --force");
    }
    if (out_path.empty()) out_path = peek.results_path;
  }
  if (out_path.empty()) out_path = default_output(e);
  results_path_check(out_path, e.path);
  if (const fs::path parent = fs::path(out_path).parent_path(); !parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw Error(parent.string() + ": cannot create the output folder (" + ec.message() + ")");
  }
  const RunLock lock(out_path);  // one writer per results file, until this function returns
  const std::string ckpt_dir = checkpoint_dir(out_path);
  if (resume_file.empty() && fs::exists(ckpt_dir)) {
    if (fs::exists(out_path + ".partial"))
      throw Error(ckpt_dir + " holds checkpoints of an unfinished run; resume it with --resume " + out_path +
                  ", or delete the folder to start over");
    fs::remove_all(ckpt_dir);
  }

  // ---- data
  EncodedSplit splits[3];
  const TokenCache cache =
      token_cache_open(*p->tokenizer, e.component_toml("tokenizer"), e.base_dir, token_cache_dir());
  for (int32_t s : {FTL_SPLIT_TRAIN, FTL_SPLIT_VALIDATION, FTL_SPLIT_TEST}) {
    splits[s] = token_cache_encode(cache, *p->tokenizer, *p->dataset, s, p->threads);
    std::fprintf(stderr, "%s: %zu examples, %lld tokens\n", split_name(s), splits[s].size(),
                 static_cast<long long>(splits[s].total_tokens));
  }
  const EncodedSplit& train = splits[FTL_SPLIT_TRAIN];
  const EncodedSplit& val = splits[FTL_SPLIT_VALIDATION];
  for (size_t i = 0; i < train.size(); ++i)
    if (train.labels[i] < 0)
      throw Error(e.where("dataset") + ": training example " + std::to_string(i) + " has no label");
  if (tc.eval_strategy != "no" && val.size() == 0)
    throw Error(e.where("train.eval_strategy") + ": the dataset has no validation split; set eval_strategy = \"no\"");
  // The model reads ids on the GPU without checking them: check them once here.
  const int64_t vocab = p->tokenizer->vocab_size();
  for (const EncodedSplit& sp : splits)
    for (size_t i = 0; i < sp.size(); ++i)
      for (int64_t id : sp.ids[i])
        if (id < 0 || id >= vocab)
          throw Error(e.where("tokenizer") + ": the tokenizer produced id " + std::to_string(id) + " outside 0.." +
                      std::to_string(vocab - 1) + " (its vocab_size); the tokenizer plugin is faulty");
  const int64_t C = p->dataset->num_labels();
  const at::Device dev = p->torch_device;
  const bool on_gpu = dev.is_cuda();
  StepExtras extras;
  extras.label_smoothing = tc.label_smoothing;
  if (auto w = resolve_class_weights(tc, e, train, C); !w.empty())
    extras.class_weights = at::tensor(w, at::kFloat).to(dev);

  // ---- results file (created now: an unwritable folder fails before training)
  RunWriter writer(out_path);
  const bool fused = tc.optim == "adamw_fused" || (tc.optim == "auto" && fused_adamw_available(dev));
  AdamW adam(p->model->params(), {tc.adam_beta1, tc.adam_beta2, tc.adam_epsilon, tc.weight_decay, fused});
  const std::string precision = p->precision;
  TrainState state;
  if (precision == "fp16") state.loss_scale = LossScaler::k_init;
  std::string test_pred;  // test predictions, written next to the results once those are final
  try {
    writer.write_config(experiment_toml, e.path, e.base_dir, e.overrides);
    writer.write_plugins(p->plugin_infos());
    writer.write_data(p->dataset->label_names(), {{"train", static_cast<int64_t>(splits[0].size())},
                                                  {"validation", static_cast<int64_t>(splits[1].size())},
                                                  {"test", static_cast<int64_t>(splits[2].size())}});
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    writer.write_environment({{"host", host},
                              {"device", e.device},
                              {"gpu", on_gpu ? cuda_device_name(dev.index()) : std::string()},
                              {"libtorch", TORCH_VERSION},
                              {"threads", std::to_string(p->threads)},
                              {"precision", precision},
                              {"optimizer", fused ? "adamw_fused" : "adamw_loop"},
                              {"pad_to_multiple_of", std::to_string(p->pad_multiple)},
                              {"ftlab_version", k_ftlab_version},
                              {"git_revision", FTLAB_GIT_REVISION}});
    if (!resume_file.empty()) {
      LoadedCheckpoint c = load_checkpoint(resume_file, *p->model, adam);
      state = std::move(c.state);
      std::vector<std::string> alive;
      for (const auto& f : state.checkpoints)
        if (fs::exists(ckpt_dir + "/" + f)) alive.push_back(f);
      state.checkpoints = alive;
      for (const auto& r : state.evals) writer.write_eval(r);
      std::fprintf(stderr, "resumed from %s: step %lld, epoch %lld, batch %lld\n", resume_file.c_str(),
                   static_cast<long long>(state.global_step), static_cast<long long>(state.epoch),
                   static_cast<long long>(state.batch_in_epoch));
    }

    // ---- schedule
    const int64_t n = static_cast<int64_t>(train.size());
    const int64_t batches = (n + tc.batch_size - 1) / tc.batch_size;  // short last batch kept
    const int64_t accum = tc.gradient_accumulation_steps;
    const int64_t steps_per_epoch = (batches + accum - 1) / accum;
    const int64_t total_steps = steps_per_epoch * tc.epochs;
    const int64_t warmup =
        tc.warmup_steps > 0 ? tc.warmup_steps : static_cast<int64_t>(std::ceil(tc.warmup_ratio * total_steps));
    const std::string headline = p->metric->headline();
    const bool tty = isatty(STDERR_FILENO) != 0;
    std::fprintf(stderr,
                 "training: %lld epochs x %lld steps (batch %lld x %lld accumulation), lr %g %s, warmup %lld, "
                 "%s, %s, %s%s%d threads\n",
                 static_cast<long long>(tc.epochs), static_cast<long long>(steps_per_epoch),
                 static_cast<long long>(tc.batch_size), static_cast<long long>(accum), tc.learning_rate,
                 tc.lr_scheduler.c_str(), static_cast<long long>(warmup), precision.c_str(),
                 fused ? "fused AdamW" : "AdamW", on_gpu ? cuda_device_name(dev.index()).c_str() : "",
                 on_gpu ? ", " : "", p->threads);

    auto save = [&]() {
      const std::string name = checkpoint_name(state.global_step);
      if (state.best_step == state.global_step) state.best_checkpoint = name;
      write_checkpoint(ckpt_dir, state, *p->model, adam, experiment_toml, out_path);
      state.checkpoints.push_back(name);
      // Like the Trainer: with a limit of 1 and a best that is not the newest, keep both.
      const int64_t limit = tc.save_total_limit == 1 && !state.best_checkpoint.empty() &&
                                    state.best_checkpoint != state.checkpoints.back()
                                ? 2
                                : tc.save_total_limit;
      while (limit > 0 && static_cast<int64_t>(state.checkpoints.size()) > limit) {
        auto victim = std::find_if(state.checkpoints.begin(), state.checkpoints.end(),
                                   [&](const std::string& f) { return f != state.best_checkpoint; });
        if (victim == state.checkpoints.end()) break;
        fs::remove(ckpt_dir + "/" + *victim);
        state.checkpoints.erase(victim);
      }
      return ckpt_dir + "/" + name;
    };
    // Evaluates on validation; updates the best model and early stopping. True = stop training.
    auto evaluate_and_track = [&](const std::string& tag, double epoch_pos) {
      EvalRecord r = evaluate(*p, val, FTL_SPLIT_VALIDATION, tag, epoch_pos, state.global_step, tc.eval_batch_size);
      print_eval(r, headline);
      writer.write_eval(r);
      double value = r.loss;
      if (tc.metric_for_best_model != "loss") {
        auto it = std::find_if(r.metrics.begin(), r.metrics.end(),
                               [&](const auto& m) { return m.first == tc.metric_for_best_model; });
        if (it == r.metrics.end()) {
          std::string have = "loss";
          for (const auto& m : r.metrics) have += ", " + m.first;
          throw Error(e.where("train.metric_for_best_model") + ": the metric plugin reports no '" +
                      tc.metric_for_best_model + "'; choose one of " + have);
        }
        value = it->second;
      }
      state.evals.push_back(std::move(r));
      const double prev = state.best_metric;
      const bool better = std::isnan(prev) || (tc.greater_is_better ? value > prev : value < prev);
      const bool significant = std::isnan(prev) || (better && std::fabs(value - prev) > tc.early_stopping_threshold);
      if (better) {
        state.best_metric = value;
        state.best_step = state.global_step;
      }
      state.bad_evals = significant ? 0 : state.bad_evals + 1;
      if (tc.early_stopping_patience > 0 && state.bad_evals >= tc.early_stopping_patience) {
        std::fprintf(stderr, "early stopping: %s has not improved for %lld evaluations (best %.4f at step %lld)\n",
                     tc.metric_for_best_model.c_str(), static_cast<long long>(state.bad_evals), state.best_metric,
                     static_cast<long long>(state.best_step));
        state.stop_reason = "early_stopping";
        return true;
      }
      return false;
    };

    // ---- training loop
    // Steps whose loss and gradient norm are still on the device (CUDA). flush()
    // reads them back in one wait, logs them, checks the losses and prints progress.
    struct Pending {
      StepRecord rec;
      at::Tensor loss, norm;  // [] on the device
    };
    std::vector<Pending> pending;
    double loss_window = 0.0;
    int64_t window = 0;
    const auto t_train = Clock::now();
    const int64_t first_step = state.global_step;
    const int64_t train_longest = longest_sequence(train);
    if (on_gpu) cuda_reset_peak(dev.index());
    auto flush = [&](bool force_print) {
      if (pending.empty()) return;
      std::vector<at::Tensor> ls, ns;
      for (const auto& q : pending) {
        ls.push_back(q.loss.to(at::kDouble));
        ns.push_back(q.norm.to(at::kDouble));
      }
      const at::Tensor losses = at::stack(ls).to(at::kCPU), norms = at::stack(ns).to(at::kCPU);  // one wait
      const double* lv = losses.data_ptr<double>();
      const double* nv = norms.data_ptr<double>();
      bool print = force_print || tty;
      for (size_t k = 0; k < pending.size(); ++k) {
        StepRecord r = pending[k].rec;
        if (!std::isfinite(lv[k]))
          throw Error(
              "training loss is " + std::to_string(lv[k]) + " at step " + std::to_string(r.step) +
              " (last good checkpoint: " +
              (state.checkpoints.empty() ? std::string("none yet") : ckpt_dir + "/" + state.checkpoints.back()) +
              "); lower train.learning_rate or set train.max_grad_norm");
        r.loss = static_cast<float>(lv[k]);
        r.grad_norm = static_cast<float>(nv[k]);
        state.log.push_back(r);
        loss_window += lv[k];
        ++window;
        if (r.step % tc.log_every == 0) print = true;
      }
      const StepRecord& last = state.log.back();
      pending.clear();
      if (!print || window == 0) return;
      const double el = seconds_since(t_train);
      const double done = static_cast<double>(last.step - first_step);
      const double eta = el / std::max(1.0, done) * static_cast<double>(total_steps - last.step);
      std::fprintf(stderr, "%sepoch %lld/%lld step %lld/%lld loss %.4f lr %.2e | %.0f samples/s | ETA %s%s",
                   tty ? "\r" : "", static_cast<long long>(state.epoch), static_cast<long long>(tc.epochs),
                   static_cast<long long>(last.step), static_cast<long long>(total_steps), loss_window / window,
                   last.learning_rate, state.current.samples_per_second(), format_duration(eta).c_str(),
                   tty ? "   " : "\n");
      if (!tty) loss_window = 0.0, window = 0;
    };
    for (; state.epoch <= tc.epochs && state.stop_reason.empty(); ++state.epoch) {
      const int64_t epoch = state.epoch;
      const auto order = tc.group_by_length ? length_grouped_order(train, tc.batch_size, e.seed, epoch)
                                            : shuffled_order(n, e.seed, epoch);
      if (state.batch_in_epoch == 0) state.current = {epoch, 0.0, 0, 0, 0};
      auto t_epoch = Clock::now();
      const double seconds_before = state.current.seconds;
      loss_window = 0.0;
      window = 0;
      while (state.batch_in_epoch < batches) {
        const int64_t group = std::min(accum, batches - state.batch_in_epoch);
        p->model->zero_grad();
        at::Tensor loss_sum;  // [] on the device
        for (int64_t k = 0; k < group; ++k) {
          const int64_t start = (state.batch_in_epoch + k) * tc.batch_size;
          const int64_t count = std::min(tc.batch_size, n - start);
          Batch b = make_device_batch(train, order.data() + start, count, p->tokenizer->pad_id(), dev, p->pad_multiple,
                                      train_longest);
          StepExtras x = extras;
          x.loss_scale = state.loss_scale / static_cast<double>(group);
          StepOutput out = p->model->step(b.input_ids, b.attention_mask, b.labels, true, x);
          loss_sum = loss_sum.defined() ? loss_sum + out.loss : out.loss;
          state.current.samples += count;
          state.current.tokens += b.real_tokens;
          state.current.token_slots += b.input_ids.numel();
        }
        auto grads = p->model->grads();
        bool apply = true;
        if (precision == "fp16") {
          apply = LossScaler::unscale_and_check(grads, state);  // waits for the GPU
        } else if (state.loss_scale != 1.0) {
          for (auto& g : grads)
            if (g.defined()) g.div_(state.loss_scale);
        }
        at::Tensor norm = apply ? clip_grad_norm(grads, tc.max_grad_norm)
                                : at::full({}, std::nan(""), at::TensorOptions().dtype(at::kDouble).device(dev));
        const double lr = scheduled_lr(tc.lr_scheduler, tc.learning_rate, state.global_step, warmup, total_steps);
        if (apply) adam.step(grads, lr);
        ++state.global_step;
        state.batch_in_epoch += group;
        const double epoch_pos = static_cast<double>(epoch - 1) + static_cast<double>(state.batch_in_epoch) / batches;
        pending.push_back(
            {{state.global_step, epoch_pos, 0.f, lr, 0.f, static_cast<float>(state.loss_scale), apply ? 0 : 1},
             loss_sum / static_cast<double>(group),
             norm});
        state.current.seconds = seconds_before + seconds_since(t_epoch);
        const bool last = state.batch_in_epoch >= batches;
        const bool stop_now = host_api()->should_stop(nullptr) != 0;
        // At the epoch's last batch, evaluation and saving wait for the epoch end (once, in that order).
        const bool step_eval = tc.eval_strategy == "steps" && state.global_step % tc.eval_steps == 0;
        const bool step_save = tc.save_strategy == "steps" && state.global_step % tc.save_steps == 0;
        if (!on_gpu || last || stop_now || step_eval || step_save ||
            static_cast<int64_t>(pending.size()) >= tc.log_every)
          flush(last);
        if (stop_now) {
          if (tty) std::fprintf(stderr, "\n");
          const std::string ck = last ? std::string() : save();
          throw Error("interrupted after step " + std::to_string(state.global_step) +
                      (ck.empty() ? "" : "; checkpoint " + ck) + "; continue with: " + resume_command(e, out_path));
        }
        if (!last) {
          bool stop = false;
          if (step_eval) {
            if (tty) std::fprintf(stderr, "\n");
            stop = evaluate_and_track("step_" + std::to_string(state.global_step), epoch_pos);
          }
          if (step_save) save();
          if (stop) break;
        }
      }
      if (on_gpu) device_synchronize(dev);
      state.current.seconds = seconds_before + seconds_since(t_epoch);
      if (tty) std::fprintf(stderr, "\n");
      if (!state.stop_reason.empty()) break;
      // Epoch done: the state now points at the start of the next epoch.
      state.epochs.push_back(state.current);
      std::fprintf(stderr, "epoch %lld done in %s (%.0f samples/s, %.1f%% padding)\n", static_cast<long long>(epoch),
                   format_duration(state.current.seconds).c_str(), state.current.samples_per_second(),
                   100.0 * state.current.padded_fraction());
      state.batch_in_epoch = 0;
      ++state.epoch;
      bool stop = false;
      const bool eval_now =
          tc.eval_strategy == "epoch" || (tc.eval_strategy == "steps" && state.global_step % tc.eval_steps == 0);
      const bool save_now =
          tc.save_strategy == "epoch" || (tc.save_strategy == "steps" && state.global_step % tc.save_steps == 0);
      if (eval_now)
        stop = evaluate_and_track(tc.eval_strategy == "epoch" ? "epoch_" + std::to_string(epoch)
                                                              : "step_" + std::to_string(state.global_step),
                                  static_cast<double>(epoch));
      if (save_now) save();
      if (host_api()->should_stop(nullptr))
        throw Error("interrupted after epoch " + std::to_string(epoch) +
                    "; continue with: " + resume_command(e, out_path));
      --state.epoch;  // the for-loop increments it
      if (stop) break;
    }
    if (state.stop_reason.empty()) state.stop_reason = "completed";
    writer.write_train_log(state.log, state.epochs);

    // ---- best model, test, weights
    if (tc.load_best_model_at_end && !state.best_checkpoint.empty()) {
      const std::string best = ckpt_dir + "/" + state.best_checkpoint;
      h5::Handle f = h5::open_file(best, false);
      at::NoGradGuard no_grad;
      for (auto& prm : p->model->params()) {
        std::vector<int64_t> shape;
        auto v = h5::read<float>(f.id(), "weights/" + prm.name, &shape);
        prm.value.copy_(at::from_blob(v.data(), prm.value.sizes(), at::kFloat).to(prm.value.device()));
      }
      std::fprintf(stderr, "loaded the best model: step %lld, %s = %.4f\n", static_cast<long long>(state.best_step),
                   tc.metric_for_best_model.c_str(), state.best_metric);
    }
    if (splits[FTL_SPLIT_TEST].size() > 0) {
      EvalRecord r = evaluate(*p, splits[FTL_SPLIT_TEST], FTL_SPLIT_TEST, "final",
                              state.log.empty() ? 0.0 : state.log.back().epoch, state.global_step, tc.eval_batch_size);
      print_eval(r, headline);
      writer.write_eval(r);
      std::vector<int64_t> counts(static_cast<size_t>(r.c), 0);
      for (auto l : r.labels)
        if (l >= 0) ++counts[static_cast<size_t>(l)];
      const int64_t most = *std::max_element(counts.begin(), counts.end());
      std::fprintf(stderr, "test majority-class rate: %.4f\n", r.n > 0 ? static_cast<double>(most) / r.n : 0.0);
      // Test predictions in the TweetEval layout (one label id per line, dataset order), next to the results.
      for (int64_t i = 0; i < r.n; ++i) {
        const float* row = r.logits.data() + i * r.c;
        test_pred += std::to_string(std::max_element(row, row + r.c) - row) + "\n";
      }
    }
    for (const auto& prm : p->model->params()) {
      at::Tensor w = prm.value.detach().to(at::kCPU, at::kFloat).contiguous();
      writer.write_weight(prm.name, std::vector<int64_t>(w.sizes().begin(), w.sizes().end()), w.data_ptr<float>());
    }
    for (const auto& f : state.checkpoints)
      writer.embed_checkpoint(ckpt_dir + "/" + f, fs::path(f).stem().string(), f == state.best_checkpoint);
    writer.write_summary(
        {{"stop_reason", state.stop_reason},
         {"metric_for_best_model", tc.metric_for_best_model},
         {"best_checkpoint", fs::path(state.best_checkpoint).stem().string()},
         {"weights", tc.load_best_model_at_end && !state.best_checkpoint.empty() ? "best" : "last"}},
        {{"best_metric", state.best_metric},
         {"best_step", static_cast<double>(state.best_step)},
         {"global_step", static_cast<double>(state.global_step)},
         {"train_seconds", seconds_since(t_train)},
         {"peak_gpu_memory_bytes", on_gpu ? static_cast<double>(cuda_peak_allocated(dev.index())) : 0.0}});
    writer.finish();
  } catch (const std::exception& ex) {
    writer.fail(ex.what());
    throw Error(std::string(ex.what()) + " (partial results kept in " + writer.partial_path() + ")");
  }
  if (!test_pred.empty()) {
    write_file_atomic(predictions_path(out_path), test_pred);
    std::fprintf(stderr, "test predictions: %s\n", predictions_path(out_path).c_str());
  }
  std::error_code ec;
  fs::remove_all(ckpt_dir, ec);  // its checkpoints now live in the results file
  std::fprintf(stderr, "done in %s\n", format_duration(seconds_since(t_start)).c_str());
  return out_path;
}

}  // namespace ftl
