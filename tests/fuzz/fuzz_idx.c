/* libFuzzer harness: the IDX reader (host->read_idx), plain and gzip. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/lnb_fuzz_idx_%d", (int)getpid());
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  unsigned char *out = NULL;
  size_t dims[LNB_IDX_MAX_DIMS] = {0}, nd = 0;
  lnb_error err = {0};
  if (lnb__read_idx(path, &out, dims, &nd, &err) == LNB_OK) {
    if (!out || nd < 1 || nd > LNB_IDX_MAX_DIMS) abort();
    size_t total = 1;
    for (size_t i = 0; i < nd; i++) {
      if (dims[i] == 0) abort();
      total *= dims[i];
    }
    if (total > LNB_IDX_MAX_BYTES) abort();
    volatile unsigned sum = 0; /* every byte readable (ASan) */
    for (size_t i = 0; i < total; i++) sum += out[i];
    (void)sum;
    lnb__free(out);
  } else if (err.msg[0] == '\0' || out) {
    abort();
  }
  unlink(path);
  return 0;
}
