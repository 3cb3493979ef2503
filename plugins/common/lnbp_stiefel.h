/* lnbp_stiefel.h — Stiefel-manifold helpers shared by plugins (header only):
 * tangent projection, QR retraction qf with positive diag(R), and a
 * Haar-random point. Paper 000 Sec. 5; the conventions are pymanopt's.
 *
 * An r x c tensor with r >= c lies on St(r, c) = {W : W^T W = I_c}
 * (orthonormal columns); one with r < c is read as its transpose (W W^T =
 * I_r, orthonormal rows, the Stiefel(d, d) of paper 000 Sec. 5 when square).
 * Square tensors satisfy both.
 *
 * The QR goes through LAPACKE_dgeqrf_work / LAPACKE_dorgqr_work in column
 * major (the row-major _work forms allocate a transposed copy), with the
 * workspace queried once by lnbp_qf_ws_reserve/lnbp_qf_ws_alloc, so that
 * lnbp_qf allocates nothing. Includes lapacke.h: do not include blis.h in the
 * same translation unit (cblas.h is fine).
 */
#ifndef LNBP_STIEFEL_H
#define LNBP_STIEFEL_H

#include <lapacke.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

/* --------------------------------------------------------- tangent space */

/* Tangent projection of G at W (r x c, row-major) into xi:
 *   r >= c:  xi = G - W sym(W^T G)
 *   r <  c:  xi = G - sym(G W^T) W
 * with sym(M) = (M + M^T)/2. S is a q x q scratch matrix, q = min(r, c).
 * xi must not alias W or S (it may alias G). */
static inline void lnbp_stiefel_proj(const lnb_host *h, size_t r, size_t c, const double *W,
                                     const double *G, double *xi, double *S) {
  size_t q = lnbp_min(r, c);
  if (r >= c)
    h->gemm(LNB_TRANS, LNB_NO_TRANS, c, c, r, 1.0, W, c, G, c, 0.0, S, c);
  else
    h->gemm(LNB_NO_TRANS, LNB_TRANS, r, r, c, 1.0, G, c, W, c, 0.0, S, r);
  for (size_t i = 0; i < q; i++)
    for (size_t j = i + 1; j < q; j++) {
      double s = 0.5 * (S[i * q + j] + S[j * q + i]);
      S[i * q + j] = s;
      S[j * q + i] = s;
    }
  if (xi != G) lnbp_copy(xi, G, r * c);
  if (r >= c)
    h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, r, c, c, -1.0, W, c, S, c, 1.0, xi, c);
  else
    h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, r, c, r, -1.0, S, r, W, c, 1.0, xi, c);
}

/* ||W^T W - I||_F (r >= c) or ||W W^T - I||_F (r < c); S is q x q scratch */
static inline double lnbp_stiefel_error(const lnb_host *h, size_t r, size_t c,
                                        const double *W, double *S) {
  size_t q = lnbp_min(r, c);
  if (r >= c)
    h->gemm(LNB_TRANS, LNB_NO_TRANS, c, c, r, 1.0, W, c, W, c, 0.0, S, c);
  else
    h->gemm(LNB_NO_TRANS, LNB_TRANS, r, r, c, 1.0, W, c, W, c, 0.0, S, r);
  for (size_t i = 0; i < q; i++) S[i * q + i] -= 1.0;
  return sqrt(lnbp_frob2(S, q * q));
}

/* ------------------------------------------------------------ QR: qf(M) */

/* Workspace for thin QR of matrices up to the reserved shapes. */
typedef struct lnbp_qf_ws {
  size_t cap;          /* entries of A (max n p over reserved shapes) */
  size_t pmax;         /* max p */
  double *A;           /* n x p column-major */
  double *tau, *sgn;   /* pmax each */
  double *work;
  lapack_int lwork;
} lnbp_qf_ws;

static inline void lnbp_qf_ws_free(const lnb_host *h, lnbp_qf_ws *ws) {
  if (ws->A) h->free(ws->A);
  if (ws->tau) h->free(ws->tau);
  if (ws->sgn) h->free(ws->sgn);
  if (ws->work) h->free(ws->work);
  memset(ws, 0, sizeof *ws);
}

/* Record that qf will be called on r x c matrices (either orientation):
 * grows the sizes and queries LAPACK's optimal lwork. Call before
 * lnbp_qf_ws_alloc; no allocation here. Returns the LAPACK info (0 = ok). */
static inline int lnbp_qf_ws_reserve(lnbp_qf_ws *ws, size_t r, size_t c) {
  size_t n = lnbp_max(r, c), p = lnbp_min(r, c);
  if (p == 0) return 0;
  ws->cap = lnbp_max(ws->cap, n * p);
  ws->pmax = lnbp_max(ws->pmax, p);
  double dummy[1] = {0}, q1 = 0, q2 = 0;
  lapack_int info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)p, dummy,
                                        (lapack_int)n, dummy, &q1, -1);
  if (info != 0) return (int)info;
  info = LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)p, (lapack_int)p,
                             dummy, (lapack_int)n, dummy, &q2, -1);
  if (info != 0) return (int)info;
  lapack_int need = (lapack_int)fmax(fmax(q1, q2), (double)p);
  if (need > ws->lwork) ws->lwork = need;
  return 0;
}

