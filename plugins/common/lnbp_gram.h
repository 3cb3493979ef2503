/* lnbp_gram.h — least-squares losses through the normal equations (header
 * only; everything through the host table).
 *
 * For l(W) = c ||X W^T - Y||_F^2 (X m x d, Y m x k, W k x d) the residual
 * form costs 4mkd flops per loss+gradient and reads X twice. Regrouping the
 * product chain over the data and the gradient,
 *   grad = 2c (X W^T - Y)^T X = 2c (W (X^T X) - Y^T X),
 * costs 2kd^2 once X^T X (d x d) and Y^T X are formed at create (md^2 + 2mkd,
 * once): cheaper whenever d < 2m. The loss is evaluated around a solution W*
 * of the normal equations, with E = W - W* and R* = W* X^T X - Y^T X (zero up
 * to rounding):
 *   ||X W^T - Y||^2 = ||X W*^T - Y||^2 + <E, E X^T X> + 2 <E, R*>,
 * so l(W) = l* + c (<E, E G> + 2 <E, R*>) with G = X^T X: both terms are
 * non-negative up to rounding, so the gap l - l* keeps its relative accuracy
 * near the optimum instead of cancelling ||Y||^2 against W-terms. One gemm
 * (k x d by d x d) per eval serves loss and gradient:
 *   grad = 2c (E G + R*).
 * Row i of E G needs row i of E only, so the eval runs over blocks of at most
 * LNBP_GRAM_ROWS rows of E with two block-sized scratch matrices (E's block
 * and E G's): beyond G, W* and R* the form holds no k x d buffer.
 * All workspaces are allocated in lnbp_gram_init; lnbp_gram_eval does not
 * allocate.
 */
#ifndef LNBP_GRAM_H
#define LNBP_GRAM_H

#include <stddef.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

typedef struct lnbp_gram {
  size_t m, d, k;
  double c;            /* loss scale */
  double lstar;        /* loss at Wstar */
  const double *Wstar; /* k x d, borrowed: a solution of the normal equations */
  double *G;           /* d x d X^T X */
  double *Rstar;       /* k x d Wstar G - Y^T X */
  double *E, *EG;      /* min(k, LNBP_GRAM_ROWS) x d: a block of E and of E G */
} lnbp_gram;

/* rows of E per block: enough for BLIS to run the d x d product at full
 * speed, few enough that the scratch is small next to the k x d data */
#define LNBP_GRAM_ROWS 64

/* Flops per eval of the two forms (loss and gradient). */
static inline double lnbp_gram_eval_flops(size_t m, size_t d, size_t k, int grad) {
  (void)m;
  double kd = (double)k * (double)d;
  return 2.0 * kd * (double)d + (grad ? 8.0 : 6.0) * kd;
}
static inline double lnbp_residual_eval_flops(size_t m, size_t d, size_t k, int grad) {
  double mk = (double)m * (double)k;
  return 2.0 * mk * (double)d * (grad ? 2.0 : 1.0) + 2.0 * mk;
}

/* Is the normal-equations form cheaper per loss+gradient? */
static inline int lnbp_gram_pays(size_t m, size_t d, size_t k) {
  return lnbp_gram_eval_flops(m, d, k, 1) < lnbp_residual_eval_flops(m, d, k, 1);
}

static inline void lnbp_gram_free(const lnb_host *h, lnbp_gram *g) {
  double *bufs[] = {g->G, g->Rstar, g->E, g->EG};
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
    if (bufs[i]) h->free(bufs[i]);
  memset(g, 0, sizeof *g);
}

/* Form G = X^T X and R* = Wstar G - Y^T X. Wstar must stay valid. */
static inline int lnbp_gram_init(const lnb_host *h, lnbp_gram *g, const double *X,
                                 const double *Y, size_t m, size_t d, size_t k, double c,
                                 const double *Wstar, double lstar, lnb_error *err) {
  memset(g, 0, sizeof *g);
  g->m = m;
  g->d = d;
  g->k = k;
  g->c = c;
  g->lstar = lstar;
  g->Wstar = Wstar;
  size_t rows = k < LNBP_GRAM_ROWS ? k : LNBP_GRAM_ROWS;
  g->G = h->alloc(d * d * sizeof(double));
  g->Rstar = h->alloc(k * d * sizeof(double));
  g->E = h->alloc(rows * d * sizeof(double));
  g->EG = h->alloc(rows * d * sizeof(double));
  if (!g->G || !g->Rstar || !g->E || !g->EG) {
    lnbp_gram_free(h, g);
    return h->error(err, LNB_ENOMEM, "out of memory for the %zu x %zu Gram matrix X^T X", d,
                    d);
  }
  h->gemm(LNB_TRANS, LNB_NO_TRANS, d, d, m, 1.0, X, d, X, d, 0.0, g->G, d);
  /* R* = Wstar G - Y^T X */
  h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, k, d, d, 1.0, Wstar, d, g->G, d, 0.0, g->Rstar, d);
  h->gemm(LNB_TRANS, LNB_NO_TRANS, k, d, m, -1.0, Y, k, X, d, 1.0, g->Rstar, d);
  return LNB_OK;
}

/* l(We) = l* + c (<E, E G> + 2 <E, R*>), E = We - Wstar; the bracket is
 * clamped at 0 (a negative value is rounding). grad (k x d, may be NULL) =
 * 2c (E G + R*). Blocks of LNBP_GRAM_ROWS rows of E at a time. */
static inline double lnbp_gram_eval(const lnb_host *h, lnbp_gram *g, const double *We,
                                    double *grad) {
  size_t d = g->d, k = g->k;
  double q = 0.0, s = 2.0 * g->c;
  for (size_t r0 = 0; r0 < k; r0 += LNBP_GRAM_ROWS) {
    size_t nr = k - r0 < LNBP_GRAM_ROWS ? k - r0 : LNBP_GRAM_ROWS, n = nr * d;
    double *restrict E = g->E, *restrict EG = g->EG;
    const double *restrict Wb = We + r0 * d, *restrict Ws = g->Wstar + r0 * d;
    const double *restrict Rs = g->Rstar + r0 * d;
    for (size_t i = 0; i < n; i++) E[i] = Wb[i] - Ws[i];
    h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, nr, d, d, 1.0, E, d, g->G, d, 0.0, EG, d);
    for (size_t i = 0; i < n; i++) q += E[i] * (EG[i] + 2.0 * Rs[i]);
    if (grad) {
      double *restrict gr = grad + r0 * d;
      for (size_t i = 0; i < n; i++) gr[i] = s * (EG[i] + Rs[i]);
    }
  }
  return g->lstar + g->c * (q > 0.0 ? q : 0.0);
}

#endif
