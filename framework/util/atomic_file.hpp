// atomic_file.hpp - side outputs (reports, prediction files, small configs)
// written whole or not at all: the text goes to PATH.tmp-<pid>, is flushed
// and renamed over PATH, so a crash, a full disk or a kill never leaves a
// truncated PATH that looks complete. Errors name the path and the OS error.
// Limits: one rename, so PATH and its folder must be on one file system.
#pragma once

#include <string>

namespace ftl {

// Writes text to path atomically; throws ftl::Error (path, OS error) on failure.
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace ftl
