// table_readers.hpp - turns a CSV, TSV or JSONL file into (text, raw label,
// line) rows, given the text and label columns. CSV/TSV: columns by header
// name, or by 0-based index when header = false; JSONL: one JSON object per
// non-blank line, columns are keys, a label may be a string or an integer.
// Errors are ftl::sdk::Error naming file:line and what to change.
#pragma once

#include <string>
#include <vector>

namespace table {

struct Row {
  std::string text;
  std::string label;  // as written (integers as decimal text)
  size_t line = 0;
};

struct ReadOptions {
  std::string format;  // "csv", "tsv" or "jsonl"
  std::string text_column, label_column;
  bool header = true;   // CSV/TSV: first record names the columns
  bool quoting = true;  // CSV/TSV: RFC 4180 quotes
};

// "csv" | "tsv" | "jsonl" from the file name (.csv, .tsv, .jsonl/.ndjson), or "".
std::string format_from_name(const std::string& path);

std::vector<Row> read_table(const std::string& path, const ReadOptions& opt);

}  // namespace table
