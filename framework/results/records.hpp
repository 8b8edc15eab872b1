// records.hpp - what a run produces, as plain structs, and their HDF5 form.
// The results writer and the checkpoint files share these readers/writers so
// a resumed run carries forward exactly what the interrupted one recorded.
#pragma once

#include "results/h5.hpp"

#include <string>
#include <utility>
#include <vector>

namespace ftl {

struct EvalRecord {
  std::string split;          // "validation" or "test"
  std::string tag;            // "epoch_1", "step_400", "final"
  double epoch = 0;           // fractional epoch at which it ran
  int64_t step = 0;           // optimizer steps done when it ran
  std::vector<float> logits;  // [N, C] row-major, dataset order
  std::vector<int64_t> labels;
  int64_t n = 0, c = 0;
  std::vector<std::pair<std::string, double>> metrics;
  struct Table {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<double> values;
    bool integer = false;
  };
  std::vector<Table> tables;
  double loss = 0.0;
  double seconds = 0.0;
};

struct StepRecord {
  int64_t step;
  double epoch;
  float loss;
  double learning_rate;
  float grad_norm;   // before clipping
  float loss_scale;  // fp16 dynamic loss scale (1 otherwise)
  int32_t skipped;   // 1 when fp16 overflow skipped the update
};

struct EpochRecord {
  int64_t epoch;
  double seconds;
  int64_t samples;
  int64_t tokens;       // real tokens
  int64_t token_slots;  // tokens including padding
  double samples_per_second() const { return seconds > 0 ? samples / seconds : 0.0; }
  double tokens_per_second() const { return seconds > 0 ? tokens / seconds : 0.0; }
  double padded_fraction() const { return token_slots > 0 ? 1.0 - double(tokens) / double(token_slots) : 0.0; }
};

// "a\nb" -> {"a", "b"}: how lists of names are stored in string attributes.
std::vector<std::string> split_lines(const std::string& s);

// group: logits, labels, tables as datasets; metrics and the rest as attributes.
// read_eval checks the predictions' shapes and labels (check_predictions);
// where ("FILE: eval/test/final") names the group in its errors.
void write_eval(hid_t group, const EvalRecord& r);
EvalRecord read_eval(hid_t group, const std::string& where);

// Stored predictions as every reader checks them before use: logits [N, C]
// with C >= 1, labels [N], each label in -1..C-1 (-1: no gold label). Throws
// ftl::Error naming where and the dataset at fault.
void check_predictions(const std::string& where, const std::vector<int64_t>& logits_shape,
                       const std::vector<int64_t>& labels);
// Every logit finite, for readers that score or chart them (report, compare,
// score): NaN or inf is an error naming where, the count and the first row.
void check_finite_logits(const std::string& where, const std::vector<float>& logits, int64_t c);

// group: step, epoch, loss, learning_rate, grad_norm, loss_scale, skipped [S].
void write_step_log(hid_t group, const std::vector<StepRecord>& steps);
std::vector<StepRecord> read_step_log(hid_t group);

// group: epoch, seconds, samples, tokens, token_slots, samples_per_second,
// tokens_per_second, padded_fraction [E].
void write_epoch_log(hid_t group, const std::vector<EpochRecord>& epochs);
std::vector<EpochRecord> read_epoch_log(hid_t group);

}  // namespace ftl
