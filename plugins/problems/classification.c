/* classification — separable binary classification with the exponential or
 * logistic loss over the 1 x d matrix W (paper 002, Sec. 2.1 and Sec. 6):
 *
 *   l(W) = 1/m sum_i ell(y_i <W, x_i>),  ell(z) = exp(-z)  or  log(1 + exp(-z)),
 *
 * y_i in {-1, +1}. On separable data the infimum l* = 0 is not attained:
 * gradient descent drives ||W|| to infinity while W / ||W|| converges to the
 * l2 max-margin (hard-margin SVM through the origin) direction (Soudry et al.
 * 2018, paper 002 Sec. 2.2). At create the SVM direction
 *   z* = argmin ||z|| s.t. y_i <z, x_i> >= 1
 * is computed in closed form for m <= 2 (the two-point dataset of Sec. 6)
 * and otherwise as the minimum-norm point of the convex hull of the y_i x_i
 * (Wolfe's algorithm).
 */
#define _POSIX_C_SOURCE 200809L

#include <cblas.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

/* Wolfe's algorithm: stop when ||x||^2 - min_i <a_i, x> <= this * max ||a_i||^2 */
#define CLS_SVM_TOL 1e-13
/* affine weights at or below this count as zero (leave the corral) */
#define CLS_WOLFE_ZERO 1e-12

static const lnb_param_spec cls_params[] = {
    {"loss", LNB_T_ENUM, "exp",
     "exp: ell(z) = exp(-z) (paper 002, Sec. 2.1); logistic: ell(z) = log(1 + exp(-z))", NULL,
     "exp|logistic", 0},
    {"source", LNB_T_ENUM, "auto",
     "synthetic (m, d, margin, seed) or inline (X, y); auto = inline if X is given", NULL,
     "auto|synthetic|inline", 0},
    {"m", LNB_T_INT, "100", "synthetic: number of points", "[1, inf)", NULL, 0},
    {"d", LNB_T_INT, "10", "synthetic: input dimension", "[1, inf)", NULL, 0},
    {"margin", LNB_T_REAL, "0.5",
     "synthetic: every point has y_i <u, x_i> >= margin along a hidden random unit vector u "
     "(so the max margin is >= margin)",
     "(0, inf)", NULL, 0},
    {"seed", LNB_T_INT, NULL,
     "synthetic: data seed; when unset the run seed is used (so data vary with seeds)",
     "[0, inf)", NULL, 0},
    {"X", LNB_T_MATRIX, NULL,
     "inline: the m x d data matrix, one point per row (a flat list is one point)", NULL,
     NULL, LNB_P_NOGRID},
    {"y", LNB_T_REAL_LIST, NULL, "inline: the m labels, each -1 or 1", NULL, NULL,
     LNB_P_NOGRID},
    {"k", LNB_T_INT, "1", "output dimension; must be 1 (binary classification: W is 1 x d)",
     "[1, inf)", NULL, 0},
    {0},
};

static const lnb_metric_spec cls_metrics[] = {
    {"normalized_margin",
     "min_i y_i <W, x_i> / ||W||_2 (tends to the max margin under GD; paper 002, Sec. 2.2)"},
    {"direction_error",
     "angle (radians) between W and the l2 max-margin direction (hard-margin SVM through "
     "the origin); NaN when that direction is unknown"},
    {NULL, NULL},
};

typedef struct cls {
  const lnb_host *host;
  int logistic;
  size_t m, d;
  double *A;    /* m x d, row i = y_i x_i */
  double *z;    /* m workspace: margins, then loss derivatives */
  double *svm;  /* d, unit max-margin direction */
  int svm_ok;   /* svm holds the direction */
  double gamma; /* max margin (normalized margin of svm), NaN when unknown */
  int separable;
} cls;

/* ------------------------------------------------------------- settings */

typedef enum cls_source { SRC_SYNTHETIC, SRC_INLINE } cls_source;

