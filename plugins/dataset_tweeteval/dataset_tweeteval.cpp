// dataset_tweeteval.cpp - the `tweeteval` dataset plugin (ABI side): reads a
// TweetEval task with tweeteval_files.hpp and serves its examples.
// Config keys: path, task (required: emoji emotion hate irony offensive
// sentiment stance stance/<target>, or any folder in the same layout);
// strip (default true: Python str.strip() like the HF loader); preprocess
// ("none" default, or "cardiff": @mentions -> @user, links -> http);
// max_train, max_validation, max_test (keep the first N examples; 0 = all).
// "stance" pools the five targets in the official order (abortion, atheism,
// climate, feminist, hillary), so pooled test predictions split back by count.
// New texts for inference get the same strip and preprocess (prepare_texts).
#include "tweeteval_files.hpp"

#include <ftlab/dataset.hpp>

#include <memory>

namespace {

// strip and preprocess, the keys that change texts; the same for load and inference.
tweeteval::TextOptions text_options(ftl::sdk::Config& c) {
  tweeteval::TextOptions opt;
  opt.strip = c.get<bool>("strip", true);
  const std::string pre = c.get<std::string>("preprocess", "none");
  if (pre != "none" && pre != "cardiff")
    throw ftl::sdk::config_error("preprocess", "preprocess must be \"none\" or \"cardiff\" (@user / http)");
  opt.cardiff = pre == "cardiff";
  return opt;
}

std::function<std::string(std::string_view)> preparation(const ftl_config* cfg) {
  ftl::sdk::Config c(cfg);
  const tweeteval::TextOptions opt = text_options(c);
  return [opt](std::string_view text) { return tweeteval::prepare_text(text, opt); };
}

std::unique_ptr<ftl::sdk::MemoryDataset> load(const ftl_config* cfg, const ftl_host_api*) {
  ftl::sdk::Config c(cfg);
  const std::string root = c.path("path");
  const std::string task = c.require<std::string>("task");
  const tweeteval::TextOptions opt = text_options(c);
  const char* limit_keys[3] = {"max_train", "max_validation", "max_test"};
  int64_t limits[3];
  for (int i = 0; i < 3; ++i) limits[i] = c.get<int64_t>(limit_keys[i], 0);
  c.finish();
  for (int i = 0; i < 3; ++i)
    if (limits[i] < 0) throw ftl::sdk::config_error(limit_keys[i], "must be 0 (all examples) or a positive count");

  const auto dirs = tweeteval::task_folders(root, task);
  auto d = std::make_unique<ftl::sdk::MemoryDataset>();
  d->label_names = tweeteval::read_mapping(tweeteval::task_mapping(root, task));
  const auto n = static_cast<int64_t>(d->label_names.size());
  const char* stems[3] = {"train", "val", "test"};
  for (int i = 0; i < 3; ++i) {
    tweeteval::Split& all = d->splits[i];
    for (const auto& dir : dirs) {
      tweeteval::Split s = tweeteval::read_split(dir, stems[i], n, opt);
      if (all.texts.empty()) {
        all = std::move(s);
        continue;
      }
      all.texts.insert(all.texts.end(), std::make_move_iterator(s.texts.begin()),
                       std::make_move_iterator(s.texts.end()));
      all.labels.insert(all.labels.end(), s.labels.begin(), s.labels.end());
    }
    if (limits[i] > 0 && static_cast<size_t>(limits[i]) < all.texts.size()) {
      all.texts.resize(static_cast<size_t>(limits[i]));
      all.labels.resize(static_cast<size_t>(limits[i]));
    }
  }
  return d;
}

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_DATASET, "tweeteval", "0.2.0",
                                    "TweetEval: every task, stance per target or pooled, HF-style strip, "
                                    "optional Cardiff preprocessing",
                                    FTL_CAP_THREAD_SAFE, &ftl::sdk::MemoryDatasetSlots<load, preparation>::vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "dataset_tweeteval", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
