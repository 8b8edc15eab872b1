// run_lock.hpp - one writer per results file: an O_EXCL lock file next to it
// (PATH.lock, holding "pid host"), taken before a run writes anything and
// removed when it ends. HDF5's own locking is often off on NFS and Lustre
// (HDF5_USE_FILE_LOCKING=FALSE), where two runs on one --output destroyed
// each other's files. A lock left by a process that no longer exists on this
// host (SIGKILL, power loss) is taken over; one from another host is not,
// since its process cannot be checked from here: the message says to remove it.
#pragma once

#include <string>

namespace ftl {

class RunLock {
 public:
  explicit RunLock(const std::string& results_path);  // throws ftl::Error naming the holder
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  std::string path_;
};

}  // namespace ftl
