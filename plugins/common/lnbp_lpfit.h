/* lnbp_lpfit.h — the minimizer of the l_p regression loss (p even >= 4)
 *   l(W) = 1/(p m) sum_i ||W x_i - y_i||_p^p,   X m x d, Y m x k row-major,
 * at create time (header only; allocates through the host table).
 *
 * The loss separates over the k outputs. With the thin SVD X = U S V^T and
 * rho the numerical rank, every fit is X theta = U_rho z, so each output is a
 * smooth convex problem in z (rho unknowns) on the orthonormal design
 * B = U_rho: Newton's method from the least-squares point z = U_rho^T y, with
 * g = (1/m) B^T r^(p-1), H = ((p-1)/m) B^T diag(r^(p-2)) B, Armijo backtracking
 * far from the optimum and full steps near it, stopped when the Newton
 * decrement^2/2 <= LNBP_LP_NEWTON_TOL l. Then theta*_a = V_rho S_rho^-1 z, the
 * minimum-norm minimizer. Full row rank (rho = m) interpolates: l* = 0.
 * The caller evaluates l* = l(theta*) with its own loss (so l* is exactly
 * the loss its runs are measured with).
 */
#ifndef LNBP_LPFIT_H
#define LNBP_LPFIT_H

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stddef.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

#define LNBP_LP_NEWTON_TOL 1e-24 /* stop when decrement^2 / 2 <= tol * l */
#define LNBP_LP_NEWTON_MAXIT 100

/* x^n for a small non-negative integer n */
static inline double lnbp_ipow(double x, int n) {
  double r = 1.0;
  while (n > 0) {
    if (n & 1) r *= x;
    x *= x;
    n >>= 1;
  }
  return r;
}

/* loss of one output on the orthonormal design: 1/(p m) sum r^p */
static inline double lnbp_lp_loss_r(const double *r, size_t m, int p) {
  double s = 0.0;
  for (size_t i = 0; i < m; i++) s += lnbp_ipow(r[i] * r[i], p / 2);
  return s / ((double)p * (double)m);
}

/* r = B z - y for B = U[:, :rho] (U is m x q row-major), y with stride ky */
static inline void lnbp_lp_resid(const lnb_host *h, const double *U, size_t m, size_t q,
                                 size_t rho, const double *z, const double *y, size_t ky,
                                 double *r) {
  for (size_t i = 0; i < m; i++) r[i] = y[i * ky];
  if (rho) h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, m, 1, rho, 1.0, U, q, z, 1, -1.0, r, 1);
}

typedef struct lnbp_lp_ws {
  double *z, *zt, *r, *rt, *g, *dz, *w, *C, *H;
} lnbp_lp_ws;

/* Newton's method for one output, from ws->z; iterations, or a negative
 * error code; *dec2 the last decrement^2/2. `who` names the caller in errors. */
static inline int lnbp_lp_newton(const lnb_host *h, const char *who, const double *U, size_t m,
                                 size_t q, size_t rho, const double *y, size_t ky, int p,
                                 lnbp_lp_ws *ws, double *dec2, lnb_error *err) {
  double *z = ws->z, *r = ws->r, *g = ws->g, *dz = ws->dz, *w = ws->w, *C = ws->C,
         *H = ws->H;
  lnbp_lp_resid(h, U, m, q, rho, z, y, ky, r);
  double l = lnbp_lp_loss_r(r, m, p);
  double prev = INFINITY;
  int it;
  *dec2 = 0.0;
  for (it = 0; it < LNBP_LP_NEWTON_MAXIT; it++) {
    for (size_t i = 0; i < m; i++) {
      double pw = lnbp_ipow(r[i] * r[i], (p - 2) / 2); /* r^(p-2) >= 0 */
      w[i] = r[i] * pw;                                /* r^(p-1) */
      double sw = sqrt((double)(p - 1) * pw / (double)m);
      for (size_t j = 0; j < rho; j++) C[i * rho + j] = sw * U[i * q + j];
    }
    h->gemm(LNB_TRANS, LNB_NO_TRANS, rho, 1, m, 1.0 / (double)m, U, q, w, 1, 0.0, g, 1);
    if (lnbp_frob2(g, rho) == 0.0) {
      *dec2 = 0.0;
      break;
    }
    h->gemm(LNB_TRANS, LNB_NO_TRANS, rho, rho, m, 1.0, C, rho, C, rho, 0.0, H, rho);
    double tr = 0.0;
    for (size_t j = 0; j < rho; j++) tr += H[j * rho + j];
    double ridge = 0.0;
    lapack_int info = 1;
    for (int tries = 0; tries < 30 && info != 0; tries++) {
      /* C's first rho*rho entries are free scratch once H is formed */
      lnbp_copy(C, H, rho * rho);
      for (size_t j = 0; j < rho; j++) C[j * rho + j] += ridge;
      info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)rho, C, (lapack_int)rho);
      ridge = ridge == 0.0 ? 1e-14 * fmax(tr / (double)rho, DBL_MIN) : 10.0 * ridge;
    }
    if (info != 0)
      return h->error(err, LNB_ENUMERIC, "%s: Newton for l*: the Hessian could not be factored",
                      who);
    for (size_t j = 0; j < rho; j++) dz[j] = -g[j];
    info = LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', (lapack_int)rho, 1, C, (lapack_int)rho, dz, 1);
    if (info != 0)
      return h->error(err, LNB_ENUMERIC, "%s: Newton solve failed (info %d)", who, (int)info);
    double dec = 0.0;
    for (size_t j = 0; j < rho; j++) dec -= g[j] * dz[j];
    *dec2 = 0.5 * dec;
    double scale = fmax(l, DBL_MIN);
    if (*dec2 <= LNBP_LP_NEWTON_TOL * scale) break;
    /* at the rounding floor the decrement stops shrinking: accept */
    if (*dec2 <= 1e-16 * scale && *dec2 > 0.25 * prev) break;
    prev = *dec2;
    double t = 1.0;
    if (*dec2 > 1e-8 * scale) { /* Armijo backtracking */
      for (int b = 0; b < 60; b++) {
        for (size_t j = 0; j < rho; j++) ws->zt[j] = z[j] + t * dz[j];
        lnbp_lp_resid(h, U, m, q, rho, ws->zt, y, ky, ws->rt);
        if (lnbp_lp_loss_r(ws->rt, m, p) <= l - 0.25 * t * dec) break;
        t *= 0.5;
      }
    }
    for (size_t j = 0; j < rho; j++) z[j] += t * dz[j];
    lnbp_lp_resid(h, U, m, q, rho, z, y, ky, r);
    l = lnbp_lp_loss_r(r, m, p);
  }
  return it;
}

