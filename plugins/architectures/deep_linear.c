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

#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnbp_linsys.h"
#include "lnbp_matfun.h"
#include "lnbp_svd.h"
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
     "gaussian: i.i.d. N(0, init_std^2); identity: ones on each layer's diagonal (init_std "
     "unused); near_identity: identity plus i.i.d. N(0, init_std^2) on every entry (paper "
     "003, Fig. 5-left; exactly identity when init_std = 0); zero; "
     "orthogonal: each layer with orthonormal rows or columns (scale 1); balanced: "
     "balanced factorization of init_matrix (or of a k x d N(0, init_std^2) matrix); "
     "zero_asymmetric: W_1..W_{N-1} identity, W_N = 0; paper 000 inits (need the problem's "
     "linear system A y = b, A = X): range_At: W_1 = N(0, init_std^2) projected onto "
     "range(A^T), middle layers identity, W_N rows on the unit sphere (Lemma 8, Sec. 4.2); "
     "perturbed_range: range_At plus a rank-one C in ker(A) with ||C|| = perturbation (Sec. "
     "4.2); controlled: depth 1, y_0 = (I - P) target_solution + P z0, z0 ~ N(0, "
     "init_std^2), so GD converges to target_solution (Theorem 4, Algorithm 1); "
     "bi_optimal_h1: depth 2, k = 1, W_1 = x0 v0^T A, W_2 = x0^T (Theorem 6); "
     "bi_optimal_h2: depth 3, k = 1, W_1 = e1 v0^T A, W_2 = x0 e1^T, W_3 = x0^T (Lemma 9); "
     "x0 a random unit vector. Every init is then multiplied by scale",
     NULL,
     "gaussian|identity|zero|orthogonal|balanced|zero_asymmetric|range_At|perturbed_range|"
     "controlled|bi_optimal_h1|bi_optimal_h2|near_identity",
     0},
    {"init_std", LNB_T_REAL, "0.01",
     "standard deviation of the gaussian init (and of the balanced target when "
     "init_matrix is unset; of the noise of near_identity)",
     "[0, inf)", NULL, 0},
    {"init_matrix", LNB_T_MATRIX, NULL,
     "k x d end-to-end matrix that init: balanced factors (a flat list when k = 1)", NULL,
     NULL, LNB_P_NOGRID},
    {"scale", LNB_T_REAL, "1",
     "initial scale alpha: every layer of the chosen init is multiplied by alpha (paper 002's "
     "W_l(0) = alpha W_l), so W_e(0) scales by alpha^depth",
     NULL, NULL, 0},
    {"target_solution", LNB_T_REAL_LIST, NULL,
     "init: controlled: the solution theta (length d) GD should reach; must solve A theta = b "
     "to relative residual 1e-8 (||A theta - b|| <= 1e-8 (||A||_F ||theta|| + ||b||))",
     NULL, NULL, 0},
    {"perturbation", LNB_T_REAL, "1",
     "init: perturbed_range: c = ||C||_2 = ||C||_F of the rank-one component C = c w u^T of "
     "W_1 in ker(A) (w, u random unit vectors, A u = 0)",
     "[0, inf)", NULL, 0},
    {"v0", LNB_T_REAL_LIST, NULL,
     "init: bi_optimal_h1 / bi_optimal_h2: the n-vector v0 (n = rows of A); default i.i.d. "
     "N(0, init_std^2) from the run seed (stream paper000-v0, the same draw as compact_h1 / "
     "compact_h2)",
     NULL, NULL, 0},
    {"perturbation_shape", LNB_T_ENUM, NULL,
     "init: perturbed_range: rank_one (when unset): C = c w u^T as above; full: C = c G (I - P) / "
     "||G (I - P)||_F with G an h_1 x d i.i.d. N(0, 1) matrix (full rank in ker(A): rank "
     "min(h_1, d - rank(A))), so ||C||_F = c and ||C||_2 <= c",
     NULL, "rank_one|full", 0},
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
  lnbp_balanced_ws bal;
  lnbp_svd_ws svd;  /* N > 1: allocation-free SVD for set_end_to_end */
  lnbp_mf_ws mf;    /* square layers (all d x d, k = d, N > 1): paper 004 Def. 3 */
  /* paper 000 inits and checkpoint metrics (allocated at create) */
  double *rowV;     /* rank x d orthonormal basis of range(A^T); NULL without linsys */
  size_t rank;
  int has_ls;       /* the problem exposed its linear system */
  double *mgram;    /* hmax x hmax: W_{j+1}^T W_{j+1} - W_j W_j^T */
  double *mcopy;    /* largest of layers 2..N, overwritten by dgesvd */
  double *msv, *mwork;
  lapack_int mlwork;
  double *mcoef, *mrow; /* h_1 x rank and d, for the range distance */
  int range_ok;         /* rowV / rank computed */
  int can_set;          /* set_end_to_end workspaces allocated (the run uses it) */
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
  /* paper 000 inits */
  int ctrl = strcmp(init, "controlled") == 0, bi1 = strcmp(init, "bi_optimal_h1") == 0,
      bi2 = strcmp(init, "bi_optimal_h2") == 0;
  if (hst->param_is_set(p, "target_solution") && !ctrl)
    return hst->error(err, LNB_EINVAL,
                      "target_solution is only used by init: controlled (init is '%s')", init);
  if (ctrl && !hst->param_is_set(p, "target_solution"))
    return hst->error(err, LNB_EINVAL,
                      "init: controlled needs target_solution, the solution theta of A theta "
                      "= b (a list of length d) that gradient descent should reach");
  if (ctrl && depth != 1)
    return hst->error(err, LNB_EINVAL,
                      "init: controlled (paper 000, Theorem 4 / Algorithm 1) is defined for "
                      "the linear model, depth 1 (got depth %lld): for depth > 1 the limit "
                      "depends on the whole trajectory (Sec. 4.2)",
                      (long long)depth);
  if (hst->param_is_set(p, "perturbation_shape") && strcmp(init, "perturbed_range") != 0)
    return hst->error(err, LNB_EINVAL,
                      "perturbation_shape is only used by init: perturbed_range (init is '%s')",
                      init);
  if (hst->param_is_set(p, "v0") && !bi1 && !bi2)
    return hst->error(err, LNB_EINVAL,
                      "v0 is only used by init: bi_optimal_h1 / bi_optimal_h2 (init is '%s')",
                      init);
  if ((bi1 && depth != 2) || (bi2 && depth != 3))
    return hst->error(err, LNB_EINVAL,
                      "init: %s (paper 000, %s) is the network with %d hidden layer%s: depth "
                      "must be %d (got %lld)",
                      init, bi1 ? "Theorem 6" : "Lemma 9", bi1 ? 1 : 2, bi1 ? "" : "s",
                      bi1 ? 2 : 3, (long long)depth);
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
  if (M->h) hst->free(M->h);
  if (M->rows) hst->free(M->rows);
  if (M->cols) hst->free(M->cols);
  if (M->names) hst->free(M->names);
  if (M->layers) hst->free(M->layers);
  lnbp_balanced_ws_free(hst, &M->bal);
  lnbp_svd_ws_free(hst, &M->svd);
  lnbp_mf_ws_free(hst, &M->mf);
  double *extra[] = {M->rowV, M->mgram, M->mcopy, M->msv, M->mwork, M->mcoef, M->mrow};
  for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
    if (extra[i]) hst->free(extra[i]);
  hst->free(M);
}

