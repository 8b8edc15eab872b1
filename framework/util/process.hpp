// process.hpp - process-wide settings made once at start-up, before any work.
#pragma once

namespace ftl {

// LibTorch parallelises with its own OpenMP pool; a multi-threaded OpenBLAS
// underneath it oversubscribes the cores (measured 3x slower on 2 cores), so
// OpenBLAS is set to one thread when present. Large freed blocks are kept by
// malloc instead of being returned and re-faulted every step.
void tune_process();

}  // namespace ftl
