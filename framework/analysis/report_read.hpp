// report_read.hpp - what `ftlab report` reads from one results file (without
// LibTorch): the facts, the curves, the evaluation it is about (test/final,
// else the last validation one) and the statistics computed from its logits.
// Every shape, label range and value is checked: a damaged file is an
// ftl::Error naming the file and the dataset. The fuzzer
// tests/fuzz/fuzz_results.cpp calls this on mutated files.
#pragma once

#include "analysis/report_html.hpp"

#include <cstdint>
#include <string>

namespace ftl::analysis {

struct ReportRead {
  ReportData data;    // everything but the texts of the errors
  std::string split;  // "test" or "validation"
  int64_t n = 0;      // examples in that evaluation
};

// Reads `path` (a complete run); keeps the max_errors most confident errors.
ReportRead report_read(const std::string& path, int64_t max_errors);

}  // namespace ftl::analysis