/* ------------------------------------------------ paper 000 inits, metrics */

/* SVD of A at create only when some init needs it or A is small enough
 * (min(m,d)^2 max(m,d) flops); otherwise first_layer_range_distance is NaN */
#define DL_RANGE_SVD_MAX_FLOPS 1e9

static int dl_is_paper000_init(const char *init) {
  return strcmp(init, "range_At") == 0 || strcmp(init, "perturbed_range") == 0 ||
         strcmp(init, "controlled") == 0 || strcmp(init, "bi_optimal_h1") == 0 ||
         strcmp(init, "bi_optimal_h2") == 0;
}

/* Metric workspaces and, with a linear system, the basis of range(A^T). */
static int dl_paper000_prepare(dl *M, const lnb_params *p, const lnb_problem_info *prob,
                               lnb_error *err) {
  const lnb_host *hst = M->host;
  size_t N = M->N, d = M->d, hmax = 0, lmax = 0, smax = 0;
  for (size_t j = 1; j < N; j++) hmax = lnbp_max(hmax, M->h[j]);
  for (size_t j = 1; j < N; j++) {
    lmax = lnbp_max(lmax, M->rows[j] * M->cols[j]);
    smax = lnbp_max(smax, lnbp_min(M->rows[j], M->cols[j]));
  }
  /* each metric's workspace only when the run records it (ABI 1.3) */
  int want_unbal = lnb_info_records(prob, "unbalancedness");
  int want_norms = lnb_info_records(prob, "layer_norm_product");
  int want_range = lnb_info_records(prob, "first_layer_range_distance");
  if (want_unbal && hmax && !(M->mgram = hst->alloc(hmax * hmax * sizeof(double)))) goto nomem;
  if (want_norms && lmax) {
    /* dgesvd (no vectors) workspace for every layer but W_1, column-major view */
    double q = 0.0, dummy = 0.0;
    lapack_int need = 1;
    for (size_t j = 1; j < N; j++) {
      lapack_int c = (lapack_int)M->cols[j], r = (lapack_int)M->rows[j];
      lapack_int info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'N', 'N', c, r, &dummy, c,
                                            &dummy, &dummy, 1, &dummy, 1, &q, -1);
      if (info != 0)
        return hst->error(err, LNB_ENUMERIC, "dgesvd workspace query failed (info %d)",
                          (int)info);
      if ((lapack_int)q > need) need = (lapack_int)q;
    }
    M->mlwork = need;
    M->mcopy = hst->alloc(lmax * sizeof(double));
    M->msv = hst->alloc(smax * sizeof(double));
    M->mwork = hst->alloc((size_t)need * sizeof(double));
    if (!M->mcopy || !M->msv || !M->mwork) goto nomem;
  }
  const lnb_linsys *ls = prob->struct_size >= offsetof(lnb_problem_info, linsys) +
                                                  sizeof(prob->linsys)
                             ? prob->linsys
                             : NULL;
  M->has_ls = ls && ls->X && ls->Y && ls->m > 0;
  if (!M->has_ls) return LNB_OK;
  size_t m = ls->m;
  int init_needs = dl_is_paper000_init(hst->param_string(p, "init"));
  if (!init_needs && !want_range) return LNB_OK;
  double flops = (double)lnbp_min(m, d) * (double)lnbp_min(m, d) * (double)lnbp_max(m, d);
  if (!init_needs && flops > DL_RANGE_SVD_MAX_FLOPS) {
    if (hst->log)
      hst->log(2, "deep_linear: A is %zu x %zu; range(A^T) not computed, "
                  "first_layer_range_distance will be NaN", m, d);
    return LNB_OK;
  }
  int rc = lnbp_rowspace_basis(hst, ls->X, m, d, &M->rowV, &M->rank, err);
  if (rc != LNB_OK) return rc;
  M->range_ok = 1;
  if (!want_range) return LNB_OK; /* the basis serves the init only (dl_create frees it) */
  if (!(M->mcoef = hst->alloc(M->rows[0] * lnbp_max(M->rank, 1) * sizeof(double))) ||
      !(M->mrow = hst->alloc(d * sizeof(double))))
    goto nomem;
  return LNB_OK;
