/* lnbp_lstsq.h — minimum-norm least squares and row-space bases of a data
 * matrix at create, without an m x d copy of the data (header only;
 * everything through the host table; these allocate: create time only).
 *
 * A tall [X Y] (m >= d + k rows) is reduced to its n x n triangular factor
 * R~ ([X Y] = Q R~, Q^T Q = I, n = d + k) one block of rows at a time: the
 * block is stacked under the current R~ and the (n + b) x n stack is
 * QR-factored (LAPACK dgeqrf), which leaves the new R~ on top. Memory is
 * (n + b) x n, not m x d; flops about 4 n^2 m. Then, with
 *   R~ = [R11 r12; 0 R22]   (R11 d x d, r12 d x k, R22 k x k),
 * ||X B - Y||^2 = ||R11 B - r12||^2 + ||R22||^2, so the thin SVD of the
 * d x d R11 = U S V^T (the singular values of X) gives the minimum-norm
 * solution B* = V S_rho^-1 U_rho^T r12 and the residual
 *   min ||X B - Y||^2 = ||R22||^2 + ||(I - U_rho U_rho^T) r12||^2,
 * rho the numerical rank (max(m, d) eps s_max cutoff, as lnbp_numerical_rank);
 * a well-conditioned R11 skips the SVD (below).
 * A wide X (m < d + k) is copied and SVD-factored directly: there the copy is
 * no larger than the triangular factor would be.
 */
#ifndef LNBP_LSTSQ_H
#define LNBP_LSTSQ_H

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

/* Rows per block of the streaming QR: at least n (so the stack is at most
 * twice the factor) and at least 64 (so small factors still use level-3
 * BLAS), never more than m. */
static inline size_t lnbp_tsqr_block(size_t m, size_t n) {
  size_t b = n < 64 ? 64 : n;
  return b < m ? b : m;
}

/* R~ (n x n upper triangular, row-major, into Rt) of [X Y], X m x d, Y m x k
 * (Y may be NULL with k = 0), both row-major. Needs m >= 1. */
static inline int lnbp_tsqr(const lnb_host *h, const double *X, const double *Y, size_t m,
                            size_t d, size_t k, double *Rt, lnb_error *err) {
  size_t n = d + k, b = lnbp_tsqr_block(m, n), ld = n + b;
  double *T = h->alloc(ld * n * sizeof(double)); /* column-major, zero-filled */
  double *tau = h->alloc(n * sizeof(double));
  double *work = NULL, q = 0.0;
  int rc = LNB_OK;
  if (!T || !tau) goto nomem;
  lapack_int info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)ld, (lapack_int)n, T,
                                        (lapack_int)ld, tau, &q, -1);
  if (info != 0) {
    rc = h->error(err, LNB_ENUMERIC, "dgeqrf workspace query failed (info %d)", (int)info);
    goto out;
  }
  lapack_int lwork = (lapack_int)q > 1 ? (lapack_int)q : 1;
  if (!(work = h->alloc((size_t)lwork * sizeof(double)))) goto nomem;
  for (size_t r0 = 0; r0 < m; r0 += b) {
    size_t bi = m - r0 < b ? m - r0 : b;
    /* rows 0..n-1: the current R~ (zero below its diagonal); rows n..: the block */
    for (size_t j = 0; j < d; j++)
      for (size_t i = 0; i < bi; i++) T[(n + i) + j * ld] = X[(r0 + i) * d + j];
    for (size_t j = 0; j < k; j++)
      for (size_t i = 0; i < bi; i++) T[(n + i) + (d + j) * ld] = Y[(r0 + i) * k + j];
    info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)(n + bi), (lapack_int)n, T,
                               (lapack_int)ld, tau, work, lwork);
    if (info != 0) {
      rc = h->error(err, LNB_ENUMERIC, "dgeqrf failed (info %d)", (int)info);
      goto out;
    }
    /* drop the Householder vectors: below the diagonal of R~ and the block */
    for (size_t j = 0; j < n; j++)
      for (size_t i = j + 1; i < n + bi; i++) T[i + j * ld] = 0.0;
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) Rt[i * n + j] = j >= i ? T[i + j * ld] : 0.0;
  goto out;
nomem:
  rc = h->error(err, LNB_ENOMEM, "out of memory for the QR of the %zu x %zu data", m, n);
out:
  if (T) h->free(T);
  if (tau) h->free(tau);
  if (work) h->free(work);
  return rc;
}

/* Minimum-norm least squares: W (k x d) = argmin ||X W^T - Y||_F^2 of least
 * norm, *rss = the minimum, *rank = the numerical rank of X. When X has full
 * row rank (rank = m) *rss is exactly 0 (the fit interpolates).
 *
 * Tall X: after the streaming QR, a well-conditioned R11 (LAPACK's condition
 * estimate 1/cond > sqrt(eps), far inside the SVD cutoff max(m, d) eps) has
 * full rank, and B* = R11^-1 r12 is the unique solution: one triangular solve,
 * no SVD and its d x d factors. Otherwise the SVD of R11 decides the rank. */
static inline int lnbp_lstsq_svd_solve(const lnb_host *h, double *A, size_t ar, size_t d,
                                       const double *rhs, size_t k, size_t m, int tall,
                                       double *W, double *rss, size_t *rank, lnb_error *err);

