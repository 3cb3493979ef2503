/* lnbp_matfun.h — square-matrix functions for plugins (header only): SVD,
 * polar decomposition, principal real powers of orthogonal matrices via the
 * real Schur form, powers of symmetric PSD matrices, the balanced
 * factorization of paper 004 (Bartlett, Helmbold & Long, Definition 3), and
 * Frobenius projections onto H_gamma = {A : u^T A u >= gamma for all unit u}
 * and onto the spectral ball {A : ||A - I||_2 <= psi}.
 *
 * Everything works on n x n row-major matrices through one workspace
 * (lnbp_mf_ws) created once with lnbp_mf_ws_init: the LAPACK calls are the
 * LAPACKE_*_work routines in column-major layout (the row-major LAPACKE path
 * allocates a transposed copy) with work arrays sized by workspace queries at
 * init, and products go through host->gemm, so no function below allocates.
 * Include this header, not blis.h, in a plugin (lapacke.h and blis.h clash).
 *
 * Conventions used inside: a column-major n x n buffer read row-major is the
 * transpose. LAPACK outputs are kept column-major and used through gemm's
 * transpose flags.
 */
#ifndef LNBP_MATFUN_H
#define LNBP_MATFUN_H

#include <lapacke.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef struct lnbp_mf_ws {
  const lnb_host *h;
  size_t n;
  double *a;          /* LAPACK input, overwritten (column-major) */
  double *U, *s, *Vt; /* last SVD, row-major: X = U diag(s) Vt, s descending */
  double *R;          /* polar factor R (row-major) */
  double *Zt;         /* Schur vectors Z, column-major (= Z^T read row-major) */
  double *theta;      /* per Schur block: rotation angle (0 for a 1x1 block +1) */
  int *blk;           /* 2: first row of a 2x2 block; 0: second row; 1: 1x1 block */
  double *wr, *wi;    /* eigenvalues from dgees */
  double *B, *C, *D;  /* n x n scratch */
  double *ev;         /* eigenvalues from dsyevd (ascending) */
  double *work;
  lapack_int lwork;
  lapack_int *iwork;
  lapack_int liwork;
  lapack_logical *bwork;
} lnbp_mf_ws;

static inline void lnbp_mf_ws_free(const lnb_host *h, lnbp_mf_ws *w) {
  double **bufs[] = {&w->a, &w->U, &w->s, &w->Vt, &w->R, &w->Zt, &w->theta,
                     &w->wr, &w->wi, &w->B, &w->C, &w->D, &w->ev, &w->work};
  for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
    if (*bufs[i]) h->free(*bufs[i]);
  if (w->blk) h->free(w->blk);
  if (w->iwork) h->free(w->iwork);
  if (w->bwork) h->free(w->bwork);
  memset(w, 0, sizeof *w);
}

/* Workspace for n x n matrices (n >= 1). Runs the LAPACK workspace queries
 * (dgesdd jobz S and N, dgees, dsyevd jobz V) once. */
