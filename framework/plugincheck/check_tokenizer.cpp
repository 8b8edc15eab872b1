// check_tokenizer.cpp - plugin-check's tokenizer behaviour checks: vocabulary
// size and pad id, token_to_id refusing an absent token, encode and decode
// (and encode_pair from ABI 1.1, when the slot is present) honouring the
// buffer-too-small protocol with short buffers untouched, ids in range,
// errors leaving outputs untouched, determinism, and concurrent encodes when
// the factory claims FTL_CAP_THREAD_SAFE.
#include "plugincheck/checks.hpp"
#include "plugincheck/probes.hpp"

#include <atomic>
#include <cstring>
#include <thread>

namespace ftl::plugincheck {

namespace {

const char* const k_texts[] = {"Hello world! This is plugin-check.", "",
                               "\xc3\xbcn\xc3\xaf"
                               "c\xc3\xb6"
                               "d\xc3\xa9 \xf0\x9f\x98\x80 and  double  spaces\t",
                               "a much longer text, repeated: the quick brown fox jumps over the lazy dog; "
                               "the quick brown fox jumps over the lazy dog; the quick brown fox jumps over "
                               "the lazy dog; the quick brown fox jumps over the lazy dog; 0123456789 !?"};

// One encode call shape, so the protocol code is shared by encode and encode_pair.
using EncodeFn = int32_t (*)(const ftl_tokenizer_vtable* vt, const ftl_instance* self, const char* text, uint32_t flags,
                             int32_t* ids, int32_t* types, size_t cap, size_t* n, ftl_error* err);

int32_t call_encode(const ftl_tokenizer_vtable* vt, const ftl_instance* self, const char* text, uint32_t flags,
                    int32_t* ids, int32_t*, size_t cap, size_t* n, ftl_error* err) {
  return vt->encode(self, text, std::strlen(text), flags, ids, cap, n, err);
}

int32_t call_encode_pair(const ftl_tokenizer_vtable* vt, const ftl_instance* self, const char* text, uint32_t flags,
                         int32_t* ids, int32_t* types, size_t cap, size_t* n, ftl_error* err) {
  const char* b = "and a second text";
  return vt->encode_pair(self, text, std::strlen(text), b, std::strlen(b), flags, ids, types, cap, n, err);
}

// Runs the protocol on every sample text; returns the ids of each, or a problem.
std::string encode_protocol(const ftl_tokenizer_vtable* vt, const ftl_instance* self, EncodeFn fn, bool types,
                            uint32_t flags, int64_t vocab, std::vector<std::vector<int32_t>>* all, Report& r,
                            const std::string& slot) {
  for (const char* text : k_texts) {
    const std::string at = slot + "(\"" + std::string(text).substr(0, 12) + "...\")";
    int32_t guard = k_sentinel_i32;
    size_t need = k_sentinel_size;
    ftl_error err = fresh_error();
    r.begin(at + " with cap 0");
    int32_t rc = fn(vt, self, text, flags, &guard, types ? &guard : nullptr, 0, &need, &err);
    if (guard != k_sentinel_i32) return at + " with cap 0 wrote to the buffer";
    if (rc == FTL_OK && need == 0) {
      all->emplace_back();
      continue;
    }
    if (rc != FTL_ERR_BUFFER_TOO_SMALL || need == k_sentinel_size || need > 1000000)
      return at + " with cap 0 returned " + describe_error(rc, err) + " and *n_out " + std::to_string(need) +
             "; expected FTL_ERR_BUFFER_TOO_SMALL with *n_out = the size needed";
    std::vector<int32_t> ids(need + 4, k_sentinel_i32), ty(need + 4, k_sentinel_i32);
    size_t n = 0;
    err = fresh_error();
    r.begin(at + " with cap n-1");
    rc = fn(vt, self, text, flags, ids.data(), types ? ty.data() : nullptr, need - 1, &n, &err);
    if (rc != FTL_ERR_BUFFER_TOO_SMALL || n != need)
      return at + " with cap n-1 returned " + describe_error(rc, err) + " and *n_out " + std::to_string(n) + " (need " +
             std::to_string(need) + ")";
    for (size_t i = 0; i < ids.size(); ++i)
      if (ids[i] != k_sentinel_i32 || ty[i] != k_sentinel_i32)
        return at + " with a short buffer wrote to it; on FTL_ERR_BUFFER_TOO_SMALL set only *n_out";
    err = fresh_error();
    r.begin(at + " with cap n+4");
    rc = fn(vt, self, text, flags, ids.data(), types ? ty.data() : nullptr, need + 4, &n, &err);
    if (rc != FTL_OK || n != need)
      return at + " returned " + describe_error(rc, err) + " and *n_out " + std::to_string(n) + " with room for " +
             std::to_string(need + 4) + " (the size query said " + std::to_string(need) + ")";
    for (size_t i = need; i < ids.size(); ++i)
      if (ids[i] != k_sentinel_i32) return at + " wrote past *n_out";
    for (size_t i = 0; i < need; ++i) {
      if (ids[i] < 0 || ids[i] >= vocab)
        return at + " produced id " + std::to_string(ids[i]) + " outside the vocabulary 0.." +
               std::to_string(vocab - 1);
      if (types && ty[i] != 0 && ty[i] != 1) return at + " produced type id " + std::to_string(ty[i]);
    }
    ids.resize(need);
    all->push_back(ids);
  }
  return "";
}

}  // namespace

void check_tokenizer(const ftl_factory& f, ftl_instance* self, const WorkingConfig&, Report& r) {
  const auto* vt = static_cast<const ftl_tokenizer_vtable*>(f.vtable);
  r.begin("vocab_size");
  const int64_t vocab = vt->vocab_size(self);
  if (!r.expect(vocab > 0 && vocab < (int64_t{1} << 31), "vocab_size is " + std::to_string(vocab),
                "vocab_size is " + std::to_string(vocab)))
    return;
  r.begin("pad_id");
  const int32_t pad = vt->pad_id(self);
  r.expect(pad >= 0 && pad < vocab, "pad_id " + std::to_string(pad) + " is inside the vocabulary",
           "pad_id " + std::to_string(pad) + " is outside 0.." + std::to_string(vocab - 1));

  int32_t id = k_sentinel_i32;
  ftl_error err = fresh_error();
  r.begin("token_to_id(absent token)");
  int32_t rc = vt->token_to_id(self, "\x01no such token, says plugin-check\x02", &id, &err);
  std::string problem;
  if (!failed_cleanly(rc, err, &problem))
    r.fail("token_to_id of an absent token: " + problem);
  else
    r.expect(id == k_sentinel_i32, "token_to_id of an absent token fails cleanly, *id untouched",
             "token_to_id of an absent token failed but wrote *id");

  const uint32_t flag_sets[2] = {FTL_ENCODE_ADD_SPECIAL | FTL_ENCODE_TRUNCATE, 0};
  std::vector<std::vector<int32_t>> first, second;
  for (uint32_t flags : flag_sets) {
    problem = encode_protocol(vt, self, call_encode, false, flags, vocab, &first, r, "encode");
    if (!problem.empty()) break;
  }
  if (!r.expect(problem.empty(),
                "encode: buffer-too-small protocol holds for " + std::to_string(std::size(k_texts)) +
                    " texts x 2 flag sets; short buffers untouched; ids in range",
                "encode: " + problem))
    return;
  for (uint32_t flags : flag_sets) encode_protocol(vt, self, call_encode, false, flags, vocab, &second, r, "encode");
  r.expect(first == second, "encode is deterministic", "encode gives different ids for the same text");

  // decode: the protocol on the text buffer, and a bad id refused with outputs untouched.
  std::string decode_problem;
  for (const auto& ids : first) {
    size_t need = k_sentinel_size;
    char guard = 'G';
    err = fresh_error();
    r.begin("decode with cap 0");
    rc = vt->decode(self, ids.data(), ids.size(), 1, &guard, 0, &need, &err);
    if (rc == FTL_OK && need == 0) continue;
    if (rc != FTL_ERR_BUFFER_TOO_SMALL || guard != 'G' || need > 100000000) {
      decode_problem = "decode with cap 0 returned " + describe_error(rc, err) + " (or wrote to the buffer)";
      break;
    }
    std::string text(need + 4, 'G');
    size_t n = 0;
    err = fresh_error();
    r.begin("decode with cap n+4");
    rc = vt->decode(self, ids.data(), ids.size(), 1, text.data(), need + 4, &n, &err);
    if (rc != FTL_OK || n != need || text.compare(need, 4, "GGGG") != 0) {
      decode_problem = "decode with room returned " + describe_error(rc, err) + ", *n_out " + std::to_string(n) +
                       " (size query " + std::to_string(need) + ") or wrote past *n_out";
      break;
    }
  }
  r.expect(decode_problem.empty(), "decode: buffer-too-small protocol holds", "decode: " + decode_problem);
  const int32_t bad_ids[2] = {0, static_cast<int32_t>(std::min<int64_t>(vocab + 1000, INT32_MAX))};
  char text[64];
  std::memset(text, 'G', sizeof text);
  size_t n = k_sentinel_size;
  err = fresh_error();
  r.begin("decode(id outside the vocabulary)");
  rc = vt->decode(self, bad_ids, 2, 0, text, sizeof text, &n, &err);
  bool untouched = n == k_sentinel_size;
  for (char c : text) untouched &= c == 'G';
  if (!failed_cleanly(rc, err, &problem))
    r.fail("decode of an id outside the vocabulary: " + problem);
  else
    r.expect(untouched, "decode of an id outside the vocabulary fails cleanly, outputs untouched",
             "decode of an id outside the vocabulary failed but wrote *n_out or the text buffer");

  // ABI 1.1 slot, optional: present when the vtable is large enough and the slot is set.
  if (FTL_HAS_FIELD(&vt->common, ftl_tokenizer_vtable, encode_pair) && vt->encode_pair != nullptr) {
    std::vector<std::vector<int32_t>> pairs;
    problem = encode_protocol(vt, self, call_encode_pair, true, FTL_ENCODE_ADD_SPECIAL | FTL_ENCODE_TRUNCATE, vocab,
                              &pairs, r, "encode_pair");
    r.expect(problem.empty(), "encode_pair (ABI 1.1): buffer-too-small protocol holds, ids and type ids in range",
             "encode_pair: " + problem);
  } else {
    r.skip("encode_pair (ABI 1.1) not provided");
  }

  if ((f.capabilities & FTL_CAP_THREAD_SAFE) != 0) {
    r.begin("encode from 4 threads");
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (int it = 0; it < 50; ++it)
          for (size_t k = 0; k < std::size(k_texts); ++k) {
            std::vector<int32_t> ids(first[k].size() + 1);
            size_t got = 0;
            ftl_error e = fresh_error();
            int32_t c =
                vt->encode(self, k_texts[k], std::strlen(k_texts[k]), flag_sets[0], ids.data(), ids.size(), &got, &e);
            ids.resize(got);
            if (c != FTL_OK || ids != first[k]) bad.fetch_add(1);
          }
      });
    for (auto& th : threads) th.join();
    r.expect(bad.load() == 0, "FTL_CAP_THREAD_SAFE: 4 threads encoding at once get the serial results",
             "FTL_CAP_THREAD_SAFE: " + std::to_string(bad.load()) + " concurrent encodes failed or differed");
  }
}

}  // namespace ftl::plugincheck
