/* deep_linear — deep linear network W_e = W_N ... W_2 W_1.
 *
 * W_1 is h_1 x d, W_j is h_j x h_{j-1}, W_N is k x h_{N-1}; write h_0 = d and
 * h_N = k. Layer j has rows r_j = h_j and cols c_j = h_{j-1}.
 *
 * Products are ordered for the fewest flops: the cost per layer is
 * O(min(k, d) h^2) rather than O(max(k, d) h^2).
 *   k <= d ("left"): end_to_end keeps the suffix products S_j = W_N ... W_j
 *     (k x h_{j-1}); backward carries B_j = G (W_{j-1} ... W_1)^T (k x h_{j-1})
 *     forward from B_1 = G and sets dW_j = S_{j+1}^T B_j (S_{N+1} = I).
 *   k > d ("right"): end_to_end keeps the prefix products P_j = W_j ... W_1
 *     (h_j x d); backward carries C_j = (W_N ... W_{j+1})^T G (h_j x d) back
 *     from C_N = G and sets dW_j = C_j P_{j-1}^T (P_0 = I).
 * Both are the chain rule dl/dW_j = (W_N...W_{j+1})^T G (W_{j-1}...W_1)^T.
 * All workspaces are allocated at create; end_to_end/backward only call gemm.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

#define DL_MAX_DEPTH 256

static const lnb_param_spec dl_params[] = {
    {"depth", LNB_T_INT, "2", "number of layers N (N = 1 is a single k x d matrix)",
     "[1, 256]", NULL, 0},
    {"width", LNB_T_INT, NULL,
     "width of every hidden layer (default: d, the input dimension)", "[1, inf)", NULL, 0},
    {"widths", LNB_T_INT_LIST, NULL,
     "per-layer hidden widths h_1..h_{N-1} (length depth-1); overrides width", "[1, inf)",
     NULL, 0},
    {"init", LNB_T_ENUM, "gaussian",
     "gaussian: i.i.d. N(0, init_std^2); identity: ones on each layer's diagonal; zero; "
     "orthogonal: each layer with orthonormal rows or columns (scale 1); balanced: "
     "balanced factorization of init_matrix (or of a k x d N(0, init_std^2) matrix); "
     "zero_asymmetric: W_1..W_{N-1} identity, W_N = 0",
     NULL, "gaussian|identity|zero|orthogonal|balanced|zero_asymmetric", 0},
    {"init_std", LNB_T_REAL, "0.01",
     "standard deviation of the gaussian init (and of the balanced target when "
     "init_matrix is unset)",
     "[0, inf)", NULL, 0},
    {"init_matrix", LNB_T_MATRIX, NULL,
     "k x d end-to-end matrix that init: balanced factors (a flat list when k = 1)", NULL,
     NULL, LNB_P_NOGRID},
    {0},
};

typedef struct dl {
  const lnb_host *host;
  size_t N, k, d;
  size_t *h;        /* h[0] = d, h[1..N-1] hidden, h[N] = k */
  size_t *rows, *cols;
  lnb_tensor *t;    /* N tensors W1..WN */
  char (*names)[24];
  double **layers;  /* t[j].data, for the balanced factorization */
  int left;         /* 1: k <= d ordering */
  double **ws;      /* ws[j], j = 1..N-2 (0-based layer index): partial products */
  double *buf[2];   /* ping-pong for B_j / C_j */
  lnbp_balanced_ws bal;
} dl;

/* hidden widths into h[1..N-1]; h[0] = d, h[N] = k. d, k may be 0 (validate). */
static int dl_read_widths(const lnb_host *hst, const lnb_params *p, size_t N, size_t d,
                          size_t k, size_t *h, int warn, lnb_error *err) {
  h[0] = d;
  h[N] = k;
  if (hst->param_is_set(p, "widths")) {
    size_t n = 0;
    const int64_t *w = hst->param_ints(p, "widths", &n);
    if (n != N - 1)
      return hst->error(err, LNB_EINVAL,
                        "widths has %zu entries but depth %zu needs depth-1 = %zu", n, N,
                        N - 1);
    for (size_t j = 0; j < n; j++) {
      if (w[j] < 1)
        return hst->error(err, LNB_EINVAL, "widths[%zu] = %lld must be >= 1", j,
                          (long long)w[j]);
      h[j + 1] = (size_t)w[j];
    }
    if (warn && hst->param_is_set(p, "width") && hst->log)
      hst->log(1, "deep_linear: both width and widths given; widths wins");
  } else {
    size_t w = d;
    if (hst->param_is_set(p, "width")) {
      int64_t v = hst->param_int(p, "width");
      if (v < 1) return hst->error(err, LNB_EINVAL, "width = %lld must be >= 1", (long long)v);
      w = (size_t)v;
    }
    for (size_t j = 1; j < N; j++) h[j] = w;
  }
  return LNB_OK;
}

