// atomic_file.hpp - side outputs (reports, prediction files, small configs)
// written whole or not at all: the text goes to PATH.tmp-<pid>, is flushed
// and renamed over PATH, so a crash, a full disk or a kill never leaves a
// truncated PATH that looks complete. Errors name the path and the OS error.
// Limits: one rename, so PATH and its folder must be on one file system.
#pragma once

#include <string>

namespace ftl {

// Writes text to path atomically; throws ftl::Error (path, OS error) on failure.
// Checks the path with output_path_check first.
void write_file_atomic(const std::string& path, const std::string& text);

// Refuses, naming `what` (e.g. "--output"), a path that cannot be replaced by
// a file: empty, ending in '/', a folder, or a device, FIFO or socket (the
// final rename would replace /dev/null itself when run as root).
void output_path_check(const std::string& path, const std::string& what);

}  // namespace ftl
