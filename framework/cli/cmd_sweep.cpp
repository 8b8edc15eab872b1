// cmd_sweep.cpp - `ftlab sweep SWEEP.toml [--jobs N] [--dry-run] [--shard K/N]`:
// expands the [sweep] table into points, writes each point's experiment and an
// index into <output_dir>/<name>/, runs the points of this shard as child
// `ftlab run` processes (N at a time; each gets cores / N threads), skips
// points whose results are complete, resumes interrupted ones from their
// checkpoints, and prints a summary table. Shards come from --shard K/N
// (K = 0..N-1) or from Slurm's SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT.
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "plugins/registry.hpp"
#include "results/h5.hpp"
#include "results/schema.hpp"
#include "sweep/expand.hpp"
#include "util/error.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace fs = std::filesystem;

namespace ftl::cli {

namespace {

const char* k_usage =
    "sweep SWEEP.toml [--jobs N] [--dry-run] [--shard K/N] [--set KEY=VALUE]... [--plugin-path DIR]...";

enum class Status { missing, partial, complete, failed };

Status status_of(const std::string& h5) {
  if (fs::exists(h5)) {
    try {
      h5::Handle f = h5::open_file(h5, false);
      if (H5Aexists(f.id(), schema::k_attr_status) > 0 &&
          h5::read_attr_string(f.id(), schema::k_attr_status) == "complete")
        return Status::complete;
    } catch (const std::exception&) {
    }
    return Status::failed;
  }
  return fs::exists(h5 + ".partial") ? Status::partial : Status::missing;
}

const char* status_name(Status s) {
  switch (s) {
    case Status::complete:
      return "complete";
    case Status::partial:
      return "partial";
    case Status::failed:
      return "unreadable";
    default:
      return "not run";
  }
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw Error(tmp + ": cannot write");
  }
  fs::rename(tmp, path);
}

// A whole decimal integer (digits, an optional leading '-'), nothing around it; else nullopt.
std::optional<int64_t> whole_integer(const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("-0123456789") != std::string::npos ||
      s.find('-', 1) != std::string::npos || s == "-")
    return std::nullopt;
  return std::stoll(s);
}

std::pair<int64_t, int64_t> parse_shard(const std::string& text, const std::string& source = "--shard") {
  const size_t slash = text.find('/');
  if (slash != std::string::npos) {
    const auto k = whole_integer(text.substr(0, slash)), n = whole_integer(text.substr(slash + 1));
    if (k && n && *n >= 1 && *k >= 0 && *k < *n) return {*k, *n};
  }
  throw Error(source + " '" + text + "': expected K/N with 0 <= K < N, e.g. --shard 0/4");
}

// An integer Slurm variable, or an error naming it.
int64_t slurm_integer(const char* name, const char* value) {
  const auto v = whole_integer(value);
  if (!v) throw Error(std::string(name) + "='" + value + "' is not an integer; unset it or use --shard K/N");
  return *v;
}

// Spawns `ftlab run ...` with output to log; returns the pid.
pid_t spawn_run(const std::vector<std::string>& args, const std::string& log) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw Error(std::string("cannot start ") + argv[0] + ": " + std::strerror(rc));
  return pid;
}

std::string metric_text(const std::string& h5, const std::string& group, const std::string& name) {
  try {
    h5::Handle f = h5::open_file(h5, false);
    if (!h5::exists(f.id(), group)) return "-";
    h5::Handle g = h5::open_group(f.id(), group);
    if (H5Aexists(g.id(), name.c_str()) <= 0) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", h5::read_attr_double(g.id(), name));
    return buf;
  } catch (const std::exception&) {
    return "-";
  }
}

std::string headline_of(const std::string& h5) {
  try {
    h5::Handle f = h5::open_file(h5, false);
    h5::Handle g = h5::open_group(f.id(), "summary");
    return h5::read_attr_string(g.id(), "metric_for_best_model");
  } catch (const std::exception&) {
    return "loss";
  }
}

