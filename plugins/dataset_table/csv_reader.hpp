// csv_reader.hpp - a strict RFC 4180 reader for CSV and TSV text: fields
// separated by a delimiter, records by CRLF or LF, fields optionally quoted
// with '"' (quoted fields may hold delimiters, line breaks and doubled quotes
// ""). A leading UTF-8 BOM is dropped; fully empty lines are skipped. Errors
// name the file and the 1-based line where the bad record starts.
// Limits: no other quote or escape characters; the whole file is in memory.
#pragma once

#include <string>
#include <vector>

namespace table {

struct Record {
  std::vector<std::string> fields;
  size_t line = 0;  // 1-based line where the record starts
};

// Parses `text` (the contents of `path`, used in messages). quoting = false
// treats '"' as an ordinary character (for TSV files written without quoting).
std::vector<Record> parse_delimited(const std::string& text, const std::string& path, char delimiter, bool quoting);

}  // namespace table
