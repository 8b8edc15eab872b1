// bpe_model.cpp - loading GPT-2 style BPE files and merging a word's bytes.
#include "bpe_model.hpp"

#include <ftlab/sdk.hpp>

#include <climits>
#include <fstream>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

namespace bpe {

namespace {

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes the next code point of a valid UTF-8 string at s[i], advancing i.
uint32_t next_code_point(const std::string& s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
  uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
  i += n;
  return cp;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ftl::sdk::io_error(path + ": cannot open; the tokenizer folder needs vocab.json and merges.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Model::Model(const std::string& dir) {
  // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest
  // map to code points from 256 up, in byte order.
  uint32_t next = 256;
  for (uint32_t b = 0; b < 256; ++b) {
    bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    uint32_t cp = printable ? b : next++;
    append_utf8(cp, byte_to_unicode_[b]);
    unicode_to_byte_[cp] = static_cast<uint8_t>(b);
  }

  const std::string vocab_path = dir + "/vocab.json";
  nlohmann::json vocab;
  try {
    vocab = nlohmann::json::parse(read_file(vocab_path));
  } catch (const nlohmann::json::exception& e) {
    throw ftl::sdk::io_error(vocab_path + ": not valid JSON (" + e.what() + ")");
  }
  if (!vocab.is_object() || vocab.empty())
    throw ftl::sdk::io_error(vocab_path + ": expected a JSON object of token -> id");
  for (auto& [tok, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
      throw ftl::sdk::io_error(vocab_path + ": id of '" + tok + "' is not a non-negative integer");
    auto i = id.get<int32_t>();
    vocab_[tok] = i;
    if (static_cast<size_t>(i) >= id_to_token_.size()) id_to_token_.resize(static_cast<size_t>(i) + 1);
    id_to_token_[static_cast<size_t>(i)] = tok;
  }

  const std::string merges_path = dir + "/merges.txt";
  std::istringstream merges(read_file(merges_path));
  std::string line;
  int32_t rank = 0;
  size_t line_no = 0;
  while (std::getline(merges, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line_no == 1 && line.rfind("#version", 0) == 0)) continue;
    size_t sp = line.find(' ');
    if (sp == std::string::npos || sp == 0 || sp + 1 == line.size())
      throw ftl::sdk::io_error(merges_path + ":" + std::to_string(line_no) +
                               ": expected two tokens separated by one space");
    merge_rank_.emplace(line, rank++);
  }
  if (merge_rank_.empty()) throw ftl::sdk::io_error(merges_path + ": no merges found");
}

int32_t Model::find(const std::string& token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

void Model::encode_word(std::string_view word, std::vector<int32_t>& out) const {
  std::string key(word);
  {
    std::shared_lock lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  // Symbols start as one stand-in character per byte.
  std::vector<std::string> symbols;
  symbols.reserve(word.size());
  for (unsigned char c : word) symbols.push_back(byte_to_unicode_[c]);

  // Repeatedly merge the adjacent pair with the lowest rank.
  std::string pair;
  while (symbols.size() > 1) {
    int32_t best_rank = INT32_MAX;
    size_t best = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      pair.assign(symbols[i]).append(" ").append(symbols[i + 1]);
      auto it = merge_rank_.find(pair);
      if (it != merge_rank_.end() && it->second < best_rank) {
        best_rank = it->second;
        best = i;
      }
    }
    if (best_rank == INT32_MAX) break;
    // Merge every occurrence of the best pair, left to right.
    const std::string left = symbols[best], right = symbols[best + 1];
    std::vector<std::string> merged;
    merged.reserve(symbols.size());
    for (size_t i = 0; i < symbols.size(); ++i) {
      if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
        merged.push_back(left + right);
        ++i;
      } else {
        merged.push_back(std::move(symbols[i]));
      }
    }
    symbols.swap(merged);
  }

  std::vector<int32_t> ids;
  ids.reserve(symbols.size());
  for (const auto& s : symbols) {
    auto it = vocab_.find(s);
    if (it != vocab_.end()) {
      ids.push_back(it->second);
    } else {  // a vocabulary without all 256 byte symbols: fall back to single bytes
      size_t i = 0;
      while (i < s.size()) {
        size_t start = i;
        next_code_point(s, i);
        auto b = vocab_.find(s.substr(start, i - start));
        if (b == vocab_.end())
          throw ftl::sdk::data_error("vocab.json has no entry for byte symbol '" + s.substr(start, i - start) + "'");
        ids.push_back(b->second);
      }
    }
  }
  out.insert(out.end(), ids.begin(), ids.end());
  std::unique_lock lock(cache_mutex_);
  if (cache_.size() > 500000) cache_.clear();  // bound memory on huge corpora
  cache_.emplace(std::move(key), std::move(ids));
}

bool Model::decode_token(int32_t id, std::string& out) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size()) return false;
  const std::string& s = id_to_token_[static_cast<size_t>(id)];
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = next_code_point(s, i);
    auto it = unicode_to_byte_.find(cp);
    if (it != unicode_to_byte_.end()) {
      out += static_cast<char>(it->second);
    } else {
      append_utf8(cp, out);  // added tokens such as "<s>" are plain text
    }
  }
  return true;
}

}  // namespace bpe
