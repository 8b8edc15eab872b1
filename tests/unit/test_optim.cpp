// test_optim.cpp - the host's AdamW against LibTorch's own torch::optim::AdamW
// (an independent implementation of the same algorithm), the schedule against
// Hugging Face's formula, and clipping against torch::nn::utils.
#include "train/optim.hpp"

#include <torch/torch.h>

#include <catch2/catch.hpp>

TEST_CASE("AdamW matches torch::optim::AdamW, with and without decay") {
  torch::manual_seed(3);
  const double lr = 1e-2, wd = 0.1;
  auto w0 = torch::randn({5, 4}), b0 = torch::randn({4});
  // Reference: two parameter groups as the Trainer builds them.
  auto rw = w0.clone().requires_grad_(true), rb = b0.clone().requires_grad_(true);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<torch::Tensor>{rw},
                      std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(lr).weight_decay(wd)));
  groups.emplace_back(std::vector<torch::Tensor>{rb},
                      std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(lr).weight_decay(0.0)));
  torch::optim::AdamW ref(std::move(groups), torch::optim::AdamWOptions(lr));

  std::vector<ftl::Param> params = {{"w", false, w0.clone()}, {"b", true, b0.clone()}};
  ftl::AdamW ours(params, {0.9, 0.999, 1e-8, wd});
  for (int step = 0; step < 20; ++step) {
    auto gw = torch::randn({5, 4}), gb = torch::randn({4});
    rw.mutable_grad() = gw.clone();
    rb.mutable_grad() = gb.clone();
    ref.step();
    ours.step({gw, gb}, lr);
  }
  CHECK(torch::allclose(params[0].value, rw.detach(), 1e-6, 1e-7));
  CHECK(torch::allclose(params[1].value, rb.detach(), 1e-6, 1e-7));
  CHECK(ours.steps() == 20);
}

TEST_CASE("linear schedule with warmup follows Hugging Face's lambda") {
  // get_linear_schedule_with_warmup: step/warmup, then (total-step)/(total-warmup)
  CHECK(ftl::linear_schedule(1.0, 0, 10, 110) == Approx(0.0));
  CHECK(ftl::linear_schedule(1.0, 5, 10, 110) == Approx(0.5));
  CHECK(ftl::linear_schedule(1.0, 10, 10, 110) == Approx(1.0));
  CHECK(ftl::linear_schedule(1.0, 60, 10, 110) == Approx(0.5));
  CHECK(ftl::linear_schedule(1.0, 110, 10, 110) == Approx(0.0));
  CHECK(ftl::linear_schedule(2.0, 0, 0, 4) == Approx(2.0));
}

TEST_CASE("gradient clipping matches torch::nn::utils::clip_grad_norm_") {
  torch::manual_seed(5);
  auto a = torch::randn({7}) * 3, b = torch::randn({2, 3}) * 3;
  auto pa = torch::zeros({7}).requires_grad_(true), pb = torch::zeros({2, 3}).requires_grad_(true);
  pa.mutable_grad() = a.clone();
  pb.mutable_grad() = b.clone();
  const double ref_norm = torch::nn::utils::clip_grad_norm_(std::vector<torch::Tensor>{pa, pb}, 1.0);
  std::vector<at::Tensor> grads = {a.clone(), b.clone()};
  const double norm = ftl::clip_grad_norm(grads, 1.0).item<double>();
  CHECK(norm == Approx(ref_norm).epsilon(1e-6));
  CHECK(torch::allclose(grads[0], pa.grad(), 1e-6, 1e-7));
  CHECK(torch::allclose(grads[1], pb.grad(), 1e-6, 1e-7));
}
