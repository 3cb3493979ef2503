/* lnbp_linsys.h — helpers for architectures that use the problem's linear
 * system view (lnb_linsys: loss = scale ||X W^T - Y||_F^2, X = A of paper 000)
 * at create: an orthonormal basis of range(A^T) (the row space of X),
 * projections onto it, and the vector v0 of paper 000's bi-optimal inits,
 * shared by deep_linear and compact_h1 / compact_h2 so that the same run seed
 * and parameters give the same starting point in both.
 *
 * Header only; everything goes through the host table. lnbp_rowspace_basis
 * allocates (create time only); the projection helpers allocate nothing.
 */
#ifndef LNBP_LINSYS_H
#define LNBP_LINSYS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnbp_lstsq.h"
#include "lnnbench/plugin.h"

/* Orthonormal basis of the row space of X (m x d), i.e. of range(A^T): the
 * first rank rows of V^T of the thin SVD X = U S V^T, rank the numerical
 * rank (max(m,d) eps s_max cutoff). *V is host-allocated rank x d (NULL when
 * rank is 0). Allocates: call from create only. */
static inline int lnbp_rowspace_basis(const lnb_host *h, const double *X, size_t m, size_t d,
                                      double **V, size_t *rank, lnb_error *err) {
  size_t q = lnbp_min(m, d), ar = m > d ? d : m; /* a tall X: its d x d QR factor */
  *V = NULL;
  *rank = 0;
  double *Xc = h->alloc(ar * d * sizeof(double));
  double *s = h->alloc((q ? q : 1) * sizeof(double));
  double *Vt = h->alloc((q ? q : 1) * d * sizeof(double));
  int rc = LNB_OK;
  if (!Xc || !s || !Vt) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for the SVD of the %zu x %zu data matrix",
                  m, d);
    goto out;
  }
  /* X = Q R has the row space and singular values of R: no m x d copy */
  if (m > d)
    rc = lnbp_tsqr(h, X, NULL, m, d, 0, Xc, err);
  else
    lnbp_copy(Xc, X, m * d);
  if (rc != LNB_OK || (rc = h->svd(ar, d, Xc, s, NULL, Vt, err)) != LNB_OK) goto out;
  size_t r = lnbp_numerical_rank(s, q, m, d);
  if (r > 0) {
    *V = h->alloc(r * d * sizeof(double));
    if (!*V) {
      rc = h->error(err, LNB_ENOMEM, "out of memory for a basis of range(A^T)");
      goto out;
    }
    lnbp_copy(*V, Vt, r * d);
  }
  *rank = r;
out:
  if (Xc) h->free(Xc);
  if (s) h->free(s);
  if (Vt) h->free(Vt);
  return rc;
}

/* out (r x d) = B V^T V: the rows of B (r x d) projected onto the span of
 * the q orthonormal rows of V (q x d). tmp holds r x q. out may equal B. */
static inline void lnbp_project_rows(const lnb_host *h, const double *B, size_t r, size_t d,
                                     const double *V, size_t q, double *tmp, double *out) {
  if (q == 0) {
    lnbp_zero(out, r * d);
    return;
  }
  h->gemm(LNB_NO_TRANS, LNB_TRANS, r, q, d, 1.0, B, d, V, d, 0.0, tmp, q);
  h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, r, d, q, 1.0, tmp, q, V, d, 0.0, out, d);
}

/* ||B (I - V^T V)||_F: distance of the rows of B (r x d) from the span of the
 * rows of V (q x d, orthonormal). Computed row by row as the norm of the
 * explicit residual (no cancellation): coef holds r x q, row holds d.
 * Allocates nothing. */
static inline double lnbp_rowspace_residual(const lnb_host *h, const double *B, size_t r,
                                            size_t d, const double *V, size_t q, double *coef,
                                            double *row) {
  if (q == 0) return sqrt(lnbp_frob2(B, r * d));
  h->gemm(LNB_NO_TRANS, LNB_TRANS, r, q, d, 1.0, B, d, V, d, 0.0, coef, q);
  double acc = 0.0;
  for (size_t i = 0; i < r; i++) {
    lnbp_copy(row, B + i * d, d);
    h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, 1, d, q, -1.0, coef + i * q, q, V, d, 1.0, row, d);
    acc += lnbp_frob2(row, d);
  }
  return sqrt(acc);
}

/* The n-vector v0 of paper 000's bi-optimal inits (Theorem 6, Lemma 9;
 * Algorithms 2-4 start from "v0 arbitrary, not zero"): the plugin's `v0`
 * parameter when set (length n = rows of A), else i.i.d. N(0, init_std^2)
 * drawn from the run seed's stream "paper000-v0". A plugin using this
 * declares `v0` (LNB_T_REAL_LIST) and `init_std` (LNB_T_REAL). */
static inline int lnbp_biopt_v0(const lnb_host *h, const lnb_params *p, uint64_t seed,
                                size_t n, double *v, lnb_error *err) {
  if (h->param_is_set(p, "v0")) {
    size_t len = 0;
    const double *given = h->param_reals(p, "v0", &len);
    if (!given || len != n)
      return h->error(err, LNB_EDIM,
                      "v0 has %zu entries but the linear system has n = %zu equations "
                      "(rows of A); v0 must have length n",
                      len, n);
    lnbp_copy(v, given, n);
  } else {
    lnb_rng rng;
    h->rng_init(&rng, seed, "paper000-v0");
    lnbp_fill_normal(h, &rng, v, n, h->param_real(p, "init_std"));
  }
  return LNB_OK;
}

#endif