static int dl_validate(const lnb_host *hst, const lnb_params *p, lnb_error *err) {
  int64_t depth = hst->param_int(p, "depth");
  if (depth < 1 || depth > DL_MAX_DEPTH)
    return hst->error(err, LNB_EINVAL, "depth = %lld must be in [1, %d]", (long long)depth,
                      DL_MAX_DEPTH);
  size_t h[DL_MAX_DEPTH + 1];
  int rc = dl_read_widths(hst, p, (size_t)depth, 1, 1, h, 0, err);
  if (rc != LNB_OK) return rc;
  const char *init = hst->param_string(p, "init");
  if (hst->param_is_set(p, "init_matrix") && strcmp(init, "balanced") != 0)
    return hst->error(err, LNB_EINVAL,
                      "init_matrix is only used by init: balanced (init is '%s')", init);
  if (!(hst->param_real(p, "init_std") >= 0.0))
    return hst->error(err, LNB_EINVAL, "init_std must be >= 0");
  return LNB_OK;
}

static void dl_destroy(void *self) {
  dl *M = self;
  if (!M) return;
  const lnb_host *hst = M->host;
  if (M->t) {
    for (size_t j = 0; j < M->N; j++) {
      if (M->t[j].data) hst->free(M->t[j].data);
      if (M->t[j].grad) hst->free(M->t[j].grad);
    }
    hst->free(M->t);
  }
  if (M->ws) {
    for (size_t j = 0; j < M->N; j++)
      if (M->ws[j]) hst->free(M->ws[j]);
    hst->free(M->ws);
  }
  for (int i = 0; i < 2; i++)
    if (M->buf[i]) hst->free(M->buf[i]);
  if (M->h) hst->free(M->h);
  if (M->rows) hst->free(M->rows);
  if (M->cols) hst->free(M->cols);
  if (M->names) hst->free(M->names);
  if (M->layers) hst->free(M->layers);
  lnbp_balanced_ws_free(hst, &M->bal);
  hst->free(M);
}

static int dl_init_params(dl *M, const lnb_params *p, uint64_t seed, lnb_error *err) {
  const lnb_host *hst = M->host;
  const char *init = hst->param_string(p, "init");
  double std = hst->param_real(p, "init_std");
  size_t N = M->N;
  lnb_rng rng;
  hst->rng_init(&rng, seed, "deep_linear-init");
  if (strcmp(init, "gaussian") == 0) {
    for (size_t j = 0; j < N; j++)
      lnbp_fill_normal(hst, &rng, M->t[j].data, M->rows[j] * M->cols[j], std);
  } else if (strcmp(init, "identity") == 0) {
    for (size_t j = 0; j < N; j++) lnbp_eye(M->t[j].data, M->rows[j], M->cols[j]);
  } else if (strcmp(init, "zero") == 0) {
    for (size_t j = 0; j < N; j++) lnbp_zero(M->t[j].data, M->rows[j] * M->cols[j]);
  } else if (strcmp(init, "zero_asymmetric") == 0) {
    for (size_t j = 0; j + 1 < N; j++) lnbp_eye(M->t[j].data, M->rows[j], M->cols[j]);
    lnbp_zero(M->t[N - 1].data, M->rows[N - 1] * M->cols[N - 1]);
  } else if (strcmp(init, "orthogonal") == 0) {
    for (size_t j = 0; j < N; j++) {
      int rc = lnbp_random_orthonormal(hst, &rng, M->rows[j], M->cols[j], M->t[j].data, err);
      if (rc != LNB_OK) return rc;
    }
  } else if (strcmp(init, "balanced") == 0) {
    size_t k = M->k, d = M->d;
    const double *target;
    double *tmp = NULL;
    if (hst->param_is_set(p, "init_matrix")) {
      size_t r = 0, c = 0;
      target = hst->param_matrix(p, "init_matrix", &r, &c);
      if (!target || r != k || c != d)
        return hst->error(err, LNB_EDIM,
                          "init_matrix is %zu x %zu but the end-to-end matrix is %zu x %zu",
                          r, c, k, d);
    } else {
      tmp = hst->alloc(k * d * sizeof(double));
      if (!tmp) return hst->error(err, LNB_ENOMEM, "out of memory");
      lnbp_fill_normal(hst, &rng, tmp, k * d, std);
      target = tmp;
    }
    int rc = lnbp_balanced_factor(hst, &M->bal, target, N, M->rows, M->cols, M->layers,
                                  LNB_EINVAL, err);
    if (tmp) hst->free(tmp);
    if (rc != LNB_OK) return rc;
  } else {
    return hst->error(err, LNB_EINVAL, "init: unknown value '%s'", init);
  }
  return LNB_OK;
}

