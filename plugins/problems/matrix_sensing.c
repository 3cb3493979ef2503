/* matrix_sensing — matrix sensing / completion with a low-rank ground truth
 * (paper 001, Sec. 4.1, Eq. (9)), and the 2 x 2 completion of Prop. 5.
 *
 *   l(W) = 1/(2m) sum_i (<A_i, W> - b_i)^2,   <A, W> = Tr(W A^T),
 *
 * over the n1 x n2 matrix W (= the k x d end-to-end matrix), b_i = <A_i, W*>
 * (noise free, so l* = 0).
 *
 *   W* = c U V^T, U n1 x r and V n2 x r with i.i.d. N(0, 1) entries, and c > 0
 *        chosen so that ||W*||_F^2 = n1 n2 exactly (entries of unit RMS).
 *   sensing:    A_i with i.i.d. N(0, 1/(n1 n2)) entries (so the expected
 *               loss is ||W - W*||_F^2 / (2 n1 n2), as for completion, and
 *               b_i ~ N(0, 1)). Stored as the m x (n1 n2) matrix of the
 *               row-major vec(A_i); eval is one gemv each way.
 *   completion: A_i = e_a e_b^T at m distinct entries (a, b) drawn uniformly
 *               without replacement; eval is O(m) (plus zeroing the gradient).
 *   prop5:      the 2 x 2 problem of Prop. 5 (Eq. (15)): A_1 = e1 e2^T,
 *               A_2 = e2 e1^T, A_3 = e2 e2^T, b = (1, 1, 0), so
 *               l(W) = 1/6 [(w12 - 1)^2 + (w21 - 1)^2 + w22^2] and w11 is free.
 *
 * nuclear_reference: the minimum-nuclear-norm solution
 *   W^ = argmin ||W||_*  s.t.  <A_i, W> = b_i (i = 1..m)
 * (paper 001, Sec. 4.2, Fig. 2's third curve), by Douglas-Rachford splitting
 * at create (ms_min_nuclear): x = Proj_C(z), y = SVT_g(2x - z), z += y - x,
 * C the affine set of feasible W, SVT_g the prox of g ||.||_* (singular
 * values shrunk by g). At a fixed point G = (x - z)/g lies in range(A^*)
 * (z - x is normal to C) and in the subdifferential of ||.||_* at x, so G is
 * a dual certificate: G/||G||_2 is dual feasible and <G, x>/||G||_2 =
 * <lambda, b> a lower bound on the optimum. The iteration stops when the
 * certified relative gap (||x||_* - <G, x>/||G||_2) / ||x||_* <= nuclear_tol;
 * W^ = x is feasible (exactly for completion, to rounding for sensing).
 */
#define _POSIX_C_SOURCE 200809L

#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnbp_linsys.h"
#include "lnbp_svd.h"
#include "lnnbench/plugin.h"

/* fallbacks for the unset sizes (sensing / completion) */
#define MS_DEF_N 20
#define MS_DEF_RANK 2
#define MS_DEF_M 200

static const lnb_param_spec ms_params[] = {
    {"mode", LNB_T_ENUM, "completion",
     "sensing: Gaussian A_i with N(0, 1/(k d)) entries; completion: m distinct entries "
     "observed, drawn uniformly without replacement; prop5: the fixed 2 x 2 completion of "
     "paper 001, Prop. 5 (w12 = w21 = 1, w22 = 0 observed, w11 not)",
     NULL, "sensing|completion|prop5", 0},
    {"k", LNB_T_INT, NULL,
     "rows n1 of W* (outputs of W_e); default 20; prop5: 2 (may be given only as 2)",
     "[1, inf)", NULL, 0},
    {"d", LNB_T_INT, NULL,
     "columns n2 of W* (inputs of W_e); default 20; prop5: 2 (may be given only as 2)",
     "[1, inf)", NULL, 0},
    {"rank", LNB_T_INT, NULL,
     "rank r of the ground truth W* = c U V^T (r <= min(k, d)); default 2; not used by "
     "prop5",
     "[1, inf)", NULL, 0},
    {"m", LNB_T_INT, NULL,
     "number of measurements (completion: m <= k d); default 200; prop5: 3 fixed", "[1, inf)",
     NULL, 0},
    {"seed", LNB_T_INT, NULL,
     "data seed (W* and the measurements); when unset the run seed is used; not used by "
     "prop5",
     "[0, inf)", NULL, 0},
    {"nuclear_reference", LNB_T_BOOL, "false",
     "solve for the minimum-nuclear-norm W^ (min ||W||_* s.t. <A_i, W> = b_i) at create, "
     "for the metrics min_nuclear_error and min_nuclear_norm (NaN otherwise); sensing "
     "first takes an SVD of the m x (k d) sensing matrix",
     NULL, NULL, 0},
    {"nuclear_tol", LNB_T_REAL, "1e-6",
     "nuclear_reference: stop when the certified relative duality gap (||W^||_* - "
     "lower bound) / ||W^||_* is at most this",
     "[1e-14, 1)", NULL, 0},
    {"nuclear_max_iters", LNB_T_INT, "20000",
     "nuclear_reference: Douglas-Rachford iterations allowed (create fails with the gap "
     "reached when they run out)",
     "[1, inf)", NULL, 0},
    {0},
};

