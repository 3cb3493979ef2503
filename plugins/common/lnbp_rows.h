/* lnbp_rows.h — the sample-level side (ABI 1.4) of problems whose loss is
 * l(W) = c * sum_i ||W x_i - y_i||_p^p over the rows x_i of X (m x d) and
 * y_i of Y (m x k), p even: lsq (p = 2, c = 1/(2m) or 1/2) and lp_regression
 * (c = 1/(p m)). A mini-batch of rows gathers them into buffers made once
 * (lnbp_rows_prepare, outside the timed loop) and evaluates the unbiased
 * estimate (m/n) c sum_{j<n} ||r_{rows[j]}||_p^p and its gradient
 * (m/n) c p R^{p-1}^T X_rows through two gemm calls; no allocation. */
#ifndef LNBP_ROWS_H
#define LNBP_ROWS_H

#include <math.h>
#include <string.h>

#include "lnnbench/plugin.h"

typedef struct lnbp_rows {
  double *X, *Y, *R; /* cap x d, cap x k, cap x k */
  size_t cap;
} lnbp_rows;

static inline void lnbp_rows_free(const lnb_host *h, lnbp_rows *b) {
  if (b->X) h->free(b->X);
  if (b->Y) h->free(b->Y);
  if (b->R) h->free(b->R);
  memset(b, 0, sizeof *b);
}

/* buffers for batches of up to max rows (replacing smaller ones) */
static inline int lnbp_rows_prepare(const lnb_host *h, lnbp_rows *b, size_t max, size_t d,
                                    size_t k, lnb_error *err) {
  if (max <= b->cap) return LNB_OK;
  lnbp_rows_free(h, b);
  b->X = h->alloc(max * d * sizeof(double));
  b->Y = h->alloc(max * k * sizeof(double));
  b->R = h->alloc(max * k * sizeof(double));
  if (!b->X || !b->Y || !b->R) {
    lnbp_rows_free(h, b);
    return h->error(err, LNB_ENOMEM, "out of memory for batches of %zu rows (d = %zu)", max, d);
  }
  b->cap = max;
  return LNB_OK;
}

/* The estimate above at the k x d matrix We; grad (k x d) when not NULL.
 * NaN when n is 0 or above the prepared capacity (a host error). */
static inline double lnbp_rows_eval(const lnb_host *h, lnbp_rows *b, const double *X,
                                    const double *Y, size_t m, size_t d, size_t k, int p,
                                    double c, const size_t *rows, size_t n, const double *We,
                                    double *grad) {
  if (n == 0 || n > b->cap) return NAN;
  for (size_t j = 0; j < n; j++) {
    memcpy(b->X + j * d, X + rows[j] * d, d * sizeof(double));
    memcpy(b->Y + j * k, Y + rows[j] * k, k * sizeof(double));
  }
  double *R = b->R;
  memcpy(R, b->Y, n * k * sizeof(double));
  h->gemm(LNB_NO_TRANS, LNB_TRANS, n, k, d, 1.0, b->X, d, We, d, -1.0, R, k); /* X W^T - Y */
  double s = 0.0;
  for (size_t i = 0; i < n * k; i++) {
    double r = R[i], r2 = r * r, rp1 = r; /* r^(p-1) */
    for (int e = 2; e < p; e += 2) rp1 *= r2;
    s += rp1 * r;
    R[i] = rp1;
  }
  double w = c * (double)m / (double)n;
  if (grad) h->gemm(LNB_TRANS, LNB_NO_TRANS, k, d, n, w * (double)p, R, k, b->X, d, 0.0, grad, d);
  return w * s;
}

#endif
