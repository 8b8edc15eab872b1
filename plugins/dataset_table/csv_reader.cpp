// csv_reader.cpp - see csv_reader.hpp.
#include "csv_reader.hpp"

#include <ftlab/sdk.hpp>

namespace table {

std::vector<Record> parse_delimited(const std::string& text, const std::string& path, char delimiter, bool quoting) {
  std::vector<Record> out;
  size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  size_t line = 1;
  const size_t n = text.size();
  auto where = [&](size_t l) { return path + ":" + std::to_string(l) + ": "; };
  while (i < n) {
    // fully empty line: skip
    if (text[i] == '\n' || (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')) {
      i += text[i] == '\r' ? 2 : 1;
      ++line;
      continue;
    }
    Record rec;
    rec.line = line;
    std::string field;
    while (true) {  // one field per iteration
      field.clear();
      if (quoting && i < n && text[i] == '"') {
        const size_t start_line = line;
        ++i;
        while (true) {
          if (i >= n)
            throw ftl::sdk::data_error(where(start_line) +
                                       "a quoted field is never closed; end it with '\"' (write a quote inside a "
                                       "field as \"\")");
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (i < n && text[i] != delimiter && text[i] != '\n' &&
            !(text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') && !(text[i] == '\r' && i + 1 == n))
          throw ftl::sdk::data_error(
              where(line) + "text after a closing quote; quote the whole field and write inner quotes as \"\"");
      } else {
        while (i < n && text[i] != delimiter && text[i] != '\n') {
          if (text[i] == '\r' && (i + 1 == n || text[i + 1] == '\n')) break;
          if (quoting && text[i] == '"')
            throw ftl::sdk::data_error(where(line) +
                                       "a quote inside an unquoted field; quote the whole field and write inner "
                                       "quotes as \"\" (or set quoting = false)");
          field.push_back(text[i]);
          ++i;
        }
      }
      rec.fields.push_back(field);
      if (i < n && text[i] == delimiter) {
        ++i;
        continue;
      }
      // end of record: CRLF, LF or end of text
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      break;
    }
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace table