static int cls_resolve(const lnb_host *h, const lnb_params *p, cls_source *src,
                       lnb_error *err) {
  if (h->param_int(p, "k") != 1)
    return h->error(err, LNB_EINVAL,
                    "k = %lld: binary classification has one output (W is 1 x d); set k: 1 "
                    "or remove it",
                    (long long)h->param_int(p, "k"));
  const char *s = h->param_string(p, "source");
  int hasX = h->param_is_set(p, "X"), hasy = h->param_is_set(p, "y");
  if (!s || strcmp(s, "auto") == 0)
    *src = hasX ? SRC_INLINE : SRC_SYNTHETIC;
  else if (strcmp(s, "inline") == 0)
    *src = SRC_INLINE;
  else if (strcmp(s, "synthetic") == 0)
    *src = SRC_SYNTHETIC;
  else
    return h->error(err, LNB_EINVAL, "source: unknown value '%s'", s);
  if (*src == SRC_SYNTHETIC) {
    if (hasX || hasy)
      return h->error(err, LNB_EINVAL, "%s is given but source is synthetic (it would be "
                                       "ignored)",
                      hasX ? "X" : "y");
    if (h->param_int(p, "m") < 1 || h->param_int(p, "d") < 1)
      return h->error(err, LNB_EINVAL, "m and d must be >= 1");
    if (!(h->param_real(p, "margin") > 0.0))
      return h->error(err, LNB_EINVAL, "margin must be > 0");
    return LNB_OK;
  }
  if (!hasX || !hasy)
    return h->error(err, LNB_EINVAL, "inline data need both X and y (missing %s)",
                    !hasX ? "X" : "y");
  size_t r = 0, c = 0, n = 0;
  const double *X = h->param_matrix(p, "X", &r, &c);
  const double *y = h->param_reals(p, "y", &n);
  if (!X || r == 0 || c == 0) return h->error(err, LNB_EDIM, "X is empty");
  if (!y || n != r)
    return h->error(err, LNB_EDIM, "X has %zu rows (points) but y has %zu labels", r, n);
  for (size_t i = 0; i < n; i++)
    if (y[i] != 1.0 && y[i] != -1.0)
      return h->error(err, LNB_EINVAL, "y[%zu] = %g: labels must be -1 or 1", i, y[i]);
  for (size_t i = 0; i < r * c; i++)
    if (!isfinite(X[i]))
      return h->error(err, LNB_EINVAL, "X has a non-finite entry in row %zu", i / c + 1);
  if (r > INT_MAX || c > INT_MAX)
    return h->error(err, LNB_EDIM, "X is %zu x %zu: too large", r, c);
  return LNB_OK;
}

static int cls_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  cls_source src;
  return cls_resolve(h, p, &src, err);
}

/* ----------------------------------------------------------------- data */

/* x_i = g_i - <u, g_i> u + y_i (margin + |h_i|) u, g_i ~ N(0, I_d), h_i ~ N(0, 1),
 * y_i = +-1 with probability 1/2, u a uniformly random unit vector. */
static int cls_synthesize(cls *P, const lnb_params *p, uint64_t seed, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t m = P->m, d = P->d;
  double margin = h->param_real(p, "margin");
  double *u = h->alloc(d * sizeof(double));
  if (!u) return h->error(err, LNB_ENOMEM, "out of memory");
  lnb_rng rng;
  h->rng_init(&rng, seed, "classification-data");
  double nu;
  do {
    lnbp_fill_normal(h, &rng, u, d, 1.0);
    nu = sqrt(lnbp_frob2(u, d));
  } while (!(nu > 0.0));
  for (size_t j = 0; j < d; j++) u[j] /= nu;
  for (size_t i = 0; i < m; i++) {
    double *a = P->A + i * d;
    double y = h->rng_uniform(&rng) < 0.5 ? -1.0 : 1.0;
    lnbp_fill_normal(h, &rng, a, d, 1.0);
    double t = 0.0;
    for (size_t j = 0; j < d; j++) t += u[j] * a[j];
    double along = y * (margin + fabs(h->rng_normal(&rng)));
    for (size_t j = 0; j < d; j++) a[j] += (along - t) * u[j];
    /* stored as y_i x_i */
    for (size_t j = 0; j < d; j++) a[j] *= y;
  }
  h->free(u);
  return LNB_OK;
}

