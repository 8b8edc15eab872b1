// checkpoint.hpp - the training state and its checkpoint files.
//
// Crash safety (write-then-rename): each checkpoint is a separate HDF5 file
// "<results>.ckpt/checkpoint-<step>.h5", written completely under a ".tmp"
// name, fsync'ed, renamed into place and the folder fsync'ed, so a kill -9 at
// any moment leaves every earlier checkpoint intact and readable. A
// checkpoint holds everything to continue bit-exactly on CPU: weights, AdamW
// moments and step count, the schedule position (global step), LibTorch's
// CPU generator state, the data-order position (epoch, batch in epoch), the
// best-model bookkeeping, and the evaluations and logs recorded so far.
// Uncompressed. At the end of a run the surviving checkpoints are copied into
// the results file under /checkpoints and the .ckpt folder is removed.
#pragma once

#include "results/records.hpp"
#include "train/model.hpp"
#include "train/optim.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace ftl {

struct TrainState {
  int64_t global_step = 0;     // optimizer steps done
  int64_t epoch = 1;           // epoch in progress, 1-based
  int64_t batch_in_epoch = 0;  // micro-batches of that epoch already consumed
  double best_metric = std::nan("");
  int64_t best_step = -1;
  std::string best_checkpoint;  // file name inside the .ckpt folder, "" if none
  int64_t bad_evals = 0;        // evaluations since the best one (early stopping)
  std::string stop_reason;      // "" while running: "completed", "early_stopping"
  double loss_scale = 1.0;      // fp16 dynamic scale; 1 otherwise
  int64_t scale_good_steps = 0;
  std::vector<std::string> checkpoints;  // files alive, oldest first
  std::vector<StepRecord> log;
  std::vector<EvalRecord> evals;
  std::vector<EpochRecord> epochs;
  EpochRecord current{0, 0.0, 0, 0, 0};  // the epoch in progress (so far)
};

// Writes the state to <dir>/checkpoint-<step>.h5 atomically; returns the file name.
std::string write_checkpoint(const std::string& dir, const TrainState& s, Model& model, AdamW& opt,
                             const std::string& experiment_toml, const std::string& results_path);

struct LoadedCheckpoint {
  std::string file;
  std::string experiment_toml;
  std::string results_path;
  TrainState state;
};

// Reads a checkpoint into model and optimizer (in place) and returns the state.
// `path` may be a checkpoint file, a .ckpt folder (newest checkpoint), or the
// results path a run was writing (<out>.h5 or <out>.h5.partial).
LoadedCheckpoint load_checkpoint(const std::string& path, Model& model, AdamW& opt);

// The checkpoint file `path` names (see load_checkpoint), without loading it.
std::string find_checkpoint(const std::string& path);
// Reads only the stored experiment text and results path.
LoadedCheckpoint peek_checkpoint(const std::string& file);

// The folder holding a run's checkpoints.
std::string checkpoint_dir(const std::string& results_path);

}  // namespace ftl
