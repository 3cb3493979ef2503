/* linear — the plain linear model: one k x d tensor W, end-to-end = W. */
#define _POSIX_C_SOURCE 200809L

#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec linear_params[] = {
    {"init", LNB_T_ENUM, "zero",
     "initial W: zero, gaussian (i.i.d. N(0, init_std^2)), or given (init_matrix)", NULL,
     "zero|gaussian|given", 0},
    {"init_std", LNB_T_REAL, "0.01", "standard deviation of the gaussian init", "[0, inf)",
     NULL, 0},
    {"init_matrix", LNB_T_MATRIX, NULL,
     "the k x d initial W for init: given (a flat list when k = 1)", NULL, NULL,
     LNB_P_NOGRID},
    {0},
};

typedef struct linear {
  const lnb_host *host;
  size_t k, d;
  lnb_tensor t;
} linear;

static void linear_destroy(void *self) {
  linear *L = self;
  if (!L) return;
  if (L->t.data) L->host->free(L->t.data);
  if (L->t.grad) L->host->free(L->t.grad);
  L->host->free(L);
}

static int linear_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  const char *init = h->param_string(p, "init");
  int given = init && strcmp(init, "given") == 0;
  if (given && !h->param_is_set(p, "init_matrix"))
    return h->error(err, LNB_EINVAL, "init: given needs init_matrix");
  if (!given && h->param_is_set(p, "init_matrix"))
    return h->error(err, LNB_EINVAL,
                    "init_matrix is only used with init: given (init is '%s')",
                    init ? init : "");
  return LNB_OK;
}

static int linear_create(const lnb_host *h, const lnb_params *p,
                         const lnb_problem_info *prob, uint64_t seed, void **self,
                         lnb_error *err) {
  *self = NULL;
  int rc = linear_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  size_t k = prob->k, d = prob->d;
  linear *L = h->alloc(sizeof *L);
  if (!L) return h->error(err, LNB_ENOMEM, "out of memory");
  L->host = h;
  L->k = k;
  L->d = d;
  L->t.name = "W";
  L->t.rows = k;
  L->t.cols = d;
  L->t.manifold = LNB_EUCLIDEAN;
  L->t.data = h->alloc(k * d * sizeof(double));
  L->t.grad = h->alloc(k * d * sizeof(double));
  if (!L->t.data || !L->t.grad) {
    linear_destroy(L);
    return h->error(err, LNB_ENOMEM, "out of memory for a %zu x %zu W", k, d);
  }
  const char *init = h->param_string(p, "init");
  if (strcmp(init, "gaussian") == 0) {
    lnb_rng rng;
    h->rng_init(&rng, seed, "linear-init");
    lnbp_fill_normal(h, &rng, L->t.data, k * d, h->param_real(p, "init_std"));
  } else if (strcmp(init, "given") == 0) {
    size_t r = 0, c = 0;
    const double *M = h->param_matrix(p, "init_matrix", &r, &c);
    if (!M || r != k || c != d) {
      linear_destroy(L);
      return h->error(err, LNB_EDIM, "init_matrix is %zu x %zu but W must be %zu x %zu", r,
                      c, k, d);
    }
    lnbp_copy(L->t.data, M, k * d);
  } /* zero: alloc zero-fills */
  *self = L;
  return LNB_OK;
}

static lnb_tensor *linear_tensors(void *self, size_t *n) {
  linear *L = self;
  *n = 1;
  return &L->t;
}

static void linear_end_to_end(void *self, double *We) {
  linear *L = self;
  lnbp_copy(We, L->t.data, L->k * L->d);
}

static void linear_backward(void *self, const double *gradWe) {
  linear *L = self;
  lnbp_copy(L->t.grad, gradWe, L->k * L->d);
}

static int linear_set_end_to_end(void *self, const double *We, lnb_error *err) {
  (void)err;
  linear *L = self;
  lnbp_copy(L->t.data, We, L->k * L->d);
  return LNB_OK;
}

/* lnnbench bench: end_to_end and backward are copies */
static double linear_flops(const void *self, int backward) {
  (void)self;
  (void)backward;
  return 0.0;
}

static const lnb_arch_ops linear_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = linear_create,
    .destroy = linear_destroy,
    .tensors = linear_tensors,
    .end_to_end = linear_end_to_end,
    .backward = linear_backward,
    .set_end_to_end = linear_set_end_to_end,
    .validate = linear_validate,
    .flops = linear_flops,
};

static const lnb_plugin linear_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "linear",
    .summary = "plain linear model: one k x d matrix W (depth 1)",
    .params = linear_params,
    .ops = &linear_ops,
    .description = "A single euclidean tensor \"W\" (k x d) that is the end-to-end matrix "
                   "itself; backward copies dl/dW_e into its gradient and set_end_to_end "
                   "copies the given matrix. Init zero (default, in range(A^T), so GD on "
                   "least squares converges to the minimum-norm solution), gaussian, or "
                   "given.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &linear_desc : NULL;
}
