// dataset_class_files.cpp - an out-of-tree example plugin: the `class_files`
// dataset reads a folder with one text file per class and split:
//   <path>/train/<label>.txt, <path>/validation/<label>.txt, <path>/test/<label>.txt
// Every non-blank line of <label>.txt is one example of that label (a final
// "\r" is dropped; texts are not otherwise changed). Labels are the file stems
// of the train folder in sorted order, or the `labels` key's order. Absent
// validation/test folders are empty splits. Examples come in label order,
// then line order (the host shuffles training batches). Built against an
// installed ftlab with find_package(ftlab); no LibTorch. Loads everything in
// create(); thread-safe afterwards.
// Config keys: path (required), labels ("a,b,c": fixes the order and the set),
// train / validation / test (folder names under path; defaults as above).
#include <ftlab/dataset.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

namespace fs = std::filesystem;

namespace {

using Split = ftl::sdk::DatasetSplit;

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// <dir>/<stem>.txt for every .txt file in dir, by stem.
std::map<std::string, fs::path> class_files(const fs::path& dir) {
  std::map<std::string, fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".txt" && e.is_regular_file()) files[e.path().stem().string()] = e.path();
  return files;
}

void read_lines(const fs::path& file, int64_t label, Split& s) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ftl::sdk::io_error(file.string() + ": cannot open");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are not examples
    s.texts.push_back(line);
    s.labels.push_back(label);
  }
}

std::unique_ptr<ftl::sdk::MemoryDataset> load(const ftl_config* cfg, const ftl_host_api*) {
  ftl::sdk::Config c(cfg);
  const fs::path root = c.path("path");
  const std::string labels_key = c.get<std::string>("labels", "");
  const std::string dirs[3] = {c.get<std::string>("train", "train"), c.get<std::string>("validation", "validation"),
                               c.get<std::string>("test", "test")};
  c.finish();

  const fs::path train_dir = root / dirs[0];
  if (!fs::is_directory(train_dir))
    throw ftl::sdk::io_error(train_dir.string() + ": no such folder; class_files expects <path>/" + dirs[0] +
                             "/<label>.txt with one example per line");
  auto d = std::make_unique<ftl::sdk::MemoryDataset>();
  const auto train_files = class_files(train_dir);
  if (labels_key.empty()) {
    for (const auto& [stem, file] : train_files) d->label_names.push_back(stem);  // std::map: sorted
  } else {
    d->label_names = split_commas(labels_key);
  }
  if (d->label_names.size() < 2)
    throw ftl::sdk::data_error(train_dir.string() + ": found " + std::to_string(d->label_names.size()) +
                               " class files; a classifier needs at least two <label>.txt files");
  for (int split = 0; split < 3; ++split) {
    const fs::path dir = root / dirs[split];
    if (split > 0 && !fs::is_directory(dir)) continue;  // an absent split is empty
    auto files = class_files(dir);
    for (const auto& [stem, file] : files)
      if (std::find(d->label_names.begin(), d->label_names.end(), stem) == d->label_names.end())
        throw ftl::sdk::data_error(file.string() + ": '" + stem + "' is not a label (labels: " +
                                   (labels_key.empty() ? "the train folder's files" : labels_key) +
                                   "); rename the file or add it to `labels`");
    for (size_t k = 0; k < d->label_names.size(); ++k) {
      auto it = files.find(d->label_names[k]);
      if (it != files.end()) read_lines(it->second, static_cast<int64_t>(k), d->splits[split]);
    }
  }
  if (d->splits[FTL_SPLIT_TRAIN].texts.empty())
    throw ftl::sdk::data_error(train_dir.string() + ": the class files hold no examples");
  return d;
}

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_DATASET, "class_files", "1.0.0",
                                    "one text file per class and split, one example per line", FTL_CAP_THREAD_SAFE,
                                    &ftl::sdk::MemoryDatasetSlots<load>::vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "dataset_class_files", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
