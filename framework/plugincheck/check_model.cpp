// check_model.cpp - plugin-check's model behaviour checks: parameters (names,
// no-decay flags, well-formed views released once), out-of-range requests
// failing cleanly, step in eval and train mode with tracked inputs (each
// released exactly once, also when step fails), the outputs' buffer-too-small
// protocol, logits [B, C] float32, a finite training loss, gradients after
// backward (and against central finite differences of the eval-mode loss),
// zero_grad; then the training checks (check_model_training.cpp). Inputs: input_ids [B, T] int64 inside the
// host-injected vocab_size, attention_mask [B, T], labels [B] inside num_labels.
#include "plugincheck/checks.hpp"
#include "plugincheck/model_probe.hpp"
#include "plugincheck/probes.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace ftl::plugincheck {

namespace {

constexpr int64_t B = 2, T = 8;

struct Inputs {
  std::vector<ftl_named_tensor> named;
};

Inputs make_inputs(TensorPool& pool, const WorkingConfig& cfg, bool labels, const char* extra_name = nullptr) {
  std::vector<int64_t> ids(B * T), mask(B * T, 1), y(B);
  for (int64_t i = 0; i < B * T; ++i) ids[i] = (i * 13 + 5) % cfg.vocab_size;
  for (int64_t t = T - 2; t < T; ++t) {  // pad the end of the second row
    ids[T + t] = cfg.pad_token_id;
    mask[T + t] = 0;
  }
  for (int64_t b = 0; b < B; ++b) y[b] = b % cfg.num_labels;
  Inputs in;
  in.named.push_back({"input_ids", &pool.make_i64("input_ids", {B, T}, ids)->t});
  in.named.push_back({"attention_mask", &pool.make_i64("attention_mask", {B, T}, mask)->t});
  if (labels) in.named.push_back({"labels", &pool.make_i64("labels", {B}, y)->t});
  if (extra_name != nullptr) in.named.push_back({extra_name, &pool.make_i64(extra_name, {B}, y)->t});
  return in;
}

ftl_step_args args_of(const Inputs& in, int32_t train) {
  ftl_step_args a{};
  a.struct_size = sizeof a;
  a.inputs = in.named.data();
  a.n_inputs = static_cast<uint32_t>(in.named.size());
  a.train = train;
  a.stream = nullptr;
  return a;
}

// One step with the size query first; returns the loss or NaN; reports problems.
bool run_step(const ftl_model_vtable* vt, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool, int32_t train,
              double* loss_out, Report& r) {
  const std::string mode = train ? "train" : "eval";
  Inputs in = make_inputs(pool, cfg, train != 0);
  ftl_step_args a = args_of(in, train);
  ftl_named_tensor guard{k_sentinel_text, nullptr};
  uint32_t need = 0xFFFFFFFFu;
  double loss = -1234.5;
  ftl_error err = fresh_error();
  r.begin("step(" + mode + ") with cap 0");
  int32_t rc = vt->step(self, &a, &guard, 0, &need, &loss, &err);
  pool.expect_released(r, "step(" + mode + ", cap 0)", false);
  uint32_t cap = 1;
  if (rc == FTL_ERR_BUFFER_TOO_SMALL && need >= 1 && need < 1000) {
    r.expect(guard.name == k_sentinel_text && guard.tensor == nullptr && loss == -1234.5,
             "step(" + mode + ") with cap 0: FTL_ERR_BUFFER_TOO_SMALL, *n_out " + std::to_string(need) +
                 ", outputs untouched",
             "step(" + mode + ") with cap 0 wrote outputs or *loss; on an error set only *n_out");
    cap = need;
  } else {
    r.fail("step(" + mode + ") with cap 0 returned " + describe_error(rc, err) + " and *n_out " + std::to_string(need) +
           "; expected FTL_ERR_BUFFER_TOO_SMALL with *n_out = the number of outputs");
    if (rc == FTL_OK && guard.tensor != nullptr) take_output_tensor(guard.tensor);
  }

  in = make_inputs(pool, cfg, train != 0);
  a = args_of(in, train);
  std::vector<ftl_named_tensor> out(cap + 1, ftl_named_tensor{k_sentinel_text, nullptr});
  uint32_t n = 0;
  err = fresh_error();
  r.begin("step(" + mode + ")");
  rc = vt->step(self, &a, out.data(), cap + 1, &n, &loss, &err);
  pool.expect_released(r, "step(" + mode + ")", false);
  if (rc != FTL_OK || n == 0 || n > cap) {
    r.fail("step(" + mode + ") returned " + describe_error(rc, err) + " with *n_out " + std::to_string(n));
    return false;
  }
  bool logits_ok = false;
  std::string problems;
  for (uint32_t i = 0; i < n; ++i) {
    const std::string name = out[i].name ? out[i].name : "(NULL name)";
    int32_t ndim = 0;
    std::vector<int64_t> shape;
    DLDataType dtype{};
    r.begin("releasing output '" + name + "'");
    std::string p = take_output_tensor(out[i].tensor, &ndim, &shape, &dtype);
    if (!p.empty()) problems += name + ": " + p + "; ";
    if (name == "logits" && p.empty())
      logits_ok =
          ndim == 2 && shape[0] == B && shape[1] == cfg.num_labels && dtype.code == kDLFloat && dtype.bits == 32;
  }
  r.expect(problems.empty(), "step(" + mode + "): " + std::to_string(n) + " outputs well-formed, each released once",
           "step(" + mode + "): " + problems);
  r.expect(logits_ok,
           "step(" + mode + "): logits [" + std::to_string(B) + ", " + std::to_string(cfg.num_labels) + "] float32",
           "step(" + mode + "): no output 'logits' of shape [B, num_labels] float32");
  *loss_out = loss;
  return true;
}

// Loss of one step on the fixed batch with labels; outputs released. NaN on failure.
double batch_loss(const ftl_model_vtable* vt, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool,
                  int32_t train) {
  Inputs in = make_inputs(pool, cfg, true);
  ftl_step_args a = args_of(in, train);
  ftl_named_tensor out[8];
  uint32_t n = 0;
  double loss = std::nan("");
  ftl_error err = fresh_error();
  if (vt->step(self, &a, out, 8, &n, &loss, &err) != FTL_OK) return std::nan("");
  for (uint32_t i = 0; i < n && i < 8; ++i) take_output_tensor(out[i].tensor);
  return loss;
}

// ABI 1.2: with FTL_STEP_LOSS_TENSOR the loss comes back as output "loss" []
// float32 and *loss is NaN; a plugin that ignores the flag (older ABI) reports
// *loss as usual. Either way the value equals a step without the flag (eval).
void check_loss_tensor(const ftl_model_vtable* vt, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool,
                       Report& r) {
  const double ref = batch_loss(vt, self, cfg, pool, 0);
  Inputs in = make_inputs(pool, cfg, true);
  ftl_step_args a = args_of(in, 0);
  a.flags = FTL_STEP_LOSS_TENSOR;
  ftl_named_tensor out[8];
  uint32_t n = 0;
  double loss = -1234.5;
  ftl_error err = fresh_error();
  r.begin("step(eval) with FTL_STEP_LOSS_TENSOR");
  const int32_t rc = vt->step(self, &a, out, 8, &n, &loss, &err);
  pool.expect_released(r, "step(eval, FTL_STEP_LOSS_TENSOR)", false);
  if (rc != FTL_OK) {
    r.fail("step(eval) with FTL_STEP_LOSS_TENSOR returned " + describe_error(rc, err));
    return;
  }
  bool found = false, shape_ok = false;
  double value = std::nan("");
  for (uint32_t i = 0; i < n && i < 8; ++i) {
    const bool is_loss = out[i].name != nullptr && std::string(out[i].name) == "loss";
    if (is_loss && out[i].tensor != nullptr && out[i].tensor->dl_tensor.device.device_type == kDLCPU &&
        out[i].tensor->dl_tensor.dtype.code == kDLFloat && out[i].tensor->dl_tensor.dtype.bits == 32)
      value = *tensor_element(out[i].tensor, 0);
    int32_t ndim = -1;
    std::vector<int64_t> shape;
    DLDataType dtype{};
    take_output_tensor(out[i].tensor, &ndim, &shape, &dtype);
    if (is_loss) {
      found = true;
      shape_ok = (ndim == 0 || (ndim == 1 && shape[0] == 1)) && dtype.code == kDLFloat && dtype.bits == 32;
    }
  }
  const auto close = [&](double v) { return std::fabs(v - ref) <= 1e-5 * (1.0 + std::fabs(ref)); };
  if (found)
    r.expect(shape_ok && std::isnan(loss) && close(value),
             "FTL_STEP_LOSS_TENSOR: output 'loss' [] float32 = " + std::to_string(value) + ", *loss NaN",
             "FTL_STEP_LOSS_TENSOR: output 'loss' must be [] float32 equal to the loss without the flag (" +
                 std::to_string(ref) + ", got " + std::to_string(value) + ") and *loss NaN (got " +
                 std::to_string(loss) + ")");
  else if (!close(loss))
    r.fail("FTL_STEP_LOSS_TENSOR ignored but *loss " + std::to_string(loss) + " differs from " + std::to_string(ref));
  else if (cfg.abi_minor < 2)
    r.pass("FTL_STEP_LOSS_TENSOR ignored, as a plugin built for ABI 1." + std::to_string(cfg.abi_minor) +
           " may: *loss " + std::to_string(loss));
  else
    r.warn("FTL_STEP_LOSS_TENSOR ignored although the plugin was built for ABI 1." + std::to_string(cfg.abi_minor) +
           ": the host then reads *loss, which waits for the device every step; return output 'loss' "
           "(ftlab/model.hpp does)");
}

// Gradients of step(train) against central finite differences of the loss,
// at the largest-gradient entry of up to three parameters: a failure when
// train mode is deterministic; with dropout they disagree by design (a warning).
void check_gradients(const ftl_model_vtable* vt, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool,
                     uint32_t np, bool deterministic, Report& r) {
  ftl_error err = fresh_error();
  r.begin("gradient check: zero_grad + step(train)");
  if (vt->zero_grad(self, &err) != FTL_OK || std::isnan(batch_loss(vt, self, cfg, pool, 1))) return;
  int checked = 0;
  double worst = 0.0;
  std::string detail;
  const uint32_t picks[3] = {0, np / 2, np - 1};
  for (uint32_t pi = 0; pi < 3 && np > 0; ++pi) {
    const uint32_t i = picks[pi];
    if (pi > 0 && i == picks[pi - 1]) continue;
    ftl_tensor* g = nullptr;
    const char* name = nullptr;
    int32_t no_decay = 0;
    ftl_tensor* p = nullptr;
    err = fresh_error();
    r.begin("gradient check: grad(" + std::to_string(i) + ")");
    if (vt->grad(self, i, &g, &err) != FTL_OK || g == nullptr) continue;
    err = fresh_error();
    if (vt->param(self, i, &name, &no_decay, &p, &err) != FTL_OK || p == nullptr) {
      take_output_tensor(g);
      continue;
    }
    const DLTensor& gd = g->dl_tensor;
    const DLTensor& pd = p->dl_tensor;
    bool usable = gd.device.device_type == kDLCPU && pd.device.device_type == kDLCPU && gd.dtype.code == kDLFloat &&
                  gd.dtype.bits == 32 && pd.dtype.code == kDLFloat && pd.dtype.bits == 32 && gd.ndim == pd.ndim;
    int64_t numel = 1;
    for (int32_t k = 0; usable && k < pd.ndim; ++k) {
      usable = gd.shape[k] == pd.shape[k];
      numel *= pd.shape[k];
    }
    if (usable && numel > 0) {
      int64_t best = 0;
      for (int64_t j = 0; j < numel; ++j)
        if (std::fabs(*tensor_element(g, j)) > std::fabs(*tensor_element(g, best))) best = j;
      const double analytic = *tensor_element(g, best);
      float* w = tensor_element(p, best);
      const float saved = *w;
      const float eps = 1e-2f * std::max(1.0f, std::fabs(saved));
      r.begin("gradient check: loss at param(" + std::to_string(i) + ") +/- eps");
      *w = saved + eps;
      const double up = batch_loss(vt, self, cfg, pool, 0);
      *w = saved - eps;
      const double down = batch_loss(vt, self, cfg, pool, 0);
      *w = saved;
      const double numeric = (up - down) / (2.0 * static_cast<double>(eps));
      const double err_rel = std::fabs(numeric - analytic) / std::max(1e-3, std::fabs(numeric) + std::fabs(analytic));
      worst = std::max(worst, err_rel);
      detail += std::string(detail.empty() ? "" : "; ") + (name ? name : "?") + "[" + std::to_string(best) +
                "]: grad " + std::to_string(analytic) + ", finite difference " + std::to_string(numeric);
      ++checked;
    }
    take_output_tensor(g);
    take_output_tensor(p);
  }
  err = fresh_error();
  vt->zero_grad(self, &err);
  pool.expect_released(r, "step (gradient check)", false, /*report_pass=*/false);
  if (checked == 0) {
    r.skip("gradient check: no float32 CPU parameter with a gradient to check");
  } else if (worst <= 0.05) {
    r.pass("gradients match central finite differences of the eval-mode loss (" + detail + ")");
  } else if (deterministic) {
    r.fail(
        "rule 'grad() is the gradient of the loss': gradients differ from central finite differences of the "
        "eval-mode loss (" +
        detail +
        ") although train mode is deterministic; check the backward pass and "
        "any scaling of the loss or gradients");
  } else {
    r.warn("gradients differ from central finite differences of the eval-mode loss (" + detail +
           "); expected if train mode uses dropout (set it to 0 in --config to compare), else a backward bug");
  }
}

}  // namespace

