// checkpoint.cpp - atomic checkpoint files (see checkpoint.hpp).
#include "train/checkpoint.hpp"

#include "results/schema.hpp"
#include "train/cuda_util.hpp"
#include "util/error.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ftl {

namespace {

void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "\n") + x;
  return s;
}

void write_tensor(hid_t g, const std::string& name, const at::Tensor& t) {
  at::Tensor c = t.detach().to(at::kCPU, at::kFloat).contiguous();
  h5::write<float>(g, name, std::vector<int64_t>(c.sizes().begin(), c.sizes().end()), c.data_ptr<float>());
}

void read_tensor(hid_t g, const std::string& name, at::Tensor& into, const std::string& file) {
  std::vector<int64_t> shape;
  auto v = h5::read<float>(g, name, &shape);
  if (shape != std::vector<int64_t>(into.sizes().begin(), into.sizes().end()))
    throw Error(file + ": '" + name +
                "' has another shape than the model's parameter; the checkpoint is from "
                "a different model configuration");
  at::NoGradGuard no_grad;
  into.copy_(at::from_blob(v.data(), into.sizes(), at::kFloat).to(into.device(), into.scalar_type()));
}

}  // namespace

std::string checkpoint_dir(const std::string& results_path) {
  return results_path + ".ckpt";
}

std::string write_checkpoint(const std::string& dir, const TrainState& s, Model& model, AdamW& opt,
                             const std::string& experiment_toml, const std::string& results_path) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create the checkpoint folder (" + ec.message() + ")");
  char name[64];
  std::snprintf(name, sizeof name, "checkpoint-%06lld.h5", static_cast<long long>(s.global_step));
  const std::string final_path = dir + "/" + name;
  const std::string tmp = final_path + ".tmp";
  try {
    h5::Handle f = h5::create_file(tmp);
    {  // every group closed before the file
      const hid_t root = f.id();
      h5::attr(root, schema::k_attr_format, std::string(schema::k_checkpoint_format));
      h5::attr(root, schema::k_attr_schema_version, static_cast<int64_t>(schema::k_schema_version));
      h5::attr(root, "experiment_toml", experiment_toml);
      h5::attr(root, "results_path", results_path);
      h5::attr(root, "global_step", s.global_step);
      h5::attr(root, "epoch", s.epoch);
      h5::attr(root, "batch_in_epoch", s.batch_in_epoch);
      h5::attr(root, "best_metric", s.best_metric);
      h5::attr(root, "best_step", s.best_step);
      h5::attr(root, "best_checkpoint", s.best_checkpoint);
      h5::attr(root, "bad_evals", s.bad_evals);
      h5::attr(root, "loss_scale", s.loss_scale);
      h5::attr(root, "scale_good_steps", s.scale_good_steps);
      h5::attr(root, "adam_steps", opt.steps());
      std::vector<std::string> alive = s.checkpoints;
      alive.push_back(name);
      h5::attr(root, "checkpoints", join(alive));
      {
        h5::Handle cur = h5::group(root, "current_epoch");
        write_epoch_log(cur.id(), {s.current});
      }
      h5::Handle w = h5::group(root, "weights");
      h5::Handle m = h5::group(root, "optimizer/m");
      h5::Handle v = h5::group(root, "optimizer/v");
      auto& params = model.params();
      for (size_t i = 0; i < params.size(); ++i) {
        write_tensor(w.id(), params[i].name, params[i].value);
        write_tensor(m.id(), params[i].name, opt.first_moments()[i]);
        write_tensor(v.id(), params[i].name, opt.second_moments()[i]);
      }
      {
        auto gen = at::detail::getDefaultCPUGenerator();
        at::Tensor state;
        {
          std::lock_guard<std::mutex> lock(gen.mutex());
          state = at::Tensor(gen.get_state());
        }
        h5::Handle rng = h5::group(root, "rng");
        std::vector<int32_t> bytes(state.data_ptr<uint8_t>(), state.data_ptr<uint8_t>() + state.numel());
        h5::write<int32_t>(rng.id(), "cpu", {static_cast<int64_t>(bytes.size())}, bytes.data());
        const at::Device dev = params.empty() ? at::Device(at::kCPU) : params[0].value.device();
        if (dev.is_cuda()) {  // dropout on the GPU draws from the device's generator (seed and offset)
          const at::Tensor cuda = generator_state(dev);
          std::vector<int32_t> cb(cuda.data_ptr<uint8_t>(), cuda.data_ptr<uint8_t>() + cuda.numel());
          h5::write<int32_t>(rng.id(), "cuda", {static_cast<int64_t>(cb.size())}, cb.data());
        }
      }
      h5::Handle log = h5::group(root, "log");
      write_step_log(log.id(), s.log);
      h5::Handle ep = h5::group(root, "epochs");
      write_epoch_log(ep.id(), s.epochs);
      for (size_t i = 0; i < s.evals.size(); ++i) {
        h5::Handle g = h5::group(root, "evals/" + std::to_string(i));
        write_eval(g.id(), s.evals[i]);
      }
    }
    h5::close_file(f, tmp);  // throws when the file could not be written out (disk full)
  } catch (...) {
    std::error_code rm;
    fs::remove(tmp, rm);  // a failed checkpoint frees its space and never looks complete
    throw;
  }
  fsync_path(tmp);
  fs::rename(tmp, final_path, ec);
  if (ec) throw Error(tmp + ": cannot rename to " + final_path + " (" + ec.message() + ")");
  fsync_path(dir);
  return name;
}

