/* factored_linear — a rank-r factorized linear model W_e = U V^T.
 *
 * An lnnbench architecture plugin built OUTSIDE the lnnbench source tree (see
 * README.md beside this file and docs/PLUGINS.md, which explains it step by
 * step). It includes nothing of lnnbench but <lnnbench/plugin.h>: parameters,
 * random numbers, memory and gemm all come from the host table.
 *
 * Model: U is k x r, V is d x r, W_e = U V^T (k x d), so rank(W_e) <= r
 * (a Burer-Monteiro factorization). It is the two-layer linear network
 * W_2 W_1 with W_2 = U and W_1 = V^T, stored with V transposed so both factors
 * have r columns.
 *
 * Gradients (chain rule, G = dl/dW_e, k x d):
 *   dl/dU = G V      (k x d times d x r)
 *   dl/dV = G^T U    (d x k times k x r)
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <lnnbench/plugin.h>

/* ------------------------------------------------------------ parameters */

/* Every YAML key of `{ plugin: factored_linear, ... }` is checked against
 * this table before any run starts; `lnnbench describe` prints it. */
static const lnb_param_spec fl_params[] = {
    {"rank", LNB_T_INT, "2", "inner dimension r of W_e = U V^T (U k x r, V d x r)",
     "[1, 65536]", NULL, 0},
    {"init", LNB_T_ENUM, "gaussian",
     "gaussian: U and V i.i.d. N(0, init_std^2); lora: U = 0 and V i.i.d. N(0, init_std^2), "
     "so W_e(0) = 0 (LoRA's init, Hu et al. 2021, Sec. 4.1)",
     NULL, "gaussian|lora", 0},
    {"init_std", LNB_T_REAL, "0.1", "standard deviation of the gaussian entries", "[0, inf)",
     NULL, 0},
    {0},
};

/* --------------------------------------------------------------- metrics */

enum { FL_M_IMBALANCE = 0, FL_M_FACTOR_NORM = 1 };

static const lnb_metric_spec fl_metrics[] = {
    {"imbalance",
     "||U^T U - V^T V||_F, the unbalancedness magnitude of (W_1, W_2) = (V^T, U) (paper 001, "
     "Def. 1); constant under gradient flow (Prop. 2), drifts by O(lr^2) per GD step"},
    {"factor_norm",
     "(||U||_F^2 + ||V||_F^2) / 2, an upper bound on the nuclear norm of W_e = U V^T, equal "
     "to it when the factors are balanced (U^T U = V^T V)"},
    {0},
};

/* ----------------------------------------------------------------- state */

typedef struct fl {
  const lnb_host *host;
  size_t k, d, r;
  lnb_tensor t[2]; /* t[0] = U (k x r), t[1] = V (d x r) */
  double *gram;    /* r x r workspace of the imbalance metric */
} fl;

/* -------------------------------------------------------------- validate */

/* Cross-parameter checks, run once per grid cell before any run starts (and
 * again by create). Ranges were already checked by the host. */
static int fl_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  if (h->param_real(p, "init_std") == 0.0)
    return h->error(err, LNB_EINVAL,
                    "init_std = 0 with init: %s starts at U = V = 0, a stationary point "
                    "where every gradient vanishes, so no gradient method can leave it; "
                    "use init_std > 0",
                    h->param_string(p, "init"));
  return LNB_OK;
}

/* ------------------------------------------------------- create / destroy */

static void fl_destroy(void *self) {
  fl *F = self;
  if (!F) return;
  const lnb_host *h = F->host;
  for (int i = 0; i < 2; i++) { /* also called on a half-built instance */
    if (F->t[i].data) h->free(F->t[i].data);
    if (F->t[i].grad) h->free(F->t[i].grad);
  }
  if (F->gram) h->free(F->gram);
  h->free(F);
}

static int fl_create(const lnb_host *h, const lnb_params *p, const lnb_problem_info *prob,
                     uint64_t seed, void **self, lnb_error *err) {
  *self = NULL;
  int rc = fl_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  const size_t k = prob->k, d = prob->d, r = (size_t)h->param_int(p, "rank");
  if (h->log && r > (k < d ? k : d))
    h->log(2, "factored_linear: rank %zu exceeds min(k, d) = %zu: W_e is unconstrained", r,
           k < d ? k : d);

  /* Everything the hot ops need is allocated here, once. */
  fl *F = h->alloc(sizeof *F);
  if (!F) return h->error(err, LNB_ENOMEM, "factored_linear: out of memory");
  F->host = h;
  F->k = k;
  F->d = d;
  F->r = r;
  const char *names[2] = {"U", "V"};
  const size_t rows[2] = {k, d};
  for (int i = 0; i < 2; i++) {
    F->t[i].name = names[i];
    F->t[i].rows = rows[i];
    F->t[i].cols = r;
    F->t[i].manifold = LNB_EUCLIDEAN;
    F->t[i].data = h->alloc(rows[i] * r * sizeof(double));
    F->t[i].grad = h->alloc(rows[i] * r * sizeof(double));
  }
  F->gram = h->alloc(r * r * sizeof(double));
  if (!F->t[0].data || !F->t[0].grad || !F->t[1].data || !F->t[1].grad || !F->gram) {
    fl_destroy(F);
    return h->error(err, LNB_ENOMEM,
                    "factored_linear: out of memory for U (%zu x %zu) and V (%zu x %zu)", k,
                    r, d, r);
  }

  /* Initialization from the run seed and a stream name of our own, so that
   * the problem's and optimizer's random draws stay independent of ours. */
  lnb_rng rng;
  h->rng_init(&rng, seed, "factored_linear-init");
  const double sd = h->param_real(p, "init_std");
  const int lora = strcmp(h->param_string(p, "init"), "lora") == 0;
  for (size_t i = 0; i < k * r; i++) F->t[0].data[i] = lora ? 0.0 : sd * h->rng_normal(&rng);
  for (size_t i = 0; i < d * r; i++) F->t[1].data[i] = sd * h->rng_normal(&rng);
  *self = F;
  return LNB_OK;
}

