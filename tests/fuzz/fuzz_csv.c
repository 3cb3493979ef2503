/* libFuzzer harness: the numeric CSV reader (host->read_csv). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lnb_host_set_max_dense_bytes((size_t)64 << 20); /* keep the fuzzer's memory small */
  char path[64];
  snprintf(path, sizeof path, "/tmp/lnb_fuzz_csv_%d", (int)getpid());
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  double *X = NULL;
  size_t rows = 0, cols = 0;
  lnb_error err = {0};
  if (lnb__read_csv(path, &X, &rows, &cols, &err) == LNB_OK) {
    /* accepted data are finite and shaped as reported */
    if (!X || rows == 0 || cols == 0) abort();
    for (size_t i = 0; i < rows * cols; i++)
      if (!isfinite(X[i])) abort();
    lnb__free(X);
  } else if (err.msg[0] == '\0') {
    abort();
  }
  unlink(path);
  return 0;
}
