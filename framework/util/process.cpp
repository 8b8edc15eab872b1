// process.cpp - see process.hpp.
#include "util/process.hpp"

#include <dlfcn.h>
#include <malloc.h>

namespace ftl {

void tune_process() {
  using SetThreads = void (*)(int);
  if (auto fn = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) fn(1);
  mallopt(M_MMAP_THRESHOLD, 1 << 30);  // also disables the dynamic threshold
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace ftl
