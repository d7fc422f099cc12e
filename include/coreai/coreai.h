/*===- coreai.h - The C API of the coreai runtime -------------------------===*
 *
 * What other languages call (Swift, Python through ctypes, C): open a bundle,
 * specialize it for this device, describe and run its functions, and run
 * them asynchronously on compute streams. The library is libcoreai.so; it
 * carries the CPU, GPU (Vulkan, loaded at run time) and simulated
 * neural-engine units.
 *
 *   coreai_asset *asset;
 *   coreai_model *model;
 *   coreai_function *fn;
 *   if (coreai_asset_open("model.aimodel", &asset) != COREAI_OK ||
 *       coreai_asset_specialize(asset, NULL, &model) != COREAI_OK ||
 *       coreai_model_function(model, "main", &fn) != COREAI_OK)
 *     fprintf(stderr, "%s\n", coreai_last_error());
 *   coreai_function_run(fn, inputs, 1, outputs, 1);
 *
 * Conventions: every call that can fail returns a coreai_status, and
 * coreai_last_error() then holds one line saying what failed and where
 * (the file, the function, the input). No C++ type crosses this header.
 * Handles are freed with their *_free function (NULL is accepted); a
 * function or stream keeps its model alive, a model keeps its bundle mapped,
 * so they may be freed in any order. A model, its functions and streams may
 * be used from several threads at once.
 *
 *===----------------------------------------------------------------------===*/
#ifndef COREAI_COREAI_H
#define COREAI_COREAI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when this header changes incompatibly. */
#define COREAI_C_API_VERSION 1
/* The version the library implements. */
uint32_t coreai_api_version(void);

typedef enum coreai_status {
  COREAI_OK = 0,
  COREAI_NOT_FOUND = 1,        /* no such file, function or unit */
  COREAI_CORRUPT = 2,          /* the bundle is damaged or inconsistent */
  COREAI_UNSUPPORTED = 3,      /* valid, but this runtime or host cannot */
  COREAI_INVALID_ARGUMENT = 4, /* the caller passed something wrong */
  COREAI_INTERNAL = 5,         /* a failure of the runtime or the system */
  COREAI_UNTRUSTED = 6         /* the trust policy refuses the bundle */
} coreai_status;

/* The last failure of a call on this thread, one line ("" if none). Valid
 * until the next failing call on this thread. */
const char *coreai_last_error(void);

/* Compute units, as bits. */
typedef enum coreai_unit {
  COREAI_UNIT_CPU = 1,
  COREAI_UNIT_GPU = 2,
  COREAI_UNIT_NEURAL_ENGINE = 4
} coreai_unit;

/* Element types: ONNX's TensorProto.DataType numbers (the common ones). */
typedef enum coreai_dtype {
  COREAI_FLOAT32 = 1,
  COREAI_UINT8 = 2,
  COREAI_INT8 = 3,
  COREAI_UINT16 = 4,
  COREAI_INT16 = 5,
  COREAI_INT32 = 6,
  COREAI_INT64 = 7,
  COREAI_BOOL = 9,
  COREAI_FLOAT16 = 10,
  COREAI_FLOAT64 = 11,
  COREAI_UINT32 = 12,
  COREAI_UINT64 = 13,
  COREAI_BFLOAT16 = 16
} coreai_dtype;

typedef struct coreai_asset coreai_asset;
typedef struct coreai_model coreai_model;
typedef struct coreai_function coreai_function;
typedef struct coreai_stream coreai_stream;
typedef struct coreai_state coreai_state;

/* ---- Assets: a verified, mapped bundle ---------------------------------- */

coreai_status coreai_asset_open(const char *path, coreai_asset **asset);
/* A bundle in memory that stays there, unowned, until every handle from the
 * asset is freed: e.g. one linked into the program (coreai_add_model EMBED).
 * Used in place when 64-byte aligned. */
coreai_status coreai_asset_open_memory(const void *data, size_t size,
                                       coreai_asset **asset);
void coreai_asset_free(coreai_asset *asset);

/* ---- Specialization --------------------------------------------------- */

typedef struct coreai_specialization_options {
  uint32_t allowed_units;      /* coreai_unit bits; 0: every unit */
  uint32_t preferred_unit;     /* a coreai_unit that must be used; 0: none */
  int32_t gpu_device;          /* Vulkan device index; -1: the first */
  uint32_t threads;            /* CPU threads; 0: one per core */
  const char *cpu_variant;     /* e.g. "x86-64-v3"; NULL: the best */
  const char *cache_directory; /* model cache folder; NULL: no cache; "":
                                  $XDG_CACHE_HOME/coreai or ~/.cache/coreai */
  uint64_t cache_max_bytes;    /* 0: 1 GiB */
} coreai_specialization_options;

