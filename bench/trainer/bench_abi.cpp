// bench_abi.cpp - cost of training through the plugin ABI: N steps of the
// quickstart-sized RoBERTa through the model plugin + the host's AdamW, against
// the same model code in a plain LibTorch loop (torch::optim::AdamW, two groups,
// clip_grad_norm_) on the same batches. Alternates the two 3 times and reports
// medians. Usage: bench_abi [STEPS=200]
#include "bench_common.hpp"

#include "util/process.hpp"

#include "data/batches.hpp"
#include "train/optim.hpp"

#include "../../plugins/model_roberta/roberta_model.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <cstdio>

int main(int argc, char** argv) {
  ftl::tune_process();  // as the ftlab binary does: OpenBLAS on one thread under OpenMP
  const int steps = argc > 1 ? std::atoi(argv[1]) : 200;
  auto e = bench::quickstart({"experiment.threads=0"});
  auto p = ftl::build_pipeline(e, {});
  auto train = ftl::encode_split(*p->tokenizer, *p->dataset, FTL_SPLIT_TRAIN, p->threads);
  const int64_t bs = e.train.batch_size;
  auto order = ftl::shuffled_order(static_cast<int64_t>(train.size()), 42, 1);
  std::vector<ftl::Batch> batches;
  for (int i = 0; i < steps; ++i) {
    int64_t start = (static_cast<int64_t>(i) * bs) % (static_cast<int64_t>(train.size()) - bs);
    batches.push_back(ftl::make_batch(train, order.data() + start, bs, p->tokenizer->pad_id()));
  }
  const double lr = 1e-4, wd = 0.01;

  // The same model, built directly (no ABI), with the plugin's config values.
  roberta::Config cfg;
  cfg.vocab_size = p->tokenizer->vocab_size();
  cfg.num_labels = p->dataset->num_labels();
  cfg.hidden_size = 128;
  cfg.num_hidden_layers = 2;
  cfg.num_attention_heads = 4;
  cfg.intermediate_size = 256;
  cfg.max_position_embeddings = 130;
  roberta::Classifier net(cfg);
  at::Generator gen = at::detail::createCPUGenerator(7);
  roberta::init_weights(net, cfg, gen);
  std::vector<torch::Tensor> decay, no_decay;
  for (auto& kv : net->named_parameters()) (roberta::is_no_decay(kv.key()) ? no_decay : decay).push_back(kv.value());
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(lr).weight_decay(wd)));
  groups.emplace_back(no_decay,
                      std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(lr).weight_decay(0.0)));
  torch::optim::AdamW plain_opt(std::move(groups), torch::optim::AdamWOptions(lr));
  auto params = net->parameters();

  ftl::AdamW adam(p->model->params(), {0.9, 0.999, 1e-8, wd});

  auto run_ftlab = [&]() {
    double t0 = bench::now();
    for (auto& b : batches) {
      p->model->zero_grad();
      p->model->step(b.input_ids, b.attention_mask, b.labels, true);
      auto grads = p->model->grads();
      ftl::clip_grad_norm(grads, 1.0);
      adam.step(grads, lr);
    }
    return bench::now() - t0;
  };
  auto run_plain = [&]() {
    double t0 = bench::now();
    net->train();
    for (auto& b : batches) {
      plain_opt.zero_grad();
      auto logits = net->forward(b.input_ids, b.attention_mask);
      auto loss = torch::nn::functional::cross_entropy(logits, b.labels);
      loss.backward();
      (void)loss.item<double>();  // the ABI path reads the loss every step too
      torch::nn::utils::clip_grad_norm_(params, 1.0);
      plain_opt.step();
    }
    return bench::now() - t0;
  };
  run_ftlab();  // warm-up both (allocator, OpenMP pool)
  run_plain();
  std::vector<double> tf, tp;
  for (int r = 0; r < 3; ++r) {
    tf.push_back(run_ftlab());
    tp.push_back(run_plain());
  }
  const double f = bench::median(tf), pl = bench::median(tp);
  std::printf("abi_overhead steps=%d threads=%d ftlab_s=%.3f plain_s=%.3f ratio=%.4f overhead_pct=%.2f\n", steps,
              p->threads, f, pl, f / pl, 100.0 * (f / pl - 1.0));
  return 0;
}
