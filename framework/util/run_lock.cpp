// run_lock.cpp - see run_lock.hpp.
#include "util/run_lock.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

namespace ftl {

namespace {

std::string host_name() {
  char buf[256] = {0};
  return ::gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("unknown");
}

std::string lock_text(pid_t pid) {
  return std::to_string(pid) + " " + host_name() + "\n";
}

struct Holder {
  long pid = 0;
  std::string host;
};

Holder holder_read(const std::string& path) {
  Holder h;
  std::ifstream(path) >> h.pid >> h.host;
  return h;
}

// True when the lock's holder is a live process (or cannot be checked from here).
bool holder_alive(const Holder& h) {
  if (h.host != host_name() || h.pid <= 0) return true;
  return ::kill(static_cast<pid_t>(h.pid), 0) == 0 || errno == EPERM;
}

std::string holder_name(const Holder& h) {
  return "pid " + std::to_string(h.pid) + " on " + (h.host.empty() ? std::string("an unknown host") : h.host);
}

}  // namespace

bool RunLock::adopt() {
  const char* inherited = std::getenv(k_inherit_lock_env);
  if (inherited == nullptr || path_ != inherited) return false;
  const Holder h = holder_read(path_);
  if (h.host != host_name() || h.pid != static_cast<long>(::getppid())) return false;
  const std::string tmp = path_ + ".tmp." + std::to_string(::getpid()), me = lock_text(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << me;
    if (!out) throw Error(tmp + ": cannot write the run's lock file; check that the output folder is writable");
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0)
    throw Error(path_ + ": cannot take over the sweep's lock (" + std::strerror(errno) + ")");
  ::unsetenv(k_inherit_lock_env);
  owned_ = true;
  return true;
}

bool RunLock::take(std::string* holder) {
  if (adopt()) return true;
  const std::string me = lock_text(::getpid());
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      const bool ok = ::write(fd, me.data(), me.size()) == static_cast<ssize_t>(me.size());
      ::close(fd);
      if (!ok) {
        ::unlink(path_.c_str());
        throw Error(path_ + ": cannot write the run's lock file (" + std::strerror(errno) + ")");
      }
      owned_ = true;
      return true;
    }
    if (errno != EEXIST)
      throw Error(path_ + ": cannot create the run's lock file (" + std::strerror(errno) +
                  "); check that the output folder is writable");
    const Holder h = holder_read(path_);
    if (holder_alive(h)) {
      *holder = holder_name(h);
      return false;
    }
    ::unlink(path_.c_str());  // its process is gone: take the lock over
  }
  *holder = "another process that took it at the same moment";
  return false;
}

RunLock::RunLock(const std::string& results_path) : path_(results_path + ".lock") {
  std::string holder;
  if (!take(&holder))
    throw Error(results_path + ": another ftlab run (" + holder + ") is writing it; wait for it, give " +
                "another --output, or remove " + path_ + " if that run is gone");
}

std::unique_ptr<RunLock> RunLock::try_take(const std::string& results_path, std::string* holder) {
  std::unique_ptr<RunLock> lock(new RunLock());
  lock->path_ = results_path + ".lock";
  if (!lock->take(holder)) return nullptr;
  return lock;
}

RunLock::~RunLock() {
  if (owned_) ::unlink(path_.c_str());
}

std::string run_lock_holder(const std::string& results_path) {
  const std::string path = results_path + ".lock";
  if (::access(path.c_str(), F_OK) != 0) return "";
  const Holder h = holder_read(path);
  return holder_alive(h) ? holder_name(h) : "";
}

void run_lock_drop_if_mine(const std::string& results_path) {
  const std::string path = results_path + ".lock";
  const Holder h = holder_read(path);
  if (h.pid == static_cast<long>(::getpid()) && h.host == host_name()) ::unlink(path.c_str());
}

}  // namespace ftl
