// test_trainer.cpp - the training recipe beyond the basics: schedules against
// Hugging Face's formulas, length grouping, gradient accumulation against a
// plain large batch, early stopping, load-best-at-end, loss options against
// LibTorch's cross_entropy, and the refusals (unwritable output, schema).
#include "helpers.hpp"

#include "config/experiment.hpp"
#include "data/batches.hpp"
#include "results/h5.hpp"
#include "train/optim.hpp"
#include "train/pipeline.hpp"
#include "train/run.hpp"
#include "util/error.hpp"

#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using Catch::Matchers::Contains;

namespace {

std::string run_tiny(const test::TempDir& dir, const std::string& out, std::vector<std::string> sets) {
  auto e = ftl::load_experiment(test::tiny_experiment(dir), sets);
  ftl::RunOptions opt;
  opt.output = (dir.path / out).string();
  return ftl::run_experiment(e, opt);
}

}  // namespace

TEST_CASE("cosine and constant schedules follow Hugging Face's lambdas") {
  // get_cosine_schedule_with_warmup (num_cycles 0.5): 0.5 * (1 + cos(pi * progress)) after warmup
  CHECK(ftl::scheduled_lr("cosine", 1.0, 5, 10, 110) == Approx(0.5));
  CHECK(ftl::scheduled_lr("cosine", 1.0, 10, 10, 110) == Approx(1.0));
  CHECK(ftl::scheduled_lr("cosine", 1.0, 60, 10, 110) == Approx(0.5));
  CHECK(ftl::scheduled_lr("cosine", 1.0, 35, 10, 110) == Approx(0.5 * (1 + std::cos(M_PI * 0.25))));
  CHECK(ftl::scheduled_lr("cosine", 1.0, 110, 10, 110) == Approx(0.0).margin(1e-12));
  CHECK(ftl::scheduled_lr("constant", 2.0, 0, 10, 110) == Approx(2.0));
  CHECK(ftl::scheduled_lr("constant_with_warmup", 2.0, 5, 10, 110) == Approx(1.0));
  CHECK(ftl::scheduled_lr("constant_with_warmup", 2.0, 50, 10, 110) == Approx(2.0));
}

TEST_CASE("length grouping is a permutation with sorted mega-batches and the longest first") {
  ftl::EncodedSplit s;
  for (int i = 0; i < 500; ++i) {
    s.ids.push_back(std::vector<int32_t>(static_cast<size_t>(1 + (i * 37) % 97), 5));
    s.labels.push_back(0);
  }
  auto order = ftl::length_grouped_order(s, 8, 42, 1);  // mega-batch = min(500 / 32, 50) * 8 = 120
  REQUIRE(order.size() == 500);
  CHECK(std::set<int64_t>(order.begin(), order.end()).size() == 500);
  size_t longest = 0;
  for (const auto& v : s.ids) longest = std::max(longest, v.size());
  CHECK(s.ids[static_cast<size_t>(order[0])].size() == longest);
  for (size_t start = 0; start < 500; start += 120)
    for (size_t i = start + 2; i < std::min<size_t>(start + 120, 500); ++i)
      REQUIRE(s.ids[static_cast<size_t>(order[i - 1])].size() >= s.ids[static_cast<size_t>(order[i])].size());
  // Grouped batches carry much less padding than random ones.
  auto padding = [&](const std::vector<int64_t>& o) {
    int64_t slots = 0, real = 0;
    for (size_t b = 0; b < o.size(); b += 8) {
      size_t longest_in_batch = 0;
      for (size_t k = b; k < std::min(o.size(), b + 8); ++k) {
        longest_in_batch = std::max(longest_in_batch, s.ids[static_cast<size_t>(o[k])].size());
        real += static_cast<int64_t>(s.ids[static_cast<size_t>(o[k])].size());
      }
      slots += static_cast<int64_t>(longest_in_batch * std::min<size_t>(8, o.size() - b));
    }
    return slots - real;
  };
  CHECK(padding(order) * 3 < padding(ftl::shuffled_order(500, 42, 1)));
}

TEST_CASE("gradient accumulation of 2 x 8 equals one batch of 16 (no dropout)") {
  test::TempDir dir;
  const std::vector<std::string> common = {"model.hidden_dropout_prob=0.0", "model.attention_probs_dropout_prob=0.0",
                                           "train.epochs=1", "train.save_strategy=\"no\""};
  auto sets_a = common, sets_b = common;
  sets_a.push_back("train.batch_size=16");
  sets_b.push_back("train.batch_size=8");
  sets_b.push_back("train.gradient_accumulation_steps=2");
  auto a = ftl::h5::open_file(run_tiny(dir, "a.h5", sets_a), false);
  auto b = ftl::h5::open_file(run_tiny(dir, "b.h5", sets_b), false);
  CHECK(ftl::h5::read<int64_t>(a.id(), "train/log/step").size() == 6);
  CHECK(ftl::h5::read<int64_t>(b.id(), "train/log/step").size() == 6);
  auto la = ftl::h5::read<float>(a.id(), "train/log/loss"), lb = ftl::h5::read<float>(b.id(), "train/log/loss");
  for (size_t i = 0; i < la.size(); ++i) CHECK(lb[i] == Approx(la[i]).epsilon(1e-4));
  auto wa = ftl::h5::read<float>(a.id(), "model/weights/classifier.out_proj.weight");
  auto wb = ftl::h5::read<float>(b.id(), "model/weights/classifier.out_proj.weight");
  for (size_t i = 0; i < wa.size(); ++i) CHECK(wb[i] == Approx(wa[i]).margin(1e-5));
}