static inline int lnbp_qf_ws_alloc(const lnb_host *h, lnbp_qf_ws *ws, lnb_error *err) {
  if (ws->cap == 0) return LNB_OK;
  ws->A = h->alloc(ws->cap * sizeof(double));
  ws->tau = h->alloc(ws->pmax * sizeof(double));
  ws->sgn = h->alloc(ws->pmax * sizeof(double));
  ws->work = h->alloc((size_t)ws->lwork * sizeof(double));
  if (!ws->A || !ws->tau || !ws->sgn || !ws->work) {
    lnbp_qf_ws_free(h, ws);
    return h->error(err, LNB_ENOMEM, "out of memory for the QR workspace");
  }
  return LNB_OK;
}

/* Q = qf(M - t*xi) for the r x c row-major M (xi may be NULL): the Q factor
 * of the thin QR M' = Q R with diag(R) made positive (Q's columns scaled by
 * the signs of diag(R)), which is unique for full-rank M'. For r < c the QR
 * is of M'^T, and Q holds the transpose of its Q factor (orthonormal rows).
 * Q is r x c and may alias M. R (optional, q x q row-major, q = min(r, c)):
 * the sign-fixed upper-triangular factor, so that M' = Q R (r >= c) or
 * M'^T = Q^T R (r < c). A zero diagonal entry of R keeps its sign +.
 * Returns the LAPACK info (0 = ok). Allocates nothing. */
static inline int lnbp_qf(lnbp_qf_ws *ws, size_t r, size_t c, const double *M, double t,
                          const double *xi, double *Q, double *R) {
  size_t n = lnbp_max(r, c), p = lnbp_min(r, c);
  if (p == 0) return 0;
  double *A = ws->A;
  /* column-major n x p: element (i, j) at A[i + j n] */
  if (r >= c) { /* A = M (row-major r x c): transpose */
    for (size_t i = 0; i < r; i++)
      for (size_t j = 0; j < c; j++)
        A[i + j * n] = xi ? M[i * c + j] - t * xi[i * c + j] : M[i * c + j];
  } else { /* A = M^T: the row-major buffer of M read column-major */
    if (xi)
      for (size_t i = 0; i < r * c; i++) A[i] = M[i] - t * xi[i];
    else
      lnbp_copy(A, M, r * c);
  }
  lapack_int info = LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)p, A,
                                        (lapack_int)n, ws->tau, ws->work, ws->lwork);
  if (info != 0) return (int)info;
  for (size_t j = 0; j < p; j++) ws->sgn[j] = A[j + j * n] < 0.0 ? -1.0 : 1.0;
  if (R)
    for (size_t i = 0; i < p; i++)
      for (size_t j = 0; j < p; j++) R[i * p + j] = j >= i ? ws->sgn[i] * A[i + j * n] : 0.0;
  info = LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)p, (lapack_int)p, A,
                             (lapack_int)n, ws->tau, ws->work, ws->lwork);
  if (info != 0) return (int)info;
  if (r >= c) {
    for (size_t i = 0; i < r; i++)
      for (size_t j = 0; j < c; j++) Q[i * c + j] = ws->sgn[j] * A[i + j * n];
  } else { /* Q = (Q_A)^T: row i of Q is column i of Q_A */
    for (size_t i = 0; i < r; i++)
      for (size_t j = 0; j < c; j++) Q[i * c + j] = ws->sgn[i] * A[j + i * n];
  }
  return 0;
}

/* Haar-random point of St(r, c) (either orientation): qf of an r x c matrix
 * of i.i.d. N(0, 1) entries (drawn row-major from rng). Allocates its own
 * workspace: create-time only. */
static inline int lnbp_random_stiefel(const lnb_host *h, lnb_rng *rng, size_t r, size_t c,
                                      double *out, lnb_error *err) {
  lnbp_qf_ws ws;
  memset(&ws, 0, sizeof ws);
  int info = lnbp_qf_ws_reserve(&ws, r, c);
  if (info != 0)
    return h->error(err, LNB_ENUMERIC, "QR workspace query failed (LAPACK info %d)", info);
  int rc = lnbp_qf_ws_alloc(h, &ws, err);
  if (rc != LNB_OK) return rc;
  lnbp_fill_normal(h, rng, out, r * c, 1.0);
  info = lnbp_qf(&ws, r, c, out, 0.0, NULL, out, NULL);
  lnbp_qf_ws_free(h, &ws);
  if (info != 0)
    return h->error(err, LNB_ENUMERIC, "QR of a random %zu x %zu matrix failed (LAPACK info %d)",
                    r, c, info);
  return LNB_OK;
}

#endif