nomem:
  return hst->error(err, LNB_ENOMEM, "out of memory for deep_linear metric workspaces");
}

/* rows of L (r x c) independent and uniform on the unit sphere */
static void dl_unit_rows(const lnb_host *hst, lnb_rng *rng, double *L, size_t r, size_t c) {
  for (size_t i = 0; i < r; i++) {
    double *row = L + i * c, nrm = 0.0;
    while (!(nrm > 0.0)) {
      lnbp_fill_normal(hst, rng, row, c, 1.0);
      nrm = sqrt(lnbp_frob2(row, c));
    }
    for (size_t j = 0; j < c; j++) row[j] /= nrm;
  }
}

/* perturbed_range, perturbation_shape: full: W1 += C = c G (I - P) / ||G (I - P)||_F,
 * G i.i.d. N(0, 1) (h_1 x d); tmp holds h_1 x rank. */
static int dl_full_perturbation(dl *M, lnb_rng *rng, double c, double *tmp, lnb_error *err) {
  const lnb_host *hst = M->host;
  size_t h1 = M->rows[0], d = M->d, n = h1 * d;
  double *G = hst->alloc(2 * n * sizeof(double));
  if (!G) return hst->error(err, LNB_ENOMEM, "out of memory");
  double *PG = G + n, nrm = 0.0;
  for (int tries = 0; tries < 100 && !(nrm > 1e-6); tries++) {
    lnbp_fill_normal(hst, rng, G, n, 1.0);
    lnbp_project_rows(hst, G, h1, d, M->rowV, M->rank, tmp, PG);
    for (size_t i = 0; i < n; i++) G[i] -= PG[i];
    nrm = sqrt(lnbp_frob2(G, n));
  }
  int rc = LNB_OK;
  if (!(nrm > 1e-6))
    rc = hst->error(err, LNB_ENUMERIC, "init: perturbed_range: no kernel vector of A found");
  else
    for (size_t i = 0; i < n; i++) M->t[0].data[i] += c * G[i] / nrm;
  hst->free(G);
  return rc;
}

/* range_At, perturbed_range, controlled, bi_optimal_h1, bi_optimal_h2.
 * lnnbench layer j is the transpose of the paper's W_j (the paper writes
 * y = W_1 ... W_h x, W_1 touching A); the last layer W_N is the paper's x^T. */