static int dl_create(const lnb_host *hst, const lnb_params *p, const lnb_problem_info *prob,
                     uint64_t seed, void **self, lnb_error *err) {
  *self = NULL;
  int rc = dl_validate(hst, p, err);
  if (rc != LNB_OK) return rc;
  size_t N = (size_t)hst->param_int(p, "depth"), k = prob->k, d = prob->d;
  dl *M = hst->alloc(sizeof *M);
  if (!M) return hst->error(err, LNB_ENOMEM, "out of memory");
  M->host = hst;
  M->N = N;
  M->k = k;
  M->d = d;
  M->left = k <= d;
  M->h = hst->alloc((N + 1) * sizeof(size_t));
  M->rows = hst->alloc(N * sizeof(size_t));
  M->cols = hst->alloc(N * sizeof(size_t));
  M->t = hst->alloc(N * sizeof(lnb_tensor));
  M->names = hst->alloc(N * sizeof *M->names);
  M->layers = hst->alloc(N * sizeof(double *));
  M->ws = hst->alloc(N * sizeof(double *));
  if (!M->h || !M->rows || !M->cols || !M->t || !M->names || !M->layers || !M->ws) goto nomem;
  if ((rc = dl_read_widths(hst, p, N, d, k, M->h, 1, err)) != LNB_OK) goto fail;
  size_t hmax = 0;
  for (size_t j = 1; j < N; j++) hmax = lnbp_max(hmax, M->h[j]);
  for (size_t j = 0; j < N; j++) {
    size_t r = M->h[j + 1], c = M->h[j];
    M->rows[j] = r;
    M->cols[j] = c;
    snprintf(M->names[j], sizeof M->names[j], "W%zu", j + 1);
    lnb_tensor *T = &M->t[j];
    T->name = M->names[j];
    T->rows = r;
    T->cols = c;
    T->manifold = LNB_EUCLIDEAN;
    T->data = hst->alloc(r * c * sizeof(double));
    T->grad = hst->alloc(r * c * sizeof(double));
    if (!T->data || !T->grad) goto nomem;
    M->layers[j] = T->data;
  }
  /* partial products for layers 1..N-2 (0-based): left: S (k x c_j) for
   * 0-based j in 1..N-2; right: P (r_j x d) for 0-based j in 1..N-2 */
  for (size_t j = 1; j + 1 < N; j++) {
    size_t n = M->left ? k * M->cols[j] : M->rows[j] * d;
    if (!(M->ws[j] = hst->alloc(n * sizeof(double)))) goto nomem;
  }
  if (N > 1) {
    size_t n = (M->left ? k : d) * hmax;
    for (int i = 0; i < 2; i++)
      if (!(M->buf[i] = hst->alloc(n * sizeof(double)))) goto nomem;
  }
  if ((rc = lnbp_balanced_ws_init(hst, &M->bal, k, d, err)) != LNB_OK) goto fail;
  if ((rc = dl_init_params(M, p, seed, err)) != LNB_OK) goto fail;
  *self = M;
  return LNB_OK;
nomem:
  rc = hst->error(err, LNB_ENOMEM, "out of memory for a depth-%zu network", N);
fail:
  dl_destroy(M);
  return rc;
}

static lnb_tensor *dl_tensors(void *self, size_t *n) {
  dl *M = self;
  *n = M->N;
  return M->t;
}

static void dl_end_to_end(void *self, double *We) {
  dl *M = self;
  const lnb_host *hst = M->host;
  size_t N = M->N, k = M->k, d = M->d;
  if (N == 1) {
    lnbp_copy(We, M->t[0].data, k * d);
    return;
  }
  if (M->left) {
    /* S_N = W_N; S_j = S_{j+1} W_j, down to S_1 = We (0-based j below) */
    const double *S = M->t[N - 1].data; /* k x rows[N-2] */
    for (size_t j = N - 1; j-- > 0;) {
      double *dst = j == 0 ? We : M->ws[j];
      hst->gemm(LNB_NO_TRANS, LNB_NO_TRANS, k, M->cols[j], M->rows[j], 1.0, S, M->rows[j],
                M->t[j].data, M->cols[j], 0.0, dst, M->cols[j]);
      S = dst;
    }
  } else {
    /* P_1 = W_1; P_j = W_j P_{j-1}, up to P_N = We */
    const double *P = M->t[0].data; /* rows[0] x d */
    for (size_t j = 1; j < N; j++) {
      double *dst = j == N - 1 ? We : M->ws[j];
      hst->gemm(LNB_NO_TRANS, LNB_NO_TRANS, M->rows[j], d, M->cols[j], 1.0, M->t[j].data,
                M->cols[j], P, d, 0.0, dst, d);
      P = dst;
    }
  }
}

