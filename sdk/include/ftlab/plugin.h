/* ftlab/plugin.h - the plugin ABI: the only contract between the ftlab host and
 * its tokenizer, dataset, model and metric plugins. Pure C99 (also valid C++17).
 *
 * Rules (docs/plugin-abi.md explains each):
 *  1. One exported symbol per library, ftl_plugin_entry. Its name and signature
 *     never change. It returns a static descriptor listing the factories.
 *  2. Structs that cross start with `uint32_t struct_size` and only ever grow at
 *     the end. Readers check FTL_HAS_FIELD before touching a newer field.
 *     FTL_ABI_MAJOR changes on any layout break (the host refuses a different
 *     major); FTL_ABI_MINOR grows when fields, slots or enum values are appended.
 *  3. Every fallible call returns an int32_t status (FTL_OK, FTL_END, or a
 *     negative FTL_ERR_*) and fills the host-owned ftl_error on failure. On
 *     failure, out-parameters are left untouched. No C++ exception crosses.
 *  4. Every ftl_tensor* that crosses carries exactly one reference: the
 *     receiver calls tensor->deleter(tensor) exactly once (also on error paths).
 *  5. Strings are UTF-8 and NUL-terminated. A string returned by an instance is
 *     owned by that instance and valid until destroy(), unless said otherwise.
 *  6. Threading: the host calls entry/create/destroy from one thread. An
 *     instance gets one call at a time unless its factory sets
 *     FTL_CAP_THREAD_SAFE; distinct instances may be called from different
 *     threads at once. Plugins never touch global RNGs or thread settings.
 *  7. Each instance receives its own TOML table as text and must reject keys it
 *     does not know with FTL_ERR_CONFIG, naming the key in ftl_error.key.
 */
#ifndef FTLAB_PLUGIN_H
#define FTLAB_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

/* DLTensor, DLDevice, DLDataType (DLPack >= 0.6). LibTorch ships its own copy
 * as <ATen/dlpack.h> under the same include guard, and LibTorch 2.x needs its
 * newer one: where it is on the include path, use it, so the include order of
 * a translation unit never matters. The structs used here are the same in both. */
#if defined(__has_include)
#if __has_include(<ATen/dlpack.h>)
#include <ATen/dlpack.h>
#else
#include <dlpack/dlpack.h>
#endif
#else
#include <dlpack/dlpack.h>
#endif

#define FTL_ABI_MAJOR 1u
#define FTL_ABI_MINOR 3u

