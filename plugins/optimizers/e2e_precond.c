/* e2e_precond — the end-to-end update rule of a depth-N linear network,
 * applied directly to a depth-1 model (paper 003, Eq. 9; paper 001,
 * Theorem 1 and Corollary 1):
 *
 *   W <- (1 - lr wd N) W - lr sum_{j=1..N} [W W^T]^((j-1)/N) G [W^T W]^((N-j)/N)
 *
 * with G = dl/dW at W and [.]^0 = identity (on the whole space, including the
 * null space of W). The powers come from one thin SVD W = U S V^T per step:
 * [W W^T]^a = U S^2a U^T and [W^T W]^b = V S^2b V^T for a, b > 0, so
 *
 *   sum_j ... = G V S^(2(N-1)/N) V^T                         (j = 1)
 *             + U S^(2(N-1)/N) U^T G                          (j = N)
 *             + U [(U^T G V) o C] V^T                         (1 < j < N)
 *   C_pq = sum_{j=2..N-1} s_p^(2(j-1)/N) s_q^(2(N-j)/N).
 *
 * The j = 1 and j = N terms use G itself for the identity factor, so the
 * part of G outside the row/column space of W is kept exactly as the
 * identity requires (U U^T would drop it). Singular values at or below
 * max(k, d) eps s_max are treated as exact zeros (fractional powers of
 * rounding noise are not). When W is a single row or column (k = 1 or d = 1)
 * the closed form of Eq. 11 is used instead, with no SVD:
 *   sum_j ... = ||W||^(2-2/N) (G + (N-1) <W, G>/||W||^2 W).
 * The SVD is LAPACK dgesdd through LAPACKE_dgesdd_work in column-major layout
 * on W^T (a row-major k x d buffer is column-major W^T), with the workspace
 * sized by a query in create: step allocates nothing.
 */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec e2e_params[] = {
    {"depth", LNB_T_INT, "2",
     "N, the depth of the linear network whose end-to-end dynamics are emulated (1 = "
     "plain gradient descent)",
     "[1, 1024]", NULL, 0},
    {"lr", LNB_T_REAL, "0.01", "step size eta", "(0, inf)", NULL, 0},
    {"weight_decay", LNB_T_REAL, "0",
     "lambda, the per-layer weight decay of the emulated network; the end-to-end step "
     "shrinks W by (1 - lr weight_decay depth)",
     "[0, inf)", NULL, 0},
    {0},
};

typedef struct e2e {
  const lnb_host *host;
  size_t N;
  double lr, wd;
  size_t k, d, r; /* r = min(k, d) */
  int vec;        /* k == 1 or d == 1: Eq. 11, no SVD */
  double *A;      /* k x d copy of W for dgesdd (overwritten) */
  double *s;      /* r singular values, then their powers */
  double *U;      /* k x r row-major */
  double *Vt;     /* r x d row-major */
  double *GV;     /* k x r: G V */
  double *M;      /* r x r: U^T G V, then (U^T G V) o C */
  double *T;      /* r x d: S^(..) U^T G, then (M o C) V^T */
  double *P;      /* k x d: the preconditioned gradient */
  double *pw;     /* N x r: pw[j][p] = s_p^(2j/N), 0 for s_p at or below the cutoff */
  double *work;
  lapack_int lwork;
  lapack_int *iwork;
} e2e;

static void e2e_destroy(void *self) {
  e2e *E = self;
  if (!E) return;
  const lnb_host *h = E->host;
  double *bufs[] = {E->A, E->s, E->U, E->Vt, E->GV, E->M, E->T, E->P, E->pw, E->work};
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
    if (bufs[i]) h->free(bufs[i]);
  if (E->iwork) h->free(E->iwork);
  h->free(E);
}

static int e2e_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  int64_t N = h->param_int(p, "depth");
  double lr = h->param_real(p, "lr"), wd = h->param_real(p, "weight_decay");
  if (N < 1) return h->error(err, LNB_EINVAL, "depth must be >= 1 (got %lld)", (long long)N);
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(wd >= 0.0)) return h->error(err, LNB_EINVAL, "weight_decay must be >= 0 (got %g)", wd);
  return LNB_OK;
}