/* The defaults: every unit, none preferred, the first GPU, a thread per
 * core, the best CPU variant, no model cache. */
void coreai_specialization_options_init(coreai_specialization_options *options);

/* `options` NULL: the defaults. Trusts every bundle whose signature, if
 * any, verifies (COREAI_TRUST_ALLOW_UNSIGNED); see below. */
coreai_status
coreai_asset_specialize(const coreai_asset *asset,
                        const coreai_specialization_options *options,
                        coreai_model **model);

/* ---- Trust: whose bundles run (coreai/Trust.h, docs/security.md) ------- */

typedef enum coreai_trust_policy {
  /* Development: unsigned and untrusted-signer bundles run. */
  COREAI_TRUST_ALLOW_UNSIGNED = 0,
  /* Only bundles signed by a trusted key; others fail before any of their
   * code is loaded, with COREAI_UNTRUSTED. */
  COREAI_TRUST_REQUIRE_SIGNATURE = 1,
  /* Untrusted bundles run no CPU code (GPU and engine schedules only). */
  COREAI_TRUST_NO_UNSIGNED_NATIVE_CODE = 2
} coreai_trust_policy;

typedef struct coreai_trust coreai_trust;

coreai_status coreai_trust_create(coreai_trust_policy policy,
                                  coreai_trust **trust);
/* Trusts the public key in a KEY.pub file (coreai-build keygen). */
coreai_status coreai_trust_add_key_file(coreai_trust *trust, const char *path);
/* Trusts the keys of the trust directories ($COREAI_TRUSTED_KEYS_PATH, else
 * ~/.config/coreai/trusted-keys and /etc/coreai/trusted-keys). */
coreai_status coreai_trust_add_default_keys(coreai_trust *trust);
void coreai_trust_free(coreai_trust *trust);

/* coreai_asset_specialize under `trust` (NULL: allow unsigned). */
coreai_status coreai_asset_specialize_trusted(
    const coreai_asset *asset, const coreai_specialization_options *options,
    const coreai_trust *trust, coreai_model **model);
void coreai_model_free(coreai_model *model);

/* ---- Functions and their descriptors ---------------------------------- */

size_t coreai_model_function_count(const coreai_model *model);
/* NULL when `index` is out of range; valid while the model lives. */
const char *coreai_model_function_name(const coreai_model *model, size_t index);
coreai_status coreai_model_function(const coreai_model *model, const char *name,
                                    coreai_function **function);
void coreai_function_free(coreai_function *function);

typedef struct coreai_tensor_descriptor {
  const char *name;
  int32_t dtype; /* coreai_dtype */
  size_t rank;
  const int64_t *shape; /* rank dims */
  /* The source model's name of each dim bound at compile time ("" for the
   * others); NULL when no dim was symbolic. */
  const char *const *dim_names;
} coreai_tensor_descriptor;

size_t coreai_function_input_count(const coreai_function *function);
size_t coreai_function_output_count(const coreai_function *function);
/* The pointers in `descriptor` stay valid while the function lives. */
coreai_status coreai_function_input(const coreai_function *function,
                                    size_t index,
                                    coreai_tensor_descriptor *descriptor);
coreai_status coreai_function_output(const coreai_function *function,
                                     size_t index,
                                     coreai_tensor_descriptor *descriptor);
/* An input fed with pixel buffers (compiled with --image-input): the
 * tensor is uint8 [N, height, width, bytes per pixel of `format`], and the
 * function converts each pixel to (pixel * scale - mean[c]) / std[c]. */
typedef struct coreai_image_descriptor {
  const char *format; /* "rgb8", "bgr8", "rgba8", "bgra8", "gray8" */
  int64_t width, height;
  size_t channels;    /* of the model: 3, or 1 for gray8 */
  const double *mean; /* channels values */
  const double *std;
  double scale;
} coreai_image_descriptor;

/* COREAI_NOT_FOUND when input `index` is not fed with pixel buffers. The
 * pointers stay valid while the function lives. */
coreai_status coreai_function_input_image(const coreai_function *function,
                                          size_t index,
                                          coreai_image_descriptor *image);