/* ------------------------------------------------------------ max margin */

static double cls_dot(const double *a, const double *b, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/* min_i <a_i, w> / ||w|| (NaN for w = 0) */
static double cls_norm_margin(cls *P, const double *w) {
  double nw = sqrt(lnbp_frob2(w, P->d));
  if (!(nw > 0.0)) return NAN;
  cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)P->m, (int)P->d, 1.0, P->A, (int)P->d, w, 1,
              0.0, P->z, 1);
  double mn = INFINITY;
  for (size_t i = 0; i < P->m; i++) mn = fmin(mn, P->z[i]);
  return mn / nw;
}

/* set svm = z / ||z|| for a max-margin solution z */
static void cls_set_svm(cls *P, const double *z) {
  double nz = sqrt(lnbp_frob2(z, P->d));
  for (size_t j = 0; j < P->d; j++) P->svm[j] = z[j] / nz;
  P->svm_ok = 1;
  P->separable = 1;
  P->gamma = cls_norm_margin(P, P->svm);
}

/* m <= 2: min ||z|| s.t. <a, z> >= 1, <b, z> >= 1 in closed form. Returns 0 if
 * separable (svm set), -1 if not. */
static int cls_svm_closed(cls *P, double *z) {
  size_t d = P->d;
  const double *a = P->A, *b = P->m == 2 ? P->A + d : P->A;
  double aa = cls_dot(a, a, d), bb = cls_dot(b, b, d), ab = cls_dot(a, b, d);
  if (!(aa > 0.0) || !(bb > 0.0)) return -1; /* a point at the origin */
  if (ab >= aa) { /* z = a / |a|^2 satisfies <b, z> >= 1 */
    for (size_t j = 0; j < d; j++) z[j] = a[j] / aa;
  } else if (ab >= bb) {
    for (size_t j = 0; j < d; j++) z[j] = b[j] / bb;
  } else {
    /* both active: z = al a + be b with [aa ab; ab bb] [al; be] = [1; 1] */
    double det = aa * bb - ab * ab;
    if (!(det > 64.0 * DBL_EPSILON * aa * bb)) return -1; /* b = -c a, c > 0 */
    double al = (bb - ab) / det, be = (aa - ab) / det;
    for (size_t j = 0; j < d; j++) z[j] = al * a[j] + be * b[j];
  }
  cls_set_svm(P, z);
  return 0;
}

/* Workspace of Wolfe's algorithm: corral S (at most smax = min(m, d + 1)
 * affinely independent points), convex weights lam, affine weights mu, the
 * corral's shifted Gram matrix G = [<a_Si, a_Sj> + c] (lower triangle) and its
 * Cholesky factor L (both smax x smax, leading s x s block in use). */
typedef struct cls_wolfe_ws {
  size_t smax;
  size_t *S, *K; /* K: scratch for compaction */
  double *lam, *mu, *G, *L;
  double c;
} cls_wolfe_ws;

/* rows k0..s-1 of L from G (rows < k0 are unchanged by adding or removing
 * corral points at positions >= k0). -1 if not positive definite (the
 * corral is numerically affinely dependent). */
static int cls_chol_rows(cls_wolfe_ws *w, size_t k0, size_t s) {
  size_t n = w->smax;
  double *L = w->L;
  for (size_t i = k0; i < s; i++)
    for (size_t j = 0; j <= i; j++) {
      double g = w->G[i * n + j];
      for (size_t k = 0; k < j; k++) g -= L[i * n + k] * L[j * n + k];
      if (i == j) {
        if (!(g > 1e-13 * w->c)) return -1;
        L[i * n + i] = sqrt(g);
      } else {
        L[i * n + j] = g / L[j * n + j];
      }
    }
  return 0;
}

/* append point j to the corral at position s (Gram row and Cholesky row) */
static int cls_corral_add(const cls *P, cls_wolfe_ws *w, size_t s, size_t j) {
  size_t n = w->smax, d = P->d;
  const double *aj = P->A + j * d;
  w->S[s] = j;
  for (size_t k = 0; k <= s; k++) w->G[s * n + k] = cls_dot(aj, P->A + w->S[k] * d, d) + w->c;
  return cls_chol_rows(w, s, s + 1);
}

