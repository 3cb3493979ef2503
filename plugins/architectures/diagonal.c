/* diagonal — linear diagonal network (paper 002, Yun, Krishnan & Mobahi,
 * Sec. 3 eq. (3) and App. A eq. (11), with linear activation):
 *
 *   f(x) = (x ⊙ w_1 ⊙ ... ⊙ w_{L-1})^T w_L = x^T β,   β = w_1 ⊙ w_2 ⊙ ... ⊙ w_L,
 *
 * w_l ∈ R^d. The end-to-end matrix is W_e = β^T (k = 1 output). In the tensor
 * formulation the data tensor M_diag(x) is "diagonal" ([M]_{j..j} = x_j) and
 * satisfies Assumption 1 with S = U_1 = ... = U_L = I (App. D.2).
 *
 * Backward: dl/dw_l = g ⊙ Π_{j≠l} w_j, with g = dl/dβ, computed from prefix
 * and suffix products (no division, so zero entries are fine): O(L d).
 * Init: w_l(0) = alpha * wbar_l, the directions wbar_l from init_directions
 * (init: given, an L x d matrix), i.i.d. N(0, 1) (gaussian) or all ones
 * (ones); last_zero sets w_L(0) = 0 (the setting of Theorem 5 / Corollary 5).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

#define DG_MAX_DEPTH 1024

static const lnb_param_spec dg_params[] = {
    {"depth", LNB_T_INT, "2", "number of layers L (vectors w_1..w_L in R^d)", "[1, 1024]", NULL,
     0},
    {"init", LNB_T_ENUM, "gaussian",
     "initial directions wbar_l: gaussian (i.i.d. N(0, 1) from the run seed), ones, or given "
     "(rows of init_directions)",
     NULL, "gaussian|ones|given", 0},
    {"alpha", LNB_T_REAL, "0.1", "initial scale: w_l(0) = alpha * wbar_l (paper 002, Sec. 3)",
     "[0, inf)", NULL, 0},
    {"init_directions", LNB_T_MATRIX, NULL,
     "L x d matrix whose row l is wbar_l, for init: given (a flat list when L = 1)", NULL, NULL,
     LNB_P_NOGRID},
    {"last_zero", LNB_T_BOOL, "false",
     "w_L(0) = 0 whatever the init (paper 002, Theorem 5: wbar_L = 0)", NULL, NULL, 0},
    {0},
};

typedef struct dg {
  const lnb_host *host;
  size_t L, d;
  lnb_tensor *t;    /* w_1..w_L, each 1 x d */
  char (*names)[16];
  double *suffix;   /* d: running suffix product in backward */
} dg;

static int dg_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  int64_t L = h->param_int(p, "depth");
  if (L < 1 || L > DG_MAX_DEPTH)
    return h->error(err, LNB_EINVAL, "depth = %lld must be in [1, %d]", (long long)L,
                    DG_MAX_DEPTH);
  double alpha = h->param_real(p, "alpha");
  if (!(alpha >= 0.0)) return h->error(err, LNB_EINVAL, "alpha must be >= 0 (got %g)", alpha);
  const char *init = h->param_string(p, "init");
  int given = init && strcmp(init, "given") == 0;
  int has = h->param_is_set(p, "init_directions");
  if (given && !has)
    return h->error(err, LNB_EINVAL,
                    "init: given needs init_directions (an L x d matrix, row l = wbar_l)");
  if (!given && has)
    return h->error(err, LNB_EINVAL,
                    "init_directions is only used with init: given (init is '%s')",
                    init ? init : "");
  if (given) {
    size_t r = 0, c = 0;
    h->param_matrix(p, "init_directions", &r, &c);
    if (r != (size_t)L)
      return h->error(err, LNB_EDIM,
                      "init_directions has %zu rows but depth is %lld (one row per layer)", r,
                      (long long)L);
  }
  return LNB_OK;
}

static void dg_destroy(void *self) {
  dg *M = self;
  if (!M) return;
  const lnb_host *h = M->host;
  if (M->t) {
    for (size_t l = 0; l < M->L; l++) {
      if (M->t[l].data) h->free(M->t[l].data);
      if (M->t[l].grad) h->free(M->t[l].grad);
    }
    h->free(M->t);
  }
  if (M->names) h->free(M->names);
  if (M->suffix) h->free(M->suffix);
  h->free(M);
}