typedef enum ms_mode { MS_SENSING, MS_COMPLETION, MS_PROP5 } ms_mode;

typedef struct ms {
  const lnb_host *host;
  ms_mode mode;
  size_t n1, n2, nn, m, r;
  double *A;     /* sensing: m x nn, row i = vec(A_i) (row-major) */
  size_t *idx;   /* completion / prop5: the m observed flat indices, ascending */
  double *b;     /* m measurements */
  double *res;   /* m residual workspace */
  double *Wstar; /* n1 x n2 ground truth; NULL for prop5 */
  double *Wnuc;  /* n1 x n2 minimum-nuclear-norm solution; NULL unless nuclear_reference */
  double nuc_norm, nuc_gap; /* ||W^||_* and its certified relative gap */
  size_t nuc_iters;
} ms;

static const lnb_metric_spec ms_metrics[] = {
    {"reconstruction_error",
     "||W_e - W*||_F^2 / (k d), W* the low-rank ground truth (1 at W_e = 0; paper 001, "
     "Sec. 4.2, Fig. 2); NaN for prop5"},
    {"min_nuclear_error",
     "||W_e - W^||_F^2 / (k d), W^ the minimum-nuclear-norm solution of the measurements "
     "(paper 001, Sec. 4.2, Fig. 2's reference; needs nuclear_reference: true, else NaN)"},
    {"min_nuclear_norm",
     "||W^||_*, the nuclear norm of the minimum-nuclear-norm solution (a constant of the "
     "problem; needs nuclear_reference: true, else NaN)"},
    {"min_nuclear_truth_error",
     "||W^ - W*||_F^2 / (k d): the reconstruction error of the minimum-nuclear-norm solution "
     "itself (a constant of the problem; NaN without nuclear_reference or for prop5)"},
    {NULL, NULL},
};

/* ------------------------------------------------------------- settings */

typedef struct ms_cfg {
  ms_mode mode;
  size_t n1, n2, r, m;
} ms_cfg;

