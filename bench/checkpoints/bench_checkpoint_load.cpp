// bench_checkpoint_load.cpp - loading a distilroberta-base-sized checkpoint
// (6 x 768, 50265 words: 82M float32 parameters, ~330 MB) through the
// `roberta` model plugin as `ftlab run` does (checkpoint = DIR), from a warm
// page cache. The checkpoint is generated first: the plugin, random-initialised
// with export_dir, writes config.json; the weights go to model.safetensors.
// Baselines in the same process: read() of the whole file into memory, and
// mmap + header validation alone. Median of REPS runs.
//   bench_checkpoint_load WORK_DIR [REPS]
#include "plugins/registry.hpp"
#include "train/model.hpp"

#include "safetensors.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

template <typename F>
double median_seconds(int reps, F&& f) {
  std::vector<double> s;
  for (int i = 0; i < reps; ++i) {
    auto t = Clock::now();
    f();
    s.push_back(seconds_since(t));
  }
  std::sort(s.begin(), s.end());
  return s[s.size() / 2];
}

ftl::ComponentSpec spec_for(const std::string& toml) {
  ftl::ComponentSpec s;
  s.toml = toml;
  s.base_dir = ".";
  s.where = "bench: [model]";
  s.seed = 1;
  s.threads = 2;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_checkpoint_load WORK_DIR [REPS]\n");
    return 2;
  }
  const std::string dir = std::filesystem::absolute(argv[1]).string();
  const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  ftl::Registry reg;
  reg.load_dirs(ftl::Registry::search_path({}));
  const auto& roberta = reg.find(FTL_KIND_MODEL, "roberta");
  const std::string sizes = "num_labels = 3\nvocab_size = 50265\npad_token_id = 1\n";
  const std::string st = dir + "/model.safetensors";
  if (!std::filesystem::exists(st)) {  // distilroberta-base sizes are the plugin's defaults
    ftl::Model m(roberta, spec_for(sizes + "export_dir = \"" + dir + "\"\n"));
    std::vector<safetensors::WriteTensor> w;
    for (auto& p : m.params())
      w.push_back(
          {p.name, "F32", std::vector<int64_t>(p.value.sizes().begin(), p.value.sizes().end()), p.value.data_ptr()});
    safetensors::write_file(st, std::move(w), {{"format", "pt"}});
  }
  const auto bytes = std::filesystem::file_size(st);
  std::vector<char> buf(bytes);
  auto read_all = [&] {
    std::ifstream in(st, std::ios::binary);
    in.read(buf.data(), static_cast<std::streamsize>(bytes));
  };
  read_all();  // warm the page cache
  const double t_read = median_seconds(reps, read_all);
  const double t_header = median_seconds(reps, [&] { safetensors::File f(st); });
  size_t n_params = 0;
  const double t_load = median_seconds(reps, [&] {
    ftl::Model m(roberta, spec_for(sizes + "checkpoint = \"" + dir + "\"\n"));
    n_params = m.params().size();
  });
  const double t_random = median_seconds(reps, [&] { ftl::Model m(roberta, spec_for(sizes)); });
  std::printf("checkpoint: %s, %.1f MB, %zu tensors, median of %d, %d threads\n", st.c_str(), bytes / 1e6, n_params,
              reps, 2);
  std::printf("%-52s %8.3f s\n", "roberta plugin create with checkpoint (full load)", t_load);
  std::printf("%-52s %8.3f s\n", "baseline: read() whole file into memory", t_read);
  std::printf("%-52s %8.3f s\n", "baseline: mmap + header validation only", t_header);
  std::printf("%-52s %8.3f s\n", "baseline: roberta plugin create, random init", t_random);
  std::printf("load / read() ratio: %.2f\n", t_load / t_read);
  return t_load < 1.0 ? 0 : 1;
}
