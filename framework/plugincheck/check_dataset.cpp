// check_dataset.cpp - plugin-check's dataset behaviour checks: label count and
// names, example counts per split, every example readable with a label in
// range, out-of-range requests failing cleanly with outputs untouched, and
// concurrent reads when the factory claims FTL_CAP_THREAD_SAFE, and (ABI 1.3)
// prepare_texts: one prepared text per input, in order, from the config alone.
#include "plugincheck/checks.hpp"
#include "plugincheck/probes.hpp"

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace ftl::plugincheck {

namespace {

// example(split, i) must fail cleanly and leave text, len and label alone.
void expect_example_refused(const ftl_dataset_vtable* vt, ftl_instance* self, int32_t split, int64_t i,
                            const std::string& what, Report& r) {
  const char* text = k_sentinel_text;
  size_t len = k_sentinel_size;
  int64_t label = k_sentinel_i64;
  ftl_error err = fresh_error();
  r.begin("example(" + what + ")");
  int32_t rc = vt->example(self, split, i, &text, &len, &label, &err);
  std::string problem;
  if (!failed_cleanly(rc, err, &problem))
    r.fail("example(" + what + "): " + problem);
  else if (text != k_sentinel_text || len != k_sentinel_size || label != k_sentinel_i64)
    r.fail("example(" + what + ") failed but wrote its outputs; leave outputs untouched on error");
  else
    r.pass("example(" + what + ") fails cleanly: " + describe_error(rc, err));
}

// ABI 1.3 prepare_texts: each input prepared once, in order, from the config alone; a NULL
// sink refused cleanly; the dataset's own (already prepared) first train text ideally unchanged.
void check_prepare_texts(const ftl_dataset_vtable* vt, ftl_instance* self, const WorkingConfig& wc, Report& r) {
  if (!FTL_HAS_FIELD(&vt->common, ftl_dataset_vtable, prepare_texts) || vt->prepare_texts == nullptr) return;
  std::vector<std::string> in = {"  a new text  ", "", "x"};
  const char* text = nullptr;
  size_t len = 0;
  int64_t label = 0;
  ftl_error err = fresh_error();
  if (vt->num_examples(self, 0) > 0 && vt->example(self, 0, 0, &text, &len, &label, &err) == FTL_OK && text)
    in.emplace_back(text, len);
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const auto& t : in) {
    ptrs.push_back(t.data());
    lens.push_back(t.size());
  }
  ftl_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.toml = wc.toml.c_str();
  cfg.toml_len = wc.toml.size();
  cfg.base_dir = wc.base_dir.c_str();
  struct Seen {
    std::vector<int64_t> order;
    std::vector<std::string> out;
  } seen;
  auto sink = [](void* ctx, int64_t i, const char* t, size_t n) noexcept {
    auto* s = static_cast<Seen*>(ctx);
    s->order.push_back(i);
    s->out.emplace_back(t == nullptr ? "" : t, t == nullptr ? 0 : n);
  };
  r.begin("prepare_texts(" + std::to_string(in.size()) + " texts)");
  err = fresh_error();
  const int32_t rc =
      vt->prepare_texts(&cfg, ptrs.data(), lens.data(), static_cast<int64_t>(in.size()), sink, &seen, &err);
  std::vector<int64_t> want(in.size());
  for (size_t i = 0; i < in.size(); ++i) want[i] = static_cast<int64_t>(i);
  if (!r.expect(rc == FTL_OK && seen.order == want,
                "prepare_texts gives each of " + std::to_string(in.size()) + " texts once, in order",
                "prepare_texts returned " + describe_error(rc, err) + " after " + std::to_string(seen.order.size()) +
                    " sink calls; it must call sink(ctx, i, ...) once for each i in order"))
    return;
  if (in.size() == 4 && seen.out[3] != in[3])
    r.warn("prepare_texts changes the dataset's own first train text, which create() already prepared ('" +
           in[3].substr(0, 40) + "' -> '" + seen.out[3].substr(0, 40) + "'); make the preparation idempotent");
  r.begin("prepare_texts(sink = NULL)");
  err = fresh_error();
  const int32_t bad = vt->prepare_texts(&cfg, ptrs.data(), lens.data(), 1, nullptr, nullptr, &err);
  std::string problem;
  r.expect(failed_cleanly(bad, err, &problem), "prepare_texts(sink = NULL) fails cleanly", "prepare_texts: " + problem);
}

}  // namespace

