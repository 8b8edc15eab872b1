// expand.hpp - sweep definitions: an experiment file with a [sweep] table is
// expanded into points (lists of --set overrides) by grid (every
// combination), zip (the i-th value of every list together) or random
// (`count` draws with a seed; a list is sampled uniformly, a table
// {low, high, log} gives a number). Each point gets a stable id: a hash of its
// resolved experiment, so the same point always maps to the same run file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ftl {

// The most points a sweep may expand to (a random count, or a grid's product of list
// lengths): a typo such as count = 1e12 is an error, not memory without bound.
constexpr int64_t k_max_sweep_points = 100000;

struct SweepPoint {
  std::string id;                      // 12 hex digits of FNV-1a over the resolved experiment
  std::vector<std::string> overrides;  // "key=value" (TOML values), in key order
};

struct Sweep {
  std::string file;             // the sweep file
  std::string name;             // [sweep] name, default: file stem
  std::string output_dir;       // folder holding <name>/ (default: experiment.output_dir/sweeps)
  std::string experiment_toml;  // the file without [sweep]
  std::string base_dir;
  std::vector<std::string> keys;  // swept keys
  std::vector<SweepPoint> points;
  std::string folder() const { return output_dir + "/" + name; }
};

// Parses and expands; each point's experiment is validated (host keys), and
// every swept key must exist in the experiment. Errors name file, line, key.
Sweep load_sweep(const std::string& path, const std::vector<std::string>& extra_overrides);

// Points of shard k (0-based) of n: every n-th point starting at k.
std::vector<SweepPoint> shard(const std::vector<SweepPoint>& points, int64_t k, int64_t n);

}  // namespace ftl