static int dl_init_paper000(dl *M, const lnb_params *p, const lnb_problem_info *prob,
                            uint64_t seed, lnb_rng *rng, lnb_error *err) {
  const lnb_host *hst = M->host;
  const char *init = hst->param_string(p, "init");
  if (!dl_is_paper000_init(init))
    return hst->error(err, LNB_EINVAL, "init: unknown value '%s'", init);
  if (!M->has_ls)
    return hst->error(err, LNB_ENOTSUP,
                      "init: %s (paper 000) needs the problem's linear system A y = b "
                      "(e.g. lsq), but this problem exposes none",
                      init);
  const lnb_linsys *ls = prob->linsys;
  size_t N = M->N, k = M->k, d = M->d, n = ls->m, q = M->rank, h1 = M->rows[0];
  double std = hst->param_real(p, "init_std");
  double *L1 = M->t[0].data;
  int rc = LNB_OK;
  double *tmp = NULL, *v = NULL;
  if (strcmp(init, "range_At") == 0 || strcmp(init, "perturbed_range") == 0) {
    /* W_1 = G P (P the projector onto range(A^T)): paper W_1 = A^T P_0 */
    tmp = hst->alloc((h1 * lnbp_max(q, 1) + 2 * d + h1) * sizeof(double));
    if (!tmp) return hst->error(err, LNB_ENOMEM, "out of memory");
    lnbp_fill_normal(hst, rng, L1, h1 * d, std);
    lnbp_project_rows(hst, L1, h1, d, M->rowV, q, tmp, L1);
    double c = hst->param_real(p, "perturbation");
    if (strcmp(init, "perturbed_range") == 0 && c > 0.0) {
      /* C = c w u^T, u a random unit vector of ker(A), w a random unit h_1-vector */
      if (q >= d) {
        rc = hst->error(err, LNB_EINVAL,
                        "init: perturbed_range needs a nontrivial kernel of A (rank(A) < d "
                        "= %zu), but rank(A) = %zu; use perturbation: 0 or range_At",
                        d, q);
        goto out;
      }
      if (hst->param_is_set(p, "perturbation_shape") &&
          strcmp(hst->param_string(p, "perturbation_shape"), "full") == 0) {
        rc = dl_full_perturbation(M, rng, c, tmp, err);
        goto layers;
      }
      double *u = tmp + h1 * lnbp_max(q, 1), *pu = u + d, *w = pu + d;
      double nrm = 0.0;
      for (int tries = 0; tries < 100 && !(nrm > 1e-6); tries++) {
        lnbp_fill_normal(hst, rng, u, d, 1.0);
        lnbp_project_rows(hst, u, 1, d, M->rowV, q, tmp, pu);
        for (size_t j = 0; j < d; j++) u[j] -= pu[j];
        nrm = sqrt(lnbp_frob2(u, d));
      }
      if (!(nrm > 1e-6)) {
        rc = hst->error(err, LNB_ENUMERIC, "init: perturbed_range: no kernel vector of A found");
        goto out;
      }
      for (size_t j = 0; j < d; j++) u[j] /= nrm;
      dl_unit_rows(hst, rng, w, 1, h1);
      for (size_t i = 0; i < h1; i++)
        for (size_t j = 0; j < d; j++) L1[i * d + j] += c * w[i] * u[j];
    }
  layers:
    if (rc != LNB_OK) goto out;
    /* Sec. 4.2: the other layers identity, x on the unit sphere */
    for (size_t j = 1; j + 1 < N; j++) lnbp_eye(M->t[j].data, M->rows[j], M->cols[j]);
    if (N > 1) dl_unit_rows(hst, rng, M->t[N - 1].data, M->rows[N - 1], M->cols[N - 1]);
  } else if (strcmp(init, "controlled") == 0) {
    /* Algorithm 1 in closed form: y_0 = (I - P) theta + P z0 */
    if (k != 1) {
      rc = hst->error(err, LNB_ENOTSUP,
                      "init: controlled needs a single-output problem (k = 1), got k = %zu", k);
      goto out;
    }
    size_t len = 0;
    const double *theta = hst->param_reals(p, "target_solution", &len);
    if (!theta || len != d) {
      rc = hst->error(err, LNB_EDIM,
                      "target_solution has %zu entries but the problem has d = %zu inputs",
                      len, d);
      goto out;
    }
    double res = 0.0, an = sqrt(lnbp_frob2(ls->X, n * d)), tn = sqrt(lnbp_frob2(theta, d));
    double bn = sqrt(lnbp_frob2(ls->Y, n));
    for (size_t i = 0; i < n; i++) {
      double s = -ls->Y[i];
      for (size_t j = 0; j < d; j++) s += ls->X[i * d + j] * theta[j];
      res += s * s;
    }
    res = sqrt(res);
    double rel = res / (an * tn + bn > 0.0 ? an * tn + bn : 1.0);
    if (!(rel <= 1e-8)) {
      rc = hst->error(err, LNB_EINVAL,
                      "target_solution does not solve A theta = b: ||A theta - b|| = %.3g, "
                      "relative %.3g > 1e-8 (init: controlled, paper 000 Algorithm 1, needs "
                      "a solution; the system must be consistent, e.g. underdetermined)",
                      res, rel);
      goto out;
    }
    tmp = hst->alloc((lnbp_max(q, 1) + d) * sizeof(double));
    if (!tmp) return hst->error(err, LNB_ENOMEM, "out of memory");
    double *pt = tmp + lnbp_max(q, 1);
    lnbp_fill_normal(hst, rng, L1, d, std);
    lnbp_project_rows(hst, L1, 1, d, M->rowV, q, tmp, L1);
    lnbp_project_rows(hst, theta, 1, d, M->rowV, q, tmp, pt);
    for (size_t j = 0; j < d; j++) L1[j] += theta[j] - pt[j];
  } else {
    /* bi-optimal: a = A^T v0; x0 a random unit vector */
    int two = strcmp(init, "bi_optimal_h2") == 0;
    if (k != 1) {
      rc = hst->error(err, LNB_ENOTSUP,
                      "init: %s needs a single-output problem (k = 1: b is a vector), got "
                      "k = %zu",
                      init, k);
      goto out;
    }
    v = hst->alloc((n + d) * sizeof(double));
    if (!v) return hst->error(err, LNB_ENOMEM, "out of memory");
    if ((rc = lnbp_biopt_v0(hst, p, seed, n, v, err)) != LNB_OK) goto out;
    double *a = v + n;
    hst->gemm(LNB_TRANS, LNB_NO_TRANS, d, 1, n, 1.0, ls->X, d, v, 1, 0.0, a, 1);
    double *xl = M->t[N - 1].data; /* x0^T, 1 x h_{N-1} */
    size_t hx = M->cols[N - 1];
    dl_unit_rows(hst, rng, xl, 1, hx);
    if (!two) {
      /* Theorem 6: W = A^T v0 x0^T -> W_1 = x0 a^T (h_1 x d), W_2 = x0^T */
      for (size_t i = 0; i < h1; i++)
        for (size_t j = 0; j < d; j++) L1[i * d + j] = xl[i] * a[j];
    } else {
      /* Lemma 9: W_1 = A^T v0 e1^T, W_2 = e1 x0^T -> W_1 = e1 a^T, W_2 = x0 e1^T */
      lnbp_zero(L1, h1 * d);
      lnbp_copy(L1, a, d);
      double *L2 = M->t[1].data;
      size_t c2 = M->cols[1];
      lnbp_zero(L2, M->rows[1] * c2);
      for (size_t i = 0; i < hx; i++) L2[i * c2] = xl[i];
    }
  }
out:
  if (tmp) hst->free(tmp);
  if (v) hst->free(v);
  return rc;
}