/* mu = the affine min-norm weights of the corral (sum mu = 1, mu minimizing
 * ||sum mu_k a_Sk||): G mu~ = 1 with G = Gram + c 1 1^T (positive definite for
 * affinely independent points, any c > 0), mu = mu~ / sum mu~. */
static int cls_affine_minnorm(cls_wolfe_ws *w, size_t s) {
  size_t n = w->smax;
  const double *L = w->L;
  for (size_t i = 0; i < s; i++) {
    double t = 1.0;
    for (size_t k = 0; k < i; k++) t -= L[i * n + k] * w->mu[k];
    w->mu[i] = t / L[i * n + i];
  }
  for (size_t i = s; i-- > 0;) {
    double t = w->mu[i];
    for (size_t k = i + 1; k < s; k++) t -= L[k * n + i] * w->mu[k];
    w->mu[i] = t / L[i * n + i];
  }
  double sum = 0.0;
  for (size_t i = 0; i < s; i++) sum += w->mu[i];
  if (!(sum > 0.0) || !isfinite(sum)) return -1;
  for (size_t i = 0; i < s; i++) w->mu[i] /= sum;
  return 0;
}

/* x = sum_k lam_k a_Sk */
static void cls_combine(const cls *P, const cls_wolfe_ws *w, size_t s, double *x) {
  size_t d = P->d;
  lnbp_zero(x, d);
  for (size_t k = 0; k < s; k++) {
    const double *a = P->A + w->S[k] * d;
    for (size_t j = 0; j < d; j++) x[j] += w->lam[k] * a[j];
  }
}

/* Wolfe's minimum-norm-point algorithm (Wolfe 1976) on the convex hull of
 * the rows a_i = y_i x_i. For separable data the hull's min-norm point p* is
 * gamma* times the max-margin direction (max_{|w|=1} min_i <a_i, w> =
 * min_{p in hull} |p| = gamma*). Stops when ||x||^2 - min_i <a_i, x> <=
 * CLS_SVM_TOL max_i ||a_i||^2; then ||x - p*||^2 <= 2 CLS_SVM_TOL max ||a_i||^2
 * (certified), and in practice x is the exact affine min-norm point of the
 * final corral (rounding level). Returns 0 converged, 1 stalled or out of
 * budget (x = last iterate). */
