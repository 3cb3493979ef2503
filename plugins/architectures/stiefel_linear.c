/* stiefel_linear — the Riemannian (orthogonal) linear network of paper 000,
 * Sec. 5.2: y = W_1 W_2 ... W_h x with square orthogonal d x d factors W_i
 * (tensors tagged LNB_STIEFEL) and a free vector x in R^d (LNB_EUCLIDEAN).
 * For the least-squares problem A y = b the end-to-end matrix is the 1 x d
 * row W_e = y^T (k = 1).
 *
 * Forward keeps the suffix vectors v_{h+1} = x, v_i = W_i v_{i+1} (y = v_1).
 * Backward, with g = dl/dy = (dl/dW_e)^T, carries u_1 = g, u_{i+1} = W_i^T u_i
 * (u_i = (W_1 ... W_{i-1})^T g) and sets
 *   dl/dW_i = u_i v_{i+1}^T,   dl/dx = u_{h+1} = (W_1 ... W_h)^T g.
 * These are Euclidean (ambient) gradients; a Riemannian optimizer projects
 * them onto the tangent space. All workspaces are allocated at create.
 */
#define _POSIX_C_SOURCE 200809L

#include <cblas.h>
#include <stdio.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnbp_stiefel.h"
#include "lnnbench/plugin.h"

#define SL_MAX_DEPTH 256

static const lnb_param_spec sl_params[] = {
    {"depth", LNB_T_INT, "2", "number h of orthogonal d x d factors W_1..W_h", "[1, 256]",
     NULL, 0},
    {"x_init", LNB_T_ENUM, "gaussian",
     "initial free vector x: gaussian (i.i.d. N(0, x_std^2)), zero, or ones (all x_std)",
     NULL, "gaussian|zero|ones", 0},
    {"x_std", LNB_T_REAL, "1",
     "scale of x at init: standard deviation (gaussian) or the common value (ones)",
     "[0, inf)", NULL, 0},
    {0},
};

static const lnb_metric_spec sl_metrics[] = {
    {"orthogonality_error",
     "max_i ||W_i^T W_i - I||_F over the orthogonal factors (0 on the Stiefel manifold, "
     "paper 000 Sec. 5)"},
    {"x_norm", "||x||_2 of the free vector (paper 000 Sec. 5: ||y - theta*|| <= ||x|| ||C||)"},
    {NULL, NULL},
};

typedef struct sl {
  const lnb_host *host;
  size_t h, d;
  lnb_tensor *t;    /* h + 1 tensors: W1..Wh (d x d), x (d x 1) */
  char (*names)[16];
  double *v;        /* v_2..v_h: (h - 1) x d suffix vectors */
  double *u[2];     /* ping-pong for u_i, d each */
  double *S;        /* d x d scratch for the metrics */
} sl;

static int sl_validate(const lnb_host *hst, const lnb_params *p, lnb_error *err) {
  int64_t depth = hst->param_int(p, "depth");
  if (depth < 1 || depth > SL_MAX_DEPTH)
    return hst->error(err, LNB_EINVAL, "depth = %lld must be in [1, %d]", (long long)depth,
                      SL_MAX_DEPTH);
  if (!(hst->param_real(p, "x_std") >= 0.0))
    return hst->error(err, LNB_EINVAL, "x_std must be >= 0");
  return LNB_OK;
}

static void sl_destroy(void *self) {
  sl *M = self;
  if (!M) return;
  const lnb_host *hst = M->host;
  if (M->t) {
    for (size_t j = 0; j <= M->h; j++) {
      if (M->t[j].data) hst->free(M->t[j].data);
      if (M->t[j].grad) hst->free(M->t[j].grad);
    }
    hst->free(M->t);
  }
  if (M->names) hst->free(M->names);
  if (M->v) hst->free(M->v);
  for (int i = 0; i < 2; i++)
    if (M->u[i]) hst->free(M->u[i]);
  if (M->S) hst->free(M->S);
  hst->free(M);
}