/* paper 001, Definition 1: max_j ||W_{j+1}^T W_{j+1} - W_j W_j^T||_F */
static double dl_unbalancedness(dl *M) {
  const lnb_host *hst = M->host;
  double worst = 0.0;
  for (size_t j = 0; j + 1 < M->N; j++) {
    size_t h = M->rows[j], cu = M->cols[j + 1], cl = M->cols[j];
    const double *U = M->t[j + 1].data, *L = M->t[j].data;
    hst->gemm(LNB_TRANS, LNB_NO_TRANS, h, h, M->rows[j + 1], 1.0, U, cu, U, cu, 0.0, M->mgram,
              h);
    hst->gemm(LNB_NO_TRANS, LNB_TRANS, h, h, cl, -1.0, L, cl, L, cl, 1.0, M->mgram, h);
    worst = fmax(worst, sqrt(lnbp_frob2(M->mgram, h * h)));
  }
  return worst;
}

/* paper 000, Sec. 4.2: ||W_2||_2 ... ||W_N||_2 (the paper's ||W_2|| ... ||W_h|| ||x||_2) */
static double dl_layer_norm_product(dl *M) {
  double prod = 1.0;
  for (size_t j = 1; j < M->N; j++) {
    size_t r = M->rows[j], c = M->cols[j];
    lnbp_copy(M->mcopy, M->t[j].data, r * c);
    /* row-major r x c is column-major c x r (its transpose): same singular values */
    lapack_int info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'N', 'N', (lapack_int)c,
                                          (lapack_int)r, M->mcopy, (lapack_int)c, M->msv,
                                          NULL, 1, NULL, 1, M->mwork, M->mlwork);
    if (info != 0) return NAN;
    prod *= M->msv[0];
  }
  return prod;
}