int cmd_sweep(int argc, char** argv) {
  po::options_description desc("ftlab sweep");
  desc.add_options()("sweep", po::value<std::string>(), "sweep file: an experiment with a [sweep] table")(
      "jobs,j", po::value<int>()->default_value(1), "points to run at the same time on this machine")(
      "dry-run", "print the points and their status; run nothing")(
      "shard", po::value<std::string>(), "run only shard K of N (K = 0..N-1); default: Slurm array variables")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a key in every point (repeatable)")(
      "plugin-path", po::value<std::vector<std::string>>()->composing(), "extra plugin folder (repeatable)");
  Parsed p = parse(argc, argv, desc, {"sweep"}, k_usage);
  if (p.help) return 0;
  if (!p.vm.count("sweep")) throw Error(std::string("missing the sweep file; usage: ftlab ") + k_usage);
  const auto sets = get_or(p.vm, "set", std::vector<std::string>{});
  const Sweep s = load_sweep(p.vm["sweep"].as<std::string>(), sets);
  const int jobs = std::max(1, p.vm["jobs"].as<int>());

  int64_t k = 0, n = 1;
  if (p.vm.count("shard")) {
    std::tie(k, n) = parse_shard(p.vm["shard"].as<std::string>());
  } else if (const char* id = std::getenv("SLURM_ARRAY_TASK_ID")) {
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
    if (count == nullptr) throw Error("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; use --shard K/N");
    const int64_t task =
        slurm_integer("SLURM_ARRAY_TASK_ID", id) - (min ? slurm_integer("SLURM_ARRAY_TASK_MIN", min) : 0);
    std::tie(k, n) =
        parse_shard(std::to_string(task) + "/" + std::to_string(slurm_integer("SLURM_ARRAY_TASK_COUNT", count)),
                    "the Slurm array task");
  }
  const auto mine = shard(s.points, k, n);
  const std::string folder = s.folder();
  fs::create_directories(folder);

  // The index and one standalone experiment file per point (same content from every shard).
  std::string index = "id\toverrides\tresults\n";
  for (const auto& pt : s.points) {
    std::string o;
    for (const auto& x : pt.overrides) o += (o.empty() ? "" : " ") + x;
    index += pt.id + "\t" + o + "\t" + pt.id + ".h5\n";
    std::string exp = "# sweep point " + pt.id + " of " + s.file + "; run with --base-dir " + s.base_dir + "\n";
    exp += "# overrides: " + o + "\n" + s.experiment_toml + "\n";
    if (!fs::exists(folder + "/" + pt.id + ".toml")) write_atomically(folder + "/" + pt.id + ".toml", exp);
  }
  write_atomically(folder + "/index.tsv", index);
  std::fprintf(stderr, "sweep %s: %zu points, shard %lld/%lld runs %zu, folder %s\n", s.name.c_str(), s.points.size(),
               static_cast<long long>(k), static_cast<long long>(n), mine.size(), folder.c_str());

  const std::string self = boost::dll::program_location().string();
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const int threads = static_cast<int>(std::max(1u, cores / static_cast<unsigned>(jobs)));
  std::map<pid_t, std::string> running;  // pid -> id
  int failed = 0, ran = 0, skipped = 0;
  auto reap = [&](bool block) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, block ? 0 : WNOHANG);
    if (pid <= 0) return false;
    const std::string id = running[pid];
    running.erase(pid);
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok) ++failed;
    std::fprintf(stderr, "  %s %s (log: %s/%s.log)\n", id.c_str(), ok ? "done" : "FAILED", folder.c_str(), id.c_str());
    return true;
  };
  // SIGINT/SIGTERM (request_stop): no new point starts, the running ones get SIGTERM once
  // (each saves a checkpoint and stops), and the sweep ends non-zero when they have.
  const auto stop_requested = [] { return host_api()->should_stop(nullptr) != 0; };
  bool forwarded = false;
  auto wait_one = [&] {
    while (true) {
      if (stop_requested() && !forwarded) {
        for (const auto& child : running) ::kill(child.first, SIGTERM);
        forwarded = true;
      }
      if (reap(false)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  for (const auto& pt : mine) {
    if (stop_requested()) break;
    const std::string out = folder + "/" + pt.id + ".h5";
    Status st = status_of(out);
    std::string o;
    for (const auto& x : pt.overrides) o += " " + x;
    if (st == Status::complete) {
      ++skipped;
      std::fprintf(stderr, "  %s already complete:%s\n", pt.id.c_str(), o.c_str());
      continue;
    }
    if (p.vm.count("dry-run")) {
      std::fprintf(stderr, "  %s would %s:%s\n", pt.id.c_str(), st == Status::partial ? "resume" : "run", o.c_str());
      continue;
    }
    while (static_cast<int>(running.size()) >= jobs) wait_one();
    if (stop_requested()) break;
    std::vector<std::string> args = {self,       "run", folder + "/" + pt.id + ".toml", "--base-dir", s.base_dir,
                                     "--output", out};
    for (const auto& x : pt.overrides) args.insert(args.end(), {"--set", x});
    for (const auto& x : sets) args.insert(args.end(), {"--set", x});
    if (jobs > 1) args.insert(args.end(), {"--set", "experiment.threads=" + std::to_string(threads)});
    for (const auto& d : get_or(p.vm, "plugin-path", std::vector<std::string>{}))
      args.insert(args.end(), {"--plugin-path", d});
    if (st == Status::partial && fs::exists(out + ".ckpt"))
      args.insert(args.end(), {"--resume", out, "--force"});
    else if (st != Status::missing)
      fs::remove(out + ".partial");
    pid_t pid = spawn_run(args, folder + "/" + pt.id + ".log");
    running[pid] = pt.id;
    ++ran;
    std::fprintf(stderr, "  %s %s:%s\n", pt.id.c_str(), st == Status::partial ? "resuming" : "running", o.c_str());
  }
  while (!running.empty()) wait_one();
  if (stop_requested())
    throw Error("sweep " + s.name + ": stopped by a signal after starting " + std::to_string(ran) +
                " point(s); run the same command again to resume it");
  if (p.vm.count("dry-run")) return 0;

  // Summary over every point of the sweep (all shards).
  std::printf("\n%-12s", "id");
  for (const auto& key : s.keys) std::printf(" %20s", key.c_str());
  std::printf(" %10s %14s %14s\n", "status", "best valid", "test");
  for (const auto& pt : s.points) {
    const std::string out = folder + "/" + pt.id + ".h5";
    const Status st = status_of(out);
    std::printf("%-12s", pt.id.c_str());
    for (const auto& x : pt.overrides) std::printf(" %20s", x.substr(x.find('=') + 1).c_str());
    std::string best = "-", test = "-";
    if (st == Status::complete) {
      const std::string metric = headline_of(out);
      best = metric_text(out, "summary", "best_metric");
      test = metric_text(out, "eval/test/final", metric == "loss" ? "loss" : "metric/" + metric);
      best += " " + metric;
    }
    std::printf(" %10s %14s %14s\n", status_name(st), best.c_str(), test.c_str());
  }
  std::fprintf(stderr, "ran %d, skipped %d complete, %d failed\n", ran, skipped, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace

FTL_COMMAND(sweep, "sweep", k_usage, "run every point of a [sweep] (grid, zip, random), resumable and shardable",
            cmd_sweep);

}  // namespace ftl::cli