static inline int lnbp_lstsq_minnorm(const lnb_host *h, const double *X, const double *Y,
                                     size_t m, size_t d, size_t k, double *W, double *rss,
                                     size_t *rank, lnb_error *err) {
  *rss = 0.0;
  *rank = 0;
  if (m < d + k) { /* wide: the SVD of a copy (no larger than the factor) */
    double *A = h->alloc(m * d * sizeof(double));
    if (!A)
      return h->error(err, LNB_ENOMEM, "out of memory for the least-squares solve (%zu x %zu)",
                      m, d);
    lnbp_copy(A, X, m * d);
    int rc = lnbp_lstsq_svd_solve(h, A, m, d, Y, k, m, 0, W, rss, rank, err);
    h->free(A);
    return rc;
  }
  size_t n = d + k;
  double *Rt = h->alloc(n * n * sizeof(double)), *B = h->alloc(d * k * sizeof(double));
  double *work = h->alloc(3 * d * sizeof(double));
  lapack_int *iwork = h->alloc(d * sizeof(lapack_int));
  int rc = LNB_OK;
  if (!Rt || !B || !work || !iwork) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for the least-squares solve (%zu x %zu)", m,
                  d);
    goto out;
  }
  if ((rc = lnbp_tsqr(h, X, Y, m, d, k, Rt, err)) != LNB_OK) goto out;
  for (size_t i = d; i < n; i++)
    for (size_t j = i; j < n; j++) *rss += Rt[i * n + j] * Rt[i * n + j]; /* ||R22||^2 */
  for (size_t i = 0; i < d; i++) {
    lnbp_copy(B + i * k, Rt + i * n + d, k); /* r12 */
    lnbp_copy(Rt + i * d, Rt + i * n, d);    /* R11, packed d x d in place */
  }
  /* row-major upper R11 is column-major lower R11^T: same condition number */
  double rcond = 0.0;
  lapack_int info = LAPACKE_dtrcon_work(LAPACK_COL_MAJOR, '1', 'L', 'N', (lapack_int)d, Rt,
                                        (lapack_int)d, &rcond, work, iwork);
  if (info == 0 && rcond > sqrt(DBL_EPSILON)) {
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, (int)d,
                (int)k, 1.0, Rt, (int)d, B, (int)k); /* B = R11^-1 r12 */
    for (size_t a = 0; a < k; a++)
      for (size_t j = 0; j < d; j++) W[a * d + j] = B[j * k + a];
    *rank = d;
  } else {
    rc = lnbp_lstsq_svd_solve(h, Rt, d, d, B, k, m, 1, W, rss, rank, err);
  }
out:
  if (Rt) h->free(Rt);
  if (B) h->free(B);
  if (work) h->free(work);
  if (iwork) h->free(iwork);
  return rc;
}

/* The minimum-norm solution of A B = rhs (A ar x d, overwritten; rhs ar x k)
 * through the thin SVD A = U S V^T, rank cutoff of an m x d matrix; W = B^T.
 * tall: A is the square factor R11 of X (then U is square and the residual
 * outside range(U_rho) adds to *rss); else A is X itself (the explicit
 * residual Y - U_rho U_rho^T Y, exactly 0 at full row rank). */
static inline int lnbp_lstsq_svd_solve(const lnb_host *h, double *A, size_t ar, size_t d,
                                       const double *rhs, size_t k, size_t m, int tall,
                                       double *W, double *rss, size_t *rank, lnb_error *err) {
  size_t q = lnbp_min(ar, d), q1 = q ? q : 1;
  double *s = h->alloc(q1 * sizeof(double)), *U = h->alloc(ar * q1 * sizeof(double));
  double *Vt = h->alloc(q1 * d * sizeof(double)), *Z = h->alloc(q1 * k * sizeof(double));
  double *Rr = tall ? NULL : h->alloc(m * k * sizeof(double));
  int rc = LNB_OK;
  if (!s || !U || !Vt || !Z || (!tall && !Rr)) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for the SVD of a %zu x %zu matrix", ar, d);
    goto out;
  }
  if ((rc = h->svd(ar, d, A, s, U, Vt, err)) != LNB_OK) goto out;
  size_t rho = lnbp_numerical_rank(s, q, m, d);
  *rank = rho;
  /* Z = U^T rhs (q x k) */
  h->gemm(LNB_TRANS, LNB_NO_TRANS, q, k, ar, 1.0, U, q, rhs, k, 0.0, Z, k);
  if (tall) {
    for (size_t i = rho; i < q; i++) *rss += lnbp_frob2(Z + i * k, k);
  } else if (rho < m) {
    lnbp_copy(Rr, rhs, m * k);
    if (rho > 0) h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, m, k, rho, -1.0, U, q, Z, k, 1.0, Rr, k);
    *rss = lnbp_frob2(Rr, m * k);
  }
  for (size_t i = 0; i < q; i++) {
    double inv = i < rho ? 1.0 / s[i] : 0.0;
    for (size_t j = 0; j < k; j++) Z[i * k + j] *= inv;
  }
  /* W = Z^T Vt (k x d) */
  h->gemm(LNB_TRANS, LNB_NO_TRANS, k, d, q, 1.0, Z, k, Vt, d, 0.0, W, d);
out:;
  double *bufs[] = {s, U, Vt, Z, Rr};
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
    if (bufs[i]) h->free(bufs[i]);
  return rc;
}

#endif
