// cmd_tokenize.cpp - `ftlab tokenize --tokenizer DIR [--special] [--threads N]
// < texts.txt > ids.txt`: one line of space-separated ids per input line
// (lines split on "\n" only; a final newline does not add an empty line), for
// checking a tokenizer plugin against other implementations and for timing it.
// The plugin is --plugin NAME, or the first tokenizer plugin whose create()
// accepts {path = DIR} (the host does not guess from file names). Lines are
// encoded on a pool of --threads workers (work handed out in chunks, output in
// input order) when the plugin is thread-safe. Without --max-length nothing is
// truncated. --stats prints load time (wall and CPU) and throughput to stderr.
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "config/experiment.hpp"
#include "plugins/components.hpp"
#include "plugins/registry.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include <toml++/toml.h>

namespace ftl::cli {

namespace {

const char* k_usage =
    "tokenize --tokenizer DIR [--plugin NAME] [--special] [--max-length N] [--threads N] [--repeat R] [--stats] "
    "[--plugin-path DIR]... < texts.txt > ids.txt";

using Clock = std::chrono::steady_clock;

// CPU time of the calling thread, in seconds (load time without waiting for a busy machine).
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string read_all(std::FILE* f) {
  std::string s;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  if (std::ferror(f)) throw Error("tokenize: cannot read standard input");
  return s;
}

std::vector<std::string_view> split_lines(const std::string& text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.emplace_back(text.data() + pos, end - pos);
    pos = end + 1;
  }
  return lines;
}

// Creates the tokenizer: the named plugin, or the first that accepts the folder.
std::unique_ptr<Tokenizer> open_tokenizer(const Registry& reg, const std::string& plugin, const ComponentSpec& spec) {
  if (!plugin.empty()) return std::make_unique<Tokenizer>(reg.find(FTL_KIND_TOKENIZER, plugin), spec);
  std::string why;
  for (const auto& f : reg.factories()) {
    if (f.factory->kind != FTL_KIND_TOKENIZER) continue;
    try {
      return std::make_unique<Tokenizer>(f, spec);
    } catch (const Error& e) {
      why += std::string(why.empty() ? "" : "; ") + e.what();
    }
  }
  throw Error("tokenize: no tokenizer plugin accepts this folder (" + (why.empty() ? "none loaded" : why) +
              "); pass --plugin NAME to see one plugin's reason");
}

int cmd_tokenize(int argc, char** argv) {
  po::options_description desc("ftlab tokenize");
  desc.add_options()("tokenizer", po::value<std::string>(),
                     "tokenizer folder (vocab.json + merges.txt, vocab.txt, ...)")(
      "plugin", po::value<std::string>(), "tokenizer plugin name (default: the first that accepts the folder)")(
      "special", po::bool_switch(), "add the model's special tokens (<s> ... </s>, [CLS] ... [SEP])")(
      "max-length", po::value<int64_t>(), "truncate to N ids (special tokens included)")(
      "threads", po::value<int>(), "worker threads (default: all cores)")(
      "repeat", po::value<int>()->default_value(1), "encode the input R times (timing; output written once)")(
      "stats", po::bool_switch(), "print load time and tokens/s to stderr")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(), "extra plugin folder (repeatable)");
  Parsed p = parse(argc, argv, desc, {}, k_usage);
  if (p.help) return 0;
  if (!p.vm.count("tokenizer"))
    throw Error(std::string("tokenize: --tokenizer DIR is required; usage: ftlab ") + k_usage);
  const std::string dir = std::filesystem::absolute(p.vm["tokenizer"].as<std::string>()).string();
  const bool special = p.vm["special"].as<bool>();
  const bool stats = p.vm["stats"].as<bool>();
  const int repeat = p.vm["repeat"].as<int>();
  if (repeat < 1 || repeat > 1000000) throw Error("tokenize: --repeat must be between 1 and 1000000");
  int threads = get_or(p.vm, "threads", static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  if (threads < 1 || threads > k_max_threads)
    throw Error("tokenize: --threads must be between 1 and " + std::to_string(k_max_threads));

  toml::table t{{"path", dir}};
  uint32_t flags = special ? FTL_ENCODE_ADD_SPECIAL : 0u;
  if (p.vm.count("max-length")) {
    t.insert("max_length", p.vm["max-length"].as<int64_t>());
    flags |= FTL_ENCODE_TRUNCATE;
  }
  std::ostringstream toml_text;
  toml_text << t;
  ComponentSpec spec;
  spec.toml = toml_text.str();
  spec.base_dir = std::filesystem::current_path().string();
  spec.where = "--tokenizer " + dir;
  spec.threads = 1;

  Registry reg;
  reg.load_dirs(Registry::search_path(get_or(p.vm, "plugin-path", std::vector<std::string>{})));
  const auto t_load = Clock::now();
  const double cpu_load = thread_cpu_seconds();
  std::unique_ptr<Tokenizer> tok = open_tokenizer(reg, get_or(p.vm, "plugin", std::string()), spec);
  const double load_s = seconds_since(t_load);
  const double load_cpu_s = thread_cpu_seconds() - cpu_load;
  if (!tok->thread_safe()) threads = 1;

  const std::string input = read_all(stdin);
  const std::vector<std::string_view> lines = split_lines(input);
  constexpr size_t k_chunk = 256;
  const size_t n_chunks = (lines.size() + k_chunk - 1) / k_chunk;
  std::vector<std::string> out(n_chunks);
  std::vector<int64_t> chunk_tokens(n_chunks, 0);

  double best_s = 0, first_s = 0;
  for (int r = 0; r < repeat; ++r) {
    std::atomic<size_t> next{0};
    auto work = [&](int) {
      try {
        std::string s;
        for (size_t c; (c = next.fetch_add(1)) < n_chunks;) {
          s.clear();
          int64_t count = 0;
          const size_t end = std::min(lines.size(), (c + 1) * k_chunk);
          for (size_t i = c * k_chunk; i < end; ++i) {
            std::vector<int32_t> ids = tok->encode(lines[i], flags);
            count += static_cast<int64_t>(ids.size());
            for (size_t k = 0; k < ids.size(); ++k) {
              if (k > 0) s += ' ';
              s += std::to_string(ids[k]);
            }
            s += '\n';
          }
          out[c] = s;
          chunk_tokens[c] = count;
        }
      } catch (...) {
        next = n_chunks;  // stop the others early
        throw;
      }
    };
    const auto t0 = Clock::now();
    parallel_run(threads, work);
    const double s = seconds_since(t0);
    if (r == 0) first_s = s;
    best_s = r == 0 ? s : std::min(best_s, s);
  }
  for (const auto& s : out) std::fwrite(s.data(), 1, s.size(), stdout);
  if (std::fflush(stdout) != 0) throw Error("tokenize: cannot write standard output");
  if (stats) {
    int64_t tokens = 0;
    for (auto c : chunk_tokens) tokens += c;
    std::fprintf(
        stderr,
        "tokenize: plugin=%s threads=%d lines=%zu tokens=%lld bytes=%zu load_ms=%.1f load_cpu_ms=%.1f repeat=%d "
        "first_s=%.4f best_s=%.4f tokens_per_s=%.0f\n",
        tok->factory().factory->name, threads, lines.size(), static_cast<long long>(tokens), input.size(),
        load_s * 1000.0, load_cpu_s * 1000.0, repeat, first_s, best_s,
        best_s > 0 ? static_cast<double>(tokens) / best_s : 0.0);
  }
  return 0;
}

}  // namespace

FTL_COMMAND(tokenize, "tokenize", k_usage, "encode stdin lines to ids with a tokenizer folder", cmd_tokenize);

}  // namespace ftl::cli
