// atomic_file.cpp - see atomic_file.hpp.
#include "util/atomic_file.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <unistd.h>

namespace ftl {

void output_path_check(const std::string& path, const std::string& what) {
  if (path.empty()) throw Error(what + ": empty path; give a file name");
  if (path.back() == '/') throw Error(what + " " + path + ": names a folder; give a file name inside it");
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (st.type() == std::filesystem::file_type::directory)
    throw Error(what + " " + path + ": is a folder; give a file name");
  if (std::filesystem::exists(st) && st.type() != std::filesystem::file_type::regular)
    throw Error(what + " " + path +
                ": not a regular file (a device, FIFO or socket), which this would replace; give a file path");
}

void write_file_atomic(const std::string& path, const std::string& text) {
  output_path_check(path, "output");
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path + ": cannot write (" + std::strerror(errno) + "); check that the folder exists");
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(n < 0 ? errno : ENOSPC);
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error(path + ": cannot write (" + why + "); nothing was written there");
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  const int sync_errno = errno;
  if (::close(fd) != 0 || !synced) {
    const std::string why = std::strerror(synced ? errno : sync_errno);
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot write (" + why + "); nothing was written there");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw Error(path + ": cannot replace (" + why + ")");
  }
}

}  // namespace ftl