/* thin SVD of the row-major k x d matrix in E->A: U (k x r), s, Vt (r x d).
 * Column-major, A is the d x k matrix W^T = V S U^T: dgesdd's u (d x r,
 * ld d) read row-major is V^T, its vt (r x k, ld r) read row-major is U. */
static lapack_int e2e_gesdd(e2e *E, lapack_int lwork) {
  lapack_int d = (lapack_int)E->d, k = (lapack_int)E->k, r = (lapack_int)E->r;
  return LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', d, k, E->A, d, E->s, E->Vt, d, E->U, r,
                             E->work, lwork, E->iwork);
}

static int e2e_create(const lnb_host *h, const lnb_params *p, lnb_model *model,
                      uint64_t seed, void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = e2e_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  const char *arch = model->architecture ? model->architecture : "?";
  size_t k = model->k, d = model->d;
  if (model->ntensors != 1)
    return h->error(err, LNB_ENOTSUP,
                    "e2e_precond works on a depth-1 model (one k x d tensor that is the "
                    "end-to-end matrix: 'linear', or 'deep_linear' with depth 1); "
                    "architecture '%s' has %zu "
                    "tensors. To compare with a depth-N network, run gd on deep_linear and "
                    "e2e_precond with depth: N on linear",
                    arch, model->ntensors);
  const lnb_tensor *W = &model->tensors[0];
  if (W->rows != k || W->cols != d || W->manifold != LNB_EUCLIDEAN)
    return h->error(err, LNB_ENOTSUP,
                    "e2e_precond needs the single tensor to be the euclidean %zu x %zu "
                    "end-to-end matrix (architecture 'linear'); architecture '%s' has a "
                    "%s %zu x %zu tensor '%s'",
                    k, d, arch, W->manifold == LNB_EUCLIDEAN ? "euclidean" : "stiefel",
                    W->rows, W->cols, W->name ? W->name : "?");
  if (model->loss && model->end_to_end) { /* W_e must be the tensor itself */
    model->loss(model);
    const double *We = model->end_to_end(model);
    if (We && memcmp(We, W->data, k * d * sizeof(double)) != 0)
      return h->error(err, LNB_ENOTSUP,
                      "e2e_precond needs a model whose tensor is the end-to-end matrix "
                      "(architecture 'linear'); in architecture '%s' they differ",
                      arch);
  }
  e2e *E = h->alloc(sizeof *E);
  if (!E) return h->error(err, LNB_ENOMEM, "out of memory");
  E->host = h;
  E->N = (size_t)h->param_int(p, "depth");
  E->lr = h->param_real(p, "lr");
  E->wd = h->param_real(p, "weight_decay");
  E->k = k;
  E->d = d;
  E->r = lnbp_min(k, d);
  E->vec = k == 1 || d == 1;
  if (!E->vec && E->N > 1) {
    size_t r = E->r;
    E->A = h->alloc(k * d * sizeof(double));
    E->s = h->alloc(r * sizeof(double));
    E->U = h->alloc(k * r * sizeof(double));
    E->Vt = h->alloc(r * d * sizeof(double));
    E->GV = h->alloc(k * r * sizeof(double));
    E->M = h->alloc(r * r * sizeof(double));
    E->T = h->alloc(r * d * sizeof(double));
    E->P = h->alloc(k * d * sizeof(double));
    E->pw = h->alloc(E->N * r * sizeof(double));
    E->iwork = h->alloc(8 * r * sizeof(lapack_int));
    if (!E->A || !E->s || !E->U || !E->Vt || !E->GV || !E->M || !E->T || !E->P || !E->pw ||
        !E->iwork) {
      e2e_destroy(E);
      return h->error(err, LNB_ENOMEM, "out of memory for the %zu x %zu SVD workspace", k, d);
    }
    double q = 0.0;
    E->work = &q;
    lapack_int info = e2e_gesdd(E, -1); /* workspace query */
    E->work = NULL;
    if (info != 0 || !(q >= 1.0)) {
      e2e_destroy(E);
      return h->error(err, LNB_ENUMERIC, "dgesdd workspace query failed (info %d)", (int)info);
    }
    E->lwork = (lapack_int)q;
    E->work = h->alloc((size_t)E->lwork * sizeof(double));
    if (!E->work) {
      e2e_destroy(E);
      return h->error(err, LNB_ENOMEM, "out of memory for the dgesdd workspace");
    }
  }
  *self = E;
  return LNB_OK;
}