static int cls_wolfe(cls *P, cls_wolfe_ws *w, double *x, double *gap_out) {
  size_t m = P->m, d = P->d, n = w->smax, s = 0;
  double maxsq = 0.0, minsq = INFINITY;
  size_t j0 = 0;
  for (size_t i = 0; i < m; i++) {
    double q = cls_dot(P->A + i * d, P->A + i * d, d);
    maxsq = fmax(maxsq, q);
    if (q < minsq) {
      minsq = q;
      j0 = i;
    }
  }
  *gap_out = INFINITY;
  if (!(maxsq > 0.0)) return 1;
  w->c = maxsq;
  if (cls_corral_add(P, w, 0, j0) != 0) return 1;
  s = 1;
  w->lam[0] = 1.0;
  lnbp_copy(x, P->A + j0 * d, d);
  size_t maxmajor = 1000 + 20 * m, maxminor = 1000 + 20 * m, nminor = 0;
  for (size_t major = 0; major < maxmajor; major++) {
    /* the hull point most opposed to x */
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)d, 1.0, P->A, (int)d, x, 1, 0.0,
                P->z, 1);
    size_t j = 0;
    for (size_t i = 1; i < m; i++)
      if (P->z[i] < P->z[j]) j = i;
    double xx = lnbp_frob2(x, d);
    *gap_out = (xx - P->z[j]) / maxsq;
    if (*gap_out <= CLS_SVM_TOL) return 0;
    for (size_t k = 0; k < s; k++)
      if (w->S[k] == j) return 1; /* no progress possible in floating point */
    if (s == n) return 1;
    if (cls_corral_add(P, w, s, j) != 0) return 1;
    w->lam[s] = 0.0;
    s++;
    for (;;) { /* minor cycles */
      if (++nminor > maxminor) return 1;
      if (cls_affine_minnorm(w, s) != 0) return 1;
      double mumin = INFINITY;
      for (size_t k = 0; k < s; k++) mumin = fmin(mumin, w->mu[k]);
      if (mumin > CLS_WOLFE_ZERO) {
        lnbp_copy(w->lam, w->mu, s);
        cls_combine(P, w, s, x);
        break;
      }
      /* move from lam towards mu until a weight hits zero, drop it (and any
       * other weight at zero) */
      double theta = 1.0;
      for (size_t k = 0; k < s; k++)
        if (w->mu[k] <= CLS_WOLFE_ZERO && w->lam[k] - w->mu[k] > 0.0)
          theta = fmin(theta, w->lam[k] / (w->lam[k] - w->mu[k]));
      size_t kmin = 0;
      for (size_t k = 0; k < s; k++) {
        w->lam[k] = theta * w->mu[k] + (1.0 - theta) * w->lam[k];
        if (w->lam[k] < w->lam[kmin]) kmin = k;
      }
      size_t t = 0, first = s;
      double sum = 0.0;
      for (size_t k = 0; k < s; k++) {
        if (w->lam[k] <= CLS_WOLFE_ZERO || k == kmin) {
          if (first == s) first = k;
          continue;
        }
        w->K[t] = k;
        w->S[t] = w->S[k];
        w->lam[t] = w->lam[k];
        sum += w->lam[t];
        t++;
      }
      if (t == 0 || !(sum > 0.0)) return 1;
      /* compact the lower triangle of G in place: K is increasing with
       * K[i] >= i, so entry (K[i], K[q]), q <= i, is read before it could be
       * overwritten */
      for (size_t i = 0; i < t; i++)
        for (size_t q = 0; q <= i; q++) w->G[i * n + q] = w->G[w->K[i] * n + w->K[q]];
      s = t;
      /* the Cholesky rows before the first removed position are still valid */
      if (cls_chol_rows(w, first, s) != 0) return 1;
      for (size_t k = 0; k < s; k++) w->lam[k] /= sum;
      cls_combine(P, w, s, x);
    }
  }
  return 1;
}

/* The max-margin direction into P->svm (closed form for m <= 2, else Wolfe).
 * Separability is certified by any x with min_i <a_i, x> > 0. */
static int cls_max_margin(cls *P, int is_inline, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t m = P->m, d = P->d;
  cls_wolfe_ws w = {0};
  w.smax = m < d + 1 ? m : d + 1;
  double *x = h->alloc(d * sizeof(double));
  w.S = h->alloc(w.smax * sizeof(size_t));
  w.K = h->alloc(w.smax * sizeof(size_t));
  w.lam = h->alloc(w.smax * sizeof(double));
  w.mu = h->alloc(w.smax * sizeof(double));
  w.L = h->alloc(w.smax * w.smax * sizeof(double));
  w.G = h->alloc(w.smax * w.smax * sizeof(double));
  int rc = LNB_OK;
  if (!x || !w.S || !w.K || !w.lam || !w.mu || !w.L || !w.G) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for the max-margin solve");
    goto done;
  }
  if (m <= 2) {
    if (cls_svm_closed(P, x) != 0) P->separable = 0;
  } else {
    double gap = INFINITY;
    int st = cls_wolfe(P, &w, x, &gap);
    double mg = cls_norm_margin(P, x);
    if (mg > 0.0) {
      P->separable = 1;
      if (st == 0) {
        cls_set_svm(P, x);
        if (h->log)
          h->log(3, "classification: max margin %.17g (Wolfe gap %.2g, certified angle <= "
                    "%.2g)",
                 P->gamma, gap, sqrt(2.0 * fmax(gap, 0.0)) / P->gamma);
      } else if (h->log) {
        h->log(1, "classification: the max-margin solve stalled (m = %zu, d = %zu, relative "
                  "gap %.2g > %.0e); direction_error will be NaN",
               m, d, gap, CLS_SVM_TOL);
      }
    }
  }
  if (!P->separable) {
    if (is_inline)
      rc = h->error(err, LNB_EINVAL,
                    "the inline data (X, y) are not linearly separable through the origin "
                    "(no w with y_i <w, x_i> > 0 for all i was found); the classification "
                    "losses have infimum 0 only on separable data");
    else
      rc = h->error(err, LNB_ENUMERIC, "synthetic data: max-margin solve failed");
  }