static void dl_backward(void *self, const double *G) {
  dl *M = self;
  const lnb_host *hst = M->host;
  size_t N = M->N, k = M->k, d = M->d;
  if (N == 1) {
    lnbp_copy(M->t[0].grad, G, k * d);
    return;
  }
  if (M->left) {
    /* B = G (W_{j-1}...W_1)^T, k x cols[j]; S_{j+1} = W_N...W_{j+1}, k x rows[j] */
    const double *B = G;
    for (size_t j = 0; j < N; j++) {
      size_t r = M->rows[j], c = M->cols[j];
      if (j == N - 1) {
        lnbp_copy(M->t[j].grad, B, k * c);
        break;
      }
      const double *S = j + 1 == N - 1 ? M->t[N - 1].data : M->ws[j + 1];
      hst->gemm(LNB_TRANS, LNB_NO_TRANS, r, c, k, 1.0, S, r, B, c, 0.0, M->t[j].grad, c);
      double *Bn = M->buf[j % 2];
      hst->gemm(LNB_NO_TRANS, LNB_TRANS, k, r, c, 1.0, B, c, M->t[j].data, c, 0.0, Bn, r);
      B = Bn;
    }
  } else {
    /* C = (W_N...W_{j+1})^T G, rows[j] x d; P_{j-1} = W_{j-1}...W_1, cols[j] x d */
    const double *C = G;
    for (size_t j = N; j-- > 0;) {
      size_t r = M->rows[j], c = M->cols[j];
      if (j == 0) {
        lnbp_copy(M->t[0].grad, C, r * d);
        break;
      }
      const double *P = j == 1 ? M->t[0].data : M->ws[j - 1];
      hst->gemm(LNB_NO_TRANS, LNB_TRANS, r, c, d, 1.0, C, d, P, d, 0.0, M->t[j].grad, c);
      double *Cn = M->buf[j % 2];
      hst->gemm(LNB_TRANS, LNB_NO_TRANS, c, d, r, 1.0, M->t[j].data, c, C, d, 0.0, Cn, d);
      C = Cn;
    }
  }
}

static int dl_set_end_to_end(void *self, const double *We, lnb_error *err) {
  dl *M = self;
  return lnbp_balanced_factor(M->host, &M->bal, We, M->N, M->rows, M->cols, M->layers,
                              LNB_ENOTSUP, err);
}

static const lnb_arch_ops dl_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = dl_create,
    .destroy = dl_destroy,
    .tensors = dl_tensors,
    .end_to_end = dl_end_to_end,
    .backward = dl_backward,
    .set_end_to_end = dl_set_end_to_end,
    .validate = dl_validate,
};

static const lnb_plugin dl_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "deep_linear",
    .summary = "deep linear network W_e = W_N ... W_1 with configurable widths and inits",
    .params = dl_params,
    .ops = &dl_ops,
    .description =
        "Tensors W1..WN (euclidean): W1 is h_1 x d, Wj is h_j x h_{j-1}, WN is k x h_{N-1}. "
        "Hidden widths from widths (per layer) or width (all; default d).\n"
        "Inits: gaussian N(0, init_std^2); identity (ones on each diagonal, rectangular "
        "ok); zero; orthogonal (each layer has orthonormal rows or columns, whichever are "
        "fewer, from a random polar factor; scale 1); balanced (W = U S V^T factored as "
        "W1 = S^(1/N) V^T, middle layers diag(S^(1/N)), WN = U S^(1/N), zero-padded to the "
        "widths, so W_{j+1}^T W_{j+1} = W_j W_j^T exactly; W is init_matrix or a k x d "
        "N(0, init_std^2) matrix; refused when a hidden width is below rank(W)); "
        "zero_asymmetric (W1..W_{N-1} identity, WN = 0).\n"
        "set_end_to_end performs the same balanced factorization (LNB_ENOTSUP when a "
        "hidden width is below the rank). Products are ordered from the smaller of the two "
        "sides (k or d), so a step costs O(min(k,d) h^2) per layer.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &dl_desc : NULL;
}
