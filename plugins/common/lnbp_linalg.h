/* lnbp_linalg.h — small dense helpers shared by plugins (header only).
 *
 * Everything goes through the host table (allocation, RNG, gemm, svd), so a
 * plugin including this header still links nothing but libm. Matrices are
 * row-major and contiguous, as everywhere in lnnbench.
 */
#ifndef LNBP_LINALG_H
#define LNBP_LINALG_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lnnbench/plugin.h"

static inline size_t lnbp_min(size_t a, size_t b) { return a < b ? a : b; }
static inline size_t lnbp_max(size_t a, size_t b) { return a > b ? a : b; }

static inline void lnbp_copy(double *dst, const double *src, size_t n) {
  if (n) memmove(dst, src, n * sizeof(double));
}

/* Split a row-major rows x cols table in place: its last k columns go to Y
 * (rows x k) and its first cols - k are packed to the front of the table,
 * which is returned as X (rows x (cols - k), the same allocation), so data
 * read from a file is held once. */
static inline double *lnbp_split_columns(double *T, size_t rows, size_t cols, size_t k,
                                         double *Y) {
  size_t d = cols - k;
  for (size_t i = 0; i < rows; i++) {
    lnbp_copy(Y + i * k, T + i * cols + d, k);
    lnbp_copy(T + i * d, T + i * cols, d); /* forward: destination never past source */
  }
  return T;
}

static inline void lnbp_zero(double *a, size_t n) {
  if (n) memset(a, 0, n * sizeof(double));
}

/* squared Frobenius norm */
static inline double lnbp_frob2(const double *a, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; i++) s += a[i] * a[i];
  return s;
}

/* r x c matrix with ones on the main diagonal (rectangular allowed) */
static inline void lnbp_eye(double *a, size_t r, size_t c) {
  lnbp_zero(a, r * c);
  for (size_t i = 0; i < lnbp_min(r, c); i++) a[i * c + i] = 1.0;
}

/* i.i.d. N(0, std^2) entries */
static inline void lnbp_fill_normal(const lnb_host *h, lnb_rng *rng, double *a,
                                    size_t n, double std) {
  for (size_t i = 0; i < n; i++) a[i] = std * h->rng_normal(rng);
}

/* Random r x c matrix with orthonormal rows (r <= c) or orthonormal columns
 * (r > c): the polar factor U Vt of a Gaussian matrix G = U S Vt, which is
 * Haar distributed on the Stiefel manifold. Allocates scratch (create time
 * only). */
static inline int lnbp_random_orthonormal(const lnb_host *h, lnb_rng *rng,
                                          size_t r, size_t c, double *out,
                                          lnb_error *err) {
  size_t q = lnbp_min(r, c);
  double *G = h->alloc(r * c * sizeof(double));
  double *s = h->alloc(q * sizeof(double));
  double *U = h->alloc(r * q * sizeof(double));
  double *Vt = h->alloc(q * c * sizeof(double));
  int rc = LNB_OK;
  if (!G || !s || !U || !Vt) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for a %zu x %zu orthonormal matrix", r, c);
  } else {
    lnbp_fill_normal(h, rng, G, r * c, 1.0);
    rc = h->svd(r, c, G, s, U, Vt, err);
    if (rc == LNB_OK)
      h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, r, c, q, 1.0, U, q, Vt, c, 0.0, out, c);
  }
  if (G) h->free(G);
  if (s) h->free(s);
  if (U) h->free(U);
  if (Vt) h->free(Vt);
  return rc;
}

/* ------------------------------------------------ balanced factorization */

/* Workspace for factoring a k x d end-to-end matrix (allocated once, so that
 * a set_end_to_end hook called from an optimizer step allocates nothing of
 * its own; host->svd still allocates inside LAPACKE: a hot path does the SVD
 * with lnbp_svd.h and calls lnbp_balanced_from_svd). */
typedef struct lnbp_balanced_ws {
  size_t k, d, q;
  double *A, *s, *U, *Vt;
} lnbp_balanced_ws;

static inline void lnbp_balanced_ws_free(const lnb_host *h, lnbp_balanced_ws *ws) {
  if (ws->A) h->free(ws->A);
  if (ws->s) h->free(ws->s);
  if (ws->U) h->free(ws->U);
  if (ws->Vt) h->free(ws->Vt);
  memset(ws, 0, sizeof *ws);
}

static inline int lnbp_balanced_ws_init(const lnb_host *h, lnbp_balanced_ws *ws,
                                        size_t k, size_t d, lnb_error *err) {
  memset(ws, 0, sizeof *ws);
  ws->k = k;
  ws->d = d;
  ws->q = lnbp_min(k, d);
  ws->A = h->alloc(k * d * sizeof(double));
  ws->s = h->alloc(ws->q * sizeof(double));
  ws->U = h->alloc(k * ws->q * sizeof(double));
  ws->Vt = h->alloc(ws->q * d * sizeof(double));
  if (!ws->A || !ws->s || !ws->U || !ws->Vt) {
    lnbp_balanced_ws_free(h, ws);
    return h->error(err, LNB_ENOMEM, "out of memory for balanced factorization workspace");
  }
  return LNB_OK;
}