static const lnb_metric_spec dl_metrics[] = {
    {"unbalancedness",
     "max_j ||W_{j+1}^T W_{j+1} - W_j W_j^T||_F over consecutive layers (paper 001, Def. 1; "
     "constant under gradient flow, Prop. 2); 0 for depth 1"},
    {"layer_norm_product",
     "||W_2||_2 ... ||W_N||_2, spectral norms of every layer but the input-side W_1: the "
     "paper's ||W_2|| ... ||W_h|| ||x||_2 (paper 000, Sec. 4.2: ||y - theta*|| <= this "
     "times ||C||); 1 for depth 1"},
    {"first_layer_range_distance",
     "||W_1 (I - P)||_F, P the orthogonal projector onto range(A^T) (row space of X): the "
     "distance of the input-side layer from range(A^T), ||C||_F of paper 000 Sec. 4.2 "
     "(Lemma 8 keeps it constant); NaN without a linear system"},
    {NULL, NULL},
};

static double dl_metric(void *self, size_t index) {
  dl *M = self;
  switch (index) {
  case 0: return M->N == 1 ? 0.0 : M->mgram ? dl_unbalancedness(M) : NAN;
  case 1: return M->N == 1 ? 1.0 : M->mcopy ? dl_layer_norm_product(M) : NAN;
  case 2:
    if (!M->range_ok || !M->mcoef) return NAN;
    return lnbp_rowspace_residual(M->host, M->t[0].data, M->rows[0], M->d, M->rowV, M->rank,
                                  M->mcoef, M->mrow);
  default: return NAN;
  }
}

static int dl_init_params(dl *M, const lnb_params *p, const lnb_problem_info *prob,
                          uint64_t seed, lnb_error *err) {
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
  } else if (strcmp(init, "near_identity") == 0) {
    /* paper 003, Fig. 5-left: W_j = I + N(0, init_std^2), layer by layer W1 first */
    for (size_t j = 0; j < N; j++) {
      size_t r = M->rows[j], c = M->cols[j];
      lnbp_fill_normal(hst, &rng, M->t[j].data, r * c, std);
      for (size_t i = 0; i < lnbp_min(r, c); i++) M->t[j].data[i * c + i] += 1.0;
    }
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
    int rc = dl_init_paper000(M, p, prob, seed, &rng, err);
    if (rc != LNB_OK) return rc;
  }
  double alpha = hst->param_real(p, "scale");
  if (alpha != 1.0)
    for (size_t j = 0; j < N; j++)
      for (size_t i = 0; i < M->rows[j] * M->cols[j]; i++) M->t[j].data[i] *= alpha;
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
  /* set_end_to_end's workspaces only when the run's optimizer calls it
   * (ABI 1.3; an undeclared optimizer or an older host: always) */
  M->can_set = lnb_info_uses(prob, LNB_USES_SET_END_TO_END);
  int balanced_init = strcmp(hst->param_string(p, "init"), "balanced") == 0;
  if ((M->can_set || balanced_init) &&
      (rc = lnbp_balanced_ws_init(hst, &M->bal, k, d, err)) != LNB_OK)
    goto fail;
  if (M->can_set && N > 1 && (rc = lnbp_svd_ws_init(hst, &M->svd, k, d, err)) != LNB_OK)
    goto fail;
  int square = N > 1 && k == d; /* every layer d x d: Definition-3 workspace */
  for (size_t j = 1; j < N; j++) square = square && M->h[j] == d;
  if (M->can_set && square && (rc = lnbp_mf_ws_init(hst, &M->mf, d, err)) != LNB_OK) goto fail;
  if ((rc = dl_paper000_prepare(M, p, prob, err)) != LNB_OK) goto fail;
  if ((rc = dl_init_params(M, p, prob, seed, err)) != LNB_OK) goto fail;
  /* what served the init only */
  if (!M->can_set) lnbp_balanced_ws_free(hst, &M->bal);
  if (M->rowV && !M->mcoef) {
    hst->free(M->rowV);
    M->rowV = NULL;
    M->range_ok = 0;
  }
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

/* The chain B_{j+1} = B_j W_j^T (or C_{j-1} = W_j^T C_j) is written over the
 * partial product that layer j's gradient has just used, and its last link is
 * the last layer's gradient itself: no buffers beyond the forward's. So
 * backward consumes end_to_end's partial products (the harness calls it once
 * after each end_to_end, as plugin.h says). */
