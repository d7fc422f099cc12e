/* A stand-in for a compiler-generated CPU executable, following
 * lib/Bundle/KernelABI.h, for the runtime's unit tests. */
#include "lib/Bundle/KernelABI.h"

#ifndef TEST_ABI_VERSION
#define TEST_ABI_VERSION COREAI_KERNEL_ABI_VERSION
#endif

uint32_t coreai_abi_version(void) { return TEST_ABI_VERSION; }

/* main(x: f32[2,3]) -> y = x + c, with constant c: f32[2,3]. */
void coreai_fn_main(void *const *args) {
  const float *x = (const float *)args[0];
  float *y = (float *)args[1];
  const float *c = (const float *)args[2];
  for (int i = 0; i < 6; ++i)
    y[i] = x[i] + c[i];
}

/* affine(x: f32[2,3]) -> (y = x * a + b, n: i64[] = count of y > 0), with
 * constants a, b: f32[2,3] in that order. */
void coreai_fn_affine(void *const *args) {
  const float *x = (const float *)args[0];
  float *y = (float *)args[1];
  long long *n = (long long *)args[2];
  const float *a = (const float *)args[3];
  const float *b = (const float *)args[4];
  *n = 0;
  for (int i = 0; i < 6; ++i) {
    y[i] = x[i] * a[i] + b[i];
    *n += y[i] > 0;
  }
}

/* The dispatch form of main (KernelABI.h v2): bindings x, c, y; workgroup
 * `id` of `count` adds elements [id * 6 / count, (id + 1) * 6 / count). */
int32_t coreai_dispatch_add(const coreai_dispatch_state_v2 *state,
                            const coreai_workgroup_state_v2 *workgroup) {
  if (state->binding_count != 3)
    return 1;
  uint32_t count = state->workgroup_count[0];
  if (count == 0)
    return 0;
  const float *x = (const float *)state->bindings[0];
  const float *c = (const float *)state->bindings[1];
  float *y = (float *)state->bindings[2];
  uint32_t id = workgroup->workgroup_id[0];
  for (uint32_t i = id * 6 / count; i < (id + 1) * 6 / count; ++i)
    y[i] = x[i] + c[i];
  return 0;
}

#ifdef TEST_CONSTRUCTOR_MARKER
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
/* The trust tests' stand-in for a replaced executable: loading it leaves a
 * file at $COREAI_TEST_MARKER, so a test sees whether its code ever ran. */
__attribute__((constructor)) static void leaveMarker(void) {
  const char *path = getenv("COREAI_TEST_MARKER");
  if (path) {
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd >= 0)
      close(fd);
  }
}
#endif

/* Argument tables (KernelABI.h v3): bytes and written flags per buffer. */
#define F32x6 24u
const uint64_t coreai_fn_main__args[] = {3, F32x6, 0, F32x6, 1, F32x6, 0};
const uint64_t coreai_fn_affine__args[] = {5, F32x6, 0, F32x6, 1, 8,
                                           1, F32x6, 0, F32x6, 0};
const uint64_t coreai_dispatch_add__args[] = {3, F32x6, 0, F32x6, 0, F32x6, 1};
