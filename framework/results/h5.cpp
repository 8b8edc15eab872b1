// h5.cpp - HDF5 C API wrappers (see h5.hpp).
#include "results/h5.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <filesystem>
#include <type_traits>

namespace fs = std::filesystem;

namespace ftl::h5 {

namespace {

// HDF5 prints its error stack by default; we report our own errors. And no
// clean-up at exit: a file whose close failed (disk full) is left half torn
// down inside HDF5 1.10, and its exit-time H5_term_library then crashed in
// H5F__close_cb. Every file ftlab opens is closed by its Handle before exit;
// what a failed close leaves, the operating system closes.
struct Silence {
  Silence() {
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
} g_silence;

// The file and the operating system's reason behind a failed call, from the
// error HDF5's file driver recorded ("filename = '...', ..., error message =
// '...'"), e.g. ": /runs/r.h5.partial: No space left on device"; empty when
// the failure was not an I/O error.
herr_t find_io_error(unsigned, const H5E_error2_t* e, void* out) {
  const std::string d = e->desc ? e->desc : "";
  const auto field = [&](const std::string& key) {
    const size_t at = d.find(key + " = '");
    if (at == std::string::npos) return std::string();
    const size_t from = at + key.size() + 4, to = d.find('\'', from);
    return to == std::string::npos ? std::string() : d.substr(from, to - from);
  };
  const std::string why = field("error message"), file = field("filename");
  auto* s = static_cast<std::string*>(out);
  if (s->empty() && !why.empty()) *s = ": " + (file.empty() ? "" : file + ": ") + why;
  return 0;
}

// A name HDF5 keeps for an object (H5Fget_name, H5Iget_name), whole.
std::string h5_name(ssize_t (*get)(hid_t, char*, size_t), hid_t id) {
  const ssize_t n = get(id, nullptr, 0);
  if (n <= 0) return "";
  std::string s(static_cast<size_t>(n) + 1, '\0');
  get(id, s.data(), s.size());
  s.resize(static_cast<size_t>(n));
  return s;
}

hid_t check(hid_t id, const std::string& what) {
  if (id >= 0) return id;
  std::string io;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, find_io_error, &io);
  H5Eclear2(H5E_DEFAULT);
  throw Error("HDF5: " + what + " failed" + io);
}

}  // namespace

std::string where(hid_t loc, const std::string& name) {
  std::string file = h5_name(H5Fget_name, loc), obj = h5_name(H5Iget_name, loc);
  H5Eclear2(H5E_DEFAULT);
  if (obj.empty() || obj.back() != '/') obj += "/";
  if (!name.empty() && name[0] == '/') obj.clear();
  return (file.empty() ? std::string("(HDF5 file)") : file) + ": " + obj + name;
}

namespace {

Error missing_attr(hid_t obj, const std::string& name) {
  return Error(where(obj, "@" + name) + ": missing attribute; is it an ftlab results file of this version?");
}

Handle open_dataset(hid_t loc, const std::string& name) {
  if (!exists(loc, name))
    throw Error(where(loc, name) + ": no such dataset; is it an ftlab results file of this version?");
  return Handle(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "open dataset " + where(loc, name)), H5Dclose);
}

// A dataset's extent; refuses one whose element count would not fit in memory
// (a damaged or hostile file can declare 2^60 elements and store none).
std::vector<hsize_t> dataset_dims(const Handle& ds, hid_t loc, const std::string& name, size_t elem) {
  Handle space(check(H5Dget_space(ds.id()), "dataspace of " + where(loc, name)), H5Sclose);
  const int nd = H5Sget_simple_extent_ndims(space.id());
  if (nd < 0 || nd > 32) throw Error(where(loc, name) + ": damaged dataspace (" + std::to_string(nd) + " dimensions)");
  std::vector<hsize_t> dims(static_cast<size_t>(nd));
  check(H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr), "dimensions of " + where(loc, name));
  const hsize_t limit = (hsize_t{1} << 40) / elem;  // 1 TiB
  hsize_t count = 1;
  for (auto d : dims) {
    if (d != 0 && count > limit / d)
      throw Error(where(loc, name) + ": declares more than 2^40 bytes of data; the file is damaged");
    count *= d;
  }
  return dims;
}

}  // namespace

