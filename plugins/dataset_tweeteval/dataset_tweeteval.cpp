// dataset_tweeteval.cpp - the `tweeteval` dataset plugin: reads the
// cardiffnlp/tweeteval layout <path>/<task>/{train,val,test}_{text,labels}.txt
// and <path>/<task>/mapping.txt for any task ("sentiment", "stance/abortion").
// Lines are split on "\n" only; blank lines are real examples; text and label
// counts must match; labels must lie in the mapping. No text normalisation.
// Config keys: path, task (required); max_train, max_validation, max_test
// (keep only the first N examples of a split; 0 = all).
#include <ftlab/sdk.hpp>

#include <fstream>
#include <memory>
#include <sstream>

namespace {

struct Split {
  std::vector<std::string> texts;
  std::vector<int64_t> labels;
};

struct Dataset {
  std::vector<std::string> label_names;
  Split splits[3];
};

std::string read_all(const std::string& path, const std::string& hint) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ftl::sdk::io_error(path + ": cannot open" + hint);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Lines split on '\n' only; a final newline does not start another line.
std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    lines.emplace_back(s, start, nl - start);
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string> read_mapping(const std::string& path) {
  std::vector<std::string> names;
  auto lines = split_lines(read_all(path, "; every task folder needs mapping.txt (id<TAB>name)"));
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    size_t tab = line.find('\t');
    std::string id_text = line.substr(0, tab);
    std::string name = tab == std::string::npos ? "" : line.substr(tab + 1);
    name = name.substr(0, name.find('\t'));  // emoji: "0\t❤\t_red_heart_\t"
    if (!name.empty() && name.back() == '\r') name.pop_back();
    char* end = nullptr;
    long id = std::strtol(id_text.c_str(), &end, 10);
    if (id_text.empty() || *end != '\0' || name.empty())
      throw ftl::sdk::io_error(path + ":" + std::to_string(i + 1) + ": expected 'id<TAB>name'");
    if (id != static_cast<long>(names.size()))
      throw ftl::sdk::io_error(path + ":" + std::to_string(i + 1) + ": ids must be 0, 1, 2, ... in order; got " +
                               std::to_string(id));
    names.push_back(name);
  }
  if (names.size() < 2) throw ftl::sdk::io_error(path + ": needs at least two labels");
  return names;
}

Split read_split(const std::string& dir, const char* stem, int64_t num_labels, int64_t limit) {
  const std::string text_path = dir + "/" + stem + "_text.txt";
  const std::string label_path = dir + "/" + stem + "_labels.txt";
  Split s;
  s.texts =
      split_lines(read_all(text_path, "; download the TweetEval files (see README.md, 'Data') or fix dataset.path"));
  auto label_lines = split_lines(read_all(label_path, "; the labels file must sit next to the text file"));
  if (label_lines.size() != s.texts.size())
    throw ftl::sdk::data_error(text_path + " has " + std::to_string(s.texts.size()) + " lines but " + label_path +
                               " has " + std::to_string(label_lines.size()) +
                               "; the two files must have one line per example");
  s.labels.reserve(label_lines.size());
  for (size_t i = 0; i < label_lines.size(); ++i) {
    std::string t = label_lines[i];
    while (!t.empty() && (t.back() == ' ' || t.back() == '\r' || t.back() == '\t')) t.pop_back();
    char* end = nullptr;
    long v = std::strtol(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0')
      throw ftl::sdk::data_error(label_path + ":" + std::to_string(i + 1) + ": '" + t + "' is not an integer label");
    if (v < 0 || v >= num_labels)
      throw ftl::sdk::data_error(label_path + ":" + std::to_string(i + 1) + ": label " + std::to_string(v) +
                                 " is outside 0.." + std::to_string(num_labels - 1) + " (mapping.txt has " +
                                 std::to_string(num_labels) + " labels)");
    s.labels.push_back(v);
  }
  if (limit > 0 && static_cast<size_t>(limit) < s.texts.size()) {
    s.texts.resize(static_cast<size_t>(limit));
    s.labels.resize(static_cast<size_t>(limit));
  }
  return s;
}

Dataset* self_of(const ftl_instance* p) {
  return reinterpret_cast<Dataset*>(const_cast<ftl_instance*>(p));
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  ftl::sdk::Config c(cfg);
  const std::string root = c.path("path");
  const std::string task = c.require<std::string>("task");
  int64_t limits[3] = {c.get<int64_t>("max_train", 0), c.get<int64_t>("max_validation", 0),
                       c.get<int64_t>("max_test", 0)};
  c.finish();
  if (task.empty() || task.find("..") != std::string::npos)
    throw ftl::sdk::config_error("task", "task must name a folder such as \"sentiment\" or \"stance/abortion\"");
  for (int i = 0; i < 3; ++i)
    if (limits[i] < 0)
      throw ftl::sdk::config_error(i == 0   ? "max_train"
                                   : i == 1 ? "max_validation"
                                            : "max_test",
                                   "must be 0 (all examples) or a positive count");

  const std::string dir = root + "/" + task;
  auto d = std::make_unique<Dataset>();
  std::string mapping = dir + "/mapping.txt";
  if (task.rfind("stance/", 0) == 0 && !std::ifstream(mapping)) mapping = root + "/stance/mapping.txt";
  d->label_names = read_mapping(mapping);
  const auto n = static_cast<int64_t>(d->label_names.size());
  const char* stems[3] = {"train", "val", "test"};
  for (int i = 0; i < 3; ++i) d->splits[i] = read_split(dir, stems[i], n, limits[i]);
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
  const Split& s = self_of(self)->splits[split];
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

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_DATASET, "tweeteval", "0.1.0",
                                    "TweetEval tasks in the cardiffnlp text layout", FTL_CAP_THREAD_SAFE, &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "dataset_tweeteval", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