static int ms_read_cfg(const lnb_host *h, const lnb_params *p, ms_cfg *c, lnb_error *err) {
  const char *mode = h->param_string(p, "mode");
  if (!mode || strcmp(mode, "completion") == 0)
    c->mode = MS_COMPLETION;
  else if (strcmp(mode, "sensing") == 0)
    c->mode = MS_SENSING;
  else if (strcmp(mode, "prop5") == 0)
    c->mode = MS_PROP5;
  else
    return h->error(err, LNB_EINVAL, "mode: unknown value '%s' (sensing|completion|prop5)",
                    mode);
  int hk = h->param_is_set(p, "k"), hd = h->param_is_set(p, "d");
  int64_t k = hk ? h->param_int(p, "k") : MS_DEF_N;
  int64_t d = hd ? h->param_int(p, "d") : MS_DEF_N;
  if (c->mode == MS_PROP5) {
    if ((hk && k != 2) || (hd && d != 2))
      return h->error(err, LNB_EINVAL,
                      "mode prop5 is the fixed 2 x 2 problem of paper 001, Prop. 5; got %s = "
                      "%lld (remove it or set it to 2)",
                      hk && k != 2 ? "k" : "d", (long long)(hk && k != 2 ? k : d));
    const char *unused[] = {"rank", "m", "seed"};
    for (size_t i = 0; i < 3; i++)
      if (h->param_is_set(p, unused[i]))
        return h->error(err, LNB_EINVAL,
                        "%s is not used by mode prop5 (the fixed 2 x 2 problem with 3 "
                        "observed entries); remove it",
                        unused[i]);
    c->n1 = c->n2 = 2;
    c->r = 0;
    c->m = 3;
    return LNB_OK;
  }
  int64_t r = h->param_is_set(p, "rank") ? h->param_int(p, "rank") : MS_DEF_RANK;
  int64_t m = h->param_is_set(p, "m") ? h->param_int(p, "m") : MS_DEF_M;
  if (k < 1 || d < 1)
    return h->error(err, LNB_EINVAL, "k and d must be >= 1 (got k = %lld, d = %lld)",
                    (long long)k, (long long)d);
  if (r < 1 || r > (k < d ? k : d))
    return h->error(err, LNB_EINVAL,
                    "rank = %lld must be in [1, min(k, d)] = [1, %lld] (k = %lld, d = %lld)",
                    (long long)r, (long long)(k < d ? k : d), (long long)k, (long long)d);
  if (m < 1) return h->error(err, LNB_EINVAL, "m = %lld must be >= 1", (long long)m);
  if ((uint64_t)k > (uint64_t)INT_MAX / (uint64_t)d)
    return h->error(err, LNB_EINVAL, "k d = %lld x %lld is too large (max %d entries)",
                    (long long)k, (long long)d, INT_MAX);
  int64_t nn = k * d;
  if (c->mode == MS_COMPLETION && m > nn)
    return h->error(err, LNB_EINVAL,
                    "m = %lld exceeds k d = %lld: completion observes distinct entries "
                    "(sampled without replacement)",
                    (long long)m, (long long)nn);
  if (c->mode == MS_SENSING) {
    if (m > INT_MAX)
      return h->error(err, LNB_EINVAL, "m = %lld is too large for sensing (max %d)",
                      (long long)m, INT_MAX);
    if ((uint64_t)m > (uint64_t)SIZE_MAX / sizeof(double) / (uint64_t)nn)
      return h->error(err, LNB_EINVAL,
                      "sensing matrix m x (k d) = %lld x %lld does not fit in memory",
                      (long long)m, (long long)nn);
  }
  c->n1 = (size_t)k;
  c->n2 = (size_t)d;
  c->r = (size_t)r;
  c->m = (size_t)m;
  return LNB_OK;
}

static int ms_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  ms_cfg c;
  return ms_read_cfg(h, p, &c, err);
}

/* ---------------------------------------------------------------- data */

/* uniform integer in [0, n), n >= 1, without modulo bias */
static uint64_t ms_below(const lnb_host *h, lnb_rng *rng, uint64_t n) {
  uint64_t lim = (0 - n) % n; /* 2^64 mod n */
  for (;;) {
    uint64_t x = h->rng_u64(rng);
    if (x >= lim) return x % n;
  }
}

static int ms_cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* W* = c U V^T with ||W*||_F^2 = n1 n2 */
static int ms_truth(ms *P, uint64_t seed, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t n1 = P->n1, n2 = P->n2, r = P->r;
  double *U = h->alloc(n1 * r * sizeof(double));
  double *V = h->alloc(n2 * r * sizeof(double));
  int rc = LNB_OK;
  if (!U || !V) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for the rank-%zu factors of W*", r);
    goto done;
  }
  lnb_rng rng;
  h->rng_init(&rng, seed, "matrix_sensing-truth");
  lnbp_fill_normal(h, &rng, U, n1 * r, 1.0);
  lnbp_fill_normal(h, &rng, V, n2 * r, 1.0);
  h->gemm(LNB_NO_TRANS, LNB_TRANS, n1, n2, r, 1.0, U, r, V, r, 0.0, P->Wstar, n2);
  double f2 = lnbp_frob2(P->Wstar, P->nn);
  if (!(f2 > 0.0) || !isfinite(f2)) {
    rc = h->error(err, LNB_ENUMERIC, "ground truth W* has norm %g; try another seed", sqrt(f2));
    goto done;
  }
  double c = sqrt((double)P->nn / f2);
  for (size_t i = 0; i < P->nn; i++) P->Wstar[i] *= c;
done:
  if (U) h->free(U);
  if (V) h->free(V);
  return rc;
}

