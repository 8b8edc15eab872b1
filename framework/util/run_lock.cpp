// run_lock.cpp - see run_lock.hpp.
#include "util/run_lock.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace ftl {

namespace {

std::string host_name() {
  char buf[256] = {0};
  return ::gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("unknown");
}

// True when the lock's holder is a live process (or cannot be checked from here).
bool holder_alive(const std::string& host, long pid) {
  if (host != host_name() || pid <= 0) return true;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

RunLock::RunLock(const std::string& results_path) : path_(results_path + ".lock") {
  const std::string me = std::to_string(::getpid()) + " " + host_name() + "\n";
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      const bool ok = ::write(fd, me.data(), me.size()) == static_cast<ssize_t>(me.size());
      ::close(fd);
      if (!ok) {
        ::unlink(path_.c_str());
        throw Error(path_ + ": cannot write the run's lock file (" + std::strerror(errno) + ")");
      }
      return;
    }
    if (errno != EEXIST)
      throw Error(path_ + ": cannot create the run's lock file (" + std::strerror(errno) +
                  "); check that the output folder is writable");
    long pid = 0;
    std::string host;
    std::ifstream(path_) >> pid >> host;
    if (holder_alive(host, pid))
      throw Error(results_path + ": another ftlab run (pid " + std::to_string(pid) + " on " +
                  (host.empty() ? std::string("an unknown host") : host) + ") is writing it; wait for it, give " +
                  "another --output, or remove " + path_ + " if that run is gone");
    ::unlink(path_.c_str());  // its process is gone: take the lock over
  }
  throw Error(path_ + ": another run took the lock at the same moment; try again");
}

RunLock::~RunLock() {
  ::unlink(path_.c_str());
}

}  // namespace ftl
