/* conv — linear circular convolutional network (paper 002, Yun, Krishnan &
 * Mobahi, Sec. 3 eq. (4) and App. A eq. (12), with linear activation):
 *
 *   f(x) = ( ... ((x ⋆ w_1) ⋆ w_2) ... ⋆ w_{L-1})^T w_L,   w_l ∈ R^{k_l}, k_L = d,
 *   [a ⋆ b]_i = Σ_{j=1}^{k} [a]_{(i+j-1) mod d} [b]_j        (1-based, paper's ⋆)
 *
 * Data tensor: [M_conv(x)]_{j_1..j_L} = [x]_{(Σ_l j_l - L + 1) mod d}. With
 * 0-based indices j_l ∈ {0..k_l-1} this reads x[(Σ_l j_l) mod d], so
 *
 *   f(x) = Σ_{j_1..j_L} x[(j_1 + ... + j_L) mod d] Π_l w_l[j_l] = x^T β,
 *   β[i] = Σ_{j_1+...+j_L ≡ i (mod d)} Π_l w_l[j_l],
 *
 * i.e. β = w_1 ⊛ w_2 ⊛ ... ⊛ w_L, the circular CONVOLUTION (mod d) of the
 * filters zero-padded to length d (a short filter occupies coordinates
 * 0..k_l-1). In the DFT domain this is a diagonal network: DFT(β) =
 * Π_l DFT(w_l); in the paper's unitary convention (App. D.3, Assumption 1
 * with S = d^{(L-1)/2} F, U_l = F*), β = d^{(L-1)/2} F (⊙_l F* w_l).
 * W_e = β^T (k = 1 output).
 *
 * end_to_end keeps the prefix convolutions P_l = w_1 ⊛ ... ⊛ w_l (d-vectors);
 * P_l[i] = Σ_{j<k_l} w_l[j] P_{l-1}[(i - j) mod d], O(d k_l) per layer.
 * backward carries G_l = dl/dP_l from G_L = dl/dβ down:
 *   dl/dw_l[j]    = Σ_m G_l[(m + j) mod d] P_{l-1}[m]   (circular correlation)
 *   G_{l-1}[m]    = Σ_{j<k_l} w_l[j] G_l[(m + j) mod d]  (the adjoint of ⊛ w_l)
 * with P_0 = δ_0, so dl/dw_1[j] = G_1[j]. Nothing is allocated after create.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

#define CV_MAX_DEPTH 1024

static const lnb_param_spec cv_params[] = {
    {"filters", LNB_T_INT_LIST, NULL,
     "filter sizes k_1..k_L (the last must equal d); overrides depth/filter_size", "[1, inf)",
     NULL, 0},
    {"depth", LNB_T_INT, NULL,
     "number of layers L when filters is unset (default 2); with filters it must equal "
     "their count",
     "[1, 1024]", NULL, 0},
    {"filter_size", LNB_T_INT, NULL,
     "size k of filters 1..L-1 when filters is unset (default d: full-length filters); "
     "k_L = d always",
     "[1, inf)", NULL, 0},
    {"init", LNB_T_ENUM, "gaussian",
     "initial directions wbar_l (length k_l): gaussian (i.i.d. N(0, 1) from the run seed), "
     "ones, delta (1 then zeros: the identity filter), or given (init_filters)",
     NULL, "gaussian|ones|delta|given", 0},
    {"alpha", LNB_T_REAL, "0.1", "initial scale: w_l(0) = alpha * wbar_l (paper 002, Sec. 3)",
     "[0, inf)", NULL, 0},
    {"init_filters", LNB_T_MATRIX, NULL,
     "L x d matrix for init: given; row l holds wbar_l in its first k_l entries and zeros "
     "after them (a flat list when L = 1)",
     NULL, NULL, LNB_P_NOGRID},
    {"last_zero", LNB_T_BOOL, "false",
     "w_L(0) = 0 whatever the init (paper 002, Theorem 5: wbar_L = 0)", NULL, NULL, 0},
    {0},
};

typedef struct cv {
  const lnb_host *host;
  size_t L, d;
  size_t *k;         /* k[l], l = 0..L-1 */
  lnb_tensor *t;     /* w_1..w_L, 1 x k_l */
  char (*names)[16];
  double *P;         /* (L-1) x d: P[l] = w_0 ⊛ ... ⊛ w_l, l = 0..L-2 (0-based) */
  double *buf[2];    /* d each: ping-pong for G_l */
} cv;

