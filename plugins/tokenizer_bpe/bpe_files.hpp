// bpe_files.hpp - reading a byte-level BPE tokenizer folder: vocab.json +
// merges.txt (preferred: the hub's canonical files, fastest to load), or
// tokenizer.json (model.vocab, model.merges as "a b" strings or [a, b] pairs,
// added_tokens with their lstrip/rstrip flags, ByteLevel add_prefix_space).
// Errors name the file and, for merges.txt, the line. vocab.json is parsed
// with nlohmann's SAX interface straight into the map (no DOM).
#pragma once

#include "added_tokens.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bpe {

struct Files {
  std::unordered_map<std::string, int32_t> vocab;
  std::vector<std::pair<std::string, std::string>> merges;
  std::vector<uint32_t> merge_line;      // line (merges.txt) or index (tokenizer.json) of each merge
  std::string merge_file;                // where the merges came from
  std::vector<tok_added::Token> added;   // tokenizer.json only
  std::optional<bool> add_prefix_space;  // tokenizer.json only
  std::string source;                    // the file(s) read, for messages
};

// "merges.txt:12" or "tokenizer.json: model.merges[11]" for merge i.
std::string merge_where(const Files& f, size_t i);

// dir/vocab.json + dir/merges.txt when both exist, else dir/tokenizer.json.
Files read_folder(const std::string& dir);
Files read_vocab_merges(const std::string& vocab_path, const std::string& merges_path);
Files read_tokenizer_json(const std::string& path);

}  // namespace bpe
