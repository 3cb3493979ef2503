/* lnbp_compact.h — the collapsed one- and two-hidden-layer networks of
 * paper 000 (Algorithms 3 and 4), shared by compact_h1.c and compact_h2.c.
 *
 * Paper notation: A is n x d, b in R^n, y = W_1 ... W_h x, loss
 * c ||A y - b||^2 (c = 1/2 in the paper; lnnbench's lsq uses c = 1/2 or
 * 1/(2n)); write s = 2c, r = A y - b and g = dl/dy = s A^T r.
 *
 * Invariant linear subspace of full gradient descent. Fix a unit vector
 * x0 (never stored) and e1 = (1, 0, ..., 0).
 *   h = 1 (Theorem 6):  W = A^T w x0^T,   x = rho x0;        y = rho   A^T w
 *   h = 2 (Lemma 9, Theorem 12, Lemmas 10-11):
 *                       W_1 = A^T w e1^T, W_2 = e1 (rho x0)^T, x = rho x0;
 *                                                            y = rho^2 A^T w
 * The full gradients there are
 *   h = 1: dW = rho g x0^T = A^T (s rho r) x0^T,          dx = (z.g) x0
 *   h = 2: dW_1 = rho^2 g e1^T = A^T (s rho^2 r) e1^T,
 *          dW_2 = e1 (rho z.g) x0^T,                      dx = (rho z.g) x0
 * with z = A^T w, so the set is mapped into itself by every step
 * theta <- theta - lr * (grad + weight_decay * theta). The coordinates
 * (w, rho) are LINEAR functions of the full weights (w = (A^T)^+ W x0 or
 * (A^T)^+ W_1 e1, rho = x0^T x), hence one full step is, in coordinates,
 *   w   <- w   - lr * grad_w,    grad_w   = s rho^h r            (n values)
 *   rho <- rho - lr * grad_rho,  grad_rho = rho^(h-1) z . dl/dy  (1 value)
 * which is exactly what `gd` does to the two tensors once backward writes
 * these "gradients". They are the coordinate images of the full network's
 * gradient, NOT the partial derivatives of the collapsed loss
 * l(rho^h A^T w) (those would be s rho^h A A^T r and h rho^(h-1) z.dl/dy).
 * Any optimizer whose step is linear in (parameters, gradients) — gd with or
 * without weight decay, heavy-ball momentum — therefore reproduces the full
 * network; element-wise adaptive methods (Adam, AdaGrad) do not.
 *
 * Relation to the paper's pseudo-code (x0 unit, rho_0 = 1): the paper's
 * v_k is w_k / rho_k^h. Substituting gives Algorithm 3 (h = 1: r_k =
 * alpha(rho_k^2 y_k - b), gamma_k = y_k^T r_k, v_{k+1} = (v_k - r_k) /
 * (1 - gamma_k), rho_{k+1} = rho_k (1 - gamma_k)) and Algorithm 4 (h = 2:
 * e_k = alpha(rho_k^4 y_k - b), gamma_k = rho_k^2 y_k^T e_k, v_{k+1} =
 * (v_k - e_k) / (1 - gamma_k)^2), with y_k = A A^T v_k. The (w, rho) form
 * avoids the divisions by 1 - gamma_k and stays exact when rho_k = 0.
 *
 * Start, matching deep_linear's init bi_optimal_h1 / bi_optimal_h2 with the
 * same seed, init_std, v0 and scale alpha: w_0 = alpha v0, rho_0 = alpha.
 *
 * Per step: end_to_end computes z = A^T w and W_e = y^T = rho^h z^T;
 * backward computes r = A y - b from the problem's own A, b (copied at
 * create) — the lsq contract makes dl/dy = s A^T r, the gradient the host
 * passes in — and writes grad_w and grad_rho. O(nd) work, no allocation.
 */
#ifndef LNBP_COMPACT_H
#define LNBP_COMPACT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnbp_linsys.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec lnbp_compact_params[] = {
    {"init_std", LNB_T_REAL, "0.01",
     "v0 ~ i.i.d. N(0, init_std^2) from the run seed (stream paper000-v0), the same draw as "
     "deep_linear's bi-optimal inits; ignored when v0 is given",
     "[0, inf)", NULL, 0},
    {"v0", LNB_T_REAL_LIST, NULL,
     "the n-vector v0 (n = rows of A); default: random, see init_std", NULL, NULL, 0},
    {"scale", LNB_T_REAL, "1",
     "initial scale alpha: w_0 = alpha v0, rho_0 = alpha (deep_linear's scale multiplying "
     "every layer of the bi-optimal init)",
     NULL, NULL, 0},
    {0},
};

static const lnb_metric_spec lnbp_compact_metrics[] = {
    {"rho", "the scalar rho_k with x_k = rho_k x_0, ||x_0|| = 1 (paper 000, Algorithms 3-4; "
            "rho_{k+1} / rho_k = 1 - gamma_k)"},
    {NULL, NULL},
};

typedef struct lnbp_compact {
  const lnb_host *host;
  int h;         /* hidden layers: 1 or 2 */
  size_t n, d;
  double s;      /* 2 * loss scale */
  double *A, *b; /* copies: n x d, n */
  double *z;     /* d: A^T w at the last end_to_end */
  double *y;     /* d */
  double *r;     /* n */
  lnb_tensor t[2];
} lnbp_compact;

