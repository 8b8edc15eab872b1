// text_clean.hpp - the two text transforms of the TweetEval loaders:
// strip_python() trims what Python's str.strip() trims (the Hugging Face
// loader does line.strip()), and cardiff_preprocess() is the Cardiff models'
// preprocessing (space-separated tokens "@x..." -> "@user", "http..." -> "http").
// Nothing else is touched: no HTML unescaping, literal "\n" and tabs stay.
// Limits: input must be UTF-8; invalid bytes at the ends are left in place.
#pragma once

#include <string>
#include <string_view>

namespace tweeteval {

// Trims leading and trailing code points for which Python's str.isspace() is
// true (ASCII whitespace, U+001C..U+001F, U+0085, U+00A0, U+1680,
// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000). U+200B and U+FEFF
// are not whitespace in Python and stay.
std::string_view strip_python(std::string_view s);

// for t in text.split(" "): "@user" if t starts with "@" and is longer than
// one character; "http" if t starts with "http"; joined with " ".
std::string cardiff_preprocess(std::string_view s);

}  // namespace tweeteval