static int sl_init_params(sl *M, const lnb_params *p, uint64_t seed, lnb_error *err) {
  const lnb_host *hst = M->host;
  size_t d = M->d;
  lnb_rng rng;
  hst->rng_init(&rng, seed, "stiefel_linear-W");
  for (size_t j = 0; j < M->h; j++) {
    int rc = lnbp_random_stiefel(hst, &rng, d, d, M->t[j].data, err);
    if (rc != LNB_OK) return rc;
  }
  const char *xi = hst->param_string(p, "x_init");
  double std = hst->param_real(p, "x_std");
  double *x = M->t[M->h].data;
  if (strcmp(xi, "gaussian") == 0) {
    hst->rng_init(&rng, seed, "stiefel_linear-x");
    lnbp_fill_normal(hst, &rng, x, d, std);
  } else if (strcmp(xi, "zero") == 0) {
    lnbp_zero(x, d);
  } else if (strcmp(xi, "ones") == 0) {
    for (size_t i = 0; i < d; i++) x[i] = std;
  } else {
    return hst->error(err, LNB_EINVAL, "x_init: unknown value '%s'", xi);
  }
  return LNB_OK;
}

static int sl_create(const lnb_host *hst, const lnb_params *p, const lnb_problem_info *prob,
                     uint64_t seed, void **self, lnb_error *err) {
  *self = NULL;
  int rc = sl_validate(hst, p, err);
  if (rc != LNB_OK) return rc;
  if (prob->k != 1)
    return hst->error(err, LNB_EDIM,
                      "stiefel_linear computes one output y = W_1...W_h x (k = 1), but the "
                      "problem has k = %zu outputs; use a problem with k: 1",
                      prob->k);
  size_t h = (size_t)hst->param_int(p, "depth"), d = prob->d;
  sl *M = hst->alloc(sizeof *M);
  if (!M) return hst->error(err, LNB_ENOMEM, "out of memory");
  M->host = hst;
  M->h = h;
  M->d = d;
  M->t = hst->alloc((h + 1) * sizeof(lnb_tensor));
  M->names = hst->alloc((h + 1) * sizeof *M->names);
  M->u[0] = hst->alloc(d * sizeof(double));
  M->u[1] = hst->alloc(d * sizeof(double));
  M->S = hst->alloc(d * d * sizeof(double));
  if (!M->t || !M->names || !M->u[0] || !M->u[1] || !M->S) goto nomem;
  if (h > 1 && !(M->v = hst->alloc((h - 1) * d * sizeof(double)))) goto nomem;
  for (size_t j = 0; j <= h; j++) {
    lnb_tensor *T = &M->t[j];
    if (j < h) {
      snprintf(M->names[j], sizeof M->names[j], "W%zu", j + 1);
      T->rows = d;
      T->cols = d;
      T->manifold = LNB_STIEFEL;
    } else {
      snprintf(M->names[j], sizeof M->names[j], "x");
      T->rows = d;
      T->cols = 1;
      T->manifold = LNB_EUCLIDEAN;
    }
    T->name = M->names[j];
    T->data = hst->alloc(T->rows * T->cols * sizeof(double));
    T->grad = hst->alloc(T->rows * T->cols * sizeof(double));
    if (!T->data || !T->grad) goto nomem;
  }
  if ((rc = sl_init_params(M, p, seed, err)) != LNB_OK) goto fail;
  *self = M;
  return LNB_OK;
nomem:
  rc = hst->error(err, LNB_ENOMEM, "out of memory for a depth-%zu orthogonal network, d = %zu",
                  h, d);
fail:
  sl_destroy(M);
  return rc;
}

static lnb_tensor *sl_tensors(void *self, size_t *n) {
  sl *M = self;
  *n = M->h + 1;
  return M->t;
}

/* v_i for i = 2..h+1 (1-based): x for i = h+1, else the stored suffix */
static const double *sl_v(const sl *M, size_t i) {
  return i == M->h + 1 ? M->t[M->h].data : M->v + (i - 2) * M->d;
}