std::string find_checkpoint(const std::string& path) {
  std::string dir;
  if (fs::is_regular_file(path) && path.size() > 3 && path.compare(path.size() - 3, 3, ".h5") == 0 &&
      path.find(".ckpt/") != std::string::npos)
    return path;
  if (fs::is_directory(path)) {
    dir = path;
  } else {
    std::string base = path;
    const std::string suffix = ".partial";
    if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
      base.resize(base.size() - suffix.size());
    dir = checkpoint_dir(base);
  }
  if (!fs::is_directory(dir) && dir == checkpoint_dir(path) && fs::is_regular_file(path)) {
    std::string status;
    try {
      h5::Handle f = h5::open_file(path, false);
      if (H5Aexists(f.id(), schema::k_attr_status) > 0) status = h5::read_attr_string(f.id(), schema::k_attr_status);
    } catch (const Error& e) {
      throw Error(path + ": not a results file that can be resumed (" + e.what() + ") and no checkpoints at " + dir);
    }
    if (status == "complete")
      throw Error(path +
                  ": this run is complete (its checkpoints now live in the results file); nothing to resume: "
                  "start a new run without --resume");
    throw Error(path + ": a run with status '" + status + "' and no checkpoints at " + dir +
                "; nothing to resume: start a new run without --resume");
  }
  if (!fs::is_directory(dir))
    throw Error(path + ": no checkpoints found (looked for " + dir +
                "); give the run's results path, its .ckpt folder or a checkpoint file");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("checkpoint-", 0) == 0 && e.path().extension() == ".h5") files.push_back(e.path().string());
  }
  if (files.empty()) throw Error(dir + ": holds no complete checkpoint yet; start the run again without --resume");
  std::sort(files.begin(), files.end());
  return files.back();
}

namespace {

// The newest checkpoint in file's folder older than file, or "".
std::string checkpoint_previous(const std::string& file) {
  const fs::path p(file);
  std::string best;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(p.parent_path().empty() ? "." : p.parent_path(), ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("checkpoint-", 0) == 0 && e.path().extension() == ".h5" && n < p.filename().string() &&
        n > fs::path(best).filename().string())
      best = e.path().string();
  }
  return best;
}

// Runs read(); an error gets the way out: the previous checkpoint, when there is one.
template <typename F>
auto checkpoint_read_or_offer(const std::string& file, F read) -> decltype(read()) {
  try {
    return read();
  } catch (const Error& e) {
    const std::string prev = checkpoint_previous(file);
    if (prev.empty()) throw;
    throw Error(std::string(e.what()) + "; if " + fs::path(file).filename().string() +
                " is damaged, resume from the previous checkpoint: --resume " + prev);
  }
}