/* Numerical rank cutoff for singular values s[0] >= s[1] >= ... of an
 * r x c matrix: max(r, c) * eps * s_max. */
static inline size_t lnbp_numerical_rank(const double *s, size_t q, size_t r,
                                         size_t c) {
  if (q == 0 || !(s[0] > 0.0)) return 0;
  double tol = (double)lnbp_max(r, c) * DBL_EPSILON * s[0];
  size_t rho = 0;
  while (rho < q && s[rho] > tol) rho++;
  return rho;
}

static inline int lnbp_balanced_from_svd(const lnb_host *h, lnbp_balanced_ws *ws, size_t nl,
                                         const size_t *rows, const size_t *cols,
                                         double *const *layers, int fail_code,
                                         lnb_error *err);

/* Balanced factorization of the k x d matrix W = U S Vt over nl layers.
 * Layer j (0-based) is rows[j] x cols[j] with cols[0] = d, rows[nl-1] = k and
 * rows[j] = cols[j+1]. With rho = rank(W) and R = S^(1/nl) on the rank part:
 *   layer 0        = R Vt            (rows >= rho padded with zeros)
 *   layer j middle = diag(R) in the top-left rho x rho block, zeros elsewhere
 *   layer nl-1     = U R             (columns >= rho zero)
 * so that the product is W and layer[j+1]^T layer[j+1] = layer[j] layer[j]^T
 * exactly (zero unbalancedness). Fails with fail_code, leaving the layers
 * untouched, when a hidden width is smaller than rho. */
static inline int lnbp_balanced_factor(const lnb_host *h, lnbp_balanced_ws *ws,
                                       const double *W, size_t nl,
                                       const size_t *rows, const size_t *cols,
                                       double *const *layers, int fail_code,
                                       lnb_error *err) {
  size_t k = ws->k, d = ws->d;
  if (nl == 0) return h->error(err, LNB_EINVAL, "balanced factorization over zero layers");
  if (nl == 1) {
    lnbp_copy(layers[0], W, k * d);
    return LNB_OK;
  }
  for (size_t i = 0; i < k * d; i++) {
    if (!isfinite(W[i]))
      return h->error(err, LNB_ENUMERIC,
                      "balanced factorization: end-to-end matrix has a non-finite entry");
  }
  lnbp_copy(ws->A, W, k * d);
  int rc = h->svd(k, d, ws->A, ws->s, ws->U, ws->Vt, err);
  if (rc != LNB_OK) return rc;
  return lnbp_balanced_from_svd(h, ws, nl, rows, cols, layers, fail_code, err);
}

/* The same factorization (nl >= 2) from the SVD of W already in ws->s, ws->U
 * (k x q) and ws->Vt (q x d), e.g. computed without allocating (lnbp_svd.h)
 * by a hook called from an optimizer step. */
static inline int lnbp_balanced_from_svd(const lnb_host *h, lnbp_balanced_ws *ws, size_t nl,
                                         const size_t *rows, const size_t *cols,
                                         double *const *layers, int fail_code,
                                         lnb_error *err) {
  size_t k = ws->k, d = ws->d, q = ws->q;
  size_t rho = lnbp_numerical_rank(ws->s, q, k, d);
  for (size_t j = 0; j + 1 < nl; j++) {
    if (rows[j] < rho)
      return h->error(err, fail_code,
                      "balanced factorization impossible: hidden layer %zu has width %zu, "
                      "smaller than the rank %zu of the %zu x %zu end-to-end matrix",
                      j + 1, rows[j], rho, k, d);
  }
  double e = 1.0 / (double)nl;
  for (size_t i = 0; i < rho; i++) ws->s[i] = pow(ws->s[i], e);
  for (size_t j = 0; j < nl; j++) lnbp_zero(layers[j], rows[j] * cols[j]);
  /* first layer: R Vt */
  for (size_t i = 0; i < rho; i++)
    for (size_t c = 0; c < d; c++) layers[0][i * d + c] = ws->s[i] * ws->Vt[i * d + c];
  /* middle layers: diag(R) */
  for (size_t j = 1; j + 1 < nl; j++)
    for (size_t i = 0; i < rho; i++) layers[j][i * cols[j] + i] = ws->s[i];
  /* last layer: U R */
  double *L = layers[nl - 1];
  size_t lc = cols[nl - 1];
  for (size_t a = 0; a < k; a++)
    for (size_t i = 0; i < rho; i++) L[a * lc + i] = ws->U[a * q + i] * ws->s[i];
  return LNB_OK;
}

#endif
