// check_lifecycle.cpp - plugin-check's create/destroy contract for one
// factory: destroy(NULL) is safe; create with an empty, an invalid-TOML or an
// unknown-key config either succeeds or fails cleanly (negative status,
// err.code set, a one-line message, *out untouched); unknown keys are
// rejected with FTL_ERR_CONFIG naming the key; a short ftl_error is honoured;
// the working config creates an instance. check_behaviour then runs the kind's
// checks on that instance.
#include "plugincheck/checks.hpp"
#include "plugincheck/probes.hpp"
#include "plugins/registry.hpp"

#include <cstring>

namespace ftl::plugincheck {

namespace {

const char* const k_unknown_key = "ftlab_plugin_check_unknown_key";

struct Created {
  int32_t rc = 0;
  ftl_error err{};
  ftl_instance* out = nullptr;
  bool untouched = false;  // *out kept its sentinel
};

ftl_instance* sentinel_instance() {
  static char storage;
  return reinterpret_cast<ftl_instance*>(&storage);
}

Created create(const ftl_factory& f, const std::string& toml, const std::string& base_dir, Report& r,
               const std::string& what) {
  ftl_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.toml = toml.c_str();
  cfg.toml_len = toml.size();
  cfg.base_dir = base_dir.c_str();
  cfg.seed = 1234;
  cfg.device = DLDevice{kDLCPU, 0};
  cfg.num_threads = 1;
  Created c;
  c.err = fresh_error();
  c.out = sentinel_instance();
  auto* vt = static_cast<const ftl_common_vtable*>(f.vtable);
  r.begin("create with " + what);
  c.rc = vt->create(&cfg, check_host_api(), &c.out, &c.err);
  c.untouched = c.out == sentinel_instance();
  return c;
}

void destroy(const ftl_factory& f, ftl_instance* self, Report& r) {
  r.begin("destroy");
  static_cast<const ftl_common_vtable*>(f.vtable)->destroy(self);
}

// A create that must either work (then the instance is destroyed) or fail cleanly.
void expect_ok_or_clean(const ftl_factory& f, const Created& c, const std::string& what, Report& r) {
  if (c.rc >= 0) {
    if (c.out == nullptr || c.untouched) {
      r.fail("create with " + what + " returned " + status_name(c.rc) + " without setting *out");
      return;
    }
    r.pass("create with " + what + " succeeds (every key has a default)");
    destroy(f, c.out, r);
    return;
  }
  std::string problem;
  if (!failed_cleanly(c.rc, c.err, &problem))
    r.fail("create with " + what + ": " + problem);
  else if (!c.untouched)
    r.fail("create with " + what + " failed but changed *out; leave outputs untouched on error");
  else
    r.pass("create with " + what + " fails cleanly: " + describe_error(c.rc, c.err));
}

const ftl_factory* factory_at(const std::string& path, uint32_t index, Report& r, uint32_t* abi_minor = nullptr) {
  std::string why;
  LoadedPlugin p = load_quietly(path, &why);
  if (p.descriptor == nullptr || index >= p.descriptor->num_factories) {
    r.fail("cannot load the plugin again: " + why);
    return nullptr;
  }
  if (abi_minor != nullptr) *abi_minor = p.descriptor->abi_minor;
  return &p.descriptor->factories[index];
}

}  // namespace

void check_lifecycle(const std::string& path, uint32_t index, const WorkingConfig& cfg, Report& r) {
  const ftl_factory* fp = factory_at(path, index, r);
  if (fp == nullptr) return;
  const ftl_factory& f = *fp;

  destroy(f, nullptr, r);
  r.pass("destroy(NULL) is safe");

  expect_ok_or_clean(f, create(f, "", cfg.base_dir, r, "an empty config"), "an empty config", r);

  Created bad = create(f, "this is = = not [valid TOML", cfg.base_dir, r, "invalid TOML");
  if (bad.rc >= 0) {
    r.fail(
        "create with invalid TOML succeeded; parse the config (ftl::sdk::Config does) and fail with "
        "FTL_ERR_CONFIG");
    if (bad.out != nullptr && !bad.untouched) destroy(f, bad.out, r);
  } else {
    expect_ok_or_clean(f, bad, "invalid TOML", r);
    if (bad.rc != FTL_ERR_CONFIG)
      r.warn("create with invalid TOML returned " + status_name(bad.rc) + "; FTL_ERR_CONFIG is expected");
  }

  // The working config first: it tells whether the unknown-key test is conclusive.
  Created good = create(f, cfg.toml, cfg.base_dir, r, "the working config");
  bool works = good.rc >= 0 && good.out != nullptr && !good.untouched;
  if (works) {
    r.pass(std::string("create with the ") + (cfg.from_user ? "--config" : "host's") + " config succeeds");
    destroy(f, good.out, r);
    r.pass("destroy of a created instance returns");
  } else if (cfg.from_user) {
    r.fail("create with the --config table fails: " + describe_error(good.rc, good.err) +
           "; fix the table (its paths resolve against " + (cfg.base_dir.empty() ? "." : cfg.base_dir) + ")");
  } else {
    r.skip(std::string("no working config: create with the host-injected keys only fails (") +
           describe_error(good.rc, good.err) + "); pass one with --config " + f.name + "='key = value ...'" +
           " to run the " + kind_name(f.kind) + " checks");
  }

  const std::string with_unknown = std::string(k_unknown_key) + " = 1\n" + cfg.toml;
  Created unk = create(f, with_unknown, cfg.base_dir, r, "an unknown key");
  if (unk.rc >= 0) {
    r.fail(std::string("create accepted the unknown key '") + k_unknown_key +
           "'; reject keys you do not read with FTL_ERR_CONFIG naming the key (ftl::sdk::Config::finish)");
    if (unk.out != nullptr && !unk.untouched) destroy(f, unk.out, r);
  } else {
    std::string problem;
    if (!failed_cleanly(unk.rc, unk.err, &problem)) {
      r.fail("create with an unknown key: " + problem);
    } else if (!unk.untouched) {
      r.fail("create with an unknown key failed but changed *out; leave outputs untouched on error");
    } else if (unk.rc == FTL_ERR_CONFIG && std::strcmp(unk.err.key, k_unknown_key) == 0) {
      r.pass("create rejects an unknown key: " + describe_error(unk.rc, unk.err));
    } else if (works) {
      r.fail("create with an unknown key failed with " + describe_error(unk.rc, unk.err) +
             "; expected FTL_ERR_CONFIG with ftl_error.key = '" + k_unknown_key + "'");
    } else {
      r.skip("unknown-key rejection not shown: create failed earlier for another reason (" +
             describe_error(unk.rc, unk.err) + "); give a working --config");
    }
  }

  // A host built against an older ftl_error (no key field) must not be written past.
  if (!works) return;
  struct ShortError {
    ftl_error e;
    char canary[8];
  } short_err{};
  std::memset(&short_err, 0, sizeof short_err);
  short_err.e.struct_size = offsetof(ftl_error, key);
  std::memset(short_err.e.key, 'K', sizeof short_err.e.key);
  ftl_config c{};
  c.struct_size = sizeof c;
  c.toml = with_unknown.c_str();
  c.toml_len = with_unknown.size();
  c.base_dir = cfg.base_dir.c_str();
  c.device = DLDevice{kDLCPU, 0};
  ftl_instance* out = sentinel_instance();
  r.begin("create with a short ftl_error");
  int32_t rc = static_cast<const ftl_common_vtable*>(f.vtable)->create(&c, check_host_api(), &out, &short_err.e);
  bool key_intact = true;
  for (char k : short_err.e.key) key_intact &= k == 'K';
  if (rc >= 0 && out != nullptr && out != sentinel_instance()) destroy(f, out, r);
  if (rc < 0)
    r.expect(key_intact, "honours ftl_error.struct_size (writes no field the host did not declare)",
             "wrote ftl_error.key although struct_size says the host's ftl_error has no key field; check "
             "FTL_HAS_FIELD (ftl::sdk::fail does)");
}

void check_behaviour(const std::string& path, uint32_t index, const WorkingConfig& working, Report& r) {
  WorkingConfig cfg = working;
  const ftl_factory* fp = factory_at(path, index, r, &cfg.abi_minor);
  if (fp == nullptr) return;
  const ftl_factory& f = *fp;
  const std::string rng = cfg.global_rng ? cfg.global_rng() : "";
  Created c = create(f, cfg.toml, cfg.base_dir, r, "the working config");
  if (c.rc < 0 || c.out == nullptr || c.untouched) {
    r.skip(std::string(kind_name(f.kind)) + " behaviour checks skipped: no working instance");
    return;
  }
  if (cfg.global_rng)
    r.expect(cfg.global_rng() == rng, "create leaves LibTorch's global generator alone",
             "rule 6 'plugins never draw from the global generators': create changed LibTorch's default CPU "
             "generator state (initial weights drawn from it?); draw from a private generator seeded with "
             "ftl_config.seed (at::detail::createCPUGenerator(seed), then tensor.normal_(0, std, gen))");
  TensorPool pool;
  switch (f.kind) {
    case FTL_KIND_TOKENIZER:
      check_tokenizer(f, c.out, cfg, r);
      break;
    case FTL_KIND_DATASET:
      check_dataset(f, c.out, cfg, r);
      break;
    case FTL_KIND_MODEL:
      check_model(f, c.out, cfg, pool, r);
      break;
    case FTL_KIND_METRIC:
      check_metric(f, c.out, cfg, pool, r);
      break;
    default:
      break;
  }
  destroy(f, c.out, r);
  pool.expect_released(r, "the instance", /*at_destroy=*/true);
}

}  // namespace ftl::plugincheck
