// bench_tweeteval_load.cpp - how long the `tweeteval` dataset plugin takes to
// load all seven tasks (every split, stance pooled), through the ABI as a run
// does, against a baseline in the same process: reading the same files into
// memory with no parsing. Usage: bench_tweeteval_load DATASETS_DIR [REPEATS]
// Prints one line per task and the totals (median of REPEATS, default 5).
// If sentiment/train_text.txt is missing from the copy (the shared one lacks
// it), a stand-in with the real line count (45615 lines cycled from emoji's
// training text, similar length) is made in a temp folder so that the load
// has the full size; the output says so.
#include "plugins/components.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const char* const k_tasks[7] = {"emoji", "emotion", "hate", "irony", "offensive", "sentiment", "stance"};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// A data root that mirrors `src` with symlinks, plus a stand-in sentiment training text if it is missing.
std::string prepare_root(const std::string& src, bool* stand_in) {
  *stand_in = !fs::exists(src + "/sentiment/train_text.txt");
  if (!*stand_in) return src;
  const fs::path root = fs::temp_directory_path() / "ftlab-bench-tweeteval";
  fs::remove_all(root);
  fs::create_directories(root / "sentiment");
  for (const char* t : k_tasks)
    if (std::string(t) != "sentiment") fs::create_directory_symlink(fs::absolute(src) / t, root / t);
  for (const auto& e : fs::directory_iterator(src + "/sentiment"))
    fs::create_symlink(fs::absolute(e.path()), root / "sentiment" / e.path().filename());
  std::ifstream emoji(src + "/emoji/train_text.txt");
  std::vector<std::string> lines;
  for (std::string l; std::getline(emoji, l);) lines.push_back(l);
  std::ofstream out(root / "sentiment" / "train_text.txt", std::ios::binary);
  for (size_t i = 0; i < 45615; ++i) out << lines[i % lines.size()] << '\n';
  return root.string();
}

size_t read_bytes(const fs::path& dir) {
  size_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink)) {
    if (!e.is_regular_file() || e.path().extension() != ".txt") continue;
    std::FILE* f = std::fopen(e.path().c_str(), "rb");  // as the plugin reads: fread into a string
    if (f == nullptr) continue;
    std::string data;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
    std::fclose(f);
    total += data.size();
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_tweeteval_load DATASETS_DIR [REPEATS]\n");
    return 2;
  }
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  bool stand_in = false;
  const std::string root = prepare_root(argv[1], &stand_in);
  ftl::Registry reg;
  reg.load_dirs(ftl::Registry::search_path({}));
  const auto& f = reg.find(FTL_KIND_DATASET, "tweeteval");

  std::vector<double> total_load, total_read;
  std::vector<std::vector<double>> per_task(7);
  std::vector<int64_t> examples(7);
  size_t bytes = 0;
  for (int r = 0; r < repeats + 1; ++r) {  // run 0 warms the page cache
    double load = 0, read = 0;
    for (int t = 0; t < 7; ++t) {
      auto t0 = Clock::now();
      const size_t b = read_bytes(fs::path(root) / k_tasks[t]);
      const double rs = seconds_since(t0);
      ftl::ComponentSpec spec;
      spec.toml = std::string("path = \"") + root + "\"\ntask = \"" + k_tasks[t] + "\"\n";
      spec.where = "bench";
      t0 = Clock::now();
      ftl::Dataset d(f, spec);
      const double ls = seconds_since(t0);
      examples[t] = d.size(FTL_SPLIT_TRAIN) + d.size(FTL_SPLIT_VALIDATION) + d.size(FTL_SPLIT_TEST);
      if (r == 0) bytes += b;
      if (r > 0) per_task[t].push_back(ls);
      load += ls;
      read += rs;
    }
    if (r > 0) {
      total_load.push_back(load);
      total_read.push_back(read);
    }
  }
  int64_t all = 0;
  for (int t = 0; t < 7; ++t) {
    std::printf("%-10s %7lld examples  load %7.1f ms\n", k_tasks[t], static_cast<long long>(examples[t]),
                median(per_task[t]) * 1e3);
    all += examples[t];
  }
  const double load = median(total_load), read = median(total_read);
  std::printf("all 7 tasks: %lld examples, %.1f MB of text files\n", static_cast<long long>(all), bytes / 1e6);
  std::printf("load (plugin, every split, parsed, stripped): %.1f ms  (median of %d)\n", load * 1e3, repeats);
  std::printf("baseline (read the same files, no parsing):    %.1f ms\n", read * 1e3);
  std::printf("ratio load / baseline: %.2f; target < 1000 ms: %s\n", load / read, load < 1.0 ? "met" : "NOT met");
  if (stand_in)
    std::printf(
        "note: sentiment/train_text.txt is missing from this copy; a 45615-line stand-in cycled from "
        "emoji's training text was used\n");
  return 0;
}
