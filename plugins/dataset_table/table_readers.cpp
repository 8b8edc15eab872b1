// table_readers.cpp - see table_readers.hpp.
#include "table_readers.hpp"

#include "csv_reader.hpp"

#include <ftlab/sdk.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace table {

namespace {

std::string read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw ftl::sdk::io_error(path + ": cannot open; check the dataset's train/validation/test paths");
  std::string data;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  std::fclose(f);
  return data;
}

bool ends_with(const std::string& s, const char* suffix) {
  const std::string x(suffix);
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

size_t column_index(const std::vector<std::string>& header, const std::string& name, const std::string& path,
                    const char* key, bool has_header) {
  if (!has_header) {
    char* end = nullptr;
    const long v = std::strtol(name.c_str(), &end, 10);
    if (name.empty() || *end != '\0' || v < 0)
      throw ftl::sdk::config_error(key, std::string(key) + " must be a 0-based column number when header = false");
    return static_cast<size_t>(v);
  }
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  std::string cols;
  for (const auto& h : header) cols += (cols.empty() ? "'" : ", '") + h + "'";
  throw ftl::sdk::config_error(key,
                               path + ":1: no column '" + name + "' in the header (columns: " + cols + "); set " + key);
}

std::vector<Row> read_delimited(const std::string& path, const ReadOptions& opt) {
  const auto records = parse_delimited(read_file(path), path, opt.format == "tsv" ? '\t' : ',', opt.quoting);
  std::vector<Row> rows;
  if (records.empty()) return rows;
  size_t first = 0;
  std::vector<std::string> header;
  if (opt.header) {
    header = records[0].fields;
    first = 1;
  }
  const size_t tc = column_index(header, opt.text_column, path, "text_column", opt.header);
  const size_t lc = column_index(header, opt.label_column, path, "label_column", opt.header);
  const size_t width = records[0].fields.size();
  rows.reserve(records.size() - first);
  for (size_t r = first; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (rec.fields.size() != width)
      throw ftl::sdk::data_error(path + ":" + std::to_string(rec.line) + ": " + std::to_string(rec.fields.size()) +
                                 " fields but the first record has " + std::to_string(width) +
                                 "; quote fields that contain '" + (opt.format == "tsv" ? "\\t" : ",") +
                                 "' or line breaks");
    if (tc >= width || lc >= width)
      throw ftl::sdk::config_error(tc >= width ? "text_column" : "label_column",
                                   path + ": column " + std::to_string(std::max(tc, lc)) + " does not exist (" +
                                       std::to_string(width) + " columns)");
    rows.push_back(Row{rec.fields[tc], rec.fields[lc], rec.line});
  }
  return rows;
}

std::vector<Row> read_jsonl(const std::string& path, const ReadOptions& opt) {
  const std::string data = read_file(path);
  std::vector<Row> rows;
  size_t start = 0, line = 0;
  while (start < data.size()) {
    size_t nl = data.find('\n', start);
    if (nl == std::string::npos) nl = data.size();
    ++line;
    std::string_view l(data.data() + start, nl - start);
    start = nl + 1;
    if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string at = path + ":" + std::to_string(line) + ": ";
    nlohmann::json j = nlohmann::json::parse(l, nullptr, false);
    if (j.is_discarded()) throw ftl::sdk::data_error(at + "not valid JSON; write one JSON object per line");
    if (!j.is_object()) throw ftl::sdk::data_error(at + "expected a JSON object per line");
    auto text = j.find(opt.text_column);
    if (text == j.end() || !text->is_string())
      throw ftl::sdk::data_error(at + "no string value '" + opt.text_column + "'; set text_column");
    auto label = j.find(opt.label_column);
    if (label == j.end()) throw ftl::sdk::data_error(at + "no value '" + opt.label_column + "'; set label_column");
    std::string raw;
    if (label->is_string())
      raw = label->get<std::string>();
    else if (label->is_number_integer())
      raw = std::to_string(label->get<int64_t>());
    else
      throw ftl::sdk::data_error(at + "label '" + opt.label_column + "' must be a string or an integer");
    rows.push_back(Row{text->get<std::string>(), raw, line});
  }
  return rows;
}

}  // namespace

std::string format_from_name(const std::string& path) {
  if (ends_with(path, ".csv")) return "csv";
  if (ends_with(path, ".tsv") || ends_with(path, ".tab")) return "tsv";
  if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) return "jsonl";
  return "";
}

std::vector<Row> read_table(const std::string& path, const ReadOptions& opt) {
  return opt.format == "jsonl" ? read_jsonl(path, opt) : read_delimited(path, opt);
}

}  // namespace table