/* m distinct flat indices of [0, nn), uniformly (partial Fisher-Yates), sorted */
static int ms_sample_entries(ms *P, lnb_rng *rng, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t nn = P->nn, m = P->m;
  size_t *perm = h->alloc(nn * sizeof(size_t));
  if (!perm) return h->error(err, LNB_ENOMEM, "out of memory for %zu entry indices", nn);
  for (size_t i = 0; i < nn; i++) perm[i] = i;
  for (size_t i = 0; i < m; i++) {
    size_t j = i + (size_t)ms_below(h, rng, (uint64_t)(nn - i));
    size_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  memcpy(P->idx, perm, m * sizeof(size_t));
  h->free(perm);
  qsort(P->idx, m, sizeof(size_t), ms_cmp_size);
  return LNB_OK;
}

/* ----------------------------------------------- minimum nuclear norm */

typedef struct ms_nuc_ws {
  double *V;          /* sensing: q x nn orthonormal basis of the rows of A */
  size_t q;
  double *z, *x, *y, *G, *U, *Vt, *s, *tmp;
  lnbp_svd_ws svd;
} ms_nuc_ws;

/* X = Proj_C(Z), C = {W : <A_i, W> = b_i}. completion / prop5: the observed
 * entries set to b. sensing: X = Z - V^T V (Z - W*) (W* is feasible and V
 * spans the rows of A). X may equal Z. */
static void ms_nuc_project(const ms *P, ms_nuc_ws *w, const double *Z, double *X) {
  if (X != Z) lnbp_copy(X, Z, P->nn);
  if (P->mode != MS_SENSING) {
    for (size_t i = 0; i < P->m; i++) X[P->idx[i]] = P->b[i];
    return;
  }
  for (size_t i = 0; i < P->nn; i++) w->y[i] = Z[i] - P->Wstar[i];
  lnbp_project_rows(P->host, w->y, 1, P->nn, w->V, w->q, w->tmp, w->y);
  for (size_t i = 0; i < P->nn; i++) X[i] -= w->y[i];
}

/* singular values of M into w->s (w->U, w->Vt are overwritten); returns the
 * nuclear norm, the largest in *smax */
static int ms_nuc_sv(const ms *P, ms_nuc_ws *w, const double *M, double *nuc, double *smax,
                     lnb_error *err) {
  int rc = lnbp_svd(P->host, &w->svd, M, w->s, w->U, w->Vt, err);
  if (rc != LNB_OK) return rc;
  double t = 0.0;
  for (size_t i = 0; i < w->svd.r; i++) t += w->s[i];
  *nuc = t;
  *smax = w->svd.r ? w->s[0] : 0.0;
  return LNB_OK;
}

static int ms_nuc_iterate(ms *P, ms_nuc_ws *w, double tol, size_t max_iters, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t nn = P->nn, n1 = P->n1, n2 = P->n2, r = w->svd.r;
  /* g sets the speed, not the limit: a fifth of RMS(b) sqrt(min(n1, n2)), a
   * singular-value scale of W (100 x 100, rank 5, m = 2000: 640 iterations to
   * a gap of 1e-9, against 2630 without the fifth and 1290 with a tenth) */
  double g = 0.2 * sqrt(lnbp_frob2(P->b, P->m) / (double)P->m) *
             sqrt((double)(n1 < n2 ? n1 : n2));
  if (!(g > 0.0)) g = 1.0;
  lnbp_zero(w->z, nn);
  double gap = INFINITY, xn = 0.0;
  size_t it = 0;
  for (; it < max_iters; it++) {
    ms_nuc_project(P, w, w->z, w->x);
    for (size_t i = 0; i < nn; i++) w->y[i] = 2.0 * w->x[i] - w->z[i];
    int rc = lnbp_svd(h, &w->svd, w->y, w->s, w->U, w->Vt, err);
    if (rc != LNB_OK) return rc;
    if (it % 10 == 9 || it + 1 == max_iters) {
      /* certificate from this z: G = (x - z)/g in range(A^*) */
      double smax, gn, dot = 0.0;
      for (size_t i = 0; i < nn; i++) {
        w->G[i] = (w->x[i] - w->z[i]) / g;
        dot += w->G[i] * w->x[i];
      }
      /* the SVD of 2x - z is needed below: keep it in y's factors by
       * recomputing after the two certificate SVDs */
      if ((rc = ms_nuc_sv(P, w, w->x, &xn, &smax, err)) != LNB_OK) return rc;
      if ((rc = ms_nuc_sv(P, w, w->G, &gn, &smax, err)) != LNB_OK) return rc;
      gap = xn > 0.0 && smax > 0.0 ? (xn - dot / smax) / xn : (xn > 0.0 ? INFINITY : 0.0);
      if (gap <= tol) break;
      if ((rc = lnbp_svd(h, &w->svd, w->y, w->s, w->U, w->Vt, err)) != LNB_OK) return rc;
    }
    /* y = U max(s - g, 0) V^T; z += y - x */
    size_t keep = 0;
    while (keep < r && w->s[keep] > g) keep++;
    for (size_t a = 0; a < n1; a++)
      for (size_t j = 0; j < keep; j++) w->U[a * r + j] *= w->s[j] - g;
    if (keep)
      h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, n1, n2, keep, 1.0, w->U, r, w->Vt, n2, 0.0, w->y, n2);
    else
      lnbp_zero(w->y, nn);
    for (size_t i = 0; i < nn; i++) w->z[i] += w->y[i] - w->x[i];
  }
  P->nuc_gap = gap;
  P->nuc_norm = xn;
  P->nuc_iters = it < max_iters ? it + 1 : max_iters;
  if (!(gap <= tol))
    return h->error(err, LNB_ENUMERIC,
                    "nuclear_reference: the certified relative duality gap is %.3g after %zu "
                    "iterations, above nuclear_tol = %.3g; raise nuclear_max_iters or "
                    "nuclear_tol",
                    gap, max_iters, tol);
  lnbp_copy(P->Wnuc, w->x, nn);
  return LNB_OK;
}