namespace {

template <typename T>
hid_t mem_type();
template <>
hid_t mem_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
hid_t mem_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t mem_type<int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
hid_t mem_type<int32_t>() {
  return H5T_NATIVE_INT32;
}

// Little-endian file types so files read the same everywhere.
template <typename T>
hid_t file_type();
template <>
hid_t file_type<float>() {
  return H5T_IEEE_F32LE;
}
template <>
hid_t file_type<double>() {
  return H5T_IEEE_F64LE;
}
template <>
hid_t file_type<int64_t>() {
  return H5T_STD_I64LE;
}
template <>
hid_t file_type<int32_t>() {
  return H5T_STD_I32LE;
}

Handle string_type() {
  hid_t t = check(H5Tcopy(H5T_C_S1), "string type");
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return Handle(t, H5Tclose);
}

Handle scalar_attr(hid_t obj, const std::string& name, hid_t type) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle space(check(H5Screate(H5S_SCALAR), "scalar space"), H5Sclose);
  return Handle(
      check(H5Acreate2(obj, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name),
      H5Aclose);
}

}  // namespace

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    if (id_ >= 0 && close_) close_(id_);
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ >= 0 && close_) close_(id_);
}

herr_t Handle::close() {
  const herr_t status = id_ >= 0 && close_ ? close_(id_) : 0;
  id_ = -1;
  return status;
}

void close_file(Handle& file, const std::string& path) {
  check(file.close(), "close " + path);
}

Handle create_file(const std::string& path) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) throw Error(path + ": cannot create HDF5 file; check that the folder exists and is writable");
  return Handle(f, H5Fclose);
}

Handle open_file(const std::string& path, bool writable) {
  std::error_code ec;  // opening a FIFO would block until someone writes to it
  if (fs::is_directory(path, ec)) throw Error(path + ": is a folder; give an .h5 file");
  if (fs::exists(path, ec) && !fs::is_regular_file(path, ec))
    throw Error(path + ": not a regular file (a FIFO, socket or device); give an .h5 file");
  hid_t f = H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw Error(path + ": cannot open as HDF5 (missing, or not a results file)");
  return Handle(f, H5Fclose);
}

void flush(const Handle& file) {
  check(H5Fflush(file.id(), H5F_SCOPE_GLOBAL), "flush");
}

Handle group(hid_t loc, const std::string& path) {
  if (exists(loc, path)) return Handle(check(H5Gopen2(loc, path.c_str(), H5P_DEFAULT), "open group " + path), H5Gclose);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  return Handle(check(H5Gcreate2(loc, path.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), "create group " + path),
                H5Gclose);
}

Handle open_group(hid_t loc, const std::string& path) {
  hid_t g = H5Gopen2(loc, path.c_str(), H5P_DEFAULT);
  if (g < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw Error(where(loc, path) + ": no such group; is it an ftlab results file of this version?");
  }
  return Handle(g, H5Gclose);
}

bool exists(hid_t loc, const std::string& path) {
  // Check each prefix: H5Lexists fails on a missing intermediate link.
  size_t pos = 0;
  while (true) {
    size_t slash = path.find('/', pos);
    std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
    pos = slash + 1;
  }
}

std::vector<std::string> children(hid_t loc, const std::string& path) {
  std::vector<std::string> out;
  if (!exists(loc, path)) return out;
  auto cb = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->push_back(name);
    return 0;
  };
  hsize_t idx = 0;
  H5Literate_by_name(loc, path.c_str(), H5_INDEX_NAME, H5_ITER_INC, &idx, cb, &out, H5P_DEFAULT);
  return out;
}