#if defined(_WIN32)
#define FTL_EXPORT __declspec(dllexport)
#else
#define FTL_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
#define FTL_NOEXCEPT noexcept
extern "C" {
#else
#define FTL_NOEXCEPT
#endif

/* Does the struct *ptr (of type T, received from the other side) contain FIELD? */
#define FTL_HAS_FIELD(ptr, T, field) ((ptr)->struct_size >= offsetof(T, field) + sizeof(((T*)0)->field))

/* ---- status codes and the error buffer ------------------------------------ */
enum {
  FTL_OK = 0,
  FTL_END = 1,                   /* not an error: nothing more to return     */
  FTL_ERR_INVALID_ARGUMENT = -1, /* bad call from the host (shape, dtype, index) */
  FTL_ERR_CONFIG = -2,           /* bad TOML key or value; ftl_error.key names it */
  FTL_ERR_IO = -3,               /* a file is missing or malformed           */
  FTL_ERR_UNSUPPORTED = -4,      /* dtype, device or feature not supported   */
  FTL_ERR_BUFFER_TOO_SMALL = -5, /* *n_out holds the size needed             */
  FTL_ERR_OUT_OF_MEMORY = -6,
  FTL_ERR_ABI = -7,      /* ABI version or layout mismatch            */
  FTL_ERR_DATA = -8,     /* the data itself is invalid (label out of range, counts differ) */
  FTL_ERR_INTERNAL = -99 /* caught exception; message holds what()      */
};

typedef struct ftl_error {
  uint32_t struct_size; /* set by the host                                       */
  int32_t code;         /* set by the plugin: equals the returned status         */
  char message[1024];   /* set by the plugin: one line, NUL-terminated, says what to do */
  char key[128];        /* FTL_ERR_CONFIG: dotted key inside the component's table, or "" */
} ftl_error;

/* ---- services the host lends to plugins; valid for the whole process ------- */
enum { FTL_LOG_DEBUG = 0, FTL_LOG_INFO = 1, FTL_LOG_WARN = 2, FTL_LOG_ERROR = 3 };

typedef struct ftl_host_api {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  void* host_ctx; /* owned by the host; pass back unchanged */
  /* Thread-safe. component and msg are borrowed for the duration of the call. */
  void (*log)(void* host_ctx, int32_t level, const char* component, const char* msg) FTL_NOEXCEPT;
  /* Non-zero when the user asked to stop (Ctrl-C); poll it in long loops. */
  int32_t (*should_stop)(void* host_ctx) FTL_NOEXCEPT;
} ftl_host_api;

/* ---- tensors ---------------------------------------------------------------
 * Layout-identical to DLPack 1.x DLManagedTensorVersioned, declared here so that
 * Debian 12's DLPack 0.6 headers suffice. Strides are in elements (NULL means
 * compact row-major); consumers honour byte_offset and must not assume
 * alignment. */
#define FTL_TENSOR_READ_ONLY (1ull << 0)
#define FTL_TENSOR_IS_COPIED (1ull << 1)

typedef struct ftl_tensor {
  struct {
    uint32_t major;
    uint32_t minor;
  } version;                                /* {1, 0}                                   */
  void* manager_ctx;                        /* owned by the producer                    */
  void (*deleter)(struct ftl_tensor* self); /* frees self and its reference; may be NULL */
  uint64_t flags;                           /* FTL_TENSOR_*                             */
  DLTensor dl_tensor;
} ftl_tensor;

typedef struct ftl_named_tensor {
  const char* name;   /* borrowed: owned by the producer, valid until its next call */
  ftl_tensor* tensor; /* one reference, moves to the receiver                      */
} ftl_named_tensor;

/* ---- what every instance receives at creation ------------------------------ */
typedef struct ftl_instance ftl_instance; /* opaque; each plugin defines its own */

typedef struct ftl_config {
  uint32_t struct_size;
  const char* toml; /* borrowed for create(): this component's table as TOML text */
  size_t toml_len;
  const char* base_dir; /* borrowed for create(): relative paths in toml are relative to it */
  uint64_t seed;        /* this component's seed; use a private generator with it        */
  DLDevice device;      /* where tensors live ({kDLCPU, 0} on CPU)                        */
  int32_t num_threads;  /* threads the instance may use internally; 0 = decide yourself  */
  /* ABI 1.2 (read it only when host->abi_minor >= 2; it sits in what was tail
   * padding). Models: the mixed-precision compute type, {kDLFloat, 32, 1} or
   * {0, 0, 0} = none (fp32), {kDLBfloat, 16, 1} = bf16 autocast, {kDLFloat, 16,
   * 1} = fp16 autocast; parameters stay float32. A model that cannot honour it
   * fails create() with FTL_ERR_UNSUPPORTED. Other kinds ignore it. */
  DLDataType compute_dtype;
} ftl_config;

/* ---- vtables: every kind starts with the common block ---------------------- */
typedef struct ftl_common_vtable {
  uint32_t struct_size; /* sizeof the whole kind vtable (e.g. ftl_model_vtable) */
  /* On FTL_OK, *out is a new instance owned by the caller (free with destroy). */
  int32_t (*create)(const ftl_config* cfg, const ftl_host_api* host, ftl_instance** out, ftl_error* err) FTL_NOEXCEPT;
  /* NULL-safe, cannot fail, joins every thread the instance started. */
  void (*destroy)(ftl_instance* self) FTL_NOEXCEPT;
} ftl_common_vtable;

/* Tokenizer: text -> ids with the model's special-token template and truncation
 * (both set in its TOML). Ids are int32. Caller-owned buffers: when cap is too
 * small the call returns FTL_ERR_BUFFER_TOO_SMALL with *n_out = size needed. */
enum { FTL_ENCODE_ADD_SPECIAL = 1u << 0, FTL_ENCODE_TRUNCATE = 1u << 1 };

typedef struct ftl_tokenizer_vtable {
  ftl_common_vtable common;
  int64_t (*vocab_size)(const ftl_instance* self) FTL_NOEXCEPT;
  /* Id of a token string (e.g. "<pad>"), or FTL_ERR_INVALID_ARGUMENT if absent. */
  int32_t (*token_to_id)(const ftl_instance* self, const char* token, int32_t* id, ftl_error* err) FTL_NOEXCEPT;
  /* The id used to pad batches. */
  int32_t (*pad_id)(const ftl_instance* self) FTL_NOEXCEPT;
  /* text[0..len) -> ids[0..*n_out). flags: FTL_ENCODE_*. */
  int32_t (*encode)(const ftl_instance* self, const char* text, size_t len, uint32_t flags, int32_t* ids, size_t cap,
                    size_t* n_out, ftl_error* err) FTL_NOEXCEPT;
  /* ids -> UTF-8 text[0..*n_out), not NUL-terminated; special tokens skipped if skip_special. */
  int32_t (*decode)(const ftl_instance* self, const int32_t* ids, size_t n, int32_t skip_special, char* text,
                    size_t cap, size_t* n_out, ftl_error* err) FTL_NOEXCEPT;
  /* ABI 1.1 (check FTL_HAS_FIELD(&vt->common, ftl_tokenizer_vtable, encode_pair)
   * and non-NULL before calling). Encodes the pair (a, b) with the model's pair
   * template (RoBERTa `<s> A </s></s> B </s>`, BERT `[CLS] A [SEP] B [SEP]`);
   * b == NULL encodes a alone, like encode. FTL_ENCODE_TRUNCATE cuts the longer
   * text first, one token at a time, until the whole fits max_length. Writes
   * ids[0..*n_out) and, when type_ids is not NULL, each token's type id
   * (0 for A and its template tokens, 1 for B's part) into type_ids[0..*n_out).
   * Both buffers hold cap entries; same FTL_ERR_BUFFER_TOO_SMALL protocol. */
  int32_t (*encode_pair)(const ftl_instance* self, const char* a, size_t a_len, const char* b, size_t b_len,
                         uint32_t flags, int32_t* ids, int32_t* type_ids, size_t cap, size_t* n_out,
                         ftl_error* err) FTL_NOEXCEPT;
} ftl_tokenizer_vtable;

/* Dataset: labelled texts per split. Everything is loaded and validated in
 * create(), so later calls only fail on bad arguments. */
enum { FTL_SPLIT_TRAIN = 0, FTL_SPLIT_VALIDATION = 1, FTL_SPLIT_TEST = 2 };

typedef struct ftl_dataset_vtable {
  ftl_common_vtable common;
  int64_t (*num_labels)(const ftl_instance* self) FTL_NOEXCEPT;
  /* *name is borrowed from the instance. */
  int32_t (*label_name)(const ftl_instance* self, int64_t label, const char** name, ftl_error* err) FTL_NOEXCEPT;
  /* Number of examples, 0 if the split is absent. */
  int64_t (*num_examples)(const ftl_instance* self, int32_t split) FTL_NOEXCEPT;
  /* Example i of a split: *text (borrowed, *len bytes, not NUL-terminated) and
   * *label in [0, num_labels), or -1 when the split has no labels. */
  int32_t (*example)(const ftl_instance* self, int32_t split, int64_t i, const char** text, size_t* len, int64_t* label,
                     ftl_error* err) FTL_NOEXCEPT;
  /* ABI 1.3 (check FTL_HAS_FIELD; NULL: texts are used as given). Prepares new
   * texts for inference as create() prepares the dataset's own (stripping,
   * normalising), so a trained model sees them as it saw its training texts.
   * Needs no instance and reads no data: cfg carries the table the dataset was
   * created with (toml, toml_len, base_dir; other fields zero) and keys it does
   * not use are ignored. Calls sink(ctx, i, text, len) once for each i < n, in
   * order, with the prepared text (borrowed for that call). texts[i] is
   * lens[i] bytes, not NUL-terminated. */
  int32_t (*prepare_texts)(const ftl_config* cfg, const char* const* texts, const size_t* lens, int64_t n,
                           void (*sink)(void* ctx, int64_t i, const char* text, size_t len), void* ctx,
                           ftl_error* err) FTL_NOEXCEPT;
} ftl_dataset_vtable;

/* Model: forward (and backward) on a batch. The host owns the optimizer: it
 * updates parameters in place through the views param() hands out.
 * Inputs by name: "input_ids" [B, T] int64, "attention_mask" [B, T] int64,
 * "labels" [B] int64 (required when train = 1); optional loss settings
 * "class_weights" [C] float32, "label_smoothing" [] float, "loss_scale" []
 * float (multiplies the loss before backward; fp16 dynamic scaling). A plugin
 * rejects inputs it does not know. Outputs: "logits" [B, C] float32 (and
 * "loss" [] float32 with FTL_STEP_LOSS_TENSOR); the loss reported is before
 * loss_scale. Inputs on a CUDA device come from the host, which has checked
 * the ids against vocab_size: a plugin need not read them back to check. */
typedef struct ftl_step_args {
  uint32_t struct_size;
  const ftl_named_tensor* inputs; /* the tensors move to the plugin               */
  uint32_t n_inputs;
  int32_t train;  /* 1: train mode, forward + backward (grads accumulate);
                     0: eval mode, forward only                      */
  void* stream;   /* CUDA: the host's current cudaStream_t (LibTorch's current stream of the
                     calling thread). The inputs are ready in its order; enqueue the work on
                     it and do not synchronise the device. NULL: CPU, or synchronise. */
  uint32_t flags; /* ABI 1.2: FTL_STEP_* bits; check FTL_HAS_FIELD before reading */
} ftl_step_args;

/* Return the loss as an output tensor "loss" [] float32 on the model's device
 * (before loss_scale) and set *loss to NaN, so that the step never waits for
 * the device. A plugin that ignores the flag reports *loss as before. */
#define FTL_STEP_LOSS_TENSOR (1u << 0)

typedef struct ftl_model_vtable {
  ftl_common_vtable common;
  uint32_t (*num_params)(const ftl_instance* self) FTL_NOEXCEPT;
  /* View sharing storage with parameter i (moves to the caller). Stable for the
   * instance's life: the plugin only ever updates parameters in place. *name is
   * borrowed (e.g. "roberta.encoder.layer.0.attention.self.query.weight").
   * *no_decay is 1 for parameters that weight decay must skip (biases, norms). */
  int32_t (*param)(ftl_instance* self, uint32_t i, const char** name, int32_t* no_decay, ftl_tensor** out,
                   ftl_error* err) FTL_NOEXCEPT;
  /* Gradient of parameter i accumulated since zero_grad (moves to the caller),
   * or *out = NULL if it has none. Fetch again after every step. */
  int32_t (*grad)(ftl_instance* self, uint32_t i, ftl_tensor** out, ftl_error* err) FTL_NOEXCEPT;
  int32_t (*zero_grad)(ftl_instance* self, ftl_error* err) FTL_NOEXCEPT;
  /* Outputs go to outputs[0..*n_out) (they move to the caller); *loss is the
   * mean loss over the batch when labels were given, else NaN. */
  int32_t (*step)(ftl_instance* self, const ftl_step_args* args, ftl_named_tensor* outputs, uint32_t cap,
                  uint32_t* n_out, double* loss, ftl_error* err) FTL_NOEXCEPT;
} ftl_model_vtable;

/* Metric: accumulates predictions, then computes named values. */
typedef struct ftl_metric_value {
  const char* name; /* borrowed from the instance, valid until the next reset/destroy */
  double value;
} ftl_metric_value;

typedef struct ftl_metric_vtable {
  ftl_common_vtable common;
  int32_t (*reset)(ftl_instance* self, ftl_error* err) FTL_NOEXCEPT;
  /* logits [N, C] float32 and labels [N] int64; both tensors move to the plugin. */
  int32_t (*update)(ftl_instance* self, ftl_tensor* logits, ftl_tensor* labels, ftl_error* err) FTL_NOEXCEPT;
  /* Scalar values; on FTL_ERR_BUFFER_TOO_SMALL *n_out is the count needed. */
  int32_t (*compute)(ftl_instance* self, ftl_metric_value* out, uint32_t cap, uint32_t* n_out,
                     ftl_error* err) FTL_NOEXCEPT;
  /* Array-valued results (e.g. "confusion_matrix" [C, C] int64, "f1" [C]
   * float64), moving to the caller; same buffer protocol as compute. */
  int32_t (*tables)(ftl_instance* self, ftl_named_tensor* out, uint32_t cap, uint32_t* n_out,
                    ftl_error* err) FTL_NOEXCEPT;
  /* Name of the value to rank runs by (e.g. "macro_f1"); borrowed. */
  const char* (*headline)(const ftl_instance* self)FTL_NOEXCEPT;
} ftl_metric_vtable;

/* ---- discovery ---------------------------------------------------------------- */
enum { FTL_KIND_TOKENIZER = 1, FTL_KIND_DATASET = 2, FTL_KIND_MODEL = 3, FTL_KIND_METRIC = 4 };

#define FTL_CAP_THREAD_SAFE (1ull << 0)    /* instance calls may run concurrently        */
#define FTL_CAP_LINKS_LIBTORCH (1ull << 1) /* build_info names the LibTorch it needs     */
#define FTL_CAP_CUDA (1ull << 2)           /* accepts device = CUDA                      */

typedef struct ftl_factory {
  uint32_t struct_size;
  int32_t kind;          /* FTL_KIND_*: selects the vtable type                   */
  const char* name;      /* what experiments write: [tokenizer] plugin = "bpe"    */
  const char* version;   /* semantic version of this component                    */
  const char* summary;   /* one line for `ftlab plugins`                          */
  uint64_t capabilities; /* FTL_CAP_*                                             */
  const void* vtable;    /* const ftl_<kind>_vtable*                              */
} ftl_factory;

typedef struct ftl_plugin_descriptor {
  uint32_t struct_size;
  uint32_t abi_major; /* FTL_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor;
  const char* library_name;
  const char* build_info; /* "libtorch 1.13.0" for FTL_CAP_LINKS_LIBTORCH, else "" */
  uint32_t num_factories;
  const ftl_factory* factories; /* static storage, immutable */
} ftl_plugin_descriptor;

/* The only exported symbol. Called once per process on the loading thread.
 * Returns a static descriptor (never freed), or NULL with err filled when the
 * plugin cannot serve abi_major_requested. host stays valid for the process. */
#define FTL_ENTRY_SYMBOL "ftl_plugin_entry"
typedef const ftl_plugin_descriptor* (*ftl_entry_fn)(uint32_t abi_major_requested, const ftl_host_api* host,
                                                     ftl_error* err)FTL_NOEXCEPT;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FTLAB_PLUGIN_H */
