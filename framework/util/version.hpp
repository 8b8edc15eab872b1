// version.hpp - ftlab's own version (from CMake's project() version).
#pragma once

namespace ftl {
#ifndef FTLAB_VERSION
#define FTLAB_VERSION "0.0.0-unknown"
#endif
constexpr const char* k_ftlab_version = FTLAB_VERSION;
}  // namespace ftl
