/* lnb_peak.h — the dgemm peak that "fraction of peak" refers to. */
#ifndef LNB_PEAK_H
#define LNB_PEAK_H

#include <stddef.h>

/* What lnb_dgemm_peak measures, for reports. */
#define LNB_PEAK_METHOD                                                              \
  "BLIS cblas_dgemm C = A B, square n x n (row-major, no transposes), n in {256, 512, " \
  "1024}: for each n the fastest single call over >= 0.15 s of repeated calls, "        \
  "2 n^3 flops; the peak is the best of the three, at the BLIS thread count in use"

/* The peak in flop/s as described above; *best_n (may be NULL) receives the n
 * that reached it. 0 when out of memory. */
double lnb_dgemm_peak(size_t *best_n);

/* Seconds of the fastest of repeated C = A B calls (n x n) over min_seconds. */
double lnb_dgemm_best_seconds(size_t n, double min_seconds);

#endif
