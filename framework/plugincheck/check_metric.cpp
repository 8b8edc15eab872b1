// check_metric.cpp - plugin-check's metric behaviour checks: headline, reset,
// update with tracked tensors (each released exactly once, also when update
// fails on mismatched shapes or a wrong dtype), compute and tables with the
// buffer-too-small protocol (outputs untouched on error), every table tensor
// valid and released once, and values that are finite and repeatable.
#include "plugincheck/checks.hpp"
#include "plugincheck/probes.hpp"

#include <cmath>
#include <cstring>
#include <set>

namespace ftl::plugincheck {

namespace {

const ftl_metric_vtable* vt_of(const ftl_factory& f) {
  return static_cast<const ftl_metric_vtable*>(f.vtable);
}

// N rows of logits [N, C] with a fixed pattern, and labels that are right two times in three.
void sample(int64_t n, int64_t c, std::vector<float>* logits, std::vector<int64_t>* labels) {
  logits->assign(static_cast<size_t>(n * c), 0.0f);
  labels->assign(static_cast<size_t>(n), 0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t pred = (i * 7 + 1) % c;
    for (int64_t k = 0; k < c; ++k) (*logits)[static_cast<size_t>(i * c + k)] = k == pred ? 2.0f : -0.5f * k;
    (*labels)[static_cast<size_t>(i)] = i % 3 == 0 ? (pred + 1) % c : pred;
  }
}

// Values from compute(); checks the size query and the buffer-too-small protocol.
bool compute_values(const ftl_metric_vtable* vt, ftl_instance* self, std::vector<ftl_metric_value>* vals, Report& r,
                    bool report) {
  ftl_metric_value guard{k_sentinel_text, -1.0};
  uint32_t need = 0xFFFFFFFFu;
  ftl_error err = fresh_error();
  r.begin("compute with cap 0");
  int32_t rc = vt->compute(self, &guard, 0, &need, &err);
  if (rc == FTL_OK && need == 0) {
    if (report) r.warn("compute returns no values");
    vals->clear();
    return true;
  }
  if (rc != FTL_ERR_BUFFER_TOO_SMALL || need == 0xFFFFFFFFu || need > 100000) {
    r.fail("compute with cap 0 returned " + describe_error(rc, err) + " and *n_out " + std::to_string(need) +
           "; expected FTL_ERR_BUFFER_TOO_SMALL with *n_out = the number of values");
    return false;
  }
  bool ok = guard.name == k_sentinel_text && guard.value == -1.0;
  std::vector<ftl_metric_value> buf(need + 2, ftl_metric_value{k_sentinel_text, -1.0});
  if (need > 1) {
    uint32_t n = 0;
    err = fresh_error();
    r.begin("compute with cap n-1");
    rc = vt->compute(self, buf.data(), need - 1, &n, &err);
    ok &= rc == FTL_ERR_BUFFER_TOO_SMALL && n == need;
    for (const auto& v : buf) ok &= v.name == k_sentinel_text;
  }
  uint32_t n = 0;
  err = fresh_error();
  r.begin("compute with cap n+2");
  rc = vt->compute(self, buf.data(), need + 2, &n, &err);
  if (rc != FTL_OK || n != need) {
    r.fail("compute with room for " + std::to_string(need + 2) + " values returned " + describe_error(rc, err) +
           " and *n_out " + std::to_string(n) + " (the size query said " + std::to_string(need) + ")");
    return false;
  }
  ok &= buf[need].name == k_sentinel_text && buf[need + 1].name == k_sentinel_text;
  if (report)
    r.expect(ok,
             "compute: buffer-too-small protocol holds (" + std::to_string(need) +
                 " values; short buffers "
                 "untouched)",
             "compute: buffer-too-small protocol broken: a short buffer was written to, or *n_out disagreed; "
             "on FTL_ERR_BUFFER_TOO_SMALL set only *n_out");
  buf.resize(need);
  *vals = buf;
  return true;
}

void check_values(const std::vector<ftl_metric_value>& vals, const char* headline, Report& r) {
  std::set<std::string> names;
  bool finite = true, named = true;
  for (const auto& v : vals) {
    if (v.name == nullptr || v.name[0] == '\0') {
      named = false;
      continue;
    }
    names.insert(v.name);
    finite &= std::isfinite(v.value);
  }
  r.expect(named && names.size() == vals.size(), "compute: every value has a distinct name",
           "compute: a value has an empty or repeated name");
  r.expect(finite, "compute: values are finite", "compute: a value is NaN or infinite; report 0 for empty cases");
  if (headline != nullptr && names.count(headline) == 0)
    r.warn(std::string("headline '") + headline + "' is not among compute()'s values; the host ranks runs by it");
}

void check_tables(const ftl_metric_vtable* vt, ftl_instance* self, Report& r) {
  ftl_named_tensor guard{k_sentinel_text, nullptr};
  uint32_t need = 0xFFFFFFFFu;
  ftl_error err = fresh_error();
  r.begin("tables with cap 0");
  int32_t rc = vt->tables(self, &guard, 0, &need, &err);
  if (rc == FTL_OK && need == 0) {
    r.pass("tables: returns no tables (allowed)");
    return;
  }
  if (rc != FTL_ERR_BUFFER_TOO_SMALL || need == 0xFFFFFFFFu || need > 10000) {
    r.fail("tables with cap 0 returned " + describe_error(rc, err) + " and *n_out " + std::to_string(need) +
           "; expected FTL_ERR_BUFFER_TOO_SMALL with *n_out = the number of tables");
    return;
  }
  bool ok = guard.name == k_sentinel_text && guard.tensor == nullptr;
  std::vector<ftl_named_tensor> buf(need + 1, ftl_named_tensor{k_sentinel_text, nullptr});
  if (need > 1) {
    uint32_t n = 0;
    err = fresh_error();
    r.begin("tables with cap n-1");
    rc = vt->tables(self, buf.data(), need - 1, &n, &err);
    ok &= rc == FTL_ERR_BUFFER_TOO_SMALL && n == need;
    for (auto& t : buf) {
      if (t.tensor != nullptr) take_output_tensor(t.tensor);  // handed out on error: release, then fail
      ok &= t.name == k_sentinel_text && t.tensor == nullptr;
      t = ftl_named_tensor{k_sentinel_text, nullptr};
    }
  }
  r.expect(ok,
           "tables: buffer-too-small protocol holds (" + std::to_string(need) +
               " tables; no tensor handed out "
               "on error)",
           "tables: buffer-too-small protocol broken: a short buffer was written to or *n_out disagreed");
  uint32_t n = 0;
  err = fresh_error();
  r.begin("tables with cap n+1");
  rc = vt->tables(self, buf.data(), need + 1, &n, &err);
  if (rc != FTL_OK || n != need) {
    r.fail("tables with room for " + std::to_string(need + 1) + " returned " + describe_error(rc, err) +
           " and *n_out " + std::to_string(n));
    return;
  }
  std::string problems;
  for (uint32_t i = 0; i < n; ++i) {
    const std::string name = buf[i].name ? buf[i].name : "(NULL name)";
    r.begin("releasing table '" + name + "'");
    std::string p = take_output_tensor(buf[i].tensor);
    if (!p.empty()) problems += (problems.empty() ? "" : "; ") + name + ": " + p;
  }
  r.expect(problems.empty(),
           "tables: " + std::to_string(n) + " tensors are well-formed; each deleter called once by the host",
           "tables: " + problems);
}

}  // namespace

void check_metric(const ftl_factory& f, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool, Report& r) {
  const ftl_metric_vtable* vt = vt_of(f);
  const int64_t C = cfg.num_labels, N = 12;
  r.begin("headline");
  const char* headline = vt->headline(self);
  r.expect(headline != nullptr && headline[0] != '\0', std::string("headline is '") + (headline ? headline : "") + "'",
           "headline returned NULL or \"\"; name the value runs are ranked by");

  ftl_error err = fresh_error();
  r.begin("reset");
  int32_t rc = vt->reset(self, &err);
  r.expect(rc == FTL_OK, "reset succeeds", "reset failed: " + describe_error(rc, err));

  std::vector<float> logits;
  std::vector<int64_t> labels;
  sample(N, C, &logits, &labels);
  err = fresh_error();
  TrackedTensor* lg = pool.make_f32("logits", {N, C}, logits);
  TrackedTensor* lb = pool.make_i64("labels", {N}, labels);
  r.begin("update");
  rc = vt->update(self, &lg->t, &lb->t, &err);
  r.expect(rc == FTL_OK,
           "update with logits [" + std::to_string(N) + ", " + std::to_string(C) +
               "] float32 and "
               "labels [" +
               std::to_string(N) + "] int64 succeeds",
           "update failed: " + describe_error(rc, err));
  pool.expect_released(r, "update", false);

  std::vector<ftl_metric_value> first, second;
  if (compute_values(vt, self, &first, r, true)) {
    check_values(first, headline, r);
    std::vector<std::string> first_names;
    for (const auto& v : first) first_names.emplace_back(v.name);
    compute_values(vt, self, &second, r, false);
    // first[i].name is read after the second call on purpose: the ABI says a
    // name stays valid until the next reset, so a plugin that rebuilds its
    // name strings on every compute fails here (when the allocator reuses them).
    bool same = first.size() == second.size(), names_kept = true;
    for (size_t i = 0; same && i < first.size(); ++i) {
      names_kept = names_kept && std::strcmp(first[i].name, first_names[i].c_str()) == 0;
      same = first_names[i] == second[i].name &&
             (first[i].value == second[i].value || (std::isnan(first[i].value) && std::isnan(second[i].value)));
    }
    r.expect(names_kept, "compute: names from the first call still read the same after a second call",
             "compute: a name from the first call changed after a second call; names must stay valid until reset "
             "(keep them in the instance, e.g. a std::set<std::string>)");
    r.expect(same, "compute is repeatable (same values twice)", "compute gives different values when called twice");
  }
  check_tables(vt, self, r);

  // Bad input must fail cleanly and still release both tensors.
  std::vector<int64_t> long_labels(labels);
  long_labels.push_back(0);
  err = fresh_error();
  lg = pool.make_f32("logits", {N, C}, logits);
  lb = pool.make_i64("labels", {N + 1}, long_labels);
  r.begin("update with mismatched shapes");
  rc = vt->update(self, &lg->t, &lb->t, &err);
  std::string problem;
  if (rc >= 0)
    r.warn("update accepted logits [" + std::to_string(N) + ", " + std::to_string(C) + "] with labels [" +
           std::to_string(N + 1) + "]; reject mismatched shapes with FTL_ERR_INVALID_ARGUMENT");
  else
    r.expect(failed_cleanly(rc, err, &problem),
             "update with mismatched shapes fails cleanly: " + describe_error(rc, err),
             "update with mismatched shapes: " + problem);
  pool.expect_released(r, "update (mismatched shapes)", false);

  std::vector<float> float_labels(labels.begin(), labels.end());
  err = fresh_error();
  lg = pool.make_f32("logits", {N, C}, logits);
  lb = pool.make_f32("labels", {N}, float_labels);
  r.begin("update with float32 labels");
  rc = vt->update(self, &lg->t, &lb->t, &err);
  if (rc >= 0)
    r.warn("update accepted float32 labels; labels are int64 (check the dtype)");
  else
    r.expect(failed_cleanly(rc, err, &problem), "update with float32 labels fails cleanly: " + describe_error(rc, err),
             "update with float32 labels: " + problem);
  pool.expect_released(r, "update (float32 labels)", false);

  err = fresh_error();
  r.begin("reset, then compute on nothing");
  rc = vt->reset(self, &err);
  std::vector<ftl_metric_value> empty;
  if (rc == FTL_OK && compute_values(vt, self, &empty, r, false))
    r.pass("compute after reset (no data) returns without crashing");
}

}  // namespace ftl::plugincheck