static lnb_tensor *fl_tensors(void *self, size_t *n) {
  fl *F = self;
  *n = 2;
  return F->t;
}

/* ------------------------------------------------ end_to_end / backward */

/* W_e = U V^T: one gemm, no allocation. */
static void fl_end_to_end(void *self, double *We) {
  fl *F = self;
  F->host->gemm(LNB_NO_TRANS, LNB_TRANS, F->k, F->d, F->r, 1.0, F->t[0].data, F->r,
                F->t[1].data, F->r, 0.0, We, F->d);
}

/* dU = G V, dV = G^T U, at the parameters of the last end_to_end call (the
 * tensors themselves: nothing changed them since). */
static void fl_backward(void *self, const double *G) {
  fl *F = self;
  const lnb_host *h = F->host;
  h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, F->k, F->r, F->d, 1.0, G, F->d, F->t[1].data, F->r, 0.0,
          F->t[0].grad, F->r);
  h->gemm(LNB_TRANS, LNB_NO_TRANS, F->d, F->r, F->k, 1.0, G, F->d, F->t[0].data, F->r, 0.0,
          F->t[1].grad, F->r);
}

/* ---------------------------------------------------------- optional ops */

/* Set U, V so that U V^T = We exactly. Without an SVD that is possible when
 * r >= min(k, d): r >= d: U = [We 0], V = [I 0]; else (r >= k): U = [I 0],
 * V = [We^T 0]. A rank-r factorization cannot hold a general k x d matrix
 * when r < min(k, d): LNB_ENOTSUP. May be called from an optimizer's step:
 * no allocation. */
static int fl_set_end_to_end(void *self, const double *We, lnb_error *err) {
  fl *F = self;
  const size_t k = F->k, d = F->d, r = F->r;
  double *U = F->t[0].data, *V = F->t[1].data;
  if (r < d && r < k)
    return F->host->error(err, LNB_ENOTSUP,
                          "factored_linear: set_end_to_end needs rank >= min(k, d) = %zu "
                          "(rank is %zu): a rank-%zu factorization cannot hold a general "
                          "%zu x %zu matrix",
                          k < d ? k : d, r, r, k, d);
  memset(U, 0, k * r * sizeof *U);
  memset(V, 0, d * r * sizeof *V);
  if (r >= d) {
    for (size_t i = 0; i < k; i++)
      for (size_t j = 0; j < d; j++) U[i * r + j] = We[i * d + j];
    for (size_t j = 0; j < d; j++) V[j * r + j] = 1.0;
  } else {
    for (size_t i = 0; i < k; i++) U[i * r + i] = 1.0;
    for (size_t i = 0; i < k; i++)
      for (size_t j = 0; j < d; j++) V[j * r + i] = We[i * d + j];
  }
  return LNB_OK;
}

/* Checkpoint metrics of the current parameters; the workspace is F->gram. */
static double fl_metric(void *self, size_t index) {
  fl *F = self;
  const size_t k = F->k, d = F->d, r = F->r;
  const double *U = F->t[0].data, *V = F->t[1].data;
  if (index == FL_M_IMBALANCE) {
    F->host->gemm(LNB_TRANS, LNB_NO_TRANS, r, r, k, 1.0, U, r, U, r, 0.0, F->gram, r);
    F->host->gemm(LNB_TRANS, LNB_NO_TRANS, r, r, d, -1.0, V, r, V, r, 1.0, F->gram, r);
    double s = 0.0;
    for (size_t i = 0; i < r * r; i++) s += F->gram[i] * F->gram[i];
    return sqrt(s);
  }
  if (index == FL_M_FACTOR_NORM) {
    double s = 0.0;
    for (size_t i = 0; i < k * r; i++) s += U[i] * U[i];
    for (size_t i = 0; i < d * r; i++) s += V[i] * V[i];
    return 0.5 * s;
  }
  return NAN;
}

/* ------------------------------------------------------------ descriptor */

static const lnb_arch_ops fl_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = fl_create,
    .destroy = fl_destroy,
    .tensors = fl_tensors,
    .end_to_end = fl_end_to_end,
    .backward = fl_backward,
    .set_end_to_end = fl_set_end_to_end,
    .validate = fl_validate,
    .metrics = fl_metrics,
    .metric = fl_metric,
};

static const lnb_plugin fl_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "factored_linear",
    .summary = "rank-r factorization W_e = U V^T, U k x r, V d x r; dU = G V, dV = G^T U",
    .params = fl_params,
    .ops = &fl_ops,
    .description =
        "Two euclidean tensors \"U\" (k x r) and \"V\" (d x r), r = rank; the end-to-end "
        "matrix is W_e = U V^T, so rank W_e <= r (a Burer-Monteiro factorization). It is the "
        "depth-2 linear network W_2 W_1 with W_2 = U, W_1 = V^T (paper 001, Eq. (1), n = 2, "
        "hidden width r), so gradient descent on it follows deep_linear(depth=2, width=r) "
        "from the same factors. backward: dl/dU = G V, dl/dV = G^T U with G = dl/dW_e. "
        "set_end_to_end is exact (and unbalanced) when r >= min(k, d) and refused otherwise. "
        "Built outside the lnnbench tree: examples/plugin_out_of_tree, docs/PLUGINS.md.",
};

/* The one exported symbol: descriptor 0, then NULL. */
LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &fl_desc : NULL;
}
