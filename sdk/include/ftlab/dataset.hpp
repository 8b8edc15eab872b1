// ftlab/dataset.hpp - the ABI side of a dataset plugin that keeps its examples
// in memory: label names plus three splits of texts and labels. Write one
// function that builds an ftl::sdk::MemoryDataset from the component's config
// (throw ftl::sdk errors for bad input; they become the one-line error), and
// MemoryDatasetSlots<your_function>::vtable supplies the rest: create under
// FTL_GUARD, destroy, num_labels, label_name, num_examples and example with
// their range and NULL checks. The slots only read after create, so the
// factory may declare FTL_CAP_THREAD_SAFE.
//
//   std::unique_ptr<ftl::sdk::MemoryDataset> load(const ftl_config* cfg, const ftl_host_api* host);
//   const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_DATASET, "name", "1.0.0", "summary",
//                                       FTL_CAP_THREAD_SAFE, &ftl::sdk::MemoryDatasetSlots<load>::vtable}};
//
// A dataset that changes its texts as it loads them (strips, normalises) also
// names a TextPreparation, the same change for one new text built from the
// config, so that inference prepares texts as training did (ABI 1.3):
//
//   std::function<std::string(std::string_view)> preparation(const ftl_config* cfg);
//   ... &ftl::sdk::MemoryDatasetSlots<load, preparation>::vtable
//
// Limits: every text is held in memory and returned as stored; one label per
// example (-1 = unlabelled split).
#pragma once

#include <ftlab/sdk.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ftl::sdk {

struct DatasetSplit {
  std::vector<std::string> texts;
  std::vector<int64_t> labels;  // [texts.size()], each in 0..num_labels-1, or -1 for an unlabelled split
};

struct MemoryDataset {
  std::vector<std::string> label_names;  // label id -> name
  DatasetSplit splits[3];                // indexed by FTL_SPLIT_TRAIN, FTL_SPLIT_VALIDATION, FTL_SPLIT_TEST
};

using MemoryDatasetLoader = std::unique_ptr<MemoryDataset> (*)(const ftl_config* cfg, const ftl_host_api* host);
// From the component's config, the function that prepares one text as load() prepares the
// dataset's own (read only the keys it needs: others are ignored here).
using TextPreparation = std::function<std::string(std::string_view)> (*)(const ftl_config* cfg);

template <MemoryDatasetLoader Load, TextPreparation Prepare = nullptr>
struct MemoryDatasetSlots {
  static const MemoryDataset* of(const ftl_instance* p) { return reinterpret_cast<const MemoryDataset*>(p); }

  static int32_t create(const ftl_config* cfg, const ftl_host_api* host, ftl_instance** out, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    if (cfg == nullptr || out == nullptr) throw invalid_argument("create: NULL argument");
    std::unique_ptr<MemoryDataset> d = Load(cfg, host);
    for (const auto& s : d->splits)
      if (s.labels.size() != s.texts.size()) throw data_error("the dataset has a split with unequal texts and labels");
    *out = reinterpret_cast<ftl_instance*>(d.release());
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static void destroy(ftl_instance* self) noexcept { delete reinterpret_cast<MemoryDataset*>(self); }

  static int64_t num_labels(const ftl_instance* self) noexcept {
    return static_cast<int64_t>(of(self)->label_names.size());
  }

  static int32_t label_name(const ftl_instance* self, int64_t label, const char** name, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    const MemoryDataset* d = of(self);
    if (name == nullptr || label < 0 || label >= static_cast<int64_t>(d->label_names.size()))
      throw invalid_argument("label_name: label " + std::to_string(label) + " out of range");
    *name = d->label_names[static_cast<size_t>(label)].c_str();
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static int64_t num_examples(const ftl_instance* self, int32_t split) noexcept {
    if (split < 0 || split > 2) return 0;
    return static_cast<int64_t>(of(self)->splits[split].texts.size());
  }

  static int32_t example(const ftl_instance* self, int32_t split, int64_t i, const char** text, size_t* len,
                         int64_t* label, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    if (split < 0 || split > 2) throw invalid_argument("example: unknown split " + std::to_string(split));
    const DatasetSplit& s = of(self)->splits[split];
    if (i < 0 || i >= static_cast<int64_t>(s.texts.size()))
      throw invalid_argument("example: index " + std::to_string(i) + " out of range");
    if (text == nullptr || len == nullptr || label == nullptr) throw invalid_argument("example: NULL output");
    *text = s.texts[static_cast<size_t>(i)].data();
    *len = s.texts[static_cast<size_t>(i)].size();
    *label = s.labels[static_cast<size_t>(i)];
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static int32_t prepare_texts(const ftl_config* cfg, const char* const* texts, const size_t* lens, int64_t n,
                               void (*sink)(void*, int64_t, const char*, size_t), void* ctx, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    if (cfg == nullptr || sink == nullptr || (n > 0 && (texts == nullptr || lens == nullptr)))
      throw invalid_argument("prepare_texts: NULL argument");
    const auto prepare = Prepare(cfg);
    for (int64_t i = 0; i < n; ++i) {
      const std::string t = prepare(std::string_view(texts[i], lens[i]));
      sink(ctx, i, t.data(), t.size());
    }
    return FTL_OK;
    FTL_GUARD_END(err)
  }
  static constexpr ftl_dataset_vtable vtable = {
      {sizeof(ftl_dataset_vtable), create, destroy}, num_labels, label_name, num_examples, example,
      Prepare == nullptr ? nullptr : prepare_texts};
};

}  // namespace ftl::sdk
