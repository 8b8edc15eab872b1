// dataset_tweeteval.cpp - the `tweeteval` dataset plugin (ABI side): reads a
// TweetEval task with tweeteval_files.hpp and serves its examples.
// Config keys: path, task (required: emoji emotion hate irony offensive
// sentiment stance stance/<target>, or any folder in the same layout);
// strip (default true: Python str.strip() like the HF loader); preprocess
// ("none" default, or "cardiff": @mentions -> @user, links -> http);
// max_train, max_validation, max_test (keep the first N examples; 0 = all).
// "stance" pools the five targets in the official order (abortion, atheism,
// climate, feminist, hillary), so pooled test predictions split back by count.
#include "tweeteval_files.hpp"

#include <ftlab/sdk.hpp>

#include <memory>

namespace {

struct Dataset {
  std::vector<std::string> label_names;
  tweeteval::Split splits[3];
};

Dataset* self_of(const ftl_instance* p) {
  return reinterpret_cast<Dataset*>(const_cast<ftl_instance*>(p));
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  ftl::sdk::Config c(cfg);
  const std::string root = c.path("path");
  const std::string task = c.require<std::string>("task");
  tweeteval::TextOptions opt;
  opt.strip = c.get<bool>("strip", true);
  const std::string pre = c.get<std::string>("preprocess", "none");
  const char* limit_keys[3] = {"max_train", "max_validation", "max_test"};
  int64_t limits[3];
  for (int i = 0; i < 3; ++i) limits[i] = c.get<int64_t>(limit_keys[i], 0);
  c.finish();
  if (pre != "none" && pre != "cardiff")
    throw ftl::sdk::config_error("preprocess", "preprocess must be \"none\" or \"cardiff\" (@user / http)");
  opt.cardiff = pre == "cardiff";
  for (int i = 0; i < 3; ++i)
    if (limits[i] < 0) throw ftl::sdk::config_error(limit_keys[i], "must be 0 (all examples) or a positive count");

  const auto dirs = tweeteval::task_folders(root, task);
  auto d = std::make_unique<Dataset>();
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
  *out = reinterpret_cast<ftl_instance*>(d.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}

void destroy(ftl_instance* self) noexcept {
  delete self_of(self);
}

int64_t num_labels(const ftl_instance* self) noexcept {
  return static_cast<int64_t>(self_of(self)->label_names.size());
}

int32_t label_name(const ftl_instance* self, int64_t label, const char** name, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  const Dataset* d = self_of(self);
  if (name == nullptr || label < 0 || label >= static_cast<int64_t>(d->label_names.size()))
    throw ftl::sdk::invalid_argument("label_name: label " + std::to_string(label) + " out of range");
  *name = d->label_names[static_cast<size_t>(label)].c_str();
  return FTL_OK;
  FTL_GUARD_END(err)
}

int64_t num_examples(const ftl_instance* self, int32_t split) noexcept {
  if (split < 0 || split > 2) return 0;
  return static_cast<int64_t>(self_of(self)->splits[split].texts.size());
}

int32_t example(const ftl_instance* self, int32_t split, int64_t i, const char** text, size_t* len, int64_t* label,
                ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if (split < 0 || split > 2) throw ftl::sdk::invalid_argument("example: unknown split " + std::to_string(split));
  const tweeteval::Split& s = self_of(self)->splits[split];
  if (i < 0 || i >= static_cast<int64_t>(s.texts.size()))
    throw ftl::sdk::invalid_argument("example: index " + std::to_string(i) + " out of range");
  if (text == nullptr || len == nullptr || label == nullptr) throw ftl::sdk::invalid_argument("example: NULL output");
  *text = s.texts[static_cast<size_t>(i)].data();
  *len = s.texts[static_cast<size_t>(i)].size();
  *label = s.labels[static_cast<size_t>(i)];
  return FTL_OK;
  FTL_GUARD_END(err)
}

const ftl_dataset_vtable k_vtable = {
    {sizeof(k_vtable), create, destroy}, num_labels, label_name, num_examples, example};

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_DATASET, "tweeteval", "0.2.0",
                                    "TweetEval: every task, stance per target or pooled, HF-style strip, "
                                    "optional Cardiff preprocessing",
                                    FTL_CAP_THREAD_SAFE, &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "dataset_tweeteval", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