static int dg_create(const lnb_host *h, const lnb_params *p, const lnb_problem_info *prob,
                     uint64_t seed, void **self, lnb_error *err) {
  *self = NULL;
  int rc = dg_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  if (prob->k != 1)
    return h->error(err, LNB_EDIM,
                    "diagonal computes one output (W_e = beta^T is 1 x d) but the problem has "
                    "k = %zu outputs; use a problem with k = 1",
                    prob->k);
  size_t L = (size_t)h->param_int(p, "depth"), d = prob->d;
  const char *init = h->param_string(p, "init");
  double alpha = h->param_real(p, "alpha");
  const double *dirs = NULL;
  if (strcmp(init, "given") == 0) {
    size_t r = 0, c = 0;
    dirs = h->param_matrix(p, "init_directions", &r, &c);
    if (!dirs || r != L || c != d)
      return h->error(err, LNB_EDIM,
                      "init_directions is %zu x %zu but must be depth x d = %zu x %zu", r, c, L,
                      d);
  }
  dg *M = h->alloc(sizeof *M);
  if (!M) return h->error(err, LNB_ENOMEM, "out of memory");
  M->host = h;
  M->L = L;
  M->d = d;
  M->t = h->alloc(L * sizeof(lnb_tensor));
  M->names = h->alloc(L * sizeof *M->names);
  M->suffix = h->alloc((d ? d : 1) * sizeof(double));
  if (!M->t || !M->names || !M->suffix) goto nomem;
  for (size_t l = 0; l < L; l++) {
    lnb_tensor *T = &M->t[l];
    snprintf(M->names[l], sizeof M->names[l], "w%zu", l + 1);
    T->name = M->names[l];
    T->rows = 1;
    T->cols = d;
    T->manifold = LNB_EUCLIDEAN;
    T->data = h->alloc((d ? d : 1) * sizeof(double));
    T->grad = h->alloc((d ? d : 1) * sizeof(double));
    if (!T->data || !T->grad) goto nomem;
  }
  lnb_rng rng;
  h->rng_init(&rng, seed, "diagonal-init");
  for (size_t l = 0; l < L; l++) {
    double *w = M->t[l].data;
    if (dirs) {
      for (size_t i = 0; i < d; i++) w[i] = alpha * dirs[l * d + i];
    } else if (strcmp(init, "ones") == 0) {
      for (size_t i = 0; i < d; i++) w[i] = alpha;
    } else { /* gaussian; drawn for every layer so last_zero leaves the others unchanged */
      lnbp_fill_normal(h, &rng, w, d, alpha);
    }
  }
  if (h->param_bool(p, "last_zero")) lnbp_zero(M->t[L - 1].data, d);
  *self = M;
  return LNB_OK;
nomem:
  dg_destroy(M);
  return h->error(err, LNB_ENOMEM, "out of memory for a depth-%zu diagonal network, d = %zu",
                  L, d);
}

static lnb_tensor *dg_tensors(void *self, size_t *n) {
  dg *M = self;
  *n = M->L;
  return M->t;
}

/* β = w_1 ⊙ ... ⊙ w_L */
static void dg_end_to_end(void *self, double *We) {
  dg *M = self;
  size_t d = M->d;
  lnbp_copy(We, M->t[0].data, d);
  for (size_t l = 1; l < M->L; l++) {
    const double *w = M->t[l].data;
    for (size_t i = 0; i < d; i++) We[i] *= w[i];
  }
}

/* grad_l = g ⊙ (w_1 ⊙ ... ⊙ w_{l-1}) ⊙ (w_{l+1} ⊙ ... ⊙ w_L): prefixes forward
 * into the grads, then suffixes backward; no division. */
static void dg_backward(void *self, const double *G) {
  dg *M = self;
  size_t d = M->d, L = M->L;
  lnbp_copy(M->t[0].grad, G, d);
  for (size_t l = 1; l < L; l++) {
    const double *prev = M->t[l - 1].grad, *w = M->t[l - 1].data;
    double *g = M->t[l].grad;
    for (size_t i = 0; i < d; i++) g[i] = prev[i] * w[i];
  }
  if (L == 1) return;
  double *s = M->suffix;
  lnbp_copy(s, M->t[L - 1].data, d);
  for (size_t l = L - 1; l-- > 0;) {
    double *g = M->t[l].grad;
    const double *w = M->t[l].data;
    for (size_t i = 0; i < d; i++) g[i] *= s[i];
    if (l > 0)
      for (size_t i = 0; i < d; i++) s[i] *= w[i];
  }
}

static const lnb_arch_ops dg_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = dg_create,
    .destroy = dg_destroy,
    .tensors = dg_tensors,
    .end_to_end = dg_end_to_end,
    .backward = dg_backward,
    .validate = dg_validate,
};

static const lnb_plugin dg_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "diagonal",
    .summary = "linear diagonal network: beta = w_1 * ... * w_L, W_e = beta^T (k = 1)",
    .params = dg_params,
    .ops = &dg_ops,
    .description =
        "Linear diagonal network of paper 002 (Yun, Krishnan & Mobahi 2021), Sec. 3 eq. (3) / "
        "App. A eq. (11) with linear activation: f(x) = (x * w_1 * ... * w_{L-1})^T w_L = "
        "x^T beta with beta = w_1 * w_2 * ... * w_L (elementwise product). Tensors w1..wL "
        "(euclidean, each 1 x d); the end-to-end matrix is W_e = beta^T, so the problem must "
        "have k = 1 output (refused otherwise). Backward: dl/dw_l = g * prod_{j != l} w_j "
        "from prefix and suffix products (no division; zeros are fine), O(L d).\n"
        "Init: w_l(0) = alpha * wbar_l with directions wbar_l i.i.d. N(0, 1) (gaussian), all "
        "ones (ones), or the rows of the L x d matrix init_directions (given); last_zero: true "
        "sets w_L(0) = 0 (the initialization of Theorem 5 / Corollary 5). In the tensor "
        "formulation M_diag(x) satisfies Assumption 1 with S = U_l = I, so GD limit points "
        "follow Theorem 6 (L = 2, one data point) and Corollary 5 (weighted l1-l2 "
        "interpolation).",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &dg_desc : NULL;
}