uint64_t storage_size(hid_t loc, const std::string& path) {
  if (!exists(loc, path)) return 0;
  H5O_info_t info;
#if H5_VERSION_GE(1, 12, 0)
  if (H5Oget_info_by_name3(loc, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return 0;
#else
  if (H5Oget_info_by_name2(loc, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return 0;
#endif
  if (info.type == H5O_TYPE_DATASET) {
    Handle ds(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
    return ds ? H5Dget_storage_size(ds.id()) : 0;
  }
  uint64_t total = 0;
  for (const auto& c : children(loc, path)) total += storage_size(loc, path + "/" + c);
  return total;
}

void attr(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = string_type();
  Handle a = scalar_attr(obj, name, type.id());
  const char* p = value.c_str();
  check(H5Awrite(a.id(), type.id(), &p), "write attribute " + name);
}

void attr(hid_t obj, const std::string& name, int64_t value) {
  Handle a = scalar_attr(obj, name, H5T_STD_I64LE);
  check(H5Awrite(a.id(), H5T_NATIVE_INT64, &value), "write attribute " + name);
}

void attr(hid_t obj, const std::string& name, double value) {
  Handle a = scalar_attr(obj, name, H5T_IEEE_F64LE);
  check(H5Awrite(a.id(), H5T_NATIVE_DOUBLE, &value), "write attribute " + name);
}

namespace {

// Opens attribute `name` and checks it holds one value of class `want`
// (H5T_STRING, H5T_INTEGER or H5T_FLOAT): a damaged or hostile file can store
// a 2 x 2 array or a string where one number belongs, which a one-value read
// would overrun or misread.
Handle open_scalar_attr(hid_t obj, const std::string& name, H5T_class_t want, const char* what) {
  if (H5Aexists(obj, name.c_str()) <= 0) throw missing_attr(obj, name);
  Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "open attribute " + where(obj, "@" + name)), H5Aclose);
  Handle space(check(H5Aget_space(a.id()), "dataspace of " + where(obj, "@" + name)), H5Sclose);
  Handle type(check(H5Aget_type(a.id()), "type of " + where(obj, "@" + name)), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.id());
  const bool number_ok =
      want != H5T_STRING && (cls == H5T_INTEGER || cls == H5T_FLOAT) && (want == H5T_FLOAT || cls == H5T_INTEGER);
  if (H5Sget_simple_extent_npoints(space.id()) != 1 || (cls != want && !number_ok))
    throw Error(where(obj, "@" + name) + ": expected one " + what + "; the file is damaged");
  return a;
}

}  // namespace

std::string read_attr_string(hid_t obj, const std::string& name) {
  Handle a = open_scalar_attr(obj, name, H5T_STRING, "string");
  Handle type = string_type();
  char* p = nullptr;
  check(H5Aread(a.id(), type.id(), &p), "read attribute " + where(obj, "@" + name) + " (wrong type?)");
  std::string s = p ? p : "";
  H5free_memory(p);
  return s;
}

int64_t read_attr_int(hid_t obj, const std::string& name) {
  Handle a = open_scalar_attr(obj, name, H5T_INTEGER, "integer");
  int64_t v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_INT64, &v), "read attribute " + where(obj, "@" + name) + " (wrong type?)");
  return v;
}

double read_attr_double(hid_t obj, const std::string& name) {
  Handle a = open_scalar_attr(obj, name, H5T_FLOAT, "number");
  double v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_DOUBLE, &v), "read attribute " + where(obj, "@" + name) + " (wrong type?)");
  return v;
}