done:
  if (x) h->free(x);
  if (w.S) h->free(w.S);
  if (w.K) h->free(w.K);
  if (w.lam) h->free(w.lam);
  if (w.mu) h->free(w.mu);
  if (w.L) h->free(w.L);
  if (w.G) h->free(w.G);
  return rc;
}

/* ------------------------------------------------------------------ ops */

static void cls_destroy(void *self) {
  cls *P = self;
  if (!P) return;
  const lnb_host *h = P->host;
  if (P->A) h->free(P->A);
  if (P->z) h->free(P->z);
  if (P->svm) h->free(P->svm);
  h->free(P);
}

static int cls_create(const lnb_host *h, const lnb_params *p, uint64_t seed, void **self,
                      lnb_error *err) {
  *self = NULL;
  cls_source src;
  int rc = cls_resolve(h, p, &src, err);
  if (rc != LNB_OK) return rc;
  cls *P = h->alloc(sizeof *P);
  if (!P) return h->error(err, LNB_ENOMEM, "out of memory");
  P->host = h;
  P->gamma = NAN;
  const char *loss = h->param_string(p, "loss");
  P->logistic = loss && strcmp(loss, "logistic") == 0;
  const double *X = NULL, *y = NULL;
  if (src == SRC_INLINE) {
    size_t n = 0;
    X = h->param_matrix(p, "X", &P->m, &P->d);
    y = h->param_reals(p, "y", &n);
  } else {
    P->m = (size_t)h->param_int(p, "m");
    P->d = (size_t)h->param_int(p, "d");
    if (P->m > INT_MAX || P->d > INT_MAX || P->m > SIZE_MAX / sizeof(double) / P->d) {
      rc = h->error(err, LNB_EDIM, "m x d = %zu x %zu is too large", P->m, P->d);
      goto fail;
    }
    if (h->param_is_set(p, "seed")) seed = (uint64_t)h->param_int(p, "seed");
  }
  P->A = h->alloc(P->m * P->d * sizeof(double));
  P->z = h->alloc(P->m * sizeof(double));
  P->svm = h->alloc(P->d * sizeof(double));
  if (!P->A || !P->z || !P->svm) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for %zu x %zu data", P->m, P->d);
    goto fail;
  }
  if (src == SRC_INLINE) {
    for (size_t i = 0; i < P->m; i++)
      for (size_t j = 0; j < P->d; j++) P->A[i * P->d + j] = y[i] * X[i * P->d + j];
  } else if ((rc = cls_synthesize(P, p, seed, err)) != LNB_OK) {
    goto fail;
  }
  if ((rc = cls_max_margin(P, src == SRC_INLINE, err)) != LNB_OK) goto fail;
  *self = P;
  return LNB_OK;
fail:
  cls_destroy(P);
  return rc;
}

static void cls_dims(const void *self, size_t *k, size_t *d) {
  const cls *P = self;
  *k = 1;
  *d = P->d;
}

/* z = A w (z_i = y_i <w, x_i>); l = mean ell(z_i); grad = (1/m) A^T ell'(z) */
static double cls_eval(void *self, const double *W, double *grad) {
  cls *P = self;
  size_t m = P->m, d = P->d;
  double inv_m = 1.0 / (double)m, s = 0.0;
  cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)d, 1.0, P->A, (int)d, W, 1, 0.0,
              P->z, 1);
  if (P->logistic) {
    for (size_t i = 0; i < m; i++) {
      double zi = P->z[i], l, dl;
      if (zi >= 0.0) {
        double e = exp(-zi);
        l = log1p(e);
        dl = -e / (1.0 + e);
      } else {
        double e = exp(zi);
        l = -zi + log1p(e);
        dl = -1.0 / (1.0 + e);
      }
      s += l;
      P->z[i] = dl;
    }
  } else {
    for (size_t i = 0; i < m; i++) {
      double e = exp(-P->z[i]);
      s += e;
      P->z[i] = -e;
    }
  }
  if (grad)
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)m, (int)d, inv_m, P->A, (int)d, P->z, 1, 0.0,
                grad, 1);
  return s * inv_m;
}