void check_dataset(const ftl_factory& f, ftl_instance* self, const WorkingConfig& wc, Report& r) {
  const auto* vt = static_cast<const ftl_dataset_vtable*>(f.vtable);
  r.begin("num_labels");
  const int64_t labels = vt->num_labels(self);
  if (!r.expect(labels >= 2 && labels <= 1000000, "num_labels is " + std::to_string(labels),
                "num_labels is " + std::to_string(labels) + "; a classification dataset has at least 2 labels"))
    return;

  std::set<std::string> names;
  bool named = true;
  for (int64_t k = 0; k < labels; ++k) {
    const char* name = nullptr;
    ftl_error err = fresh_error();
    r.begin("label_name(" + std::to_string(k) + ")");
    int32_t rc = vt->label_name(self, k, &name, &err);
    if (rc != FTL_OK || name == nullptr || name[0] == '\0') {
      r.fail("label_name(" + std::to_string(k) + ") returned " + describe_error(rc, err) + " or an empty name");
      named = false;
      break;
    }
    names.insert(name);
  }
  if (named) {
    r.pass("label_name gives a name for each of the " + std::to_string(labels) + " labels");
    if (names.size() != static_cast<size_t>(labels)) r.warn("label names are not distinct");
  }
  for (int64_t bad : {labels, int64_t{-1}}) {
    const char* name = k_sentinel_text;
    ftl_error err = fresh_error();
    r.begin("label_name(" + std::to_string(bad) + ")");
    int32_t rc = vt->label_name(self, bad, &name, &err);
    std::string problem;
    if (!failed_cleanly(rc, err, &problem))
      r.fail("label_name(" + std::to_string(bad) + "): " + problem);
    else
      r.expect(name == k_sentinel_text, "label_name(" + std::to_string(bad) + ") fails cleanly, output untouched",
               "label_name(" + std::to_string(bad) + ") failed but wrote *name");
  }

  const char* split_names[3] = {"train", "validation", "test"};
  int64_t sizes[3];
  for (int32_t s = 0; s < 3; ++s) {
    r.begin(std::string("num_examples(") + split_names[s] + ")");
    sizes[s] = vt->num_examples(self, s);
  }
  r.begin("num_examples(99)");
  const int64_t none = vt->num_examples(self, 99);
  r.expect(sizes[0] >= 0 && sizes[1] >= 0 && sizes[2] >= 0 && none == 0,
           "num_examples: train " + std::to_string(sizes[0]) + ", validation " + std::to_string(sizes[1]) + ", test " +
               std::to_string(sizes[2]) + "; an unknown split has 0",
           "num_examples returned a negative count, or non-zero for the unknown split 99");
  if (sizes[0] == 0) r.warn("the train split is empty; `ftlab run` needs training examples");

  std::string problem;
  int64_t read = 0;
  for (int32_t s = 0; s < 3 && problem.empty(); ++s) {
    r.begin(std::string("example(") + split_names[s] + ", every i)");
    for (int64_t i = 0; i < sizes[s]; ++i) {
      const char* text = nullptr;
      size_t len = 0;
      int64_t label = k_sentinel_i64;
      ftl_error err = fresh_error();
      int32_t rc = vt->example(self, s, i, &text, &len, &label, &err);
      const std::string at = std::string("example(") + split_names[s] + ", " + std::to_string(i) + ")";
      if (rc != FTL_OK)
        problem = at + " returned " + describe_error(rc, err);
      else if (text == nullptr && len > 0)
        problem = at + " gave a NULL text of length " + std::to_string(len);
      else if (label < -1 || label >= labels)
        problem = at + " gave label " + std::to_string(label) + " outside -1.." + std::to_string(labels - 1);
      if (!problem.empty()) break;
      ++read;
    }
  }
  r.expect(problem.empty(), "example: all " + std::to_string(read) + " examples readable, labels in range", problem);

  expect_example_refused(vt, self, 0, sizes[0], "train, " + std::to_string(sizes[0]) + " (one past the end)", r);
  expect_example_refused(vt, self, 0, -1, "train, -1", r);
  expect_example_refused(vt, self, 99, 0, "split 99, 0", r);

  check_prepare_texts(vt, self, wc, r);

  if ((f.capabilities & FTL_CAP_THREAD_SAFE) != 0 && sizes[0] > 0) {
    r.begin("example() from 4 threads");
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int64_t i = t; i < sizes[0] && i < 4000; i += 3) {
          const char* text = nullptr;
          size_t len = 0;
          int64_t label = 0;
          ftl_error err = fresh_error();
          if (vt->example(self, 0, i, &text, &len, &label, &err) != FTL_OK) bad.fetch_add(1);
        }
      });
    for (auto& th : threads) th.join();
    r.expect(bad.load() == 0, "FTL_CAP_THREAD_SAFE: concurrent example() calls succeed",
             "FTL_CAP_THREAD_SAFE: " + std::to_string(bad.load()) + " concurrent example() calls failed");
  }
}

}  // namespace ftl::plugincheck