static inline int lnbp_mf_ws_init(const lnb_host *h, lnbp_mf_ws *w, size_t n,
                                  lnb_error *err) {
  memset(w, 0, sizeof *w);
  if (n == 0) return h->error(err, LNB_EINVAL, "matrix functions: size 0");
  w->h = h;
  w->n = n;
  size_t nn = n * n;
  w->a = h->alloc(nn * sizeof(double));
  w->U = h->alloc(nn * sizeof(double));
  w->s = h->alloc(n * sizeof(double));
  w->Vt = h->alloc(nn * sizeof(double));
  w->R = h->alloc(nn * sizeof(double));
  w->Zt = h->alloc(nn * sizeof(double));
  w->theta = h->alloc(n * sizeof(double));
  w->blk = h->alloc(n * sizeof(int));
  w->wr = h->alloc(n * sizeof(double));
  w->wi = h->alloc(n * sizeof(double));
  w->B = h->alloc(nn * sizeof(double));
  w->C = h->alloc(nn * sizeof(double));
  w->D = h->alloc(nn * sizeof(double));
  w->ev = h->alloc(n * sizeof(double));
  w->bwork = h->alloc(n * sizeof(lapack_logical));
  if (!w->a || !w->U || !w->s || !w->Vt || !w->R || !w->Zt || !w->theta || !w->blk ||
      !w->wr || !w->wi || !w->B || !w->C || !w->D || !w->ev || !w->bwork)
    goto nomem;
  lapack_int N = (lapack_int)n, sdim = 0, info, iq = 0;
  double q = 0.0, lw = 1.0;
  lapack_int liw = 8 * N;
  info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', N, N, w->a, N, w->s, w->U, N, w->Vt, N,
                             &q, -1, &iq);
  if (info != 0) goto qfail;
  lw = fmax(lw, q);
  info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'N', N, N, w->a, N, w->s, w->U, N, w->Vt, N,
                             &q, -1, &iq);
  if (info != 0) goto qfail;
  lw = fmax(lw, q);
  info = LAPACKE_dgees_work(LAPACK_COL_MAJOR, 'V', 'N', NULL, N, w->a, N, &sdim, w->wr, w->wi,
                            w->Zt, N, &q, -1, w->bwork);
  if (info != 0) goto qfail;
  lw = fmax(lw, q);
  info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'U', N, w->a, N, w->ev, &q, -1, &iq, -1);
  if (info != 0) goto qfail;
  lw = fmax(lw, q);
  if (iq > liw) liw = iq;
  w->lwork = (lapack_int)lw + 1;
  w->liwork = liw;
  w->work = h->alloc((size_t)w->lwork * sizeof(double));
  w->iwork = h->alloc((size_t)w->liwork * sizeof(lapack_int));
  if (!w->work || !w->iwork) goto nomem;
  return LNB_OK;
qfail:
  lnbp_mf_ws_free(h, w);
  return h->error(err, LNB_ENUMERIC, "matrix functions: LAPACK workspace query failed (%d)",
                  (int)info);
nomem:
  lnbp_mf_ws_free(h, w);
  return h->error(err, LNB_ENOMEM, "out of memory for %zu x %zu matrix-function workspace", n,
                  n);
}

/* out = A^T (n x n; out != A) */
static inline void lnbp_mf_transpose(const double *A, double *out, size_t n) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) out[j * n + i] = A[i * n + j];
}

static inline int lnbp_mf_finite(const double *A, size_t nn) {
  for (size_t i = 0; i < nn; i++)
    if (!isfinite(A[i])) return 0;
  return 1;
}

/* SVD X = U diag(s) Vt into w->U, w->s, w->Vt (row-major; s descending).
 * Column-major dgesdd on the row-major buffer factors X^T = U' S V'^T, so
 * X = V' S U'^T: its u output read row-major is V_X^T and its vt output read
 * row-major is U_X, hence the swapped arguments. */
static inline int lnbp_mf_svd(lnbp_mf_ws *w, const double *X, lnb_error *err) {
  lapack_int N = (lapack_int)w->n;
  if (!lnbp_mf_finite(X, w->n * w->n))
    return w->h->error(err, LNB_ENUMERIC, "SVD: the %zu x %zu matrix has a non-finite entry",
                       w->n, w->n);
  lnbp_copy(w->a, X, w->n * w->n);
  lapack_int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', N, N, w->a, N, w->s, w->Vt, N,
                                        w->U, N, w->work, w->lwork, w->iwork);
  if (info != 0)
    return w->h->error(err, LNB_ENUMERIC, "SVD of a %zu x %zu matrix failed (dgesdd info %d)",
                       w->n, w->n, (int)info);
  return LNB_OK;
}

/* Singular values only (descending) into w->s. */
static inline int lnbp_mf_singular_values(lnbp_mf_ws *w, const double *X, lnb_error *err) {
  lapack_int N = (lapack_int)w->n;
  if (!lnbp_mf_finite(X, w->n * w->n))
    return w->h->error(err, LNB_ENUMERIC, "SVD: the %zu x %zu matrix has a non-finite entry",
                       w->n, w->n);
  lnbp_copy(w->a, X, w->n * w->n);
  lapack_int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'N', N, N, w->a, N, w->s, NULL, N,
                                        NULL, N, w->work, w->lwork, w->iwork);
  if (info != 0)
    return w->h->error(err, LNB_ENUMERIC, "SVD of a %zu x %zu matrix failed (dgesdd info %d)",
                       w->n, w->n, (int)info);
  return LNB_OK;
}