/* theta* (k x d, into Wstar) of the l_p loss, p even >= 4; *rank = rho.
 * Logs (level 2) the Newton iterations and the worst final decrement, and
 * (level 1) an output whose Newton did not converge. */
static inline int lnbp_lp_fit(const lnb_host *h, const char *who, const double *X,
                              const double *Y, size_t m, size_t d, size_t k, int p,
                              double *Wstar, size_t *rank, lnb_error *err) {
  size_t q = lnbp_min(m, d);
  double *A = h->alloc(m * d * sizeof(double));
  double *s = h->alloc(q * sizeof(double));
  double *U = h->alloc(m * q * sizeof(double));
  double *Vt = h->alloc(q * d * sizeof(double));
  lnbp_lp_ws ws = {0};
  ws.z = h->alloc(q * sizeof(double));
  ws.zt = h->alloc(q * sizeof(double));
  ws.g = h->alloc(q * sizeof(double));
  ws.dz = h->alloc(q * sizeof(double));
  ws.r = h->alloc(m * sizeof(double));
  ws.rt = h->alloc(m * sizeof(double));
  ws.w = h->alloc(m * sizeof(double));
  ws.C = h->alloc(lnbp_max(m, q) * q * sizeof(double));
  ws.H = h->alloc(q * q * sizeof(double));
  int rc = LNB_OK;
  if (!A || !s || !U || !Vt || !ws.z || !ws.zt || !ws.g || !ws.dz || !ws.r || !ws.rt ||
      !ws.w || !ws.C || !ws.H) {
    rc = h->error(err, LNB_ENOMEM, "%s: out of memory for the SVD of X (%zu x %zu)", who, m, d);
    goto done;
  }
  lnbp_copy(A, X, m * d);
  if ((rc = h->svd(m, d, A, s, U, Vt, err)) != LNB_OK) goto done;
  size_t rho = lnbp_numerical_rank(s, q, m, d);
  *rank = rho;
  int iters_total = 0, iters_max = 0;
  double dec_worst = 0.0;
  for (size_t a = 0; a < k; a++) {
    /* least-squares start: z = U_rho^T y_a */
    for (size_t j = 0; j < rho; j++) {
      double acc = 0.0;
      for (size_t i = 0; i < m; i++) acc += U[i * q + j] * Y[i * k + a];
      ws.z[j] = acc;
    }
    if (rho < m) {
      double dec2 = 0.0;
      int it = lnbp_lp_newton(h, who, U, m, q, rho, Y + a, k, p, &ws, &dec2, err);
      if (it < 0) {
        rc = it;
        goto done;
      }
      iters_total += it;
      if (it > iters_max) iters_max = it;
      if (dec2 > dec_worst) dec_worst = dec2;
      if (it >= LNBP_LP_NEWTON_MAXIT && h->log)
        h->log(1, "%s: Newton for output %zu stopped after %d iterations with "
                  "decrement^2/2 = %.3g",
               who, a, it, dec2);
    }
    /* theta*_a = V_rho S_rho^-1 z */
    double *wa = Wstar + a * d;
    lnbp_zero(wa, d);
    for (size_t j = 0; j < rho; j++) {
      double c = ws.z[j] / s[j];
      for (size_t c2 = 0; c2 < d; c2++) wa[c2] += c * Vt[j * d + c2];
    }
  }
  if (h->log) {
    if (rho < m)
      h->log(2,
             "%s: p = %d: theta* by Newton's method (%d iterations in total, at most %d per "
             "output; largest final decrement^2/2 = %.3g, tolerance %.0e l)",
             who, p, iters_total, iters_max, dec_worst, LNBP_LP_NEWTON_TOL);
    else
      h->log(2, "%s: p = %d: X has full row rank %zu, l* = 0 (interpolation)", who, p, rho);
  }
done:;
  double *bufs[] = {A, s, U, Vt, ws.z, ws.zt, ws.g, ws.dz, ws.r, ws.rt, ws.w, ws.C, ws.H};
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
    if (bufs[i]) h->free(bufs[i]);
  return rc;
}

#endif
