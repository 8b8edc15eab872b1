// wordpiece_vocab.cpp - reading vocab.txt and tokenizer.json for WordPiece.
#include "wordpiece_vocab.hpp"

#include "utf8_repair.hpp"

#include <ftlab/sdk.hpp>

#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace wordpiece {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ftl::sdk::io_error(path + ": cannot open; the tokenizer folder needs vocab.txt or tokenizer.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void add_token(Vocab& v, const std::string& tok, int32_t id) {
  v.ids[tok] = id;  // like Hugging Face: a repeated token keeps its last id
  if (static_cast<size_t>(id) >= v.tokens.size()) v.tokens.resize(static_cast<size_t>(id) + 1);
  v.tokens[static_cast<size_t>(id)] = tok;
}

}  // namespace

Vocab load_vocab_txt(const std::string& path) {
  const std::string text = read_file(path);
  Vocab v;
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (!tok_utf8::is_valid(line))
      throw ftl::sdk::io_error(path + ":" + std::to_string(line_no) + ": not valid UTF-8; is this a vocab.txt?");
    if (line_no > static_cast<size_t>(INT32_MAX)) throw ftl::sdk::io_error(path + ": too many lines");
    add_token(v, line, static_cast<int32_t>(line_no - 1));
  }
  if (v.tokens.empty()) throw ftl::sdk::io_error(path + ": empty; expected one token per line");
  return v;
}

Vocab load_tokenizer_json(const std::string& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw ftl::sdk::io_error(path + ": not valid JSON (" + e.what() + ")");
  }
  const auto& model = j.value("model", nlohmann::json::object());
  if (!model.is_object() || model.value("type", "") != "WordPiece")
    throw ftl::sdk::io_error(path + ": model.type is not \"WordPiece\"; use the bpe plugin for BPE tokenizers");
  const auto& vocab = model.value("vocab", nlohmann::json::object());
  if (!vocab.is_object() || vocab.empty())
    throw ftl::sdk::io_error(path + ": model.vocab must be a non-empty object of token -> id");
  Vocab v;
  for (auto& [tok, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
      throw ftl::sdk::io_error(path + ": model.vocab id of '" + tok + "' is not a non-negative integer");
    add_token(v, tok, id.get<int32_t>());
  }
  v.unk_token = model.value("unk_token", std::string("[UNK]"));
  v.prefix = model.value("continuing_subword_prefix", std::string("##"));
  v.max_input_chars = model.value("max_input_chars_per_word", int64_t{100});
  if (j.contains("added_tokens") && j["added_tokens"].is_array()) {
    for (const auto& a : j["added_tokens"]) {
      if (!a.is_object() || !a.contains("content") || !a.contains("id"))
        throw ftl::sdk::io_error(path + ": added_tokens entries need content and id");
      AddedToken t;
      t.text = a["content"].get<std::string>();
      t.id = a["id"].get<int32_t>();
      t.lstrip = a.value("lstrip", false);
      t.rstrip = a.value("rstrip", false);
      v.added.push_back(t);
      if (v.find(t.text) < 0) add_token(v, t.text, t.id);
    }
  }
  const auto& norm = j.value("normalizer", nlohmann::json());
  if (norm.is_object()) {
    if (norm.value("type", "") != "BertNormalizer")
      throw ftl::sdk::io_error(path + ": normalizer.type '" + norm.value("type", "") +
                               "' is not supported; the wordpiece plugin implements BertNormalizer");
    auto flag = [&](const char* key) -> std::optional<bool> {
      if (norm.contains(key) && norm[key].is_boolean()) return norm[key].get<bool>();
      return std::nullopt;
    };
    v.lowercase = flag("lowercase");
    v.strip_accents = flag("strip_accents");  // null: follows lowercase
    v.clean_text = flag("clean_text");
    v.chinese_chars = flag("handle_chinese_chars");
  }
  return v;
}

Vocab load_vocab(const std::string& dir) {
  const std::string txt = dir + "/vocab.txt";
  if (std::filesystem::exists(txt)) return load_vocab_txt(txt);
  const std::string json = dir + "/tokenizer.json";
  if (std::filesystem::exists(json)) return load_tokenizer_json(json);
  throw ftl::sdk::io_error(dir + ": has neither vocab.txt nor tokenizer.json; point path at a BERT tokenizer folder");
}

}  // namespace wordpiece
