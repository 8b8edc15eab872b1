// helpers.hpp - paths and scratch folders shared by the unit tests.
#pragma once

#include "../common/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace test {

inline std::string source_dir() {
  return FTLAB_SOURCE_DIR;
}
inline std::string plugin_dir() {
  return FTLAB_PLUGIN_DIR;
}
inline std::string test_plugin_dir(const std::string& name) {
  return std::string(FTLAB_TEST_PLUGIN_DIR) + "/" + name;
}

using TempDir = ftl_test::TempDir;  // tests/common/temp_dir.hpp

// A tiny but complete experiment over the bundled sample: 1 small layer, few
// examples; the caller adds overrides.
inline std::string tiny_experiment(const TempDir& dir, const std::string& extra = "") {
  const std::string assets = source_dir() + "/experiments/assets";
  return dir.file("tiny.toml",
                  "[experiment]\nname = \"tiny\"\nseed = 7\nthreads = 1\noutput_dir = \"out\"\n\n"
                  "[tokenizer]\nplugin = \"bpe\"\npath = \"" +
                      assets +
                      "/roberta-base\"\nmax_length = 64\n\n"
                      "[dataset]\nplugin = \"tweeteval\"\npath = \"" +
                      assets +
                      "/tweeteval-sample\"\n"
                      "task = \"sentiment\"\nmax_train = 96\nmax_validation = 40\nmax_test = 50\n\n"
                      "[model]\nplugin = \"roberta\"\nhidden_size = 16\nnum_hidden_layers = 1\n"
                      "num_attention_heads = 2\nintermediate_size = 32\nmax_position_embeddings = 66\n\n"
                      "[metric]\nplugin = \"classification\"\n\n"
                      "[train]\nepochs = 2\nbatch_size = 16\neval_batch_size = 32\nlearning_rate = 1e-3\n"
                      "warmup_steps = 2\nlog_every = 100\n" +
                      extra);
}

}  // namespace test
