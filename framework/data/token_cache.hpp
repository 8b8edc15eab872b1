// token_cache.hpp - an on-disk cache of tokenized dataset splits, so that the
// runs of a sweep tokenize a dataset once. One file per split and key:
// <dir>/<key>.ftltok, where the 128-bit key (XXH3) covers everything that can
// change the ids: the cache format version, the encode flags, the tokenizer
// plugin (factory name, version, and the bytes of its library), the
// tokenizer's TOML table text, the contents of every file the table names
// (a folder: every regular file directly inside it except model weights), and
// the split's texts and labels. Paths and mtimes alone never decide a hit.
// Folder: $FTLAB_CACHE_DIR, "off" disables the cache; else
// $XDG_CACHE_HOME/ftlab/tokens; else ~/.cache/ftlab/tokens.
// Files are written to a temporary name and renamed, and a per-key lock
// (flock) makes concurrent runs of a sweep wait for the one tokenizing; a
// damaged, truncated or foreign file (magic, version, key, sizes, checksum) is
// rebuilt with a one-line warning. Limits: native little-endian layout (other
// machines rebuild); shared libraries the tokenizer links (ICU, PCRE2) are not
// part of the key; a folder's subfolders are not hashed; files are never
// evicted (delete the folder to reclaim space).
#pragma once

#include "data/encode.hpp"

#include <string>

namespace ftl {

// The cache folder from the environment; "" when FTLAB_CACHE_DIR=off.
std::string token_cache_dir();

struct TokenCache {
  std::string dir;             // "" = disabled: every split is tokenized
  std::string tokenizer_hash;  // 32 hex digits: the tokenizer's part of the key
};

// Hashes the tokenizer's identity (see above). table_toml is the tokenizer's
// table without `plugin`; relative paths in it resolve against base_dir.
// Prints one line naming the folder, or saying the cache is off.
TokenCache token_cache_open(const Tokenizer& tok, const std::string& table_toml, const std::string& base_dir,
                            const std::string& dir);

// The key of one split: 32 hex digits.
std::string token_cache_key(const TokenCache& cache, const Dataset& data, int32_t split);

enum class TokenCacheOutcome { off, hit, miss, rebuilt };

// The split from the cache, or tokenized (encode_split) and stored. Logs one
// line "token cache hit|miss|off: <split> ...". Cache I/O problems are warnings.
EncodedSplit token_cache_encode(const TokenCache& cache, const Tokenizer& tok, const Dataset& data, int32_t split,
                                int threads, TokenCacheOutcome* outcome = nullptr);

// File I/O, exposed for tests. read returns false and sets *problem when the
// file is absent ("" then), damaged or written for another key.
bool token_cache_read(const std::string& path, const std::string& key, EncodedSplit& out, std::string* problem);
// Atomic: temporary file + rename. Throws ftl::Error on I/O failure.
void token_cache_write(const std::string& path, const std::string& key, const EncodedSplit& split);

}  // namespace ftl