void check_model(const ftl_factory& f, ftl_instance* self, const WorkingConfig& cfg, TensorPool& pool, Report& r) {
  const auto* vt = static_cast<const ftl_model_vtable*>(f.vtable);
  r.begin("num_params");
  const uint32_t np = vt->num_params(self);
  if (np == 0) r.warn("num_params is 0: nothing to train");

  std::set<std::string> names;
  std::string problem;
  for (uint32_t i = 0; i < np && problem.empty(); ++i) {
    const char* name = nullptr;
    int32_t no_decay = -1;
    ftl_tensor* t = nullptr;
    ftl_error err = fresh_error();
    r.begin("param(" + std::to_string(i) + ")");
    int32_t rc = vt->param(self, i, &name, &no_decay, &t, &err);
    if (rc != FTL_OK) {
      problem = "param(" + std::to_string(i) + ") returned " + describe_error(rc, err);
      break;
    }
    DLDataType dtype{};
    std::string p = take_output_tensor(t, nullptr, nullptr, &dtype);
    if (!p.empty())
      problem = "param(" + std::to_string(i) + "): " + p;
    else if (dtype.code != kDLFloat && dtype.code != kDLBfloat)
      problem = "param(" + std::to_string(i) + ") is not a floating-point tensor";
    else if (name == nullptr || name[0] == '\0' || !names.insert(name).second)
      problem = "param(" + std::to_string(i) + ") has an empty or repeated name";
    else if (no_decay != 0 && no_decay != 1)
      problem = "param(" + std::to_string(i) + ") set no_decay to " + std::to_string(no_decay) + "; use 0 or 1";
  }
  r.expect(problem.empty(),
           "param: " + std::to_string(np) + " named, well-formed floating-point views, each released once", problem);

  {
    const char* name = k_sentinel_text;
    int32_t no_decay = k_sentinel_i32;
    ftl_tensor* t = reinterpret_cast<ftl_tensor*>(const_cast<char*>(k_sentinel_text));
    ftl_error err = fresh_error();
    r.begin("param(num_params)");
    int32_t rc = vt->param(self, np, &name, &no_decay, &t, &err);
    if (!failed_cleanly(rc, err, &problem))
      r.fail("param(num_params): " + problem);
    else
      r.expect(name == k_sentinel_text && no_decay == k_sentinel_i32 &&
                   t == reinterpret_cast<ftl_tensor*>(const_cast<char*>(k_sentinel_text)),
               "param(num_params) fails cleanly, outputs untouched", "param(num_params) failed but wrote outputs");
  }

  double loss = 0;
  run_step(vt, self, cfg, pool, 0, &loss, r);
  check_loss_tensor(vt, self, cfg, pool, r);
  if (run_step(vt, self, cfg, pool, 1, &loss, r))
    r.expect(std::isfinite(loss) && loss >= 0, "step(train): loss " + std::to_string(loss) + " is finite",
             "step(train): loss " + std::to_string(loss) + " is not a finite non-negative number");

  uint32_t with_grad = 0;
  problem.clear();
  for (uint32_t i = 0; i < np && problem.empty(); ++i) {
    ftl_tensor* g = nullptr;
    ftl_error err = fresh_error();
    r.begin("grad(" + std::to_string(i) + ")");
    int32_t rc = vt->grad(self, i, &g, &err);
    if (rc != FTL_OK)
      problem = "grad(" + std::to_string(i) + ") returned " + describe_error(rc, err);
    else if (g != nullptr) {
      ++with_grad;
      std::string p = take_output_tensor(g);
      if (!p.empty()) problem = "grad(" + std::to_string(i) + "): " + p;
    }
  }
  if (problem.empty() && np > 0 && with_grad == 0) problem = "no parameter has a gradient after step(train)";
  r.expect(problem.empty(),
           "grad: " + std::to_string(with_grad) + " of " + std::to_string(np) +
               " parameters have a gradient after step(train), each released once",
           problem);
  ftl_error err = fresh_error();
  r.begin("zero_grad");
  int32_t rc = vt->zero_grad(self, &err);
  r.expect(rc == FTL_OK, "zero_grad succeeds", "zero_grad returned " + describe_error(rc, err));
  bool deterministic = false;
  check_model_training(vt, self, cfg, pool, r, &deterministic);
  check_gradients(vt, self, cfg, pool, np, deterministic, r);

  // A bad input must fail cleanly, release every input and leave the outputs alone.
  Inputs in = make_inputs(pool, cfg, true, "ftlab_plugin_check_unknown_input");
  ftl_step_args a = args_of(in, 0);
  ftl_named_tensor out[4];
  for (auto& o : out) o = ftl_named_tensor{k_sentinel_text, nullptr};
  uint32_t n = 777;
  double l = -1234.5;
  err = fresh_error();
  r.begin("step with an unknown input");
  rc = vt->step(self, &a, out, 4, &n, &l, &err);
  if (rc >= 0) {
    r.warn("step accepted an unknown input 'ftlab_plugin_check_unknown_input'; reject names you do not know");
    for (uint32_t i = 0; i < n && i < 4; ++i) take_output_tensor(out[i].tensor);
  } else if (!failed_cleanly(rc, err, &problem)) {
    r.fail("step with an unknown input: " + problem);
  } else {
    bool untouched = n == 777 && l == -1234.5;
    for (auto& o : out) untouched &= o.name == k_sentinel_text && o.tensor == nullptr;
    r.expect(untouched, "step with an unknown input fails cleanly, outputs untouched: " + describe_error(rc, err),
             "step with an unknown input failed but wrote outputs, *n_out or *loss");
  }
  pool.expect_released(r, "step (unknown input)", false);
}

}  // namespace ftl::plugincheck