TEST_CASE("early stopping ends the run and load_best_model_at_end restores the best checkpoint") {
  test::TempDir dir;
  // A tiny learning rate cannot improve the loss by the threshold: stop after 2 evaluations.
  auto path =
      run_tiny(dir, "es.h5",
               {"train.epochs=5", "train.learning_rate=1e-9", "train.eval_strategy=\"steps\"", "train.eval_steps=2",
                "train.save_strategy=\"steps\"", "train.save_steps=2", "train.early_stopping_patience=2",
                "train.early_stopping_threshold=0.5", "train.load_best_model_at_end=true"});
  auto f = ftl::h5::open_file(path, false);
  auto summary = ftl::h5::open_group(f.id(), "summary");
  CHECK(ftl::h5::read_attr_string(summary.id(), "stop_reason") == "early_stopping");
  CHECK(ftl::h5::read<int64_t>(f.id(), "train/log/step").size() == 6);  // evals at 2, 4, 6
  const std::string best = ftl::h5::read_attr_string(summary.id(), "best_checkpoint");
  REQUIRE_FALSE(best.empty());
  auto ck = ftl::h5::open_group(f.id(), "checkpoints");
  CHECK(ftl::h5::read_attr_string(ck.id(), "best") == best);
  const std::string w = "classifier.out_proj.weight";
  CHECK(ftl::h5::read<float>(f.id(), "model/weights/" + w) ==
        ftl::h5::read<float>(f.id(), "checkpoints/" + best + "/weights/" + w));
}

TEST_CASE("class weights and label smoothing reach the loss as LibTorch computes it") {
  test::TempDir dir;
  auto e = ftl::load_experiment(test::tiny_experiment(dir), {});
  auto p = ftl::build_pipeline(e, {});
  auto ids = torch::tensor({0, 713, 16, 2, 0, 31414, 2, 1}, torch::kLong).view({2, 4});
  auto mask = ids.ne(1).to(torch::kLong);
  auto labels = torch::tensor({2, 0}, torch::kLong);
  ftl::StepExtras x;
  x.class_weights = torch::tensor({0.5f, 1.0f, 3.0f});
  x.label_smoothing = 0.1;
  auto out = p->model->step(ids, mask, labels, false, x);
  auto ref = torch::nn::functional::cross_entropy(
      out.logits, labels,
      torch::nn::functional::CrossEntropyFuncOptions().weight(x.class_weights).label_smoothing(0.1));
  CHECK(out.loss_value() == Approx(ref.item<double>()).epsilon(1e-6));
  auto plain = p->model->step(ids, mask, labels, false);
  CHECK(plain.loss_value() != Approx(out.loss_value()));
}

TEST_CASE("an unwritable output fails before training and bad recipes are refused") {
  test::TempDir dir;
  auto e = ftl::load_experiment(test::tiny_experiment(dir), {});
  ftl::RunOptions opt;
  opt.output = "/proc/ftlab-cannot-write/run.h5";
  REQUIRE_THROWS_WITH(ftl::run_experiment(e, opt), Contains("cannot create"));
  REQUIRE_THROWS_WITH(ftl::load_experiment(test::tiny_experiment(dir), {"train.precision=\"bf16\""}),
                      Contains("train.precision") && Contains("CUDA"));
  REQUIRE_THROWS_WITH(ftl::load_experiment(test::tiny_experiment(dir),
                                           {"train.load_best_model_at_end=true", "train.save_strategy=\"no\""}),
                      Contains("load_best_model_at_end"));
}

TEST_CASE("pad_to_multiple_of rounds the batch length up, never past the split's longest sequence") {
  ftl::EncodedSplit s;
  s.ids = {{0, 5, 2}, {0, 5, 6, 7, 8, 2}, std::vector<int32_t>(19, 4)};
  s.labels = {0, 1, 2};
  const int64_t a[] = {0, 1}, all[] = {0, 1, 2};
  const at::Device cpu(at::kCPU);
  CHECK(ftl::longest_sequence(s) == 19);
  CHECK(ftl::make_device_batch(s, a, 2, 1, cpu).input_ids.size(1) == 6);  // no rounding by default
  auto b = ftl::make_device_batch(s, a, 2, 1, cpu, 8, 19);
  CHECK(b.input_ids.size(1) == 8);
  CHECK(b.attention_mask.sum().item<int64_t>() == 9);  // padding is masked
  CHECK(b.input_ids[0][7].item<int64_t>() == 1);
  CHECK(ftl::make_device_batch(s, all, 3, 1, cpu, 8, 19).input_ids.size(1) == 19);  // 24 capped at 19
  CHECK(ftl::make_device_batch(s, a, 2, 1, cpu, 8, 7).input_ids.size(1) == 7);      // cap below the multiple
}