template <typename T>
void write(hid_t loc, const std::string& name, const std::vector<int64_t>& shape, const T* data) {
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  hsize_t count = 1;
  for (auto d : dims) count *= d;
  Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "dataspace " + name),
               H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (count * sizeof(T) >= (1u << 16) && !dims.empty() && count > 0) {
    // Chunk along the first axis (~1 MiB chunks) and compress.
    std::vector<hsize_t> chunk = dims;
    hsize_t row = count / dims[0];
    chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(dims[0], (1u << 20) / std::max<hsize_t>(1, row * sizeof(T))));
    H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
    H5Pset_shuffle(dcpl.id());
    H5Pset_deflate(dcpl.id(), 4);
  }
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle ds(check(H5Dcreate2(loc, name.c_str(), file_type<T>(), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT),
                  "create dataset " + where(loc, name)),
            H5Dclose);
  if (count > 0)
    check(H5Dwrite(ds.id(), mem_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write dataset " + where(loc, name));
}

template <typename T>
std::vector<T> read(hid_t loc, const std::string& name, std::vector<int64_t>* shape) {
  Handle ds = open_dataset(loc, name);
  const std::vector<hsize_t> dims = dataset_dims(ds, loc, name, sizeof(T));
  {
    Handle type(check(H5Dget_type(ds.id()), "type of " + where(loc, name)), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.id());
    const bool want_int = std::is_integral_v<T>;
    if (cls != H5T_INTEGER && (want_int || cls != H5T_FLOAT))
      throw Error(where(loc, name) + ": expected " + (want_int ? "integers" : "numbers") + ", found " +
                  (cls == H5T_FLOAT    ? "floating-point values"
                   : cls == H5T_STRING ? "strings"
                                       : "another type") +
                  "; the file is damaged");
  }
  hsize_t count = 1;
  for (auto d : dims) count *= d;
  std::vector<T> out(count);
  if (count > 0)
    check(H5Dread(ds.id(), mem_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
          "read " + where(loc, name) + " (not numbers, or damaged)");
  if (shape) shape->assign(dims.begin(), dims.end());
  return out;
}

template void write<float>(hid_t, const std::string&, const std::vector<int64_t>&, const float*);
template void write<double>(hid_t, const std::string&, const std::vector<int64_t>&, const double*);
template void write<int64_t>(hid_t, const std::string&, const std::vector<int64_t>&, const int64_t*);
template void write<int32_t>(hid_t, const std::string&, const std::vector<int64_t>&, const int32_t*);
template std::vector<float> read<float>(hid_t, const std::string&, std::vector<int64_t>*);
template std::vector<double> read<double>(hid_t, const std::string&, std::vector<int64_t>*);
template std::vector<int64_t> read<int64_t>(hid_t, const std::string&, std::vector<int64_t>*);
template std::vector<int32_t> read<int32_t>(hid_t, const std::string&, std::vector<int64_t>*);

namespace {

template <typename T>
void copy_dataset(hid_t src, const std::string& from, hid_t dst, const std::string& to) {
  std::vector<int64_t> shape;
  const auto v = read<T>(src, from, &shape);
  write<T>(dst, to, shape, v.data());
}

}  // namespace

void copy_tree(hid_t src, const std::string& src_path, hid_t dst, const std::string& dst_path) {
  Handle into = group(dst, dst_path);
  for (const auto& name : children(src, src_path)) {
    const std::string from = src_path + "/" + name, to = dst_path + "/" + name;
    H5O_info_t info{};
    check(H5Oget_info_by_name(src, from.c_str(), &info, H5P_DEFAULT), "inspect " + from);
    if (info.type == H5O_TYPE_GROUP) {
      copy_tree(src, from, dst, to);
      continue;
    }
    Handle ds(check(H5Dopen2(src, from.c_str(), H5P_DEFAULT), "open dataset " + from), H5Dclose);
    Handle type(check(H5Dget_type(ds.id()), "type of " + from), H5Tclose);
    const H5T_class_t cls = H5Tget_class(type.id());
    const size_t size = H5Tget_size(type.id());
    if (cls == H5T_FLOAT)
      size == 8 ? copy_dataset<double>(src, from, dst, to) : copy_dataset<float>(src, from, dst, to);
    else if (cls == H5T_INTEGER)
      size == 8 ? copy_dataset<int64_t>(src, from, dst, to) : copy_dataset<int32_t>(src, from, dst, to);
    else
      throw Error("HDF5: cannot copy " + from + ": not a number dataset");
  }
}

void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values) {
  Handle type = string_type();
  hsize_t n = values.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "dataspace " + name), H5Sclose);
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle ds(check(H5Dcreate2(loc, name.c_str(), type.id(), space.id(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT),
                  "create dataset " + where(loc, name)),
            H5Dclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n > 0)
    check(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write " + where(loc, name));
}

std::vector<std::string> read_strings(hid_t loc, const std::string& name) {
  Handle ds = open_dataset(loc, name);
  const std::vector<hsize_t> dims = dataset_dims(ds, loc, name, sizeof(char*));
  if (dims.size() != 1)
    throw Error(where(loc, name) + ": expected a list of strings, found " + std::to_string(dims.size()) +
                " dimensions");
  const hsize_t n = dims[0];
  Handle type = string_type();
  std::vector<char*> ptrs(n, nullptr);
  if (n > 0)
    check(H5Dread(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
          "read " + where(loc, name) + " (not strings, or damaged)");
  std::vector<std::string> out;
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return out;
}

}  // namespace ftl::h5
