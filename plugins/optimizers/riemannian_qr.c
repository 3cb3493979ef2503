/* riemannian_qr — Riemannian gradient descent on (products of) Stiefel
 * manifolds with the QR retraction, as pymanopt's SteepestDescent on
 * Stiefel (paper 000, Sec. 5; Absil et al. 2008, Boumal 2022).
 *
 * For a tensor tagged stiefel (r x c, r >= c: W^T W = I; r < c: W W^T = I):
 *   xi = G - W sym(W^T G)       (r < c: xi = G - sym(G W^T) W), sym(M) = (M+M^T)/2
 *   W <- qf(W - eta xi)         (Q factor of a thin QR, diag(R) > 0)
 * For a tensor tagged euclidean: xi = G and W <- W - eta xi.
 * line_search none: eta = lr. line_search armijo: backtracking from
 * eta_0 = 1/||xi|| (||xi||^2 = sum over all tensors), eta <- eta/2, until
 *   l(R(-eta xi)) <= l - 1e-4 eta ||xi||^2,
 * at most 25 halvings. Trial points are evaluated with model->loss (which
 * recomputes at the current tensor values), so the tensors are saved in
 * buffers allocated at create and every trial starts from the saved copy.
 * QR via LAPACKE_dgeqrf_work / LAPACKE_dorgqr_work with the workspace queried
 * at create: step allocates nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnbp_stiefel.h"
#include "lnnbench/plugin.h"

#define RQ_CONTRACTION 0.5
#define RQ_SUFFICIENT 1e-4
#define RQ_MAX_HALVINGS 25

static const lnb_param_spec rq_params[] = {
    {"lr", LNB_T_REAL, "0.01", "step size eta (line_search: none; unused by armijo)",
     "(0, inf)", NULL, 0},
    {"line_search", LNB_T_ENUM, "none",
     "none: fixed step lr; armijo: backtracking from 1/||xi|| (halving, sufficient "
     "decrease 1e-4, at most 25 halvings)",
     NULL, "none|armijo", 0},
    {0},
};

typedef struct rq {
  const lnb_host *host;
  double lr;
  int armijo;
  size_t n;          /* tensors */
  double **xi;       /* per tensor: tangent direction (NULL for euclidean: the grad) */
  double **saved;    /* per tensor: copy of the data at the step start (armijo) */
  double *S;         /* q x q scratch for the projection */
  lnbp_qf_ws qf;
} rq;

static int rq_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  return LNB_OK;
}

static void rq_destroy(void *self) {
  rq *R = self;
  if (!R) return;
  const lnb_host *h = R->host;
  for (size_t j = 0; j < R->n; j++) {
    if (R->xi && R->xi[j]) h->free(R->xi[j]);
    if (R->saved && R->saved[j]) h->free(R->saved[j]);
  }
  if (R->xi) h->free(R->xi);
  if (R->saved) h->free(R->saved);
  if (R->S) h->free(R->S);
  lnbp_qf_ws_free(h, &R->qf);
  h->free(R);
}

static int rq_create(const lnb_host *h, const lnb_params *p, lnb_model *model, uint64_t seed,
                     void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = rq_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  const char *ls = h->param_string(p, "line_search");
  rq *R = h->alloc(sizeof *R);
  if (!R) return h->error(err, LNB_ENOMEM, "out of memory");
  R->host = h;
  R->lr = h->param_real(p, "lr");
  R->armijo = strcmp(ls, "armijo") == 0;
  R->n = model->ntensors;
  size_t nt = R->n ? R->n : 1;
  R->xi = h->alloc(nt * sizeof(double *));
  R->saved = h->alloc(nt * sizeof(double *));
  if (!R->xi || !R->saved) goto nomem;
  size_t qmax = 0;
  for (size_t j = 0; j < R->n; j++) {
    const lnb_tensor *T = &model->tensors[j];
    size_t sz = T->rows * T->cols;
    if (R->armijo && !(R->saved[j] = h->alloc((sz ? sz : 1) * sizeof(double)))) goto nomem;
    if (T->manifold != LNB_STIEFEL) continue;
    if (!(R->xi[j] = h->alloc((sz ? sz : 1) * sizeof(double)))) goto nomem;
    qmax = lnbp_max(qmax, lnbp_min(T->rows, T->cols));
    int info = lnbp_qf_ws_reserve(&R->qf, T->rows, T->cols);
    if (info != 0) {
      rc = h->error(err, LNB_ENUMERIC,
                    "QR workspace query for tensor %s (%zu x %zu) of %s failed (LAPACK "
                    "info %d)",
                    T->name, T->rows, T->cols, model->architecture, info);
      goto fail;
    }
  }
  if (qmax && !(R->S = h->alloc(qmax * qmax * sizeof(double)))) goto nomem;
  if ((rc = lnbp_qf_ws_alloc(h, &R->qf, err)) != LNB_OK) goto fail;
  *self = R;
  return LNB_OK;
nomem:
  rc = h->error(err, LNB_ENOMEM, "out of memory for riemannian_qr state");
fail:
  rq_destroy(R);
  return rc;
}