/* Polar decomposition A = R P (R orthogonal, P symmetric PSD) from the SVD
 * A = U S V^T: R = U V^T, P = V S V^T. R and/or P may be NULL. Leaves the SVD
 * of A in w->U, w->s, w->Vt. */
static inline int lnbp_mf_polar(lnbp_mf_ws *w, const double *A, double *R, double *P,
                                lnb_error *err) {
  const lnb_host *h = w->h;
  size_t n = w->n;
  int rc = lnbp_mf_svd(w, A, err);
  if (rc != LNB_OK) return rc;
  if (R)
    h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, n, n, n, 1.0, w->U, n, w->Vt, n, 0.0, R, n);
  if (P) {
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++) w->D[i * n + j] = w->s[i] * w->Vt[i * n + j];
    h->gemm(LNB_TRANS, LNB_NO_TRANS, n, n, n, 1.0, w->Vt, n, w->D, n, 0.0, P, n);
  }
  return LNB_OK;
}

/* Real Schur form of the orthogonal R: R = Z T Z^T with T block diagonal,
 * 1x1 blocks +-1 and 2x2 blocks [[cos t, -sin t], [sin t, cos t]], t in
 * (-pi, pi). Fills w->Zt (Z column-major), w->blk and w->theta. The blocks of
 * T are read from their standardized dgees form [[a, b], [c, a]] (b c < 0):
 * sin t = sign(c) sqrt(|b c|), cos t = a; the O(eps) entries of T off the
 * block diagonal (T is normal) are dropped. Fails with LNB_ENOTSUP when R has
 * the eigenvalue -1 (a 1x1 block -1), which has no principal real root. */
static inline int lnbp_mf_schur_orth(lnbp_mf_ws *w, const double *R, lnb_error *err) {
  size_t n = w->n;
  lapack_int N = (lapack_int)n, sdim = 0;
  if (!lnbp_mf_finite(R, n * n))
    return w->h->error(err, LNB_ENUMERIC, "Schur form: the matrix has a non-finite entry");
  lnbp_mf_transpose(R, w->a, n); /* column-major R */
  lapack_int info = LAPACKE_dgees_work(LAPACK_COL_MAJOR, 'V', 'N', NULL, N, w->a, N, &sdim,
                                       w->wr, w->wi, w->Zt, N, w->work, w->lwork, w->bwork);
  if (info != 0)
    return w->h->error(err, LNB_ENUMERIC,
                       "real Schur form of a %zu x %zu matrix failed (dgees info %d)", n, n,
                       (int)info);
  const double *T = w->a; /* column-major: T_ij = T[i + j n] */
  for (size_t i = 0; i < n;) {
    if (i + 1 < n && w->wi[i] != 0.0) {
      double a = 0.5 * (T[i + i * n] + T[(i + 1) + (i + 1) * n]);
      double b = T[i + (i + 1) * n], c = T[(i + 1) + i * n];
      double s = copysign(sqrt(fabs(b * c)), c);
      w->blk[i] = 2;
      w->blk[i + 1] = 0;
      w->theta[i] = w->theta[i + 1] = atan2(s, a);
      i += 2;
    } else {
      if (T[i + i * n] < 0.0)
        return w->h->error(err, LNB_ENOTSUP,
                           "the orthogonal matrix has the eigenvalue -1 (Schur block %zu of "
                           "%zu = %.17g): it has no principal real root",
                           i + 1, n, T[i + i * n]);
      w->blk[i] = 1;
      w->theta[i] = 0.0;
      i += 1;
    }
  }
  return LNB_OK;
}