/* A function compiled for enumerated shapes (coreai-build --shape given
 * several times for an input) runs at any of several shapes, and
 * coreai_function_run picks the code by the inputs' shapes: how many (0 when
 * it has one shape), and the shape of input or output `index` in variant
 * `variant` (variant 0 has the descriptor's shapes). `shape` stays valid
 * while the function lives. */
size_t coreai_function_shape_variant_count(const coreai_function *function);
coreai_status coreai_function_shape_variant(const coreai_function *function,
                                            size_t variant, int input,
                                            size_t index, size_t *rank,
                                            const int64_t **shape);

/* How the function runs after specialization, e.g. "cpu" or "schedule:
 * 41 gpu + 2 cpu steps on <device>". Valid while the function lives. */
const char *coreai_function_placement(const coreai_function *function);

/* ---- Running ----------------------------------------------------------- */

/* A tensor in the caller's memory: dense, row-major, `data` 16-byte
 * aligned, `byte_size` exactly the elements' bytes. */
typedef struct coreai_tensor {
  int32_t dtype; /* coreai_dtype */
  size_t rank;
  const int64_t *shape;
  void *data;
  size_t byte_size;
} coreai_tensor;

/* Runs `function` on `inputs`, writing `outputs` (the caller's buffers, of
 * the dtypes and shapes the descriptor gives). Blocks until done. */
coreai_status coreai_function_run(const coreai_function *function,
                                  const coreai_tensor *inputs,
                                  size_t num_inputs, coreai_tensor *outputs,
                                  size_t num_outputs);

/* ---- State: values a function keeps between calls ---------------------- */
/* A function compiled with coreai-build --state INPUT=OUTPUT keeps a value
 * between calls (a decoder's key/value cache): how many, and state
 * `index`'s name (its input's) with its input and output index in the
 * descriptor. `name` stays valid while the function lives. */
size_t coreai_function_state_count(const coreai_function *function);
coreai_status coreai_function_state(const coreai_function *function,
                                    size_t index, const char **name,
                                    size_t *input, size_t *output);
/* A fresh state for `function`, every value zero. It keeps the function's
 * model alive; runs with one state take turns. */
coreai_status coreai_function_make_state(const coreai_function *function,
                                         coreai_state **state);
void coreai_state_free(coreai_state *state);
/* Sets every value back to zero. */
coreai_status coreai_state_reset(coreai_state *state);
/* Copies state `name`'s value into `tensor` (read) or from it (write); the
 * tensor has the state's dtype and shape. */
coreai_status coreai_state_read(const coreai_state *state, const char *name,
                                coreai_tensor *tensor);
coreai_status coreai_state_write(coreai_state *state, const char *name,
                                 const coreai_tensor *tensor);
/* Runs `function` with `state` (made by that function): `inputs` and
 * `outputs` are the descriptor's inputs and outputs that are not state, in
 * order; the state's inputs read its values and its outputs become them.
 * On failure the state keeps its values. Blocks until done. */
coreai_status
coreai_function_run_state(const coreai_function *function, coreai_state *state,
                          const coreai_tensor *inputs, size_t num_inputs,
                          coreai_tensor *outputs, size_t num_outputs);
/* ---- Compute streams: asynchronous runs, in order per stream ----------- */

/* Called on the stream's thread when a run completes; `message` is "" on
 * success, else the failure (valid during the call). */
typedef void (*coreai_completion)(void *user_data, coreai_status status,
                                  const char *message);

coreai_status coreai_stream_create(const coreai_model *model,
                                   coreai_stream **stream);
/* Enqueues a run of `function` after what the stream already holds and
 * returns at once. The buffers of `inputs` and `outputs` must stay valid
 * and unchanged (inputs) until `done` is called; `done` may be NULL. The
 * tensors themselves (shape arrays included) are copied. Arguments that do
 * not fit the function fail here, before anything is enqueued. */
coreai_status
coreai_stream_enqueue(coreai_stream *stream, const coreai_function *function,
                      const coreai_tensor *inputs, size_t num_inputs,
                      const coreai_tensor *outputs, size_t num_outputs,
                      coreai_completion done, void *user_data);
/* Waits until every run enqueued so far has completed. */
coreai_status coreai_stream_synchronize(coreai_stream *stream);
/* Waits for the stream's runs, then frees it. */
void coreai_stream_free(coreai_stream *stream);

#ifdef __cplusplus
}
#endif

#endif /* COREAI_COREAI_H */