/* W^ = argmin ||W||_* s.t. A(W) = b into P->Wnuc (create time: allocates) */
static int ms_min_nuclear(ms *P, double tol, size_t max_iters, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t nn = P->nn, n1 = P->n1, n2 = P->n2, r = n1 < n2 ? n1 : n2;
  ms_nuc_ws w;
  memset(&w, 0, sizeof w);
  int rc = LNB_OK;
  double **bufs[] = {&w.z, &w.x, &w.y, &w.G, &w.U, &w.Vt, &w.s, &w.tmp};
  size_t lens[] = {nn, nn, nn, nn, n1 * r, r * n2, r, 1};
  if (P->mode == MS_SENSING &&
      (rc = lnbp_rowspace_basis(h, P->A, P->m, nn, &w.V, &w.q, err)) != LNB_OK)
    goto out;
  lens[7] = w.q ? w.q : 1;
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
    if (!(*bufs[i] = h->alloc(lens[i] * sizeof(double)))) {
      rc = h->error(err, LNB_ENOMEM, "out of memory for the nuclear-norm reference");
      goto out;
    }
  if (!(P->Wnuc = h->alloc(nn * sizeof(double)))) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for the nuclear-norm reference");
    goto out;
  }
  if ((rc = lnbp_svd_ws_init(h, &w.svd, n1, n2, err)) != LNB_OK) goto out;
  rc = ms_nuc_iterate(P, &w, tol, max_iters, err);
  if (rc == LNB_OK && h->log)
    h->log(2, "matrix_sensing: minimum-nuclear-norm reference ||W^||_* = %.10g, certified "
              "relative gap %.2g after %zu iterations",
           P->nuc_norm, P->nuc_gap, P->nuc_iters);
out:
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
    if (*bufs[i]) h->free(*bufs[i]);
  if (w.V) h->free(w.V);
  lnbp_svd_ws_free(h, &w.svd);
  return rc;
}

/* --------------------------------------------------------------- ops */

static void ms_destroy(void *self) {
  ms *P = self;
  if (!P) return;
  const lnb_host *h = P->host;
  if (P->A) h->free(P->A);
  if (P->idx) h->free(P->idx);
  if (P->b) h->free(P->b);
  if (P->res) h->free(P->res);
  if (P->Wstar) h->free(P->Wstar);
  if (P->Wnuc) h->free(P->Wnuc);
  h->free(P);
}