/* X <- T^alpha X (rotate row pairs of the Schur blocks by alpha * theta) */
static inline void lnbp_mf_rot_rows(const lnbp_mf_ws *w, double alpha, double *X) {
  size_t n = w->n;
  for (size_t i = 0; i < n; i++) {
    if (w->blk[i] != 2) continue;
    double c = cos(alpha * w->theta[i]), s = sin(alpha * w->theta[i]);
    double *x = X + i * n, *y = X + (i + 1) * n;
    for (size_t j = 0; j < n; j++) {
      double u = x[j], v = y[j];
      x[j] = c * u - s * v;
      y[j] = s * u + c * v;
    }
  }
}

/* X <- X T^alpha (rotate column pairs) */
static inline void lnbp_mf_rot_cols(const lnbp_mf_ws *w, double alpha, double *X) {
  size_t n = w->n;
  for (size_t i = 0; i < n; i++) {
    if (w->blk[i] != 2) continue;
    double c = cos(alpha * w->theta[i]), s = sin(alpha * w->theta[i]);
    for (size_t r = 0; r < n; r++) {
      double u = X[r * n + i], v = X[r * n + i + 1];
      X[r * n + i] = c * u + s * v;
      X[r * n + i + 1] = -s * u + c * v;
    }
  }
}

/* out = R^alpha = Z T^alpha Z^T, the principal real power of an orthogonal R
 * (each eigenvalue e^{i t}, t in (-pi, pi), goes to e^{i alpha t}); alpha =
 * 1/L gives the principal L-th root. LNB_ENOTSUP when R has the eigenvalue
 * -1. out may alias R. Uses w->B. */
static inline int lnbp_mf_orth_power(lnbp_mf_ws *w, const double *R, double alpha,
                                     double *out, lnb_error *err) {
  size_t n = w->n;
  int rc = lnbp_mf_schur_orth(w, R, err);
  if (rc != LNB_OK) return rc;
  lnbp_copy(w->B, w->Zt, n * n); /* Z^T */
  lnbp_mf_rot_rows(w, alpha, w->B);  /* T^alpha Z^T */
  w->h->gemm(LNB_TRANS, LNB_NO_TRANS, n, n, n, 1.0, w->Zt, n, w->B, n, 0.0, out, n);
  return LNB_OK;
}

/* out = S^alpha for a symmetric PSD S (dsyevd): eigenvalues with |lambda| <=
 * tol = n eps max|lambda| are rounding-level zeros and are taken as 0 (so
 * alpha < 0 gives the pseudo-inverse power); one below -tol fails with
 * LNB_EINVAL. Only the lower triangle (column-major) of S is read. out may
 * alias S. Uses w->D. */
static inline int lnbp_mf_sym_power(lnbp_mf_ws *w, const double *S, double alpha, double *out,
                                    lnb_error *err) {
  size_t n = w->n;
  lapack_int N = (lapack_int)n;
  if (!lnbp_mf_finite(S, n * n))
    return w->h->error(err, LNB_ENUMERIC, "symmetric power: non-finite entry");
  lnbp_copy(w->a, S, n * n); /* symmetric: the layout does not matter */
  lapack_int info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'L', N, w->a, N, w->ev,
                                        w->work, w->lwork, w->iwork, w->liwork);
  if (info != 0)
    return w->h->error(err, LNB_ENUMERIC, "symmetric eigensolver failed (dsyevd info %d)",
                       (int)info);
  double top = fmax(fabs(w->ev[0]), fabs(w->ev[n - 1]));
  double tol = (double)n * DBL_EPSILON * top;
  /* w->a column-major: column j is eigenvector j, i.e. row j read row-major */
  for (size_t j = 0; j < n; j++) {
    double l = w->ev[j];
    if (l < -tol)
      return w->h->error(err, LNB_EINVAL,
                         "symmetric power: eigenvalue %.6g < 0 (the matrix is not PSD)", l);
    double f = l > tol ? pow(l, alpha) : 0.0;
    for (size_t i = 0; i < n; i++) w->D[j * n + i] = f * w->a[j * n + i];
  }
  w->h->gemm(LNB_TRANS, LNB_NO_TRANS, n, n, n, 1.0, w->a, n, w->D, n, 0.0, out, n);
  return LNB_OK;
}

