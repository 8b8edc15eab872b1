// fuzz_results.cpp - libFuzzer harness for the results-file readers of
// `ftlab report` and `ftlab compare` (analysis/report_read, run_file,
// report_html). Structure-aware: fuzzing HDF5's own byte
// parser would test libhdf5, not ftlab, so each input is a list of edits to
// a real results file (FTLAB_FUZZ_TEMPLATE, written by a tiny `ftlab run`):
// delete an object or attribute, or replace it with a float, double, int64 or
// string dataset or attribute of another shape, holding the input's bytes
// (NaN, infinities, 2^62, negative labels, ...). Property: every reader
// either succeeds or throws ftl::Error with a one-line message; anything else
// (a crash, a sanitizer report, another exception type) aborts.
// Build and run: tests/fuzz/run_fuzz_results.sh.
#include "analysis/report_html.hpp"
#include "analysis/report_read.hpp"
#include "analysis/run_file.hpp"
#include "fuzz_expect.hpp"
#include "util/error.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct Entry {
  std::string object;  // path of a group or dataset
  std::string attr;    // attribute name, or "" for the object itself
  bool dataset = false;
};

std::vector<char> g_template;
std::vector<Entry> g_entries;
std::string g_dir, g_file;

herr_t collect_attr(hid_t, const char* name, const H5A_info_t*, void* data) {
  auto* e = static_cast<std::vector<Entry>*>(data);
  e->push_back({e->back().object, name, false});
  return 0;
}

// Every object (H5Ovisit names the root ".") and each of its attributes.
herr_t collect(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  auto* e = static_cast<std::vector<Entry>*>(data);
  e->push_back({name, "", info->type == H5O_TYPE_DATASET});
  hsize_t idx = 0;
  hid_t obj = H5Oopen(root, name, H5P_DEFAULT);
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr, data);
  H5Oclose(obj);
  return 0;
}

// The input, read a byte or a value at a time (zeros past its end).
struct Reader {
  const uint8_t* p;
  size_t n;
  size_t at = 0;
  bool done() const { return at >= n; }
  uint8_t byte() { return at < n ? p[at++] : 0; }
  template <typename T>
  T value() {
    T v{};
    uint8_t b[sizeof(T)] = {0};
    for (auto& x : b) x = byte();
    std::memcpy(&v, b, sizeof(T));
    return v;
  }
};

void remove_entry(hid_t f, const Entry& e) {
  if (e.attr.empty())
    H5Ldelete(f, e.object.c_str(), H5P_DEFAULT);
  else
    H5Adelete_by_name(f, e.object.c_str(), e.attr.c_str(), H5P_DEFAULT);
}