static int ms_create(const lnb_host *h, const lnb_params *p, uint64_t seed, void **self,
                     lnb_error *err) {
  *self = NULL;
  ms_cfg c;
  int rc = ms_read_cfg(h, p, &c, err);
  if (rc != LNB_OK) return rc;
  if (h->param_is_set(p, "seed")) seed = (uint64_t)h->param_int(p, "seed");
  ms *P = h->alloc(sizeof *P);
  if (!P) return h->error(err, LNB_ENOMEM, "out of memory");
  P->host = h;
  P->mode = c.mode;
  P->n1 = c.n1;
  P->n2 = c.n2;
  P->nn = c.n1 * c.n2;
  P->m = c.m;
  P->r = c.r;
  P->b = h->alloc(P->m * sizeof(double));
  P->res = h->alloc(P->m * sizeof(double));
  if (!P->b || !P->res) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for %zu measurements", P->m);
    goto fail;
  }
  if (P->mode == MS_PROP5) {
    /* Eq. (15): observed (1,2) = 1, (2,1) = 1, (2,2) = 0 (row-major 2 x 2) */
    P->idx = h->alloc(3 * sizeof(size_t));
    if (!P->idx) {
      rc = h->error(err, LNB_ENOMEM, "out of memory");
      goto fail;
    }
    P->idx[0] = 1;
    P->idx[1] = 2;
    P->idx[2] = 3;
    P->b[0] = 1.0;
    P->b[1] = 1.0;
    P->b[2] = 0.0;
    goto nuclear;
  }
  P->Wstar = h->alloc(P->nn * sizeof(double));
  if (!P->Wstar) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for the %zu x %zu ground truth", P->n1,
                  P->n2);
    goto fail;
  }
  if ((rc = ms_truth(P, seed, err)) != LNB_OK) goto fail;
  lnb_rng rng;
  h->rng_init(&rng, seed, "matrix_sensing-measurements");
  if (P->mode == MS_COMPLETION) {
    P->idx = h->alloc(P->m * sizeof(size_t));
    if (!P->idx) {
      rc = h->error(err, LNB_ENOMEM, "out of memory for %zu observed entries", P->m);
      goto fail;
    }
    if ((rc = ms_sample_entries(P, &rng, err)) != LNB_OK) goto fail;
    for (size_t i = 0; i < P->m; i++) P->b[i] = P->Wstar[P->idx[i]];
  } else {
    P->A = h->alloc(P->m * P->nn * sizeof(double));
    if (!P->A) {
      rc = h->error(err, LNB_ENOMEM,
                    "out of memory for the %zu x %zu sensing matrix (%.3g GB); lower m or "
                    "k d",
                    P->m, P->nn, (double)P->m * (double)P->nn * 8e-9);
      goto fail;
    }
    lnbp_fill_normal(h, &rng, P->A, P->m * P->nn, 1.0 / sqrt((double)P->nn));
    /* b = A vec(W*), by the same gemv as eval so that l(W*) is 0 to rounding */
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)P->m, (int)P->nn, 1.0, P->A, (int)P->nn,
                P->Wstar, 1, 0.0, P->b, 1);
  }
nuclear:
  if (h->param_bool(p, "nuclear_reference") &&
      (rc = ms_min_nuclear(P, h->param_real(p, "nuclear_tol"),
                           (size_t)h->param_int(p, "nuclear_max_iters"), err)) != LNB_OK)
    goto fail;
  *self = P;
  return LNB_OK;
fail:
  ms_destroy(P);
  return rc;
}

static void ms_dims(const void *self, size_t *k, size_t *d) {
  const ms *P = self;
  *k = P->n1;
  *d = P->n2;
}

/* l = 1/(2m) ||r||^2 with r_i = <A_i, W> - b_i; grad = (1/m) sum_i r_i A_i */
static double ms_eval(void *self, const double *W, double *grad) {
  ms *P = self;
  size_t m = P->m;
  double inv_m = 1.0 / (double)m, s = 0.0;
  if (P->mode == MS_SENSING) {
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)P->nn, 1.0, P->A, (int)P->nn, W, 1,
                0.0, P->res, 1);
    for (size_t i = 0; i < m; i++) {
      double e = P->res[i] - P->b[i];
      P->res[i] = e;
      s += e * e;
    }
    if (grad)
      cblas_dgemv(CblasRowMajor, CblasTrans, (int)m, (int)P->nn, inv_m, P->A, (int)P->nn,
                  P->res, 1, 0.0, grad, 1);
  } else {
    if (grad) lnbp_zero(grad, P->nn);
    for (size_t i = 0; i < m; i++) {
      size_t j = P->idx[i];
      double e = W[j] - P->b[i];
      s += e * e;
      if (grad) grad[j] = e * inv_m;
    }
  }
  return 0.5 * inv_m * s;
}

static int ms_optimum(const void *self, double *lstar) {
  (void)self;
  *lstar = 0.0; /* noise free: W* (prop5: any W with w12 = w21 = 1, w22 = 0) */
  return 1;
}