/* Balanced factorization of the n x n matrix A over L layers (paper 004,
 * Definition 3). With the polar decomposition A = R P and principal roots,
 * the paper's factors A_i = R^{1/L} R^{(L-i)/L} P^{1/L} R^{-(L-i)/L} multiply
 * as A = A_1 A_2 ... A_L (Lemma 22: the product is taken left to right).
 * The network computes Theta_L ... Theta_1, so layer j (1-based) is
 *   Theta_j = A_{L+1-j} = R^{j/L} P^{1/L} R^{-(j-1)/L},
 * and Theta_L ... Theta_1 = R^{L/L} P^{L/L} R^0 = A. Each Theta_j is
 * orthogonal x P^{1/L} x orthogonal, so its singular values are those of A
 * raised to 1/L (Lemma 7), and Theta_{j+1}^T Theta_{j+1} = Theta_j Theta_j^T
 * = R^{j/L} P^{2/L} R^{-j/L} (zero unbalancedness).
 * Computed as Theta_j = Z (T^{j/L} Pt T^{-(j-1)/L}) Z^T with R = Z T Z^T and
 * Pt = Z^T P^{1/L} Z = W S^{1/L} W^T, W = Z^T V: two gemms per layer.
 * layers[j] (j = 0..L-1) receives Theta_{j+1}; they are written only on
 * success. LNB_ENOTSUP when R has the eigenvalue -1 (e.g. det A < 0), which
 * cannot happen for A in H_gamma with gamma > 0: R u = -u would give
 * u^T A u = (R^T u)^T P u = -u^T P u <= 0. */
static inline int lnbp_mf_balanced_factor(lnbp_mf_ws *w, const double *A, size_t L,
                                          double *const *layers, lnb_error *err) {
  const lnb_host *h = w->h;
  size_t n = w->n;
  if (L == 0) return h->error(err, LNB_EINVAL, "balanced factorization over zero layers");
  int rc = lnbp_mf_polar(w, A, w->R, NULL, err);
  if (rc != LNB_OK) return rc;
  if ((rc = lnbp_mf_schur_orth(w, w->R, err)) != LNB_OK) return rc;
  double e = 1.0 / (double)L;
  /* W = Z^T V = Zt Vt^T into C; D = W S^{1/L}; Pt = D W^T into B... kept in R */
  h->gemm(LNB_NO_TRANS, LNB_TRANS, n, n, n, 1.0, w->Zt, n, w->Vt, n, 0.0, w->C, n);
  for (size_t i = 0; i < n; i++) {
    double f = w->s[i] > 0.0 ? pow(w->s[i], e) : 0.0;
    for (size_t r = 0; r < n; r++) w->D[r * n + i] = w->C[r * n + i] * f;
  }
  double *Pt = w->R; /* R is no longer needed (its Schur form is in Zt, blk, theta) */
  h->gemm(LNB_NO_TRANS, LNB_TRANS, n, n, n, 1.0, w->D, n, w->C, n, 0.0, Pt, n);
  for (size_t j = 1; j <= L; j++) {
    lnbp_copy(w->B, Pt, n * n);
    lnbp_mf_rot_rows(w, (double)j * e, w->B);
    lnbp_mf_rot_cols(w, -(double)(j - 1) * e, w->B);
    /* Theta_j = Z B Z^T: C = B Z^T, then Z C */
    h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, n, n, n, 1.0, w->B, n, w->Zt, n, 0.0, w->C, n);
    h->gemm(LNB_TRANS, LNB_NO_TRANS, n, n, n, 1.0, w->Zt, n, w->C, n, 0.0, layers[j - 1], n);
  }
  return LNB_OK;
}