/* P = sum_j [W W^T]^((j-1)/N) G [W^T W]^((N-j)/N) through one thin SVD; N >= 2 */
static int e2e_precondition_svd(e2e *E, const double *W, const double *G, double *P,
                                lnb_error *err) {
  const lnb_host *h = E->host;
  size_t k = E->k, d = E->d, r = E->r, N = E->N;
  lnbp_copy(E->A, W, k * d);
  lapack_int info = e2e_gesdd(E, E->lwork);
  if (info != 0)
    return h->error(err, LNB_ENUMERIC,
                    "e2e_precond: SVD of the %zu x %zu end-to-end matrix failed (dgesdd info "
                    "%d)",
                    k, d, (int)info);
  const double *s = E->s;
  double tol = (double)lnbp_max(k, d) * DBL_EPSILON * s[0];
  double *pw = E->pw; /* pw[j r + p] = s_p^(2j/N), j = 1..N-1 */
  for (size_t j = 1; j < N; j++)
    for (size_t p = 0; p < r; p++)
      pw[j * r + p] = s[p] > tol ? pow(s[p], 2.0 * (double)j / (double)N) : 0.0;
  const double *pa = pw + (N - 1) * r; /* s^(2(N-1)/N) */
  /* GV = G V (k x r) */
  h->gemm(LNB_NO_TRANS, LNB_TRANS, k, r, d, 1.0, G, d, E->Vt, d, 0.0, E->GV, r);
  if (N > 2) { /* M = (U^T G V) o C, then T = M V^T, P = U T */
    h->gemm(LNB_TRANS, LNB_NO_TRANS, r, r, k, 1.0, E->U, r, E->GV, r, 0.0, E->M, r);
    for (size_t p = 0; p < r; p++) {
      for (size_t q = 0; q < r; q++) {
        double c = 0.0; /* C_pq = sum_{j=2..N-1} s_p^(2(j-1)/N) s_q^(2(N-j)/N) */
        for (size_t j = 2; j < N; j++) c += pw[(j - 1) * r + p] * pw[(N - j) * r + q];
        E->M[p * r + q] *= c;
      }
    }
    h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, r, d, r, 1.0, E->M, r, E->Vt, d, 0.0, E->T, d);
    h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, k, d, r, 1.0, E->U, r, E->T, d, 0.0, P, d);
  } else {
    lnbp_zero(P, k * d);
  }
  /* j = 1: P += (G V) S^(2(N-1)/N) V^T */
  for (size_t i = 0; i < k; i++)
    for (size_t q = 0; q < r; q++) E->GV[i * r + q] *= pa[q];
  h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, k, d, r, 1.0, E->GV, r, E->Vt, d, 1.0, P, d);
  /* j = N: P += U S^(2(N-1)/N) (U^T G) */
  h->gemm(LNB_TRANS, LNB_NO_TRANS, r, d, k, 1.0, E->U, r, G, d, 0.0, E->T, d);
  for (size_t p = 0; p < r; p++)
    for (size_t c = 0; c < d; c++) E->T[p * d + c] *= pa[p];
  h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, k, d, r, 1.0, E->U, r, E->T, d, 1.0, P, d);
  return LNB_OK;
}

static int e2e_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  e2e *E = self;
  lnb_tensor *Wt = &model->tensors[0];
  double *W = Wt->data;
  const double *G = Wt->grad;
  size_t n = E->k * E->d, N = E->N;
  const double lr = E->lr, shrink = 1.0 - E->lr * E->wd * (double)N;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(W[i]) || !isfinite(G[i])) { /* let the harness see a divergence */
      for (size_t j = 0; j < n; j++) W[j] = NAN;
      return LNB_OK;
    }
  }
  if (N == 1) { /* plain gradient descent, computed exactly as gd does */
    const double wd = E->wd;
    if (wd != 0.0)
      for (size_t i = 0; i < n; i++) W[i] -= lr * (G[i] + wd * W[i]);
    else
      for (size_t i = 0; i < n; i++) W[i] -= lr * G[i];
    return LNB_OK;
  }
  if (E->vec) { /* Eq. 11: ||W||^(2-2/N) (G + (N-1) Pr_W(G)) */
    double ww = 0.0, wg = 0.0;
    for (size_t i = 0; i < n; i++) {
      ww += W[i] * W[i];
      wg += W[i] * G[i];
    }
    if (ww == 0.0) return LNB_OK; /* W = 0 is a fixed point for N >= 2 */
    double c = pow(ww, (double)(N - 1) / (double)N);
    double pr = (double)(N - 1) * wg / ww;
    for (size_t i = 0; i < n; i++) W[i] = shrink * W[i] - lr * c * (G[i] + pr * W[i]);
    return LNB_OK;
  }
  int rc = e2e_precondition_svd(E, W, G, E->P, err);
  if (rc != LNB_OK) return rc;
  for (size_t i = 0; i < n; i++) W[i] = shrink * W[i] - lr * E->P[i];
  return LNB_OK;
}