static const double *ms_reference(const void *self) {
  const ms *P = self;
  return P->Wstar;
}

static double ms_metric(void *self, size_t index, const double *W) {
  ms *P = self;
  if (index == 2) return P->Wnuc ? P->nuc_norm : NAN;
  if (index == 3) return P->Wnuc && P->Wstar ? ms_metric(self, 0, P->Wnuc) : NAN;
  const double *ref = index == 0 ? P->Wstar : index == 1 ? P->Wnuc : NULL;
  if (!ref) return NAN;
  double s = 0.0;
  for (size_t i = 0; i < P->nn; i++) {
    double e = W[i] - ref[i];
    s += e * e;
  }
  return s / (double)P->nn;
}

static const lnb_problem_ops ms_ops = {
    .struct_size = sizeof(lnb_problem_ops),
    .create = ms_create,
    .destroy = ms_destroy,
    .dims = ms_dims,
    .eval = ms_eval,
    .optimum = ms_optimum,
    .reference = ms_reference,
    .validate = ms_validate,
    .metrics = ms_metrics,
    .metric = ms_metric,
};

static const lnb_plugin ms_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_PROBLEM,
    .name = "matrix_sensing",
    .summary = "matrix sensing/completion l(W) = 1/(2m) sum_i (<A_i, W> - b_i)^2, b = <A_i, W*> "
               "with rank-r W*; or paper 001 Prop. 5's 2x2 completion",
    .params = ms_params,
    .ops = &ms_ops,
    .description =
        "Matrix sensing (paper 001, Sec. 4.1, Eq. (9)) over the k x d end-to-end matrix W:\n"
        "  l(W) = 1/(2m) sum_i (<A_i, W> - b_i)^2,  <A, W> = Tr(W A^T),  b_i = <A_i, W*>.\n"
        "Ground truth W* = c U V^T with U (k x rank), V (d x rank) i.i.d. N(0, 1) from the "
        "data seed and c > 0 such that ||W*||_F^2 = k d (entries of unit RMS).\n"
        "mode sensing: A_i with i.i.d. N(0, 1/(k d)) entries (the 1/n^2 scaling with n^2 = "
        "k d, so E l(W) = ||W - W*||_F^2 / (2 k d) and b_i ~ N(0, 1)); stored as an m x (k d) "
        "matrix, eval is one gemv each way (memory 8 m k d bytes).\n"
        "mode completion: A_i = e_a e_b^T for m distinct entries (a, b) drawn uniformly "
        "without replacement (m <= k d); eval is O(m) plus zeroing the gradient.\n"
        "mode prop5: paper 001, Prop. 5 (proof, Eq. (15)): k = d = 2, A_1 = e1 e2^T, "
        "A_2 = e2 e1^T, A_3 = e2 e2^T, b = (1, 1, 0): l(W) = 1/6 [(w12 - 1)^2 + (w21 - 1)^2 "
        "+ w22^2]. Every W with w12 = w21 = 1, w22 = 0 is a global minimizer; when "
        "det W_e(0) > 0, Lemma 2 keeps det W_e > 0, which forces |w11| >= 1/sqrt(6 l) - 2, so "
        "all norms of W_e diverge as l -> 0.\n"
        "l* = 0 (noise free). Reference theta* = W* (the ground truth, one of the global "
        "minimizers when m < k d); none for prop5.\n"
        "nuclear_reference: true solves min ||W||_* s.t. <A_i, W> = b_i at create (every "
        "mode; paper 001 Fig. 2's minimum-nuclear-norm reference) by Douglas-Rachford "
        "splitting (projection onto the feasible set, singular-value thresholding), stopped "
        "when the certified relative duality gap (||W^||_* - <G, W^>/||G||_2) / ||W^||_* is "
        "at most nuclear_tol (G = (x - z)/g, in range(A^*), is the dual certificate); create "
        "fails when nuclear_max_iters run out first. W^ is feasible (completion: exactly). "
        "Metrics min_nuclear_error = ||W_e - W^||_F^2 / (k d), min_nuclear_norm = ||W^||_* and "
        "min_nuclear_truth_error = ||W^ - W*||_F^2 / (k d).\n"
        "Metric reconstruction_error = ||W_e - W*||_F^2 / (k d). Nuclear norm, effective "
        "rank, singular values (greedy low-rank learning, Theorem 3) and det sign (Lemma 2) "
        "are core metrics.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &ms_desc : NULL;
}