LoadedCheckpoint peek_checkpoint_file(const std::string& file) {
  h5::Handle f = h5::open_file(file, false);
  if (!H5Aexists(f.id(), schema::k_attr_format) ||
      h5::read_attr_string(f.id(), schema::k_attr_format) != schema::k_checkpoint_format)
    throw Error(file + ": not an ftlab checkpoint file");
  const int64_t v = h5::read_attr_int(f.id(), schema::k_attr_schema_version);
  if (v != schema::k_schema_version)
    throw Error(file + ": checkpoint schema version " + std::to_string(v) + ", this ftlab reads version " +
                std::to_string(schema::k_schema_version) + "; resume it with the ftlab that wrote it");
  LoadedCheckpoint c;
  c.file = file;
  c.experiment_toml = h5::read_attr_string(f.id(), "experiment_toml");
  c.results_path = h5::read_attr_string(f.id(), "results_path");
  return c;
}

LoadedCheckpoint load_checkpoint_file(const std::string& file, Model& model, AdamW& opt) {
  LoadedCheckpoint c = peek_checkpoint_file(file);
  h5::Handle f = h5::open_file(file, false);
  const hid_t root = f.id();
  TrainState& s = c.state;
  s.global_step = h5::read_attr_int(root, "global_step");
  s.epoch = h5::read_attr_int(root, "epoch");
  s.batch_in_epoch = h5::read_attr_int(root, "batch_in_epoch");
  s.best_metric = h5::read_attr_double(root, "best_metric");
  s.best_step = h5::read_attr_int(root, "best_step");
  s.best_checkpoint = h5::read_attr_string(root, "best_checkpoint");
  s.bad_evals = h5::read_attr_int(root, "bad_evals");
  s.loss_scale = h5::read_attr_double(root, "loss_scale");
  s.scale_good_steps = h5::read_attr_int(root, "scale_good_steps");
  s.checkpoints = split_lines(h5::read_attr_string(root, "checkpoints"));
  {
    h5::Handle cur = h5::open_group(root, "current_epoch");
    s.current = read_epoch_log(cur.id()).at(0);
  }
  auto& params = model.params();
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string& n = params[i].name;
    if (!h5::exists(root, "weights/" + n))
      throw Error(file + ": has no weights for parameter '" + n + "'; it is from a different model");
    read_tensor(root, "weights/" + n, params[i].value, file);
    read_tensor(root, "optimizer/m/" + n, opt.first_moments()[i], file);
    read_tensor(root, "optimizer/v/" + n, opt.second_moments()[i], file);
  }
  opt.set_steps(h5::read_attr_int(root, "adam_steps"));
  {
    auto bytes = h5::read<int32_t>(root, "rng/cpu");
    at::Tensor state = at::empty({static_cast<int64_t>(bytes.size())}, at::kByte);
    std::copy(bytes.begin(), bytes.end(), state.data_ptr<uint8_t>());
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
  }
  const at::Device dev = params.empty() ? at::Device(at::kCPU) : params[0].value.device();
  if (dev.is_cuda() && h5::exists(root, "rng/cuda")) {
    auto bytes = h5::read<int32_t>(root, "rng/cuda");
    at::Tensor state = at::empty({static_cast<int64_t>(bytes.size())}, at::kByte);
    std::copy(bytes.begin(), bytes.end(), state.data_ptr<uint8_t>());
    set_generator_state(dev, state);
  }
  {
    h5::Handle log = h5::open_group(root, "log");
    s.log = read_step_log(log.id());
    h5::Handle ep = h5::open_group(root, "epochs");
    s.epochs = read_epoch_log(ep.id());
  }
  for (size_t i = 0; h5::exists(root, "evals/" + std::to_string(i)); ++i) {
    h5::Handle g = h5::open_group(root, "evals/" + std::to_string(i));
    s.evals.push_back(read_eval(g.id(), file + ": evals/" + std::to_string(i)));
  }
  return c;
}

}  // namespace

LoadedCheckpoint peek_checkpoint(const std::string& file) {
  return checkpoint_read_or_offer(file, [&] { return peek_checkpoint_file(file); });
}

LoadedCheckpoint load_checkpoint(const std::string& path, Model& model, AdamW& opt) {
  const std::string file = find_checkpoint(path);
  return checkpoint_read_or_offer(file, [&] { return load_checkpoint_file(file, model, opt); });
}

}  // namespace ftl