static void dl_backward(void *self, const double *G) {
  dl *M = self;
  const lnb_host *hst = M->host;
  size_t N = M->N, k = M->k, d = M->d;
  if (N == 1) {
    lnbp_copy(M->t[0].grad, G, k * d);
    return;
  }
  if (M->left) {
    /* B_j = G (W_{j-1}...W_1)^T, k x cols[j]; S_{j+1} = W_N...W_{j+1}, k x rows[j] */
    const double *B = G;
    for (size_t j = 0; j + 1 < N; j++) {
      size_t r = M->rows[j], c = M->cols[j];
      int last = j + 2 == N;
      double *S = last ? M->t[N - 1].data : M->ws[j + 1];
      hst->gemm(LNB_TRANS, LNB_NO_TRANS, r, c, k, 1.0, S, r, B, c, 0.0, M->t[j].grad, c);
      double *Bn = last ? M->t[N - 1].grad : S; /* S_{j+1} is spent */
      hst->gemm(LNB_NO_TRANS, LNB_TRANS, k, r, c, 1.0, B, c, M->t[j].data, c, 0.0, Bn, r);
      B = Bn;
    }
  } else {
    /* C_j = (W_N...W_{j+1})^T G, rows[j] x d; P_{j-1} = W_{j-1}...W_1, cols[j] x d */
    const double *C = G;
    for (size_t j = N; j-- > 1;) {
      size_t r = M->rows[j], c = M->cols[j];
      int last = j == 1;
      double *P = last ? M->t[0].data : M->ws[j - 1];
      hst->gemm(LNB_NO_TRANS, LNB_TRANS, r, c, d, 1.0, C, d, P, d, 0.0, M->t[j].grad, c);
      double *Cn = last ? M->t[0].grad : P; /* P_{j-1} is spent */
      hst->gemm(LNB_TRANS, LNB_NO_TRANS, c, d, r, 1.0, M->t[j].data, c, C, d, 0.0, Cn, d);
      C = Cn;
    }
  }
}

/* Square layers (all d x d, k = d, N > 1): the balanced factorization of
 * paper 004, Definition 3 (We = R P, W_j = R^{j/N} P^{1/N} R^{-(j-1)/N} with
 * principal roots; see lnbp_matfun.h), also zero-unbalancedness. When R has
 * the eigenvalue -1 (e.g. det We < 0; never for We in H_gamma) there is no
 * principal real root and the SVD-based factorization below is used. */
static int dl_set_end_to_end(void *self, const double *We, lnb_error *err) {
  dl *M = self;
  if (!M->can_set)
    return M->host->error(err, LNB_ENOTSUP,
                          "deep_linear: set_end_to_end called, but the run's optimizer did not "
                          "declare it (lnb_optimizer_ops.uses lacks LNB_USES_SET_END_TO_END), "
                          "so its workspaces were not allocated at create");
  if (M->mf.n && lnbp_mf_balanced_factor(&M->mf, We, M->N, M->layers, NULL) == LNB_OK)
    return LNB_OK;
  /* called from optimizer steps: the SVD through the create-time workspace,
   * not host->svd (which allocates) */
  size_t kd = M->k * M->d, i = 0;
  while (i < kd && isfinite(We[i])) i++;
  if (M->N > 1 && i == kd) {
    int rc = lnbp_svd(M->host, &M->svd, We, M->bal.s, M->bal.U, M->bal.Vt, err);
    if (rc != LNB_OK) return rc;
    return lnbp_balanced_from_svd(M->host, &M->bal, M->N, M->rows, M->cols, M->layers,
                                  LNB_ENOTSUP, err);
  }
  return lnbp_balanced_factor(M->host, &M->bal, We, M->N, M->rows, M->cols, M->layers,
                              LNB_ENOTSUP, err); /* depth 1 (a copy), or non-finite */
}