/* number of layers from filters / depth (no d needed) */
static int cv_depth(const lnb_host *h, const lnb_params *p, size_t *L, lnb_error *err) {
  if (h->param_is_set(p, "filters")) {
    size_t n = 0;
    const int64_t *f = h->param_ints(p, "filters", &n);
    if (n < 1 || n > CV_MAX_DEPTH)
      return h->error(err, LNB_EINVAL, "filters must list 1 to %d filter sizes (got %zu)",
                      CV_MAX_DEPTH, n);
    for (size_t l = 0; l < n; l++)
      if (f[l] < 1)
        return h->error(err, LNB_EINVAL, "filters[%zu] = %lld must be >= 1", l,
                        (long long)f[l]);
    if (h->param_is_set(p, "depth") && h->param_int(p, "depth") != (int64_t)n)
      return h->error(err, LNB_EINVAL,
                      "depth = %lld but filters lists %zu filter sizes; give one of them",
                      (long long)h->param_int(p, "depth"), n);
    if (h->param_is_set(p, "filter_size"))
      return h->error(err, LNB_EINVAL,
                      "filter_size is given together with filters; filters already sets every "
                      "filter size, remove one of them");
    *L = n;
    return LNB_OK;
  }
  int64_t L64 = h->param_is_set(p, "depth") ? h->param_int(p, "depth") : 2;
  if (L64 < 1 || L64 > CV_MAX_DEPTH)
    return h->error(err, LNB_EINVAL, "depth = %lld must be in [1, %d]", (long long)L64,
                    CV_MAX_DEPTH);
  *L = (size_t)L64;
  return LNB_OK;
}

static int cv_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  size_t L = 0;
  int rc = cv_depth(h, p, &L, err);
  if (rc != LNB_OK) return rc;
  if (h->param_is_set(p, "filter_size") && h->param_int(p, "filter_size") < 1)
    return h->error(err, LNB_EINVAL, "filter_size must be >= 1");
  double alpha = h->param_real(p, "alpha");
  if (!(alpha >= 0.0)) return h->error(err, LNB_EINVAL, "alpha must be >= 0 (got %g)", alpha);
  const char *init = h->param_string(p, "init");
  int given = init && strcmp(init, "given") == 0;
  int has = h->param_is_set(p, "init_filters");
  if (given && !has)
    return h->error(err, LNB_EINVAL,
                    "init: given needs init_filters (an L x d matrix, row l = wbar_l padded "
                    "with zeros)");
  if (!given && has)
    return h->error(err, LNB_EINVAL, "init_filters is only used with init: given (init is '%s')",
                    init ? init : "");
  if (given) {
    size_t r = 0, c = 0;
    h->param_matrix(p, "init_filters", &r, &c);
    if (r != L)
      return h->error(err, LNB_EDIM,
                      "init_filters has %zu rows but the network has %zu layers (one row per "
                      "layer)",
                      r, L);
  }
  return LNB_OK;
}

/* filter sizes for input dimension d into k[0..L-1] */
static int cv_sizes(const lnb_host *h, const lnb_params *p, size_t L, size_t d, size_t *k,
                    lnb_error *err) {
  if (h->param_is_set(p, "filters")) {
    size_t n = 0;
    const int64_t *f = h->param_ints(p, "filters", &n);
    for (size_t l = 0; l < L; l++) {
      if ((uint64_t)f[l] > d)
        return h->error(err, LNB_EDIM, "filters[%zu] = %lld exceeds the input dimension d = %zu",
                        l, (long long)f[l], d);
      k[l] = (size_t)f[l];
    }
    if (k[L - 1] != d)
      return h->error(err, LNB_EDIM,
                      "filters: the last filter must have length k_L = d = %zu (paper 002 eq. "
                      "(4)), got %zu",
                      d, k[L - 1]);
    return LNB_OK;
  }
  size_t fs = d;
  if (h->param_is_set(p, "filter_size")) {
    int64_t v = h->param_int(p, "filter_size");
    if (v < 1 || (uint64_t)v > d)
      return h->error(err, LNB_EDIM, "filter_size = %lld must be in [1, d = %zu]", (long long)v,
                      d);
    fs = (size_t)v;
  }
  for (size_t l = 0; l + 1 < L; l++) k[l] = fs;
  k[L - 1] = d;
  return LNB_OK;
}

static void cv_destroy(void *self) {
  cv *M = self;
  if (!M) return;
  const lnb_host *h = M->host;
  if (M->t) {
    for (size_t l = 0; l < M->L; l++) {
      if (M->t[l].data) h->free(M->t[l].data);
      if (M->t[l].grad) h->free(M->t[l].grad);
    }
    h->free(M->t);
  }
  if (M->k) h->free(M->k);
  if (M->names) h->free(M->names);
  if (M->P) h->free(M->P);
  for (int i = 0; i < 2; i++)
    if (M->buf[i]) h->free(M->buf[i]);
  h->free(M);
}

