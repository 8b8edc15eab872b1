// bench_io.cpp - cost of the results file: writes evaluations of TweetEval
// sizes (emoji validation 5,000 x 20 and test 50,000 x 20 logits with their
// tables) and a 10,000-step log, and times them against one training epoch
// of the quickstart measured in the same process; and the checkpoint write
// speed (MB/s) for the quickstart model and a distilroberta-sized one.
// Usage: bench_io OUT_DIR
#include "bench_common.hpp"

#include "util/process.hpp"

#include "data/batches.hpp"
#include "results/writer.hpp"
#include "train/checkpoint.hpp"

#include <cstdio>
#include <filesystem>
#include <random>

namespace {

ftl::EvalRecord fake_eval(const std::string& split, const std::string& tag, int64_t n, int64_t c) {
  ftl::EvalRecord r;
  r.split = split;
  r.tag = tag;
  r.n = n;
  r.c = c;
  std::mt19937 rng(1);
  std::normal_distribution<float> d;
  r.logits.resize(static_cast<size_t>(n * c));
  for (auto& x : r.logits) x = d(rng);
  r.labels.resize(static_cast<size_t>(n));
  for (auto& l : r.labels) l = static_cast<int64_t>(rng() % static_cast<uint32_t>(c));
  r.metrics = {{"accuracy", 0.5}, {"macro_f1", 0.4}};
  r.tables.push_back({"confusion_matrix", {c, c}, std::vector<double>(static_cast<size_t>(c * c), 3.0), true});
  return r;
}

double checkpoint_mb_s(const std::vector<std::string>& sets, const std::string& dir, double* mb) {
  auto e = bench::quickstart(sets);
  auto p = ftl::build_pipeline(e, {});
  ftl::AdamW adam(p->model->params(), {});
  ftl::TrainState s;
  double bytes = 0;
  for (auto& prm : p->model->params()) bytes += 3.0 * prm.value.numel() * 4;
  std::vector<double> t;
  for (int i = 0; i < 3; ++i) {
    s.global_step = i + 1;
    double t0 = bench::now();
    ftl::write_checkpoint(dir, s, *p->model, adam, "x = 1", dir + "/run.h5");
    t.push_back(bench::now() - t0);
  }
  std::filesystem::remove_all(dir);
  *mb = bytes / 1e6;
  return *mb / bench::median(t);
}

}  // namespace

int main(int argc, char** argv) {
  ftl::tune_process();  // as the ftlab binary does: OpenBLAS on one thread under OpenMP
  const std::string out = argc > 1 ? argv[1] : "/tmp/ftlab-bench-io";
  std::filesystem::create_directories(out);

  // One quickstart training epoch, as the denominator.
  auto e = bench::quickstart({});
  auto p = ftl::build_pipeline(e, {});
  auto train = ftl::encode_split(*p->tokenizer, *p->dataset, FTL_SPLIT_TRAIN, p->threads);
  ftl::AdamW adam(p->model->params(), {});
  auto order = ftl::shuffled_order(static_cast<int64_t>(train.size()), 42, 1);
  double t0 = bench::now();
  for (int64_t start = 0; start < static_cast<int64_t>(train.size()); start += e.train.batch_size) {
    int64_t count = std::min<int64_t>(e.train.batch_size, static_cast<int64_t>(train.size()) - start);
    auto b = ftl::make_batch(train, order.data() + start, count, p->tokenizer->pad_id());
    p->model->zero_grad();
    p->model->step(b.input_ids, b.attention_mask, b.labels, true);
    auto g = p->model->grads();
    ftl::clip_grad_norm(g, 1.0);
    adam.step(g, 1e-4);
  }
  const double epoch_s = bench::now() - t0;

  // Everything a run records per epoch, at TweetEval's largest sizes.
  std::vector<ftl::StepRecord> log;
  for (int i = 0; i < 10000; ++i) log.push_back({i + 1, i / 1000.0, 1.0f, 1e-5, 1.0f, 1.0f, 0});
  auto val = fake_eval("validation", "epoch_1", 5000, 20);
  auto test = fake_eval("test", "final", 50000, 20);
  std::vector<double> tw;
  for (int i = 0; i < 3; ++i) {
    ftl::RunWriter w(out + "/io-" + std::to_string(i) + ".h5");
    double t1 = bench::now();
    w.write_eval(val);
    w.write_eval(test);
    w.write_train_log(log, {{1, 1.0, 1, 1, 1}});
    tw.push_back(bench::now() - t1);
    w.finish();
  }
  const double write_s = bench::median(tw);
  std::printf("results_io epoch_s=%.3f write_s=%.4f pct_of_epoch=%.3f (val 5000x20 + test 50000x20 logits, 10000 steps)\n",
              epoch_s, write_s, 100.0 * write_s / epoch_s);

  double mb_small = 0, mb_big = 0;
  double s_small = checkpoint_mb_s({}, out + "/ckpt-small", &mb_small);
  double s_big = checkpoint_mb_s({"model.hidden_size=768", "model.num_hidden_layers=6", "model.num_attention_heads=12",
                                  "model.intermediate_size=3072", "model.max_position_embeddings=514"},
                                 out + "/ckpt-big", &mb_big);
  std::printf("checkpoint quickstart_mb=%.1f mb_per_s=%.0f distilroberta_mb=%.1f mb_per_s=%.0f\n", mb_small, s_small,
              mb_big, s_big);
  std::filesystem::remove_all(out);
  return 0;
}
