// check_dataset.cpp - plugin-check's dataset behaviour checks: label count and
// names, example counts per split, every example readable with a label in
// range, out-of-range requests failing cleanly with outputs untouched, and
// concurrent reads when the factory claims FTL_CAP_THREAD_SAFE.
#include "plugincheck/checks.hpp"
#include "plugincheck/probes.hpp"

#include <set>
#include <thread>

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

}  // namespace

void check_dataset(const ftl_factory& f, ftl_instance* self, const WorkingConfig&, Report& r) {
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