/* Frobenius projection of A onto H_gamma = {X : u^T X u >= gamma for all unit
 * u}: with A = S + K (S symmetric, K skew), the constraint involves S only and
 * the two parts are Frobenius-orthogonal, so the projection is S' + K with
 * S' = S + sum_{lambda_j < gamma} (gamma - lambda_j) v_j v_j^T (eigenvalues
 * of S below gamma clamped up to gamma). out may alias A. Returns the number
 * of clamped eigenvalues in *nclamped (may be NULL). Uses w->a, w->ev, w->D. */
static inline int lnbp_mf_project_hgamma(lnbp_mf_ws *w, const double *A, double gamma,
                                         double *out, size_t *nclamped, lnb_error *err) {
  size_t n = w->n;
  lapack_int N = (lapack_int)n;
  if (!lnbp_mf_finite(A, n * n))
    return w->h->error(err, LNB_ENUMERIC, "H_gamma projection: non-finite entry");
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) w->a[i * n + j] = 0.5 * (A[i * n + j] + A[j * n + i]);
  lapack_int info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'L', N, w->a, N, w->ev,
                                        w->work, w->lwork, w->iwork, w->liwork);
  if (info != 0)
    return w->h->error(err, LNB_ENUMERIC, "symmetric eigensolver failed (dsyevd info %d)",
                       (int)info);
  size_t r = 0;
  while (r < n && w->ev[r] < gamma) r++; /* ascending: the clamped ones come first */
  if (out != A) lnbp_copy(out, A, n * n);
  if (nclamped) *nclamped = r;
  if (r == 0) return LNB_OK;
  for (size_t j = 0; j < r; j++) {
    double dl = gamma - w->ev[j];
    for (size_t i = 0; i < n; i++) w->D[j * n + i] = dl * w->a[j * n + i];
  }
  /* out += V_r diag(dl) V_r^T, rows j < r of w->a (read row-major) are v_j^T */
  w->h->gemm(LNB_TRANS, LNB_NO_TRANS, n, n, r, 1.0, w->a, n, w->D, n, 1.0, out, n);
  return LNB_OK;
}

/* Smallest eigenvalue of the symmetric part (A + A^T)/2 (the largest gamma
 * with A in H_gamma); NaN if LAPACK fails or A is not finite. */
static inline double lnbp_mf_min_sym_eig(lnbp_mf_ws *w, const double *A) {
  size_t n = w->n;
  lapack_int N = (lapack_int)n;
  if (!lnbp_mf_finite(A, n * n)) return NAN;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) w->a[i * n + j] = 0.5 * (A[i * n + j] + A[j * n + i]);
  lapack_int info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'N', 'L', N, w->a, N, w->ev,
                                        w->work, w->lwork, w->iwork, w->liwork);
  return info == 0 ? w->ev[0] : NAN;
}

/* Frobenius projection of A onto the spectral ball {X : ||X - I||_2 <= psi}
 * (psi >= 0): with A - I = U S V^T, the nearest point is I + U min(S, psi)
 * V^T (clamping singular values is the Frobenius projection onto a
 * unitarily invariant ball), i.e. A - sum_{s_i > psi} (s_i - psi) u_i v_i^T.
 * out may alias A. Uses the SVD buffers and w->B, w->D. */
static inline int lnbp_mf_project_spectral_ball(lnbp_mf_ws *w, const double *A, double psi,
                                                double *out, size_t *nclamped,
                                                lnb_error *err) {
  size_t n = w->n;
  lnbp_copy(w->B, A, n * n);
  for (size_t i = 0; i < n; i++) w->B[i * n + i] -= 1.0;
  int rc = lnbp_mf_svd(w, w->B, err);
  if (rc != LNB_OK) return rc;
  size_t r = 0;
  while (r < n && w->s[r] > psi) r++;
  if (out != A) lnbp_copy(out, A, n * n);
  if (nclamped) *nclamped = r;
  if (r == 0) return LNB_OK;
  for (size_t j = 0; j < r; j++) {
    double dl = w->s[j] - psi;
    for (size_t i = 0; i < n; i++) w->D[j * n + i] = dl * w->Vt[j * n + i];
  }
  w->h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, n, n, r, -1.0, w->U, n, w->D, n, 1.0, out, n);
  return LNB_OK;
}

#endif
