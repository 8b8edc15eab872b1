// run_lock.hpp - one writer per results file: an O_EXCL lock file next to it
// (PATH.lock, holding "pid host"), taken before a run writes anything and
// removed when it ends. HDF5's own locking is often off on NFS and Lustre
// (HDF5_USE_FILE_LOCKING=FALSE), where two runs on one --output destroyed
// each other's files. A lock left by a process that no longer exists on this
// host (SIGKILL, power loss) is taken over; one from another host is not,
// since its process cannot be checked from here: the message says to remove it.
//
// A sweep claims a point's lock before it starts the point's `ftlab run`
// (so two sweeps on one folder never run a point twice) and hands it over:
// the child finds FTLAB_INHERIT_LOCK=<lock path> in its environment and the
// lock naming its parent, and rewrites it with its own pid.
#pragma once

#include <memory>
#include <string>

namespace ftl {

constexpr const char* k_inherit_lock_env = "FTLAB_INHERIT_LOCK";

class RunLock {
 public:
  explicit RunLock(const std::string& results_path);  // throws ftl::Error naming the holder
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  // The lock, or nullptr with *holder set ("pid 123 on host") when a live
  // process holds it. Throws ftl::Error when the lock file cannot be made.
  static std::unique_ptr<RunLock> try_take(const std::string& results_path, std::string* holder);
  const std::string& path() const { return path_; }
  // Stops owning the file (a child took it over); the destructor leaves it.
  void release() { owned_ = false; }

 private:
  RunLock() = default;
  bool take(std::string* holder);  // false when held by a live process
  bool adopt();                    // true when the parent handed this lock over
  std::string path_;
  bool owned_ = false;
};

// "pid 123 on host" when a live process holds PATH.lock, else "".
std::string run_lock_holder(const std::string& results_path);
// Removes PATH.lock if it still names this process (a child that never took it over).
void run_lock_drop_if_mine(const std::string& results_path);

}  // namespace ftl
