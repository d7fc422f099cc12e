/*===- classify.c - The digits demo in C, through include/coreai/coreai.h
 *---===*
 *
 *   digits-classify-c digits.aimodel samples.npy labels.npy
 *
 * What examples/digits/classify.cpp does, through the C API (what Swift or
 * Python's ctypes would call): open the bundle, specialize it for the CPU,
 * describe the function, run the 8 sample images in one batch, and print
 * each predicted digit beside its true label, in the same format. The .npy
 * files are read by a minimal reader for little-endian float32 / int64
 * arrays in C order, which is what the examples hold.
 *
 *===----------------------------------------------------------------------===*/
#include "coreai/coreai.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An array read from a .npy file: 64-byte aligned data. */
typedef struct {
  char descr[8];
  size_t rank;
  int64_t shape[8];
  void *data;
  size_t bytes;
} npy_array;

static int read_npy(const char *path, npy_array *out) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: error: cannot open\n", path);
    return 0;
  }
  unsigned char magic[10];
  int ok = fread(magic, 1, 10, f) == 10 && memcmp(magic, "\x93NUMPY", 6) == 0 &&
           magic[6] == 1;
  size_t header_len = ok ? (size_t)(magic[8] | magic[9] << 8) : 0;
  char header[1024] = {0};
  ok = ok && header_len < sizeof header &&
       fread(header, 1, header_len, f) == header_len;
  const char *descr = ok ? strstr(header, "'descr': '") : NULL;
  const char *shape = ok ? strstr(header, "'shape': (") : NULL;
  ok = descr && shape && !strstr(header, "'fortran_order': True");
  if (ok) {
    descr += strlen("'descr': '");
    size_t n = strcspn(descr, "'");
    ok = n < sizeof out->descr;
    if (ok) {
      memcpy(out->descr, descr, n);
      out->descr[n] = 0;
    }
  }
  size_t elements = 1;
  out->rank = 0;
  if (ok) {
    const char *p = shape + strlen("'shape': (");
    while (*p && *p != ')' && out->rank < 8) {
      char *end;
      long long d = strtoll(p, &end, 10);
      if (end == p)
        break;
      out->shape[out->rank++] = d;
      elements *= (size_t)d;
      p = end;
      while (*p == ',' || *p == ' ')
        ++p;
    }
  }
  size_t element_size = 0;
  if (ok && strcmp(out->descr, "<f4") == 0)
    element_size = 4;
  else if (ok && strcmp(out->descr, "<i8") == 0)
    element_size = 8;
  ok = ok && element_size;
  if (ok) {
    out->bytes = elements * element_size;
    out->data = aligned_alloc(64, (out->bytes + 63) / 64 * 64);
    ok = out->data && fread(out->data, 1, out->bytes, f) == out->bytes;
  }
  fclose(f);
  if (!ok)
    fprintf(stderr,
            "%s: error: not a little-endian float32 or int64 .npy "
            "array in C order\n",
            path);
  return ok;
}

static int fail(const char *what) {
  fprintf(stderr, "digits-classify-c: %s: error: %s\n", what,
          coreai_last_error());
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: digits-classify-c BUNDLE SAMPLES.npy LABELS.npy\n");
    return 2;
  }
  npy_array images, labels;
  if (!read_npy(argv[2], &images) || !read_npy(argv[3], &labels))
    return 1;
  if (strcmp(images.descr, "<f4") != 0 || strcmp(labels.descr, "<i8") != 0 ||
      labels.rank != 1) {
    fprintf(stderr, "digits-classify-c: error: expected float32 images and "
                    "int64 labels\n");
    return 1;
  }

  coreai_asset *asset = NULL;
  coreai_model *model = NULL;
  coreai_function *classify = NULL;
  coreai_specialization_options options;
  coreai_specialization_options_init(&options);
  options.allowed_units = COREAI_UNIT_CPU;
  if (coreai_asset_open(argv[1], &asset) != COREAI_OK)
    return fail(argv[1]);
  if (coreai_asset_specialize(asset, &options, &model) != COREAI_OK)
    return fail(argv[1]);
  if (coreai_model_function(model, "main", &classify) != COREAI_OK)
    return fail(argv[1]);

  /* The output's shape comes from the function's descriptor: N x 10. */
  coreai_tensor_descriptor out_desc;
  if (coreai_function_output(classify, 0, &out_desc) != COREAI_OK)
    return fail(argv[1]);
  if (out_desc.dtype != COREAI_FLOAT32 || out_desc.rank != 2)
    return fprintf(stderr, "digits-classify-c: error: unexpected output\n"), 1;
  int64_t n = out_desc.shape[0], classes = out_desc.shape[1];
  size_t out_bytes = (size_t)(n * classes) * sizeof(float);
  float *probs = aligned_alloc(64, (out_bytes + 63) / 64 * 64);

  coreai_tensor input = {COREAI_FLOAT32, images.rank, images.shape, images.data,
                         images.bytes};
  coreai_tensor output = {COREAI_FLOAT32, out_desc.rank, out_desc.shape, probs,
                          out_bytes};
  if (coreai_function_run(classify, &input, 1, &output, 1) != COREAI_OK)
    return fail(argv[2]);

  const int64_t *truth = labels.data;
  int correct = 0;
  for (int64_t i = 0; i < n && i < labels.shape[0]; ++i) {
    const float *row = probs + i * classes;
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (row[c] > row[best])
        best = c;
    correct += best == truth[i];
    printf("sample %lld: predicted %lld (p=%.3f), label %lld %s\n",
           (long long)i, (long long)best, row[best], (long long)truth[i],
           best == truth[i] ? "ok" : "WRONG");
  }
  printf("%d of %lld correct\n", correct, (long long)n);

  coreai_function_free(classify);
  coreai_model_free(model);
  coreai_asset_free(asset);
  free(probs);
  free(images.data);
  free(labels.data);
  return correct == n ? 0 : 1;
}
