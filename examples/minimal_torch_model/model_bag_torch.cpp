// model_bag_torch.cpp - the bag-of-embeddings classifier of
// examples/minimal_model (fastText-like: the mean of the embeddings of each
// text's real tokens, then a linear layer), written in LibTorch with
// ftlab/model.hpp, which supplies the ABI side: inputs, loss and its
// options, backward, parameter views, devices, generators.
// Config keys: dim (embedding width, default 32); the host sets vocab_size,
// num_labels and pad_token_id.
#include <ftlab/model.hpp>

struct BagTorch : torch::nn::Module {
  BagTorch(ftl::sdk::Config& c, const ftl::sdk::ModelInfo& info) {
    const int64_t dim = c.get<int64_t>("dim", 32);
    if (dim < 1 || dim > 65536) throw ftl::sdk::config_error("dim", "dim must be between 1 and 65536");
    embedding = register_module("embedding", torch::nn::Embedding(info.vocab_size, dim));
    classifier = register_module("classifier", torch::nn::Linear(dim, info.num_labels));
    torch::NoGradGuard no_grad;  // initial weights from the private generator (ABI rule 6)
    embedding->weight.normal_(0.0, 0.1, info.generator);
    classifier->weight.normal_(0.0, 0.1, info.generator);
    classifier->bias.zero_();
  }

  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask) {
    const torch::Tensor m = mask.unsqueeze(-1).to(torch::kFloat);    // [B, T, 1]
    const torch::Tensor sum = (embedding->forward(ids) * m).sum(1);  // [B, D]
    return classifier->forward(sum / m.sum(1).clamp_min(1.0));       // [B, C]
  }

  torch::nn::Embedding embedding{nullptr};
  torch::nn::Linear classifier{nullptr};
};

FTL_MODEL_PLUGIN(BagTorch, "bag_torch", "1.0.0", "mean of the token embeddings, then a linear layer (LibTorch)")