/* tensor j <- R_src(-eta xi): qf(src - eta xi) or src - eta xi */
static int rq_move(rq *R, const lnb_tensor *T, size_t j, const double *src, double eta,
                   lnb_error *err) {
  size_t sz = T->rows * T->cols;
  if (T->manifold == LNB_STIEFEL) {
    int info = lnbp_qf(&R->qf, T->rows, T->cols, src, eta, R->xi[j], T->data, NULL);
    if (info != 0)
      return R->host->error(err, LNB_ENUMERIC,
                            "QR retraction of tensor %s failed (LAPACK info %d)", T->name,
                            info);
  } else {
    const double *g = T->grad;
    double *w = T->data;
    for (size_t i = 0; i < sz; i++) w[i] = src[i] - eta * g[i];
  }
  return LNB_OK;
}

static int rq_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  rq *R = self;
  const lnb_host *h = R->host;
  size_t n = model->ntensors < R->n ? model->ntensors : R->n;
  /* Riemannian gradient of every tensor and its total squared norm */
  double norm2 = 0.0;
  for (size_t j = 0; j < n; j++) {
    const lnb_tensor *T = &model->tensors[j];
    if (T->manifold == LNB_STIEFEL) {
      lnbp_stiefel_proj(h, T->rows, T->cols, T->data, T->grad, R->xi[j], R->S);
      norm2 += lnbp_frob2(R->xi[j], T->rows * T->cols);
    } else {
      norm2 += lnbp_frob2(T->grad, T->rows * T->cols);
    }
  }
  if (!R->armijo) {
    for (size_t j = 0; j < n; j++) {
      lnb_tensor *T = &model->tensors[j];
      int rc = rq_move(R, T, j, T->data, R->lr, err);
      if (rc != LNB_OK) return rc;
    }
    return LNB_OK;
  }
  /* Armijo backtracking */
  if (!isfinite(norm2))
    return h->error(err, LNB_ENUMERIC, "riemannian_qr: the Riemannian gradient is not finite");
  if (norm2 == 0.0) return LNB_OK; /* critical point: stay */
  for (size_t j = 0; j < n; j++) {
    const lnb_tensor *T = &model->tensors[j];
    lnbp_copy(R->saved[j], T->data, T->rows * T->cols);
  }
  double l0 = model->loss(model);
  double eta = 1.0 / sqrt(norm2), l = INFINITY;
  for (int k = 0; k <= RQ_MAX_HALVINGS; k++) {
    if (k > 0) eta *= RQ_CONTRACTION;
    for (size_t j = 0; j < n; j++) {
      int rc = rq_move(R, &model->tensors[j], j, R->saved[j], eta, err);
      if (rc != LNB_OK) return rc;
    }
    l = model->loss(model);
    if (l <= l0 - RQ_SUFFICIENT * eta * norm2) return LNB_OK;
  }
  /* no sufficient decrease after the last halving: keep the last trial if it
   * decreased the loss at all, else stay at the start point */
  if (l < l0) return LNB_OK;
  for (size_t j = 0; j < n; j++) {
    lnb_tensor *T = &model->tensors[j];
    lnbp_copy(T->data, R->saved[j], T->rows * T->cols);
  }
  return LNB_OK;
}

static const lnb_optimizer_ops rq_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = rq_create,
    .destroy = rq_destroy,
    .step = rq_step,
    .validate = rq_validate,
    .uses = LNB_USES_DECLARED,
};

static const lnb_plugin rq_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "riemannian_qr",
    .summary = "Riemannian GD, QR retraction: stiefel W <- qf(W - lr (G - W sym(W^T G))), "
               "euclidean w <- w - lr g",
    .params = rq_params,
    .ops = &rq_ops,
    .description =
        "Riemannian gradient descent as pymanopt's SteepestDescent on a product of Stiefel "
        "and Euclidean manifolds, used by paper 000 Sec. 5.2 for the orthogonal network "
        "(stiefel_linear).\n"
        "Tensors tagged stiefel (r x c with r >= c: W^T W = I) move along the Riemannian "
        "gradient xi = G - W sym(W^T G), sym(M) = (M + M^T)/2 (the orthogonal projection of "
        "the Euclidean gradient G onto the tangent space), and are retracted with "
        "W <- qf(W - eta xi), the Q factor of the thin QR with diag(R) > 0 (LAPACK "
        "dgeqrf/dorgqr, workspace queried at create). A stiefel tensor with r < c is "
        "treated as its transpose (W W^T = I): xi = G - sym(G W^T) W, W <- qf((W - eta "
        "xi)^T)^T. Tensors tagged euclidean take w <- w - eta g.\n"
        "line_search none: eta = lr (paper 000 used pymanopt with no line search). "
        "line_search armijo: first trial eta = 1/||xi|| (||xi|| the Riemannian gradient "
        "norm over all tensors), halved until l(new) <= l(old) - 1e-4 eta ||xi||^2, at most "
        "25 halvings; if none satisfies it the last trial is kept only if it lowered the "
        "loss, else the step is skipped. Every trial re-evaluates the loss (lr unused). "
        "Because every step starts from 1/||xi||, once ||xi|| < L 2^-26 (L the curvature) "
        "no trial is short enough and steps are skipped: the loss stalls near 1e-15 on "
        "paper 000's 2x3 system (pymanopt starts later steps from 4 (l_prev - l)/||xi||^2 "
        "instead).\n"
        "Works with any architecture: on a model without stiefel tensors (linear, "
        "deep_linear) it is plain gradient descent (with armijo: gradient descent with "
        "backtracking).",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &rq_desc : NULL;
}