static void sl_end_to_end(void *self, double *We) {
  sl *M = self;
  size_t h = M->h, d = M->d;
  const int n = (int)d;
  /* v_i = W_i v_{i+1}, i = h..1; W_i is tensor i-1 */
  for (size_t i = h; i >= 1; i--) {
    double *dst = i == 1 ? We : M->v + (i - 2) * d;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, n, n, 1.0, M->t[i - 1].data, n, sl_v(M, i + 1), 1,
                0.0, dst, 1);
  }
}

static void sl_backward(void *self, const double *G) {
  sl *M = self;
  size_t h = M->h, d = M->d;
  const int n = (int)d;
  const double *u = G; /* u_1 = g (the 1 x d gradient read as a vector) */
  for (size_t i = 1; i <= h; i++) {
    lnb_tensor *T = &M->t[i - 1];
    /* dl/dW_i = u_i v_{i+1}^T */
    lnbp_zero(T->grad, d * d);
    cblas_dger(CblasRowMajor, n, n, 1.0, u, 1, sl_v(M, i + 1), 1, T->grad, n);
    /* u_{i+1} = W_i^T u_i; the last one goes straight into dl/dx */
    double *un = i == h ? M->t[h].grad : M->u[i % 2];
    cblas_dgemv(CblasRowMajor, CblasTrans, n, n, 1.0, T->data, n, u, 1, 0.0, un, 1);
    u = un;
  }
}

static double sl_metric(void *self, size_t index) {
  sl *M = self;
  if (index == 0) {
    double worst = 0.0;
    for (size_t j = 0; j < M->h; j++)
      worst = fmax(worst, lnbp_stiefel_error(M->host, M->d, M->d, M->t[j].data, M->S));
    return worst;
  }
  if (index == 1) return sqrt(lnbp_frob2(M->t[M->h].data, M->d));
  return NAN;
}

static const lnb_arch_ops sl_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = sl_create,
    .destroy = sl_destroy,
    .tensors = sl_tensors,
    .end_to_end = sl_end_to_end,
    .backward = sl_backward,
    .validate = sl_validate,
    .metrics = sl_metrics,
    .metric = sl_metric,
};

static const lnb_plugin sl_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "stiefel_linear",
    .summary = "orthogonal linear network y = W_1 ... W_h x, W_i in Stiefel(d, d), x free "
               "(W_e = y^T, k = 1)",
    .params = sl_params,
    .ops = &sl_ops,
    .description =
        "The Riemannian linear network of paper 000, Sec. 5.2: for A y = b the solution is "
        "parametrized as y = W_1 W_2 ... W_h x with h = depth square orthogonal d x d "
        "matrices W_i (tensors W1..Wh, tagged stiefel: W_i^T W_i = I) and an unconstrained "
        "vector x in R^d (tensor x, d x 1, tagged euclidean). The end-to-end matrix is the "
        "1 x d row W_e = y^T, so the problem must have k = 1 (refused otherwise).\n"
        "Init: each W_i is Haar-random orthogonal, the Q factor of the QR of a d x d "
        "N(0, 1) matrix with diag(R) made positive (stream 'stiefel_linear-W' of the run "
        "seed); x from x_init: gaussian N(0, x_std^2) (stream 'stiefel_linear-x'), zero, or "
        "ones (every entry x_std).\n"
        "Gradients (Euclidean, in the ambient space): with g = dl/dy, dl/dW_i = "
        "(W_1...W_{i-1})^T g (W_{i+1}...W_h x)^T and dl/dx = (W_1...W_h)^T g. Use a "
        "Riemannian optimizer (riemannian_qr) to keep the W_i orthogonal; gd treats them "
        "as euclidean. Cost per step O(h d^2).\n"
        "Metrics: orthogonality_error = max_i ||W_i^T W_i - I||_F, x_norm = ||x||_2.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &sl_desc : NULL;
}
