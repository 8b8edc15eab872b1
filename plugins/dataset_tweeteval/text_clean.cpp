// text_clean.cpp - see text_clean.hpp.
#include "text_clean.hpp"

#include <cstdint>

namespace tweeteval {

namespace {

bool is_python_space(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

// Decodes the code point starting at s[i]; returns its byte length (0 if invalid).
size_t decode_at(std::string_view s, size_t i, uint32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t c = n == 1 ? b0 : n == 2 ? (b0 & 0x1Fu) : n == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b >> 6) != 0x2) return 0;
    c = (c << 6) | (b & 0x3Fu);
  }
  *cp = c;
  return n;
}

}  // namespace

std::string_view strip_python(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    uint32_t cp = 0;
    size_t n = decode_at(s, begin, &cp);
    if (n == 0 || !is_python_space(cp)) break;
    begin += n;
  }
  size_t end = s.size();
  while (end > begin) {
    size_t start = end - 1;  // back up to the lead byte of the last code point
    while (start > begin && (static_cast<unsigned char>(s[start]) >> 6) == 0x2 && end - start < 4) --start;
    uint32_t cp = 0;
    size_t n = decode_at(s, start, &cp);
    if (n != end - start || !is_python_space(cp)) break;
    end = start;
  }
  return s.substr(begin, end - begin);
}

std::string cardiff_preprocess(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t start = 0;
  while (true) {
    size_t sp = s.find(' ', start);
    std::string_view t = s.substr(start, sp == std::string_view::npos ? std::string_view::npos : sp - start);
    if (t.size() > 1 && t[0] == '@')
      t = "@user";
    else if (t.substr(0, 4) == "http")
      t = "http";
    out.append(t);
    if (sp == std::string_view::npos) break;
    out.push_back(' ');
    start = sp + 1;
  }
  return out;
}

}  // namespace tweeteval