static int cv_init_params(cv *M, const lnb_params *p, uint64_t seed, lnb_error *err) {
  const lnb_host *h = M->host;
  size_t L = M->L, d = M->d;
  const char *init = h->param_string(p, "init");
  double alpha = h->param_real(p, "alpha");
  const double *dirs = NULL;
  if (strcmp(init, "given") == 0) {
    size_t r = 0, c = 0;
    dirs = h->param_matrix(p, "init_filters", &r, &c);
    if (!dirs || r != L || c != d)
      return h->error(err, LNB_EDIM,
                      "init_filters is %zu x %zu but must be L x d = %zu x %zu (row l holds "
                      "wbar_l in its first k_l entries)",
                      r, c, L, d);
    for (size_t l = 0; l < L; l++)
      for (size_t i = M->k[l]; i < d; i++)
        if (dirs[l * d + i] != 0.0)
          return h->error(err, LNB_EINVAL,
                          "init_filters[%zu][%zu] = %g but filter %zu has only k = %zu "
                          "entries; entries past k_l must be 0",
                          l, i, dirs[l * d + i], l + 1, M->k[l]);
  }
  lnb_rng rng;
  h->rng_init(&rng, seed, "conv-init");
  for (size_t l = 0; l < L; l++) {
    double *w = M->t[l].data;
    size_t kl = M->k[l];
    if (dirs) {
      for (size_t i = 0; i < kl; i++) w[i] = alpha * dirs[l * d + i];
    } else if (strcmp(init, "ones") == 0) {
      for (size_t i = 0; i < kl; i++) w[i] = alpha;
    } else if (strcmp(init, "delta") == 0) {
      lnbp_zero(w, kl);
      w[0] = alpha;
    } else if (strcmp(init, "gaussian") == 0) {
      lnbp_fill_normal(h, &rng, w, kl, alpha);
    } else {
      return h->error(err, LNB_EINVAL, "init: unknown value '%s'", init);
    }
  }
  if (h->param_bool(p, "last_zero")) lnbp_zero(M->t[L - 1].data, M->k[L - 1]);
  return LNB_OK;
}

static int cv_create(const lnb_host *h, const lnb_params *p, const lnb_problem_info *prob,
                     uint64_t seed, void **self, lnb_error *err) {
  *self = NULL;
  int rc = cv_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  if (prob->k != 1)
    return h->error(err, LNB_EDIM,
                    "conv computes one output (W_e = beta^T is 1 x d) but the problem has "
                    "k = %zu outputs; use a problem with k = 1",
                    prob->k);
  size_t L = 0, d = prob->d;
  if (d < 1) return h->error(err, LNB_EDIM, "conv needs an input dimension d >= 1");
  if ((rc = cv_depth(h, p, &L, err)) != LNB_OK) return rc;
  cv *M = h->alloc(sizeof *M);
  if (!M) return h->error(err, LNB_ENOMEM, "out of memory");
  M->host = h;
  M->L = L;
  M->d = d;
  M->k = h->alloc(L * sizeof(size_t));
  M->t = h->alloc(L * sizeof(lnb_tensor));
  M->names = h->alloc(L * sizeof *M->names);
  if (!M->k || !M->t || !M->names) goto nomem;
  if ((rc = cv_sizes(h, p, L, d, M->k, err)) != LNB_OK) goto fail;
  for (size_t l = 0; l < L; l++) {
    lnb_tensor *T = &M->t[l];
    snprintf(M->names[l], sizeof M->names[l], "w%zu", l + 1);
    T->name = M->names[l];
    T->rows = 1;
    T->cols = M->k[l];
    T->manifold = LNB_EUCLIDEAN;
    T->data = h->alloc(M->k[l] * sizeof(double));
    T->grad = h->alloc(M->k[l] * sizeof(double));
    if (!T->data || !T->grad) goto nomem;
  }
  if (L > 1) {
    M->P = h->alloc((L - 1) * d * sizeof(double));
    M->buf[0] = h->alloc(d * sizeof(double));
    M->buf[1] = h->alloc(d * sizeof(double));
    if (!M->P || !M->buf[0] || !M->buf[1]) goto nomem;
  }
  if ((rc = cv_init_params(M, p, seed, err)) != LNB_OK) goto fail;
  *self = M;
  return LNB_OK;
nomem:
  rc = h->error(err, LNB_ENOMEM, "out of memory for a depth-%zu conv network, d = %zu", L, d);
fail:
  cv_destroy(M);
  return rc;
}

static lnb_tensor *cv_tensors(void *self, size_t *n) {
  cv *M = self;
  *n = M->L;
  return M->t;
}

/* out = a ⊛ w (circular convolution mod d), w of length k <= d:
 * out[i] = Σ_{j<k} w[j] a[(i - j) mod d] */