// Replaces e with a dataset (or attribute) of kind 0 float, 1 double, 2 int64, 3 string.
void replace_entry(hid_t f, const Entry& e, int kind, Reader& in) {
  remove_entry(f, e);
  const int rank = e.attr.empty() ? in.byte() % 3 : 0;
  hsize_t dims[2] = {static_cast<hsize_t>(in.byte() % 9), static_cast<hsize_t>(in.byte() % 5)};
  hsize_t count = rank == 0 ? 1 : rank == 1 ? dims[0] : dims[0] * dims[1];
  hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, nullptr);
  hid_t type = kind == 0 ? H5T_NATIVE_FLOAT : kind == 1 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
  if (kind == 3) {
    type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
  }
  std::vector<char> buf;
  std::vector<std::string> strings;
  std::vector<const char*> ptrs;
  if (kind == 3) {
    for (hsize_t i = 0; i < count; ++i) {
      std::string s;
      for (int len = in.byte() % 12; len > 0; --len) s += static_cast<char>(in.byte() % 96 + 32);
      strings.push_back(s);
    }
    for (const auto& s : strings) ptrs.push_back(s.c_str());
  } else {
    const size_t size = kind == 0 ? 4 : 8;
    buf.resize(count * size);
    for (auto& b : buf) b = static_cast<char>(in.byte());
    if (kind == 2)  // small labels mostly, sometimes anything
      for (hsize_t i = 0; i < count; ++i)
        if (buf[i * 8 + 7] == 0) std::memset(&buf[i * 8 + 1], buf[i * 8] < 0 ? 0xff : 0, 7);
  }
  const void* data = kind == 3 ? static_cast<const void*>(ptrs.data()) : buf.data();
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  if (e.attr.empty()) {
    hid_t ds = H5Dcreate2(f, e.object.c_str(), type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    if (ds >= 0 && count > 0) H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    if (ds >= 0) H5Dclose(ds);
  } else {
    hid_t a =
        H5Acreate_by_name(f, e.object.c_str(), e.attr.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (a >= 0) H5Awrite(a, type, data);
    if (a >= 0) H5Aclose(a);
  }
  H5Pclose(lcpl);
  if (kind == 3) H5Tclose(type);
  H5Sclose(space);
}

// Applies the input's edits to a fresh copy of the template.
void write_mutant(const uint8_t* data, size_t size) {
  std::ofstream(g_file, std::ios::binary | std::ios::trunc).write(g_template.data(), g_template.size());
  hid_t f = H5Fopen(g_file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) std::abort();
  Reader in{data, size};
  for (int edits = 0; !in.done() && edits < 16; ++edits) {
    const uint8_t op = in.byte();
    const Entry& e = g_entries[in.value<uint16_t>() % g_entries.size()];
    if (op % 5 == 4)
      remove_entry(f, e);
    else
      replace_entry(f, e, op % 5, in);
  }
  H5Fclose(f);
}

// A copy of the run without model/ and checkpoints/ (megabytes of weights no
// reader of report or compare opens): each input copies the file, so smaller is faster.
void write_compact(const char* from, const std::string& to) {
  hid_t src = H5Fopen(from, H5F_ACC_RDONLY, H5P_DEFAULT),
        dst = H5Fcreate(to.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (src < 0 || dst < 0) std::exit(2);
  auto copy_link = [](hid_t s, const char* name, const H5L_info_t*, void* d) -> herr_t {
    if (std::strcmp(name, "model") != 0 && std::strcmp(name, "checkpoints") != 0)
      H5Ocopy(s, name, *static_cast<hid_t*>(d), name, H5P_DEFAULT, H5P_DEFAULT);
    return 0;
  };
  H5Literate(src, H5_INDEX_NAME, H5_ITER_INC, nullptr, copy_link, &dst);
  auto copy_attr = [](hid_t s, const char* name, const H5A_info_t*, void* d) -> herr_t {
    hid_t a = H5Aopen(s, name, H5P_DEFAULT), type = H5Aget_type(a), space = H5Aget_space(a);
    std::vector<char> buf(H5Tget_size(type) * std::max<hssize_t>(1, H5Sget_simple_extent_npoints(space)) + 64);
    H5Aread(a, type, buf.data());
    hid_t b = H5Acreate2(*static_cast<hid_t*>(d), name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(b, type, buf.data());
    H5Aclose(b);
    H5Sclose(space);
    H5Tclose(type);
    H5Aclose(a);
    return 0;  // (variable-length strings read here are not freed: once, at start)
  };
  H5Aiterate2(src, H5_INDEX_NAME, H5_ITER_INC, nullptr, copy_attr, &dst);
  H5Fclose(src);
  H5Fclose(dst);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const char* t = std::getenv("FTLAB_FUZZ_TEMPLATE");
  if (t == nullptr) {
    std::fprintf(stderr, "fuzz_results: set FTLAB_FUZZ_TEMPLATE to a results file (.h5)\n");
    std::exit(2);
  }
  g_dir = (fs::temp_directory_path() / ("ftlab-fuzz-results-" + std::to_string(getpid()))).string();
  fs::create_directories(g_dir);
  g_file = g_dir + "/run.h5";
  const std::string compact = g_dir + "/template.h5";
  write_compact(t, compact);
  std::ifstream in(compact, std::ios::binary);
  g_template.assign(std::istreambuf_iterator<char>(in), {});
  hid_t f = H5Fopen(compact.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) std::exit(2);
#if H5_VERSION_GE(1, 12, 0)
  H5Ovisit3(f, H5_INDEX_NAME, H5_ITER_INC, collect, &g_entries, H5O_INFO_BASIC);
#else
  H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, collect, &g_entries);
#endif
  H5Fclose(f);
  std::fprintf(stderr, "fuzz_results: %zu objects and attributes in %s (%zu bytes without model/, checkpoints/)\n",
               g_entries.size(), t, g_template.size());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  write_mutant(data, size);
  expect_error_or_success([] {
    const auto rr = ftl::analysis::report_read(g_file, 20);
    volatile size_t n = ftl::analysis::report_html(rr.data).size();
    (void)n;
  });
  for (const char* split : {"test", "validation"})
    expect_error_or_success([&] {
      const auto a = ftl::analysis::run_info_read(g_file, split), b = ftl::analysis::run_info_read(g_file, split);
      ftl::analysis::config_keys_differing({&a, &b});
    });
  expect_error_or_success([] { ftl::analysis::predictions_read(g_file, "test", "final"); });
  return 0;
}