/* lnnbench bench: the gemms of dl_end_to_end (+ dl_backward), 2mnk each */
static double dl_flops(const void *self, int backward) {
  const dl *M = self;
  size_t N = M->N;
  double f = 0.0, side = (double)(M->left ? M->k : M->d);
  for (size_t j = 0; j < N; j++) {
    double rc = (double)M->rows[j] * (double)M->cols[j];
    if (M->left ? j + 1 < N : j > 0) f += 2.0 * side * rc;          /* end_to_end */
    if (backward && (M->left ? j + 1 < N : j > 0)) f += 4.0 * side * rc; /* two per layer */
  }
  return N == 1 ? 0.0 : f;
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
    .metrics = dl_metrics,
    .metric = dl_metric,
    .flops = dl_flops,
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
        "ok; init_std is not used, so the default 0.01 still means exact identity); "
        "near_identity (the identity plus i.i.d. N(0, init_std^2) on every entry, drawn W1 "
        "first, row by row: paper 003's near-identity init of Fig. 5-left; init_std 0 gives "
        "the exact identity); zero; orthogonal (each layer has orthonormal rows or columns, whichever are "
        "fewer, from a random polar factor; scale 1); balanced (W = U S V^T factored as "
        "W1 = S^(1/N) V^T, middle layers diag(S^(1/N)), WN = U S^(1/N), zero-padded to the "
        "widths, so W_{j+1}^T W_{j+1} = W_j W_j^T exactly; W is init_matrix or a k x d "
        "N(0, init_std^2) matrix; refused when a hidden width is below rank(W)); "
        "zero_asymmetric (W1..W_{N-1} identity, WN = 0).\n"
        "Paper 000 inits. The paper writes y = W_1 W_2 ... W_h x with W_1 next to the data "
        "A (A y = b; here A = X, b = Y, k = 1, W_e = y^T), so this network's W1 is the paper's "
        "W_1^T, Wj its W_j^T and WN its x^T: depth N = h + 1. They need a problem exposing "
        "its linear system (refused otherwise); P is the orthogonal projector onto range(A^T) "
        "(row space of X), from an SVD of A at create. range_At: W1 = G P with G i.i.d. "
        "N(0, init_std^2) (paper W_1 = A^T P_0 in range(A^T), kept there by GD, Lemma 8, so "
        "a converged W_e is theta*), middle layers identity, WN rows uniform on the unit "
        "sphere (Sec. 4.2). perturbed_range: as range_At plus C = c w u^T with u a random "
        "unit vector of ker(A), w a random unit vector, c = perturbation, so ||C||_2 = "
        "||C||_F = c (Sec. 4.2: W_1 = A^T P_0 + C; C never changes under GD; refused when "
        "ker(A) = 0 and c > 0); with perturbation_shape: full, C = c G (I - P) / ||G (I - "
        "P)||_F instead (G i.i.d. N(0, 1), h_1 x d: a full-rank C in ker(A), ||C||_F = c, "
        "||C||_2 <= c). controlled (depth 1, k = 1): y_0 = (I - P) theta + P z0 "
        "with theta = target_solution (checked: ||A theta - b|| <= 1e-8 (||A||_F ||theta|| "
        "+ ||b||)) and z0 ~ N(0, init_std^2): the fixed point of Algorithm 1's first loop "
        "(V2 V2^T y_0 = theta - theta*), so GD with lr < 2/lambda_max converges to theta "
        "(Theorem 4). bi_optimal_h1 (depth 2, k = 1): W1 = x0 (A^T v0)^T, W2 = x0^T, the "
        "paper's W_0 = A^T v0 x0^T (Theorem 6). bi_optimal_h2 (depth 3, k = 1): W1 = e1 "
        "(A^T v0)^T, W2 = x0 e1^T, W3 = x0^T, the paper's W_1 = A^T v0 e1^T, W_2 = e1 x0^T, "
        "x = x0 (Lemma 9 with a unit x0, as Algorithm 4 assumes). x0 is a random unit "
        "vector; v0 is the v0 parameter or i.i.d. N(0, init_std^2) from the stream "
        "paper000-v0, the same as compact_h1 / compact_h2, so GD on those reproduces GD "
        "from these inits. Every init is finally multiplied by scale (all layers; with "
        "controlled the limit becomes theta* + scale (theta - theta*)).\n"
        "Metrics (record.metrics): unbalancedness = max_j ||W_{j+1}^T W_{j+1} - W_j "
        "W_j^T||_F (paper 001, Def. 1); layer_norm_product = ||W2||_2 ... ||WN||_2 (spectral "
        "norms; the paper's ||W_2|| ... ||W_h|| ||x||_2, Sec. 4.2; 1 for depth 1); "
        "first_layer_range_distance = ||W1 (I - P)||_F (the paper's ||(I - P) W_1||_F = "
        "||C||_F; NaN without a linear system, or when A is too large for the create-time SVD "
        "(min(m,d)^2 max(m,d) > 1e9 flops) and the init did not need it).\n"
        "set_end_to_end (used by power_projection) sets the layers from an end-to-end "
        "matrix: when every layer is square (k = d = every width) it uses paper 004's "
        "Definition 3 (polar A = R P, W_j = R^{j/L} P^{1/L} R^{-(j-1)/L} with principal "
        "roots through the real Schur form), falling back to the SVD-based balanced "
        "factorization above when R has the eigenvalue -1 or the layers are not square "
        "(LNB_ENOTSUP when a hidden width is below the rank). Products are ordered from the smaller of the two "
        "sides (k or d), so a step costs O(min(k,d) h^2) per layer.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &dl_desc : NULL;
}
