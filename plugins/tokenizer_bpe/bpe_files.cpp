// bpe_files.cpp - the file readers of bpe_files.hpp.
#include "bpe_files.hpp"

#include "utf8_repair.hpp"

#include <ftlab/sdk.hpp>

#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace bpe {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ftl::sdk::io_error(path +
                             ": cannot open; a BPE tokenizer folder needs vocab.json + merges.txt or tokenizer.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// SAX handler for a flat {"token": id, ...} object.
struct VocabSax : nlohmann::json_sax<nlohmann::json> {
  std::unordered_map<std::string, int32_t>* out;
  std::string cur, error;
  int depth = 0;
  bool fail(const std::string& why) {
    if (error.empty()) error = why;
    return false;
  }
  bool null() override { return fail("id of '" + cur + "' is null"); }
  bool boolean(bool) override { return fail("id of '" + cur + "' is a boolean"); }
  bool number_integer(number_integer_t v) override {
    if (v < 0 || v > INT32_MAX) return fail("id of '" + cur + "' is out of range");
    (*out)[cur] = static_cast<int32_t>(v);
    return true;
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (v > static_cast<number_unsigned_t>(INT32_MAX)) return fail("id of '" + cur + "' is out of range");
    (*out)[cur] = static_cast<int32_t>(v);
    return true;
  }
  bool number_float(number_float_t, const string_t&) override { return fail("id of '" + cur + "' is not an integer"); }
  bool string(string_t&) override { return fail("id of '" + cur + "' is a string"); }
  bool binary(binary_t&) override { return fail("binary value"); }
  bool start_object(std::size_t) override { return ++depth == 1 ? true : fail("nested object at '" + cur + "'"); }
  bool key(string_t& k) override {
    cur = k;
    return true;
  }
  bool end_object() override {
    --depth;
    return true;
  }
  bool start_array(std::size_t) override {
    return fail(depth == 0 ? "top level is an array" : "id of '" + cur + "' is an array");
  }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception& e) override {
    return fail("not valid JSON at byte " + std::to_string(pos) + " (" + e.what() + ")");
  }
};

}  // namespace

Files read_vocab_merges(const std::string& vocab_path, const std::string& merges_path) {
  Files f;
  f.source = vocab_path + " + " + merges_path;
  f.merge_file = merges_path;
  {
    const std::string text = read_file(vocab_path);
    VocabSax sax;
    sax.out = &f.vocab;
    f.vocab.reserve(65536);
    bool ok = nlohmann::json::sax_parse(text, &sax);
    if (!ok || !sax.error.empty())
      throw ftl::sdk::io_error(vocab_path + ": " +
                               (sax.error.empty() ? "not a JSON object of token -> id" : sax.error));
    if (f.vocab.empty()) throw ftl::sdk::io_error(vocab_path + ": expected a non-empty JSON object of token -> id");
  }
  const std::string text = read_file(merges_path);
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    size_t sp = line.find(' ');
    if (sp == std::string::npos || sp == 0 || sp + 1 == line.size() || line.find(' ', sp + 1) != std::string::npos)
      throw ftl::sdk::io_error(merges_path + ":" + std::to_string(line_no) +
                               ": expected two tokens separated by one space; is this a merges.txt?");
    if (!tok_utf8::is_valid(line))
      throw ftl::sdk::io_error(merges_path + ":" + std::to_string(line_no) + ": not valid UTF-8");
    f.merges.emplace_back(std::string(line.substr(0, sp)), std::string(line.substr(sp + 1)));
    f.merge_line.push_back(static_cast<uint32_t>(line_no));
  }
  if (f.merges.empty()) throw ftl::sdk::io_error(merges_path + ": no merges found");
  return f;
}

Files read_tokenizer_json(const std::string& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw ftl::sdk::io_error(path + ": not valid JSON (" + e.what() + ")");
  }
  Files f;
  f.source = path;
  f.merge_file = path;
  try {
    const auto& model = j.at("model");
    if (model.value("type", "BPE") != "BPE")
      throw ftl::sdk::io_error(path + ": model.type is '" + model.value("type", "") +
                               "', not BPE; use the wordpiece plugin for WordPiece tokenizers");
    for (auto& [tok, id] : model.at("vocab").items()) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
        throw ftl::sdk::io_error(path + ": model.vocab id of '" + tok + "' is not a non-negative integer");
      f.vocab[tok] = id.get<int32_t>();
    }
    size_t i = 0;
    for (const auto& m : model.at("merges")) {
      const std::string where = path + ": model.merges[" + std::to_string(i) + "]";
      if (m.is_string()) {
        const std::string s = m.get<std::string>();
        size_t sp = s.find(' ');
        if (sp == std::string::npos || sp == 0 || sp + 1 == s.size())
          throw ftl::sdk::io_error(where + ": expected \"left right\"");
        f.merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
      } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        f.merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
      } else {
        throw ftl::sdk::io_error(where + ": expected \"left right\" or [left, right]");
      }
      f.merge_line.push_back(static_cast<uint32_t>(i++));
    }
    if (j.contains("added_tokens") && j["added_tokens"].is_array())
      for (const auto& a : j["added_tokens"])
        f.added.push_back({a.at("content").get<std::string>(), a.at("id").get<int32_t>(), a.value("lstrip", false),
                           a.value("rstrip", false)});
    const auto& pre = j.value("pre_tokenizer", nlohmann::json());
    if (pre.is_object()) {
      if (pre.value("type", "") != "ByteLevel")
        throw ftl::sdk::io_error(path + ": pre_tokenizer.type '" + pre.value("type", "") +
                                 "' is not supported; the bpe plugin implements ByteLevel (GPT-2 regex)");
      f.add_prefix_space = pre.value("add_prefix_space", false);
    }
  } catch (const nlohmann::json::exception& e) {
    throw ftl::sdk::io_error(path + ": not a BPE tokenizer.json (" + e.what() + ")");
  }
  if (f.vocab.empty()) throw ftl::sdk::io_error(path + ": model.vocab is empty");
  return f;
}

std::string merge_where(const Files& f, size_t i) {
  if (f.merge_file.size() >= 14 && f.merge_file.compare(f.merge_file.size() - 14, 14, "tokenizer.json") == 0)
    return f.merge_file + ": model.merges[" + std::to_string(f.merge_line[i]) + "]";
  return f.merge_file + ":" + std::to_string(f.merge_line[i]);
}

Files read_folder(const std::string& dir) {
  const std::string v = dir + "/vocab.json", m = dir + "/merges.txt", j = dir + "/tokenizer.json";
  if (std::filesystem::exists(v) || std::filesystem::exists(m) || !std::filesystem::exists(j))
    return read_vocab_merges(v, m);
  return read_tokenizer_json(j);
}

}  // namespace bpe
