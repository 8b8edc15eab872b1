// sandbox.hpp - runs one group of plugin checks in a forked child process so
// that a plugin that crashes, hangs, calls exit() or lets an exception escape
// through the ABI is reported as a failed check instead of taking plugin-check
// down. The child loads the plugin itself (the parent never does) and streams
// its Report to the parent through a pipe. Limits: POSIX only; with
// isolate = false (--no-fork, for debuggers and sanitizers) the group runs in
// this process and a crash ends plugin-check.
#pragma once

#include "plugincheck/report.hpp"

#include <functional>
#include <string>

namespace ftl::plugincheck {

// Runs body(report) and returns what it reported. A child that dies or runs
// past timeout_s adds a failed result naming the plugin call it was in.
GroupLog run_group(const std::string& subject, const std::function<void(Report&)>& body, bool isolate, int timeout_s);

}  // namespace ftl::plugincheck