/* lnnbench bench: flops of e2e_step. The SVD (LAPACK, not counted by the
 * host) is Golub & Van Loan's thin-SVD estimate 6 M r^2 + 20 r^3. */
static double e2e_flops(const void *self, const lnb_model *model) {
  (void)model;
  const e2e *E = self;
  double k = (double)E->k, d = (double)E->d, r = (double)E->r, n = k * d, N = (double)E->N;
  if (E->N == 1) return (E->wd != 0.0 ? 4.0 : 2.0) * n;
  if (E->vec) return 9.0 * n;
  double M = k > d ? k : d, f = 6.0 * M * r * r + 20.0 * r * r * r;
  f += 2.0 * k * d * r;                                                    /* G V */
  if (E->N > 2) f += 2.0 * r * r * k + 2.0 * (N - 2.0) * r * r + 2.0 * r * r * d + 2.0 * k * d * r;
  f += k * r + 2.0 * k * d * r;                     /* j = 1 */
  f += 2.0 * r * d * k + r * d + 2.0 * k * d * r;   /* j = N */
  return f + 3.0 * n;                               /* the update */
}

static const lnb_optimizer_ops e2e_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = e2e_create,
    .destroy = e2e_destroy,
    .step = e2e_step,
    .validate = e2e_validate,
    .flops = e2e_flops,
    .uses = LNB_USES_DECLARED,
};

static const lnb_plugin e2e_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "e2e_precond",
    .summary = "end-to-end preconditioner of a depth-N net on W: W <- (1 - lr wd N) W - lr "
               "sum_j [WW^T]^((j-1)/N) grad [W^TW]^((N-j)/N)",
    .params = e2e_params,
    .ops = &e2e_ops,
    .description =
        "The update rule that gradient descent on a depth-N linear network with balanced "
        "initialization induces on its end-to-end matrix (paper 003, Arora, Cohen & Hazan "
        "2018, Theorem 1 and Eq. 9; paper 001, Theorem 1 and Corollary 1), run on a "
        "depth-1 model W (architecture 'linear', or deep_linear with depth 1; models with "
        "more than one tensor, or whose tensor is not the end-to-end matrix, are refused "
        "at create):\n"
        "  W <- (1 - lr weight_decay N) W - lr sum_{j=1..N} [W W^T]^((j-1)/N) grad "
        "[W^T W]^((N-j)/N),\n"
        "[.]^0 being the identity. The PSD powers come from one thin SVD W = U S V^T per "
        "step ([W W^T]^a = U S^2a U^T, [W^T W]^b = V S^2b V^T for a, b > 0; the j = 1 and "
        "j = N terms multiply grad itself by the identity, null space included), LAPACK "
        "dgesdd with its workspace sized at create; singular values <= max(k,d) eps s_max "
        "count as zero. For a single row or column (k = 1 or d = 1) the closed form of Eq. "
        "11 is used without SVD: W <- (1 - lr weight_decay N) W - lr ||W||^(2-2/N) (grad + "
        "(N-1) Pr_W(grad)), Pr_W the projection onto the direction of W. depth 1 is plain "
        "gradient descent. For N >= 2 the update at W = 0 is zero (every term has a "
        "positive power of W), just as a depth-N network with all layers zero does not "
        "move: start from a nonzero W (e.g. linear with init: given or gaussian). The rule "
        "is the small-step limit: against gd on deep_linear from the balanced "
        "factorization of the same W the trajectories differ by O(lr) at equal lr x steps. "
        "Cost per step: one k x d SVD plus O(k d min(k,d)) (O(k d) for Eq. 11).",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &e2e_desc : NULL;
}
