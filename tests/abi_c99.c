/* abi_c99.c - the ABI header must compile as C99 with -pedantic, and its
 * layout must match DLPack's: this program checks both (built with
 * -std=c99 -pedantic -Werror, run by CTest). */
#include <ftlab/plugin.h>

#include <stdio.h>

#define CHECK(cond)                                    \
  do {                                                 \
    if (!(cond)) {                                     \
      fprintf(stderr, "abi_c99: failed: %s\n", #cond); \
      return 1;                                        \
    }                                                  \
  } while (0)

int main(void) {
  ftl_error err;
  ftl_tensor t;
  err.struct_size = (uint32_t)sizeof err;
  CHECK(FTL_HAS_FIELD(&err, ftl_error, key));
  err.struct_size = (uint32_t)offsetof(ftl_error, key);
  CHECK(!FTL_HAS_FIELD(&err, ftl_error, key));
  /* ftl_tensor mirrors DLManagedTensorVersioned: the DLTensor sits after
   * version (8), manager_ctx, deleter and flags (8 each on 64-bit). */
  CHECK(offsetof(ftl_tensor, dl_tensor) == 8 + 2 * sizeof(void*) + 8);
  CHECK(sizeof(t.dl_tensor) == sizeof(DLTensor));
  CHECK(FTL_ABI_MAJOR == 1u);
  printf("abi_c99: ok\n");
  return 0;
}
