// tweeteval_files.cpp - see tweeteval_files.hpp.
#include "tweeteval_files.hpp"

#include "text_clean.hpp"

#include <ftlab/sdk.hpp>

#include <cstdio>
#include <filesystem>

namespace tweeteval {

const char* const k_tasks[7] = {"emoji", "emotion", "hate", "irony", "offensive", "sentiment", "stance"};
const char* const k_stance_targets[5] = {"abortion", "atheism", "climate", "feminist", "hillary"};

namespace {

std::string read_all(const std::string& path, const std::string& hint) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw ftl::sdk::io_error(path + ": cannot open" + hint);
  std::string data;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  const bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) throw ftl::sdk::io_error(path + ": read error");
  return data;
}

std::string task_list() {
  std::string s;
  for (const char* t : k_tasks) s += std::string(s.empty() ? "" : " ") + t;
  return s + " stance/<target>";
}

}  // namespace

std::vector<std::string> read_lines(const std::string& path, const std::string& hint) {
  const std::string s = read_all(path, hint);
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
  auto lines = read_lines(path, "; every task folder needs mapping.txt (id<TAB>name)");
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
  if (names.size() == 2 && names[0] == "offensive" && names[1] == "not-offensive")
    throw ftl::sdk::data_error(path +
                               ": reversed offensive mapping (0 offensive, 1 not-offensive) from an early "
                               "TweetEval commit; the label files use 0 = not-offensive, so replace this file with "
                               "the current one ('0<TAB>not-offensive', '1<TAB>offensive')");
  return names;
}

std::vector<std::string> task_folders(const std::string& root, const std::string& task) {
  if (task.empty() || task.find("..") != std::string::npos || task[0] == '/')
    throw ftl::sdk::config_error("task", "task must name a TweetEval task: " + task_list());
  std::vector<std::string> dirs;
  if (task == "stance") {
    for (const char* t : k_stance_targets) dirs.push_back(root + "/stance/" + t);
  } else {
    dirs.push_back(root + "/" + task);
  }
  for (const auto& d : dirs)
    if (!std::filesystem::is_directory(d)) {
      const std::string m = d + "/mapping.txt";
      throw ftl::sdk::io_error(m + ": cannot open; task folder " + d + " is missing (tasks: " + task_list() +
                               "; check dataset.path and dataset.task)");
    }
  return dirs;
}

std::string task_mapping(const std::string& root, const std::string& task) {
  std::string mapping = root + "/" + task + "/mapping.txt";
  if (task == "stance" || (task.rfind("stance/", 0) == 0 && !std::filesystem::exists(mapping)))
    mapping = root + "/stance/mapping.txt";
  return mapping;
}

Split read_split(const std::string& dir, const char* stem, int64_t num_labels, const TextOptions& opt) {
  const std::string text_path = dir + "/" + stem + "_text.txt";
  const std::string label_path = dir + "/" + stem + "_labels.txt";
  std::string hint = "; download the TweetEval files (see docs/tweeteval.md) or fix dataset.path";
  if (std::string(stem) == "train" && dir.size() >= 9 && dir.compare(dir.size() - 9, 9, "sentiment") == 0)
    hint =
        "; this file (45615 lines, git blob a2c955f25c9c75a51680b5ce8e75e6c63ca835e1) is missing from some "
        "copies: get datasets/sentiment/train_text.txt from github.com/cardiffnlp/tweeteval (docs/tweeteval.md)";
  Split s;
  s.texts = read_lines(text_path, hint);
  auto label_lines = read_lines(label_path, "; the labels file must sit next to the text file");
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
  if (opt.strip || opt.cardiff)
    for (auto& text : s.texts) text = prepare_text(text, opt);
  return s;
}

std::string prepare_text(std::string_view text, const TextOptions& opt) {
  const std::string_view v = opt.strip ? strip_python(text) : text;
  return opt.cardiff ? cardiff_preprocess(v) : std::string(v);
}

}  // namespace tweeteval