static inline void lnbp_compact_destroy(void *self) {
  lnbp_compact *C = self;
  if (!C) return;
  const lnb_host *h = C->host;
  double *bufs[] = {C->A, C->b, C->z, C->y, C->r, C->t[0].data, C->t[0].grad, C->t[1].data,
                    C->t[1].grad};
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
    if (bufs[i]) h->free(bufs[i]);
  h->free(C);
}

static inline int lnbp_compact_create(const lnb_host *hst, const lnb_params *p,
                                      const lnb_problem_info *prob, uint64_t seed, void **self,
                                      lnb_error *err, int hidden, const char *name) {
  *self = NULL;
  const lnb_linsys *ls = prob->linsys;
  if (!ls || !ls->X || !ls->Y)
    return hst->error(err, LNB_ENOTSUP,
                      "%s (paper 000, Algorithm %d) needs a problem that exposes its linear "
                      "system A y = b (e.g. lsq); this problem does not",
                      name, hidden + 2);
  if (prob->k != 1)
    return hst->error(err, LNB_ENOTSUP,
                      "%s needs a single-output problem (k = 1: b is a vector); this one has "
                      "k = %zu",
                      name, prob->k);
  size_t n = ls->m, d = prob->d;
  if (n == 0 || d == 0)
    return hst->error(err, LNB_EDIM, "%s: empty linear system (%zu x %zu)", name, n, d);
  lnbp_compact *C = hst->alloc(sizeof *C);
  if (!C) return hst->error(err, LNB_ENOMEM, "out of memory");
  C->host = hst;
  C->h = hidden;
  C->n = n;
  C->d = d;
  C->s = 2.0 * ls->scale;
  C->A = hst->alloc(n * d * sizeof(double));
  C->b = hst->alloc(n * sizeof(double));
  C->z = hst->alloc(d * sizeof(double));
  C->y = hst->alloc(d * sizeof(double));
  C->r = hst->alloc(n * sizeof(double));
  C->t[0].data = hst->alloc(n * sizeof(double));
  C->t[0].grad = hst->alloc(n * sizeof(double));
  C->t[1].data = hst->alloc(sizeof(double));
  C->t[1].grad = hst->alloc(sizeof(double));
  int rc;
  if (!C->A || !C->b || !C->z || !C->y || !C->r || !C->t[0].data || !C->t[0].grad ||
      !C->t[1].data || !C->t[1].grad) {
    rc = hst->error(err, LNB_ENOMEM, "out of memory for %s with n = %zu, d = %zu", name, n, d);
    goto fail;
  }
  lnbp_copy(C->A, ls->X, n * d);
  lnbp_copy(C->b, ls->Y, n);
  C->t[0].name = "w";
  C->t[0].rows = n;
  C->t[0].cols = 1;
  C->t[0].manifold = LNB_EUCLIDEAN;
  C->t[1].name = "rho";
  C->t[1].rows = 1;
  C->t[1].cols = 1;
  C->t[1].manifold = LNB_EUCLIDEAN;
  if ((rc = lnbp_biopt_v0(hst, p, seed, n, C->t[0].data, err)) != LNB_OK) goto fail;
  double alpha = hst->param_real(p, "scale");
  for (size_t i = 0; i < n; i++) C->t[0].data[i] *= alpha;
  C->t[1].data[0] = alpha;
  *self = C;
  return LNB_OK;
fail:
  lnbp_compact_destroy(C);
  return rc;
}

static inline lnb_tensor *lnbp_compact_tensors(void *self, size_t *n) {
  lnbp_compact *C = self;
  *n = 2;
  return C->t;
}

static inline double lnbp_compact_rho_h(const lnbp_compact *C) {
  double rho = C->t[1].data[0];
  return C->h == 1 ? rho : rho * rho;
}

/* W_e = y^T = rho^h (A^T w)^T */
static inline void lnbp_compact_end_to_end(void *self, double *We) {
  lnbp_compact *C = self;
  size_t n = C->n, d = C->d;
  C->host->gemm(LNB_TRANS, LNB_NO_TRANS, d, 1, n, 1.0, C->A, d, C->t[0].data, 1, 0.0, C->z, 1);
  double f = lnbp_compact_rho_h(C);
  for (size_t j = 0; j < d; j++) We[j] = f * C->z[j];
}

/* grad_w = s rho^h (A y - b), grad_rho = rho^(h-1) z . dl/dy (see the top) */
static inline void lnbp_compact_backward(void *self, const double *G) {
  lnbp_compact *C = self;
  size_t n = C->n, d = C->d;
  double rho = C->t[1].data[0], f = lnbp_compact_rho_h(C);
  for (size_t j = 0; j < d; j++) C->y[j] = f * C->z[j];
  lnbp_copy(C->r, C->b, n);
  C->host->gemm(LNB_NO_TRANS, LNB_NO_TRANS, n, 1, d, 1.0, C->A, d, C->y, 1, -1.0, C->r, 1);
  double sf = C->s * f;
  for (size_t i = 0; i < n; i++) C->t[0].grad[i] = sf * C->r[i];
  double zg = 0.0;
  for (size_t j = 0; j < d; j++) zg += C->z[j] * G[j];
  C->t[1].grad[0] = (C->h == 1 ? 1.0 : rho) * zg;
}

static inline int lnbp_compact_validate(const lnb_host *h, const lnb_params *p,
                                        lnb_error *err) {
  if (!(h->param_real(p, "init_std") >= 0.0))
    return h->error(err, LNB_EINVAL, "init_std must be >= 0");
  return LNB_OK;
}

static inline double lnbp_compact_metric(void *self, size_t index) {
  const lnbp_compact *C = self;
  return index == 0 ? C->t[1].data[0] : NAN;
}

#endif
