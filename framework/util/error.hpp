// error.hpp - the host's one exception type. Every message is one line that
// names the file or key at fault and says what to do; main() prints it as
// "ftlab: error: ..." and exits non-zero.
#pragma once

#include <stdexcept>
#include <string>

namespace ftl {

// Control characters (a newline quoted from a bad TOML value, a NUL from a
// hostile file) become visible, so a message is always one printable line.
inline std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = '?';
  return s;
}

struct Error : std::runtime_error {
  explicit Error(const std::string& msg) : std::runtime_error(one_line(msg)) {}
};

}  // namespace ftl