static int cls_optimum(const void *self, double *lstar) {
  const cls *P = self;
  if (!P->separable) return 0;
  *lstar = 0.0; /* the infimum; not attained (||W|| -> inf) */
  return 1;
}

static double cls_metric(void *self, size_t index, const double *W) {
  cls *P = self;
  size_t d = P->d;
  if (index == 0) return cls_norm_margin(P, W);
  if (index != 1 || !P->svm_ok) return NAN;
  double nw = sqrt(lnbp_frob2(W, d));
  if (!(nw > 0.0)) return NAN;
  /* angle = 2 asin(||w/|w| - s|| / 2), accurate for small angles */
  double e = 0.0;
  for (size_t j = 0; j < d; j++) {
    double t = W[j] / nw - P->svm[j];
    e += t * t;
  }
  return 2.0 * asin(fmin(1.0, 0.5 * sqrt(e)));
}

static const lnb_problem_ops cls_ops = {
    .struct_size = sizeof(lnb_problem_ops),
    .create = cls_create,
    .destroy = cls_destroy,
    .dims = cls_dims,
    .eval = cls_eval,
    .optimum = cls_optimum,
    .validate = cls_validate,
    .metrics = cls_metrics,
    .metric = cls_metric,
};

static const lnb_plugin cls_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_PROBLEM,
    .name = "classification",
    .summary = "separable binary classification l(W) = 1/m sum_i ell(y_i <W, x_i>), ell = "
               "exp(-z) or log(1 + exp(-z)); W is 1 x d",
    .params = cls_params,
    .ops = &cls_ops,
    .description =
        "Binary classification (paper 002, Sec. 2.1; experiments Sec. 6) over the 1 x d "
        "end-to-end matrix W (k must be 1):\n"
        "  l(W) = 1/m sum_i ell(y_i <W, x_i>),  ell(z) = exp(-z) (loss: exp, the paper's) or "
        "log(1 + exp(-z)) (loss: logistic, evaluated stably).\n"
        "Data: synthetic, x_i = g_i - <u, g_i> u + y_i (margin + |h_i|) u with g_i ~ N(0, "
        "I_d), h_i ~ N(0, 1), y_i = +-1 equiprobable and u a random unit vector (so y_i "
        "<u, x_i> >= margin: separable with at least that margin); or inline X (m x d) and "
        "y (m labels in {-1, 1}), which must be separable through the origin (no bias).\n"
        "l* = 0 is the infimum, not attained: on separable data gradient descent sends "
        "||W|| to infinity while W/||W|| tends to the l2 max-margin direction (Soudry et al. "
        "2018; paper 002 Sec. 2.2, Eq. (1)). There is no reference theta*.\n"
        "The max-margin direction z*/||z*||, z* = argmin ||z|| s.t. y_i <z, x_i> >= 1, is "
        "computed at create: in closed form for m <= 2 (e.g. Sec. 6's two points x = (1, 2), "
        "y = +1 and x = (0, -3), y = -1, whose direction is (1, 2)/sqrt(5), margin sqrt(5)), "
        "otherwise as the minimum-norm point p* of the convex hull of the y_i x_i (p* = gamma* "
        "times the direction, gamma* the max margin) by Wolfe's algorithm, stopped when "
        "||x||^2 - min_i y_i <x, x_i> <= 1e-13 max_i ||x_i||^2 (which certifies "
        "||x - p*||^2 <= 2e-13 max_i ||x_i||^2; in practice x is exact to rounding). If it "
        "stalls (degenerate data) direction_error is NaN and a warning is logged.\n"
        "Metrics: normalized_margin = min_i y_i <W, x_i> / ||W||_2; direction_error = angle "
        "(radians) between W and the max-margin direction.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &cls_desc : NULL;
}
