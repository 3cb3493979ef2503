/* lnb_peak.c — BLIS dgemm peak measured in-process (lnb_peak.h). */
#define _POSIX_C_SOURCE 200809L
#include "lnb_peak.h"

#include <cblas.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double lnb_dgemm_best_seconds(size_t n, double min_seconds) {
  double *a = malloc(3 * n * n * sizeof *a);
  if (!a) return 0.0;
  double *b = a + n * n, *c = b + n * n;
  unsigned s = 12345u;
  for (size_t i = 0; i < 2 * n * n; i++) { /* uniform in [-1, 1): no denormals, no zeros */
    s = s * 1103515245u + 12345u;
    a[i] = (double)(s >> 8) / (double)(1u << 24) * 2.0 - 1.0;
  }
  int N = (int)n;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1.0, a, N, b, N, 0.0, c, N);
  double best = 1e300, start = now();
  int reps = 0;
  do {
    double t0 = now();
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1.0, a, N, b, N, 0.0, c,
                N);
    double t = now() - t0;
    if (t < best) best = t;
    reps++;
  } while (now() - start < min_seconds || reps < 3);
  free(a);
  return best;
}

double lnb_dgemm_peak(size_t *best_n) {
  static const size_t sizes[] = {256, 512, 1024};
  double peak = 0.0;
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    size_t n = sizes[i];
    double t = lnb_dgemm_best_seconds(n, 0.15);
    if (!(t > 0.0)) return 0.0;
    double f = 2.0 * (double)n * (double)n * (double)n / t;
    if (f > peak) {
      peak = f;
      if (best_n) *best_n = n;
    }
  }
  return peak;
}
