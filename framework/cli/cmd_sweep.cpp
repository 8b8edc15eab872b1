// cmd_sweep.cpp - `ftlab sweep SWEEP.toml [--jobs N] [--dry-run] [--shard K/N]`:
// expands the [sweep] table into points, writes each point's experiment and an
// index into <output_dir>/<name>/, runs the points of this shard as child
// `ftlab run` processes (N at a time; each gets cores / N threads), skips
// points whose results are complete, resumes interrupted ones from their
// checkpoints, leaves points that another process holds (their lock, see
// util/run_lock.hpp) to it, and prints a summary table. Shards come from --shard K/N
// (K = 0..N-1) or from Slurm's SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT.
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "plugins/registry.hpp"
#include "results/h5.hpp"
#include "results/schema.hpp"
#include "sweep/expand.hpp"
#include "util/error.hpp"
#include "util/run_lock.hpp"

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

enum class Status { missing, partial, complete, failed, running };

// A point's status; `running` (a live process holds its lock) only when check_lock.
Status status_of(const std::string& h5, bool check_lock = true) {
  if (check_lock && !run_lock_holder(h5).empty()) return Status::running;
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
    case Status::running:
      return "running";
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

// Spawns `ftlab run ...` with output to log and `env_extra` ("NAME=value")
// added to this process's environment; returns the pid.
pid_t spawn_run(const std::vector<std::string>& args, const std::string& log, const std::string& env_extra) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  envp.push_back(const_cast<char*>(env_extra.c_str()));
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
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

// This process's shard: --shard K/N, else Slurm's array variables, else 0/1.
std::pair<int64_t, int64_t> shard_of(const po::variables_map& vm) {
  if (vm.count("shard")) return parse_shard(vm["shard"].as<std::string>());
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  if (id == nullptr) return {0, 1};
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  if (count == nullptr) throw Error("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; use --shard K/N");
  const int64_t task =
      slurm_integer("SLURM_ARRAY_TASK_ID", id) - (min ? slurm_integer("SLURM_ARRAY_TASK_MIN", min) : 0);
  return parse_shard(std::to_string(task) + "/" + std::to_string(slurm_integer("SLURM_ARRAY_TASK_COUNT", count)),
                     "the Slurm array task");
}

std::string overrides_text(const SweepPoint& pt, const char* sep) {
  std::string o;
  for (const auto& x : pt.overrides) o += (o.empty() ? "" : sep) + x;
  return o;
}

// The index and one standalone experiment file per point (same content from every shard).
void write_point_files(const Sweep& s, const std::string& folder) {
  std::string index = "id\toverrides\tresults\n";
  for (const auto& pt : s.points) {
    const std::string o = overrides_text(pt, " ");
    index += pt.id + "\t" + o + "\t" + pt.id + ".h5\n";
    std::string exp = "# sweep point " + pt.id + " of " + s.file + "; run with --base-dir " + s.base_dir + "\n";
    exp += "# overrides: " + o + "\n" + s.experiment_toml + "\n";
    if (!fs::exists(folder + "/" + pt.id + ".toml")) write_atomically(folder + "/" + pt.id + ".toml", exp);
  }
  write_atomically(folder + "/index.tsv", index);
}

// Runs this shard's points as child processes, `jobs` at a time. Each point's
// lock is claimed here and handed to its child, so a point that another sweep
// (or run) holds is left to it. SIGINT/SIGTERM: no new point starts, the running
// ones get SIGTERM once (each saves a checkpoint and stops).
class PointRunner {
 public:
  PointRunner(const Sweep& s, const po::variables_map& vm, const std::vector<std::string>& sets)
      : s_(s),
        vm_(vm),
        sets_(sets),
        folder_(s.folder()),
        jobs_(std::max(1, vm["jobs"].as<int>())),
        self_(boost::dll::program_location().string()) {}

  void run_all(const std::vector<SweepPoint>& mine) {
    for (const auto& pt : mine) {
      if (stop_requested()) break;
      while (static_cast<int>(running_.size()) >= jobs_) wait_one();
      if (stop_requested()) break;
      start(pt);
    }
    while (!running_.empty()) wait_one();
  }

  int ran = 0, skipped = 0, elsewhere = 0, failed = 0;

 private:
  static bool stop_requested() { return host_api()->should_stop(nullptr) != 0; }

  void start(const SweepPoint& pt) {
    const std::string out = folder_ + "/" + pt.id + ".h5", o = " " + overrides_text(pt, " ");
    if (status_of(out) == Status::complete) {
      ++skipped;
      std::fprintf(stderr, "  %s already complete:%s\n", pt.id.c_str(), o.c_str());
      return;
    }
    if (vm_.count("dry-run")) {
      const Status st = status_of(out);
      std::fprintf(stderr, "  %s %s:%s\n", pt.id.c_str(),
                   st == Status::running   ? "is running in another process"
                   : st == Status::partial ? "would resume"
                                           : "would run",
                   o.c_str());
      return;
    }
    std::string holder;
    auto lock = RunLock::try_take(out, &holder);
    if (!lock) {
      ++elsewhere;
      std::fprintf(stderr, "  %s taken by %s (another sweep or run); left to it:%s\n", pt.id.c_str(), holder.c_str(),
                   o.c_str());
      return;
    }
    const Status st = status_of(out, false);  // again: another sweep may have finished it before the claim
    if (st == Status::complete) {
      ++skipped;
      std::fprintf(stderr, "  %s already complete:%s\n", pt.id.c_str(), o.c_str());
      return;
    }
    const pid_t pid = spawn_run(run_args(pt, out, st), folder_ + "/" + pt.id + ".log",
                                std::string(k_inherit_lock_env) + "=" + lock->path());
    lock->release();  // the child rewrites it with its own pid; reap() drops it if the child never did
    running_[pid] = pt.id;
    ++ran;
    std::fprintf(stderr, "  %s %s:%s\n", pt.id.c_str(), st == Status::partial ? "resuming" : "running", o.c_str());
  }

  std::vector<std::string> run_args(const SweepPoint& pt, const std::string& out, Status st) {
    std::vector<std::string> args = {self_,      "run", folder_ + "/" + pt.id + ".toml", "--base-dir", s_.base_dir,
                                     "--output", out};
    for (const auto& x : pt.overrides) args.insert(args.end(), {"--set", x});
    for (const auto& x : sets_) args.insert(args.end(), {"--set", x});
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    if (jobs_ > 1)
      args.insert(args.end(), {"--set", "experiment.threads=" +
                                            std::to_string(std::max(1u, cores / static_cast<unsigned>(jobs_)))});
    for (const auto& d : get_or(vm_, "plugin-path", std::vector<std::string>{}))
      args.insert(args.end(), {"--plugin-path", d});
    if (st == Status::partial && fs::exists(out + ".ckpt"))
      args.insert(args.end(), {"--resume", out, "--force"});
    else if (st != Status::missing)
      fs::remove(out + ".partial");
    return args;
  }

  bool reap(bool block) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, block ? 0 : WNOHANG);
    if (pid <= 0) return false;
    const std::string id = running_[pid];
    running_.erase(pid);
    run_lock_drop_if_mine(folder_ + "/" + id + ".h5");
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok) ++failed;
    std::fprintf(stderr, "  %s %s (log: %s/%s.log)\n", id.c_str(), ok ? "done" : "FAILED", folder_.c_str(), id.c_str());
    return true;
  }

  void wait_one() {
    while (true) {
      if (stop_requested() && !forwarded_) {
        for (const auto& child : running_) ::kill(child.first, SIGTERM);
        forwarded_ = true;
      }
      if (reap(false)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  const Sweep& s_;
  const po::variables_map& vm_;
  const std::vector<std::string>& sets_;
  const std::string folder_;
  const int jobs_;
  const std::string self_;
  std::map<pid_t, std::string> running_;  // pid -> point id
  bool forwarded_ = false;
};

// The table over every point of the sweep (all shards).
void print_summary(const Sweep& s, const std::string& folder) {
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
  signals_cooperative();
  const Sweep s = load_sweep(p.vm["sweep"].as<std::string>(), sets);
  if (p.vm["jobs"].as<int>() < 1) throw Error("--jobs must be at least 1");
  const auto [k, n] = shard_of(p.vm);
  const auto mine = shard(s.points, k, n);
  const std::string folder = s.folder();
  if (!p.vm.count("dry-run")) {  // a dry run writes nothing
    fs::create_directories(folder);
    write_point_files(s, folder);
  }
  std::fprintf(stderr, "sweep %s: %zu points, shard %lld/%lld runs %zu, folder %s\n", s.name.c_str(), s.points.size(),
               static_cast<long long>(k), static_cast<long long>(n), mine.size(), folder.c_str());

  PointRunner runner(s, p.vm, sets);
  runner.run_all(mine);
  if (host_api()->should_stop(nullptr) != 0)
    throw Error("sweep " + s.name + ": stopped by a signal after starting " + std::to_string(runner.ran) +
                " point(s); run the same command again to resume it");
  if (p.vm.count("dry-run")) return 0;
  print_summary(s, folder);
  std::fprintf(stderr, "ran %d, skipped %d complete, %d left to other processes, %d failed\n", runner.ran,
               runner.skipped, runner.elsewhere, runner.failed);
  if (runner.elsewhere > 0)
    std::fprintf(stderr, "  points left to other processes show as 'running'; run the sweep again when they end\n");
  return runner.failed == 0 ? 0 : 1;
}

}  // namespace

FTL_COMMAND(sweep, "sweep", k_usage, "run every point of a [sweep] (grid, zip, random), resumable and shardable",
            cmd_sweep);

}  // namespace ftl::cli
