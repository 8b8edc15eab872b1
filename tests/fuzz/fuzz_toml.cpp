// fuzz_toml.cpp - libFuzzer harness for the experiment and sweep readers
// (config/experiment.cpp, sweep/expand.cpp, analysis/run_file.cpp's
// toml_flatten): TOML++ parses, ftlab checks keys, types and bounds. The
// input is an experiment file; after a line "--" come --set overrides, one
// per line. Property: each reader succeeds or throws ftl::Error with a
// one-line message; a crash, a sanitizer report or another exception type
// is a finding. Seeds: experiments/*.toml and tests/sweep/*.toml.
// Build and run: tests/fuzz/run_fuzz_toml.sh.
#include "analysis/run_file.hpp"
#include "config/experiment.hpp"
#include "fuzz_expect.hpp"
#include "sweep/expand.hpp"
#include "util/error.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

std::string g_file;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const auto dir = std::filesystem::temp_directory_path() / ("ftlab-fuzz-toml-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  g_file = (dir / "experiment.toml").string();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t cut = input.find("\n--\n");
  const std::string text = input.substr(0, cut);
  std::vector<std::string> sets;
  if (cut != std::string::npos) {
    std::istringstream rest(input.substr(cut + 4));
    for (std::string line; std::getline(rest, line) && sets.size() < 8;) sets.push_back(line);
  }
  expect_error_or_success([&] { ftl::load_experiment_text(text, "/nonexistent", "fuzz.toml", sets); });
  expect_error_or_success([&] { ftl::analysis::toml_flatten(text); });
  std::ofstream(g_file, std::ios::binary | std::ios::trunc) << text;
  expect_error_or_success([&] { ftl::load_sweep(g_file, sets); });
  return 0;
}
