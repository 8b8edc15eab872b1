// check_model_training.cpp - plugin-check's checks for the model bugs that
// ruin training silently while `ftlab run` exits 0: parameter views that do
// not share storage, zero_grad that clears nothing, gradients overwritten
// instead of accumulated, evaluation that touches gradients, a loss summed
// instead of averaged or not equal to the cross-entropy of the logits,
// padding that changes real tokens' logits, the global generators drawn from
// (ABI rule 6), and the optional step inputs (class_weights, label_smoothing,
// loss_scale) accepted but not honoured. The checks that compare two
// training steps need a deterministic train mode (dropout 0 in the working
// config); with dropout they are reported as skipped, with the reason.
// Limits: float32 CPU parameters only; one fixed tiny batch.
#include "plugincheck/checks.hpp"
#include "plugincheck/model_probe.hpp"

#include <algorithm>
#include <cmath>

namespace ftl::plugincheck {

namespace {

using Grads = std::vector<std::vector<float>>;  // per parameter; empty = no gradient

bool all_zero(const Grads& g) {
  for (const auto& v : g)
    for (float x : v)
      if (x != 0.0f) return false;
  return true;
}

// Largest |a - k b| relative to the size of the values (0 when both are empty).
double grads_diff(const Grads& a, const Grads& b, double k) {
  double num = 0.0, den = 1e-12;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const size_t n = std::max(a[i].size(), b[i].size());
    for (size_t j = 0; j < n; ++j) {
      const double x = j < a[i].size() ? a[i][j] : 0.0, y = j < b[i].size() ? b[i][j] : 0.0;
      num = std::max(num, std::fabs(x - k * y));
      den = std::max(den, std::max(std::fabs(x), std::fabs(k * y)));
    }
  }
  return num / den;
}

void check_views(ModelProbe& m, Report& r) {
  std::string problem;
  for (uint32_t i = 0; i < m.num_params() && problem.empty(); ++i)
    if (!m.param_write_is_seen(i)) problem = "param(" + std::to_string(i) + ") '" + m.param_name(i) + "'";
  r.expect(problem.empty(), "param views share storage: a write through one is seen by the next param() view",
           "rule 'param() hands out a view of the parameter': a write through the view of " + problem +
               " is not seen by the next view, so the host's optimizer updates are lost (flat loss); return a view "
               "sharing storage (from_torch(p.detach()), not a copy)");
  const StepResult before = m.run(m.batch(), false);
  m.perturb_all(+1.0f);
  const StepResult after = m.run(m.batch(), false);
  m.perturb_all(-1.0f);
  r.expect(!before.logits.empty() && before.logits != after.logits,
           "an update through the param views changes the logits",
           "rule 'the host updates parameters through their views': changing every parameter through its view "
           "left the logits unchanged; step must read the same storage param() hands out");
}

// Rule: zero_grad clears, steps accumulate, evaluation leaves gradients alone.
void check_accumulation(ModelProbe& m, bool deterministic, Report& r) {
  m.zero_grad();
  m.run(m.batch(), true);
  m.zero_grad();
  const Grads cleared = m.grads();
  r.expect(all_zero(cleared), "zero_grad clears every gradient",
           "rule 'zero_grad clears the gradients': after step(train) and zero_grad some gradient is still non-zero; "
           "set each gradient to zero (or undefined) in zero_grad");
  m.run(m.batch(), true);
  const Grads g1 = m.grads();
  m.run(m.batch(), false);
  const Grads after_eval = m.grads();
  r.expect(grads_diff(after_eval, g1, 1.0) == 0.0, "step(eval) leaves the gradients untouched",
           "rule 'eval steps do not touch gradients': step(eval) with labels changed the gradients; run the eval "
           "forward without autograd (torch::NoGradGuard) and never call backward there");
  if (!deterministic) {
    r.skip(
        "gradient accumulation check skipped: train mode is not deterministic (dropout?); set dropout to 0 in "
        "the working config (--config) to run it");
    return;
  }
  m.run(m.batch(), true);
  const Grads g2 = m.grads();
  const double d = grads_diff(g2, g1, 2.0);
  r.expect(d <= 1e-4, "gradients accumulate: two steps without zero_grad give twice one step's",
           "rule 'step(train) adds to the gradients until zero_grad': two steps gave " +
               std::string(grads_diff(g2, g1, 1.0) <= 1e-6
                               ? "the same gradients as one (overwritten)"
                               : "not twice one step's (relative error " + std::to_string(d) + ")") +
               "; accumulate (backward adds to .grad) so that gradient accumulation works");
  m.zero_grad();
}

double cross_entropy(const StepResult& s, const std::vector<int64_t>& y, const std::vector<float>& w, double eps) {
  const size_t c = s.logits.size() / y.size();
  double num = 0.0, den = 0.0;
  for (size_t b = 0; b < y.size(); ++b) {
    const float* row = s.logits.data() + b * c;
    double mx = row[0], sum = 0.0, all = 0.0;
    for (size_t k = 0; k < c; ++k) mx = std::max(mx, static_cast<double>(row[k]));
    for (size_t k = 0; k < c; ++k) sum += std::exp(row[k] - mx);
    const double lse = mx + std::log(sum);
    for (size_t k = 0; k < c; ++k) all += lse - row[k];
    const double wy = w.empty() ? 1.0 : w[static_cast<size_t>(y[b])];
    num += wy * ((1.0 - eps) * (lse - row[y[b]]) + eps * all / static_cast<double>(c));
    den += wy;
  }
  return num / den;
}

bool close(double a, double b, double tol) {
  return std::fabs(a - b) <= tol * (1.0 + std::fabs(b));
}

// Rule: *loss is the mean cross-entropy of the logits over the batch.
void check_loss_mean(ModelProbe& m, Report& r) {
  const Batch one = m.batch(), two = m.batch_twice();
  const StepResult a = m.run(one, false), b = m.run(two, false);
  if (!a.ok || !b.ok) {
    r.fail("step(eval) on the batch and on the batch repeated twice failed: " + a.error + b.error);
    return;
  }
  const double ce = cross_entropy(a, one.labels, {}, 0.0);
  r.expect(close(a.loss, ce, 1e-4), "loss equals the mean cross-entropy of the logits (" + std::to_string(ce) + ")",
           "rule 'the loss is the mean cross-entropy over the batch': *loss " + std::to_string(a.loss) +
               " but the cross-entropy of the returned logits is " + std::to_string(ce));
  r.expect(close(b.loss, a.loss, 1e-5), "loss is a batch mean: the batch repeated twice gives the same loss",
           "rule 'the loss is the batch mean': the batch repeated twice gives loss " + std::to_string(b.loss) +
               " instead of " + std::to_string(a.loss) + " (summed over the batch?); use the mean reduction");
}

// Rule: attention_mask = 0 positions do not change the logits of real tokens.
void check_padding(ModelProbe& m, Report& r) {
  const StepResult a = m.run(m.batch(), false), b = m.run(m.batch_other_padding(), false);
  bool same = a.ok && b.ok && a.logits.size() == b.logits.size();
  for (size_t i = 0; same && i < a.logits.size(); ++i) same = close(a.logits[i], b.logits[i], 1e-5);
  r.expect(same, "padding positions (attention_mask 0) do not change the logits",
           "rule 'padding is masked': other token ids at positions with attention_mask 0 changed the logits; apply "
           "attention_mask in attention and pooling");
}

void check_global_rng(ModelProbe& m, bool deterministic, Report& r) {
  if (!m.can_read_global_rng()) return;
  const std::string before = m.global_rng();
  m.run(m.batch(), false);
  if (deterministic) m.run(m.batch(), true);
  m.zero_grad();
  r.expect(m.global_rng() == before,
           std::string("step(eval)") + (deterministic ? " and step(train)" : "") + " leave the global generator alone",
           "rule 6 'plugins never draw from the global generators': a step changed LibTorch's default CPU "
           "generator state; draw from a private generator (at::detail::createCPUGenerator(seed))");
}

// An optional input: refused with FTL_ERR_INVALID_ARGUMENT, or honoured (ok(result)).
template <typename Ok>
void check_optional(const std::string& name, const StepResult& s, Ok ok, const std::string& how, Report& r) {
  if (!s.ok && s.rc == FTL_ERR_INVALID_ARGUMENT) {
    r.pass("optional input '" + name + "' refused with FTL_ERR_INVALID_ARGUMENT (runs that set it fail clearly)");
    return;
  }
  if (!s.ok) {
    r.fail("optional input '" + name + "': step failed with " + s.error +
           "; honour it or refuse it with FTL_ERR_INVALID_ARGUMENT");
    return;
  }
  r.expect(ok(s), "optional input '" + name + "' honoured (" + how + ")",
           "rule 'optional step inputs are honoured or refused': '" + name + "' was accepted but not applied (" + how +
               "); apply it or refuse it with FTL_ERR_INVALID_ARGUMENT");
}

void check_optional_inputs(ModelProbe& m, bool deterministic, Report& r) {
  const Batch b = m.batch();
  std::vector<float> w(static_cast<size_t>(m.num_labels()));
  for (size_t k = 0; k < w.size(); ++k) w[k] = 0.5f + 2.0f * static_cast<float>(k);
  const double wce_plain = cross_entropy(m.run(b, false), b.labels, {}, 0.0);
  StepExtras cw;
  cw.class_weights = w;
  check_optional(
      "class_weights", m.run(b, false, cw),
      [&](const StepResult& s) {
        return close(s.loss, cross_entropy(s, b.labels, w, 0.0), 1e-4) && !close(s.loss, wce_plain, 1e-6);
      },
      "loss = weighted mean cross-entropy", r);
  StepExtras ls;
  ls.label_smoothing = 0.2f;
  check_optional(
      "label_smoothing", m.run(b, false, ls),
      [&](const StepResult& s) { return close(s.loss, cross_entropy(s, b.labels, {}, 0.2), 1e-4); },
      "loss = smoothed cross-entropy, as torch's label_smoothing", r);
  if (!deterministic) {
    r.skip("optional input 'loss_scale' not checked: train mode is not deterministic (dropout?)");
    return;
  }
  m.zero_grad();
  const StepResult plain = m.run(b, true);
  const Grads g1 = m.grads();
  m.zero_grad();
  StepExtras sc;
  sc.loss_scale = 4.0f;
  const StepResult scaled = m.run(b, true, sc);
  const Grads g4 = m.grads();
  m.zero_grad();
  check_optional(
      "loss_scale", scaled,
      [&](const StepResult& s) { return grads_diff(g4, g1, 4.0) <= 1e-4 && close(s.loss, plain.loss, 1e-5); },
      "gradients x 4 for loss_scale 4, the reported loss unscaled", r);
}

}  // namespace

void check_model_training(const ftl_model_vtable* vt, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool,
                          Report& r, bool* deterministic) {
  ModelProbe m(vt, self, cfg, pool, r);
  check_views(m, r);
  *deterministic = m.train_is_deterministic();
  check_accumulation(m, *deterministic, r);
  check_loss_mean(m, r);
  check_padding(m, r);
  check_global_rng(m, *deterministic, r);
  check_optional_inputs(m, *deterministic, r);
  pool.expect_released(r, "step (training checks)", false, /*report_pass=*/false);
}

}  // namespace ftl::plugincheck