static void cv_conv(const double *a, const double *w, size_t k, size_t d, double *out) {
  lnbp_zero(out, d);
  for (size_t j = 0; j < k; j++) {
    double c = w[j];
    if (c == 0.0) continue;
    for (size_t i = j; i < d; i++) out[i] += c * a[i - j];
    for (size_t i = 0; i < j; i++) out[i] += c * a[i + d - j];
  }
}

static void cv_end_to_end(void *self, double *We) {
  cv *M = self;
  size_t L = M->L, d = M->d;
  const double *prev = M->t[0].data;
  if (L == 1) { /* k_1 = d */
    lnbp_copy(We, prev, d);
    return;
  }
  double *P0 = M->P;
  lnbp_zero(P0, d);
  lnbp_copy(P0, prev, M->k[0]);
  prev = P0;
  for (size_t l = 1; l < L; l++) {
    double *dst = l == L - 1 ? We : M->P + l * d;
    cv_conv(prev, M->t[l].data, M->k[l], d, dst);
    prev = dst;
  }
}

static void cv_backward(void *self, const double *G) {
  cv *M = self;
  size_t L = M->L, d = M->d;
  const double *Gl = G; /* dl/dP_l */
  for (size_t l = L; l-- > 1;) {
    const double *Pp = M->P + (l - 1) * d; /* P_{l-1} */
    const double *w = M->t[l].data;
    double *gw = M->t[l].grad;
    size_t kl = M->k[l];
    /* gw[j] = Σ_m Gl[(m + j) mod d] Pp[m] */
    for (size_t j = 0; j < kl; j++) {
      double s = 0.0;
      for (size_t m = 0; m + j < d; m++) s += Gl[m + j] * Pp[m];
      for (size_t m = d - j; m < d; m++) s += Gl[m + j - d] * Pp[m];
      gw[j] = s;
    }
    /* Gn[m] = Σ_{j<k} w[j] Gl[(m + j) mod d] */
    double *Gn = M->buf[l % 2];
    lnbp_zero(Gn, d);
    for (size_t j = 0; j < kl; j++) {
      double c = w[j];
      if (c == 0.0) continue;
      for (size_t m = 0; m + j < d; m++) Gn[m] += c * Gl[m + j];
      for (size_t m = d - j; m < d; m++) Gn[m] += c * Gl[m + j - d];
    }
    Gl = Gn;
  }
  lnbp_copy(M->t[0].grad, Gl, M->k[0]);
}

static const lnb_arch_ops cv_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = cv_create,
    .destroy = cv_destroy,
    .tensors = cv_tensors,
    .end_to_end = cv_end_to_end,
    .backward = cv_backward,
    .validate = cv_validate,
};

static const lnb_plugin cv_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "conv",
    .summary = "linear circular convolutional network: beta = w_1 (*) ... (*) w_L (circular "
               "convolution mod d), W_e = beta^T (k = 1)",
    .params = cv_params,
    .ops = &cv_ops,
    .description =
        "Linear circular convolutional network of paper 002 (Yun, Krishnan & Mobahi 2021), "
        "Sec. 3 eq. (4) / App. A eq. (12) with linear activation: f(x) = (...((x o w_1) o w_2) "
        "... o w_{L-1})^T w_L with [a o b]_i = sum_{j=1}^{k} a_{(i+j-1) mod d} b_j, filters "
        "w_l of length k_l <= d and k_L = d. Equivalently (data tensor [M_conv(x)]_{j_1..j_L} "
        "= x_{(sum_l j_l - L + 1) mod d}), f(x) = x^T beta with beta the circular convolution "
        "mod d of the filters zero-padded to length d: beta[i] = sum over 0-based j_1+...+j_L "
        "= i (mod d) of prod_l w_l[j_l]; a filter shorter than d occupies coordinates "
        "0..k_l-1. So DFT(beta) = prod_l DFT(w_l): with full-length filters the network is a "
        "diagonal network in the Fourier domain (App. D.3: S = d^((L-1)/2) F, U_l = F*).\n"
        "Tensors w1..wL (euclidean, 1 x k_l); W_e = beta^T, so the problem must have k = 1 "
        "output. Filter sizes: filters: [k_1, ..., k_L] (k_L = d), or depth L (default 2) "
        "with filter_size k for layers 1..L-1 (default d, full-length). end_to_end and "
        "backward (the adjoint: circular correlations) cost O(d sum_l k_l), no FFT.\n"
        "Init: w_l(0) = alpha * wbar_l with wbar_l i.i.d. N(0, 1) (gaussian), all ones "
        "(ones), e_1 (delta: the identity filter), or given: init_filters is an L x d matrix "
        "whose row l holds wbar_l in its first k_l entries followed by zeros (nonzeros past "
        "k_l are refused). last_zero: true sets w_L(0) = 0 (Theorem 5's setting).",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &cv_desc : NULL;
}
