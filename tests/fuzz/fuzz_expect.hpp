// fuzz_expect.hpp - the property the host's fuzzers check on every reader:
// it succeeds or throws ftl::Error with a one-line message. Another exception
// escapes (libFuzzer reports it); a multi-line message aborts.
#pragma once

#include "util/error.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

template <typename F>
void expect_error_or_success(F f) {
  try {
    f();
  } catch (const ftl::Error& e) {
    if (std::strchr(e.what(), '\n') != nullptr) {
      std::fprintf(stderr, "message of more than one line: %s\n", e.what());
      std::abort();
    }
  }
}
