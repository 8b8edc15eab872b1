// metric_tweeteval.cpp - the `tweeteval` metric plugin: TweetEval's official
// score per task, exactly as evaluation_script.py computes it with
// sklearn.classification_report (labels = union of gold and predictions, zero
// denominators give 0), plus every value of the `classification` metric.
//   emoji, emotion, hate, offensive: macro F1      irony: F1 of class 1 (irony)
//   sentiment: macro recall      stance, stance/<target>: (F1 of 1 against + F1 of 2 favor) / 2
// The official value is named "tweeteval" and is the headline. Official stance
// numbers need the pooled task "stance" (all five test sets), not one target.
// Where the script would fail (class 1 of irony, or 1/2 of stance, absent from
// both gold and predictions: a KeyError, score -1) the value is -1 too.
// Config keys: task (required), num_labels (the host sets it from the dataset).
#include "classification_counts.hpp"

#include <memory>

namespace {

struct TaskSpec {
  const char* task;
  int64_t num_labels;
  const char* rule;
};

const TaskSpec k_specs[] = {{"emoji", 20, "macro_f1"},     {"emotion", 4, "macro_f1"},
                            {"hate", 2, "macro_f1"},       {"irony", 2, "f1_of_1"},
                            {"offensive", 2, "macro_f1"},  {"sentiment", 3, "macro_recall"},
                            {"stance", 3, "f1_of_1_and_2"}};

struct Metric {
  const TaskSpec* spec = nullptr;
  ftl::metric::Confusion confusion;
  std::vector<std::pair<std::string, double>> values;
};

Metric* self_of(const ftl_instance* p) {
  return reinterpret_cast<Metric*>(const_cast<ftl_instance*>(p));
}

const TaskSpec* find_spec(const std::string& task) {
  const std::string base = task.rfind("stance/", 0) == 0 ? "stance" : task;
  for (const auto& s : k_specs)
    if (base == s.task) return &s;
  return nullptr;
}

double official(const TaskSpec& spec, const ftl::metric::PerClass& p,
                const std::vector<std::pair<std::string, double>>& avg) {
  const std::string rule = spec.rule;
  auto get = [&](const char* name) {
    for (const auto& [k, v] : avg)
      if (k == name) return v;
    return 0.0;
  };
  if (rule == "macro_f1") return get("macro_f1");
  if (rule == "macro_recall") return get("macro_recall");
  if (rule == "f1_of_1") return p.present[1] ? p.f1[1] : -1.0;
  return p.present[1] && p.present[2] ? (p.f1[1] + p.f1[2]) / 2 : -1.0;  // f1_of_1_and_2
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  ftl::sdk::Config c(cfg);
  auto m = std::make_unique<Metric>();
  const auto task = c.require<std::string>("task");
  const auto num_labels = c.require<int64_t>("num_labels");
  c.finish();
  m->spec = find_spec(task);
  if (m->spec == nullptr)
    throw ftl::sdk::config_error("task", "task '" + task +
                                             "' is not a TweetEval task: emoji emotion hate irony offensive "
                                             "sentiment stance stance/<target>");
  if (num_labels != m->spec->num_labels)
    throw ftl::sdk::config_error("num_labels", "TweetEval " + std::string(m->spec->task) + " has " +
                                                   std::to_string(m->spec->num_labels) + " labels but the data has " +
                                                   std::to_string(num_labels) +
                                                   "; set metric.task to the dataset's task");
  m->confusion.resize(num_labels);
  *out = reinterpret_cast<ftl_instance*>(m.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}

void destroy(ftl_instance* self) noexcept {
  delete self_of(self);
}

int32_t reset(ftl_instance* self, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  self_of(self)->confusion.clear();
  self_of(self)->values.clear();
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t update(ftl_instance* self, ftl_tensor* logits_t, ftl_tensor* labels_t, ftl_error* err) noexcept {
  ftl::sdk::TensorRef logits(logits_t), labels(labels_t);  // released on every path
  FTL_GUARD_BEGIN
  self_of(self)->confusion.add_logits(logits, labels);
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t compute(ftl_instance* self, ftl_metric_value* out, uint32_t cap, uint32_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Metric* m = self_of(self);
  if (n_out == nullptr || (out == nullptr && cap > 0)) throw ftl::sdk::invalid_argument("compute: NULL argument");
  const auto p = m->confusion.per_class();
  auto avg = m->confusion.averages(p);
  m->values.clear();
  m->values.emplace_back("tweeteval", official(*m->spec, p, avg));
  m->values.insert(m->values.end(), avg.begin(), avg.end());
  *n_out = static_cast<uint32_t>(m->values.size());
  if (cap < m->values.size()) return FTL_ERR_BUFFER_TOO_SMALL;
  for (size_t i = 0; i < m->values.size(); ++i)
    out[i] = ftl_metric_value{m->values[i].first.c_str(), m->values[i].second};
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t tables(ftl_instance* self, ftl_named_tensor* out, uint32_t cap, uint32_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Metric* m = self_of(self);
  if (n_out == nullptr || (out == nullptr && cap > 0)) throw ftl::sdk::invalid_argument("tables: NULL argument");
  return ftl::metric::tables_out(m->confusion.tables(m->confusion.per_class()), out, cap, n_out);
  FTL_GUARD_END(err)
}

const char* headline(const ftl_instance*) noexcept {
  return "tweeteval";
}

const ftl_metric_vtable k_vtable = {{sizeof(k_vtable), create, destroy}, reset, update, compute, tables, headline};

const ftl_factory k_factories[] = {
    {sizeof(ftl_factory), FTL_KIND_METRIC, "tweeteval", "0.1.0",
     "TweetEval's official score per task (evaluation_script.py) + classification values", 0, &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "metric_tweeteval", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
