// error.hpp - the host's one exception type. Every message is one line that
// names the file or key at fault and says what to do; main() prints it as
// "ftlab: error: ..." and exits non-zero.
#pragma once

#include <stdexcept>
#include <string>

namespace ftl {

struct Error : std::runtime_error {
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

}  // namespace ftl
