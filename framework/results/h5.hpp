// h5.hpp - a thin RAII layer over the HDF5 C API: files, groups, attributes
// and n-dimensional datasets (chunked + deflate when large). Every failure
// throws ftl::Error naming the object; HDF5's own error stack is silenced.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ftl::h5 {

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  herr_t close();  // closes now (the handle is empty after it); HDF5's status

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// "<file>: <group path>/<name>" for messages (name "@attr" for an attribute):
// every error about a file's content names the file and the dataset.
std::string where(hid_t loc, const std::string& name);

Handle create_file(const std::string& path);  // truncates
Handle open_file(const std::string& path, bool writable);
void flush(const Handle& file);  // throws, naming the file and the OS error, when it cannot be written
// Closes a file and throws (naming path and the OS error, e.g. "No space left
// on device") when HDF5 could not write it out: after it returns, the file is
// whole on disk. A Handle's destructor closes too, but cannot report failure.
void close_file(Handle& file, const std::string& path);
// Opens "a/b/c" under loc, creating missing groups.
Handle group(hid_t loc, const std::string& path);
Handle open_group(hid_t loc, const std::string& path);
bool exists(hid_t loc, const std::string& path);
// Names of the links in group `path` (sorted by name).
std::vector<std::string> children(hid_t loc, const std::string& path);
// Bytes a dataset occupies in the file (after compression); 0 if absent.
uint64_t storage_size(hid_t loc, const std::string& path);

void attr(hid_t obj, const std::string& name, const std::string& value);  // UTF-8 string
void attr(hid_t obj, const std::string& name, int64_t value);
void attr(hid_t obj, const std::string& name, double value);

std::string read_attr_string(hid_t obj, const std::string& name);
int64_t read_attr_int(hid_t obj, const std::string& name);
double read_attr_double(hid_t obj, const std::string& name);

// Datasets of float, double, int64 or int32 values (row-major, `shape`).
template <typename T>
void write(hid_t loc, const std::string& name, const std::vector<int64_t>& shape, const T* data);
template <typename T>
std::vector<T> read(hid_t loc, const std::string& name, std::vector<int64_t>* shape = nullptr);

// Copies group src_path of src (its float, double, int32 and int64 datasets,
// recursively) to dst_path under dst with read and write above, so that a
// full disk is an Error naming the file. (H5Ocopy, which this replaces,
// crashed inside HDF5 1.10 when the disk filled during the copy.)
void copy_tree(hid_t src, const std::string& src_path, hid_t dst, const std::string& dst_path);

// A 1-D dataset of variable-length UTF-8 strings.
void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values);
std::vector<std::string> read_strings(hid_t loc, const std::string& name);

}  // namespace ftl::h5
