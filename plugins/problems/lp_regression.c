/* lp_regression — l_p regression l(W) = 1/(p m) sum_i ||W x_i - y_i||_p^p
 * over the k x d matrix W, p an even integer >= 2 (paper 003, Sec. 3 and
 * Sec. 8: l2 and l4 regression; paper 001's l_p losses).
 *
 * With R = X W^T - Y (m x k): l = 1/(p m) sum R_ia^p and
 * grad = (1/m) (R^(p-1))^T X (elementwise power), k x d.
 *
 * Data: synthetic (AR(1)-correlated or prescribed-condition X, linear targets
 * plus noise), the `ethanol` preset shaped like the UCI gas-sensor Ethanol
 * task of paper 003 Sec. 8 (m = 2565, d = 128, k = 1), a CSV file (last k
 * columns are targets) or a LIBSVM file, all through the host readers;
 * optional standardization of every column, then optional unequal column
 * scales (feature_scale: the same regression in other units).
 *
 * l* and theta* at create, in the coordinates z of range(X): with the thin
 * SVD X = U S V^T of rank rho, X w = U_rho z for z = S_rho V_rho^T w, so each
 * output row is an l_p regression on the orthonormal design U_rho. p = 2 is
 * closed form (z = U_rho^T y); p > 2 is Newton's method on the convex loss in
 * z, started at the least-squares z. theta* = V_rho S_rho^-1 z is the
 * minimum-norm minimizer.
 *
 * For p = 2 eval uses, when cheaper (eval: auto, d < ~2m), the normal
 * equations with X^T X formed once (2kd^2 flops per step instead of 4mkd;
 * lnbp_gram.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lnbp_gram.h"
#include "lnbp_lpfit.h"
#include "lnbp_lstsq.h"
#include "lnbp_linalg.h"
#include "lnbp_rows.h"
#include "lnbp_path.h"
#include "lnnbench/plugin.h"

#define LPR_ETHANOL_M 2565
#define LPR_ETHANOL_D 128
#define LPR_ETHANOL_RHO 0.95
#define LPR_ETHANOL_NOISE 0.5

static const lnb_param_spec lpr_params[] = {
    {"p", LNB_T_INT, "2", "the loss exponent: an even integer (2 = least squares, 4 = l4)",
     "[2, 64]", NULL, 0},
    {"preset", LNB_T_ENUM, "none",
     "ethanol: synthetic data shaped like the UCI gas-sensor 'Ethanol' task of paper 003 "
     "Sec. 8 (m = 2565, d = 128, k = 1, AR(1) features with correlation 0.95, noise 0.5, "
     "standardized); none: use m, d, k, correlation/condition, noise",
     NULL, "none|ethanol", 0},
    {"path", LNB_T_STRING, NULL,
     "data file (relative to the config file's directory); without it the data are "
     "synthetic",
     NULL, NULL, 0},
    {"format", LNB_T_ENUM, "csv",
     "format of path: csv (numeric, optional header; the last k columns are the targets) "
     "or libsvm (label idx:val ...; k = 1, d = largest index unless d is given)",
     NULL, "csv|libsvm", 0},
    {"m", LNB_T_INT, NULL, "synthetic: number of samples (default 100)", "[1, inf)", NULL, 0},
    {"d", LNB_T_INT, NULL,
     "synthetic: input dimension (default 20); libsvm: the dimension (default: largest "
     "index; an index above d is an error)",
     "[1, inf)", NULL, 0},
    {"k", LNB_T_INT, NULL,
     "synthetic: number of outputs (default 1); csv: number of trailing target columns "
     "(default 1); libsvm: must be 1",
     "[1, inf)", NULL, 0},
    {"correlation", LNB_T_REAL, NULL,
     "synthetic: rows of X are i.i.d. N(0, Sigma) with Sigma_ij = correlation^|i-j| "
     "(AR(1), unit variances); exclusive with condition",
     "[0, 1)", NULL, 0},
    {"condition", LNB_T_REAL, NULL,
     "synthetic: X = Qu diag(s) Qv^T with random orthonormal Qu, Qv and singular values "
     "log-spaced from sqrt(m) to sqrt(m)/condition; exclusive with correlation (default "
     "when neither is given: condition 1)",
     "[1, inf)", NULL, 0},
    {"noise", LNB_T_REAL, NULL,
     "synthetic: standard deviation of the Gaussian noise in Y = X W_true^T + noise, "
     "W_true with i.i.d. N(0, 1/d) entries (default 0; preset ethanol: 0.5)",
     "[0, inf)", NULL, 0},
    {"seed", LNB_T_INT, NULL,
     "synthetic: data seed; when unset the run seed is used (so data vary with seeds)",
     "[0, inf)", NULL, 0},
    {"standardize", LNB_T_BOOL, NULL,
     "center every column of X and Y and scale it to unit variance (population std) after "
     "loading or generation (default: true for preset ethanol, false otherwise); constant "
     "columns become zero",
     NULL, NULL, 0},
    {"feature_scale", LNB_T_REAL, NULL,
     "multiply column j of X (j = 0 .. d-1) by feature_scale^(j/(d-1) - 1/2) after "
     "standardization: the same regression in unequal units (scales from "
     "1/sqrt(feature_scale) to sqrt(feature_scale); Y, l* and the fitted values unchanged, "
     "the solution rescaled), as raw, unstandardized features have them (default 1: none)",
     "[1, inf)", NULL, 0},
    {"eval", LNB_T_ENUM, "auto",
     "how the loss and gradient are computed: residual (R = X W^T - Y, gradient "
     "(1/m)(R^(p-1))^T X: 4mkd flops per step), gram (p = 2 only: normal equations with X^T X "
     "and Y^T X formed once at create, l = l* + (1/2m)(<E, E X^T X> + 2<E, R*>), E = W - W*: "
     "2kd^2 flops per step), auto = gram for p = 2 when it needs fewer flops (d < ~2m), else "
     "residual",
     NULL, "auto|residual|gram", 0},
    {0},
};

typedef enum lpr_source { SRC_SYNTHETIC, SRC_CSV, SRC_LIBSVM } lpr_source;

typedef struct lpr {
  const lnb_host *host;
  int p;
  size_t m, d, k;
  double *X;     /* m x d */
  double *Y;     /* m x k */
  double *R;     /* m x k residual workspace for eval */
  double *Rp;    /* m x k R^(p-1) workspace for eval */
  double *Wstar; /* k x d minimum-norm minimizer */
  double lstar;
  size_t rank;
  int gram;      /* p = 2 eval through the normal equations */
  lnbp_gram g;
  lnbp_rows rb; /* mini-batch buffers (ABI 1.4) */
} lpr;

/* ---------------------------------------------------------- parameters */

static int lpr_given(const lnb_host *h, const lnb_params *p, const char *name) {
  return h->param_is_set(p, name);
}

static int lpr_resolve(const lnb_host *h, const lnb_params *p, lpr_source *src, int *ethanol,
                       lnb_error *err) {
  const char *preset = h->param_string(p, "preset");
  const char *format = h->param_string(p, "format");
  int eth = preset && strcmp(preset, "ethanol") == 0;
  int haspath = lpr_given(h, p, "path");
  int libsvm = format && strcmp(format, "libsvm") == 0;
  int64_t pe = h->param_int(p, "p");
  if (pe < 2 || pe % 2 != 0)
    return h->error(err, LNB_EINVAL,
                    "p = %lld: the loss exponent must be an even integer >= 2 (odd p would "
                    "make the loss non-convex and unbounded below)",
                    (long long)pe);
  if (lpr_given(h, p, "correlation") && lpr_given(h, p, "condition"))
    return h->error(err, LNB_EINVAL,
                    "give either correlation or condition for the synthetic X, not both");
  if (haspath) {
    static const char *synth_only[] = {"m", "correlation", "condition", "noise", "seed"};
    if (eth)
      return h->error(err, LNB_EINVAL,
                      "preset ethanol generates its data; remove path (or the preset)");
    for (size_t i = 0; i < sizeof synth_only / sizeof *synth_only; i++)
      if (lpr_given(h, p, synth_only[i]))
        return h->error(err, LNB_EINVAL,
                        "%s is given but the data come from path (it would be ignored)",
                        synth_only[i]);
    if (!libsvm && lpr_given(h, p, "d"))
      return h->error(err, LNB_EINVAL,
                      "d is given but the data come from a CSV file, whose columns fix d "
                      "(d is only used by synthetic data and format: libsvm)");
    if (libsvm && lpr_given(h, p, "k") && h->param_int(p, "k") != 1)
      return h->error(err, LNB_EINVAL,
                      "format libsvm has one label per sample, so k must be 1 (got k = %lld)",
                      (long long)h->param_int(p, "k"));
    *src = libsvm ? SRC_LIBSVM : SRC_CSV;
  } else {
    if (libsvm)
      return h->error(err, LNB_EINVAL, "format: libsvm needs path (the data file)");
    if (eth) {
      static const char *fixed[] = {"m", "d", "k", "correlation", "condition"};
      for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (lpr_given(h, p, fixed[i]))
          return h->error(err, LNB_EINVAL,
                          "preset ethanol fixes %s (m = %d, d = %d, k = 1, correlation "
                          "%.2f); remove %s or the preset",
                          fixed[i], LPR_ETHANOL_M, LPR_ETHANOL_D, LPR_ETHANOL_RHO, fixed[i]);
    }
    *src = SRC_SYNTHETIC;
  }
  *ethanol = eth;
  return LNB_OK;
}

static int lpr_load_file(lpr *P, const lnb_params *p, lpr_source src, lnb_error *err);
static void lpr_free_data(lpr *P);

static int lpr_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  lpr_source src;
  int eth;
  int rc = lpr_resolve(h, p, &src, &eth, err);
  if (rc == LNB_OK && strcmp(h->param_string(p, "eval"), "gram") == 0 &&
      h->param_int(p, "p") != 2)
    return h->error(err, LNB_EINVAL,
                    "eval: gram (the normal equations) needs p = 2 (got p = %lld); use "
                    "residual or auto",
                    (long long)h->param_int(p, "p"));
  if (rc != LNB_OK || src == SRC_SYNTHETIC) return rc;
  if (src == SRC_LIBSVM &&
      h->struct_size < offsetof(lnb_host, read_libsvm) + sizeof h->read_libsvm)
    return h->error(err, LNB_ENOTSUP, "format libsvm: this host has no LIBSVM reader");
  /* parse the whole file now, so a bad file stops the sweep before any run */
  lpr P = {.host = h};
  rc = lpr_load_file(&P, p, src, err);
  lpr_free_data(&P);
  return rc;
}

/* ---------------------------------------------------------------- data */

static int lpr_alloc_data(lpr *P, size_t m, size_t d, size_t k, lnb_error *err) {
  const lnb_host *h = P->host;
  P->m = m;
  P->d = d;
  P->k = k;
  P->X = h->alloc(m * d * sizeof(double));
  P->Y = h->alloc(m * k * sizeof(double));
  if (!P->X || !P->Y)
    return h->error(err, LNB_ENOMEM, "out of memory for %zu x %zu data (k = %zu)", m, d, k);
  return LNB_OK;
}

static void lpr_free_data(lpr *P) {
  if (P->X) P->host->free(P->X);
  if (P->Y) P->host->free(P->Y);
  P->X = P->Y = NULL;
}

static int lpr_load_file(lpr *P, const lnb_params *p, lpr_source src, lnb_error *err) {
  const lnb_host *h = P->host;
  char *full = lnbp_data_path(h, p, h->param_string(p, "path"));
  if (!full) return h->error(err, LNB_ENOMEM, "out of memory");
  size_t k = h->param_is_set(p, "k") ? (size_t)h->param_int(p, "k") : 1;
  double *data = NULL, *lab = NULL;
  size_t rows = 0, cols = 0;
  int rc;
  if (src == SRC_LIBSVM) {
    size_t d = h->param_is_set(p, "d") ? (size_t)h->param_int(p, "d") : 0;
    rc = h->read_libsvm(full, d, &data, &lab, &rows, &cols, err);
    if (rc == LNB_OK) { /* the reader's arrays become X and Y */
      P->m = rows;
      P->d = cols;
      P->k = 1;
      P->X = data;
      P->Y = lab;
      data = lab = NULL;
    }
  } else {
    rc = h->read_csv(full, &data, &rows, &cols, err);
    if (rc == LNB_OK && cols <= k)
      rc = h->error(err, LNB_EDIM,
                    "%s: %zu columns; need more than k = %zu (the last k columns are "
                    "targets)",
                    full, cols, k);
    if (rc == LNB_OK) {
      P->m = rows;
      P->d = cols - k;
      P->k = k;
      if (!(P->Y = h->alloc(rows * k * sizeof(double))))
        rc = h->error(err, LNB_ENOMEM, "out of memory for %zu x %zu data", rows, cols);
    }
    if (rc == LNB_OK) {
      P->X = lnbp_split_columns(data, rows, cols, k, P->Y); /* X in place of the table */
      data = NULL;
    }
  }
  if (data) h->free(data);
  if (lab) h->free(lab);
  h->free(full);
  return rc;
}

/* X: AR(1) rows (x_1 = e_1, x_j = rho x_{j-1} + sqrt(1 - rho^2) e_j, so
 * Sigma_ij = rho^|i-j|) or Qu diag(s) Qv^T with log-spaced s; then
 * Y = X W_true^T + noise * N(0, 1), W_true ~ N(0, 1/d). */
static int lpr_synthesize(lpr *P, const lnb_params *p, int eth, uint64_t seed,
                          lnb_error *err) {
  const lnb_host *h = P->host;
  size_t m = eth ? LPR_ETHANOL_M : h->param_is_set(p, "m") ? (size_t)h->param_int(p, "m") : 100;
  size_t d = eth ? LPR_ETHANOL_D : h->param_is_set(p, "d") ? (size_t)h->param_int(p, "d") : 20;
  size_t k = eth ? 1 : h->param_is_set(p, "k") ? (size_t)h->param_int(p, "k") : 1;
  int ar = eth || h->param_is_set(p, "correlation");
  double rho = eth ? LPR_ETHANOL_RHO : ar ? h->param_real(p, "correlation") : 0.0;
  double cond = h->param_is_set(p, "condition") ? h->param_real(p, "condition") : 1.0;
  double noise = h->param_is_set(p, "noise") ? h->param_real(p, "noise")
                 : eth                       ? LPR_ETHANOL_NOISE
                                             : 0.0;
  if (h->param_is_set(p, "seed")) seed = (uint64_t)h->param_int(p, "seed");
  int rc = lpr_alloc_data(P, m, d, k, err);
  if (rc != LNB_OK) return rc;
  lnb_rng rng;
  h->rng_init(&rng, seed, "lp_regression-data");
  double *Wt = h->alloc(k * d * sizeof(double));
  if (!Wt) return h->error(err, LNB_ENOMEM, "out of memory");
  if (ar) {
    double c = sqrt(1.0 - rho * rho);
    for (size_t i = 0; i < m; i++) {
      double *x = P->X + i * d;
      x[0] = h->rng_normal(&rng);
      for (size_t j = 1; j < d; j++) x[j] = rho * x[j - 1] + c * h->rng_normal(&rng);
    }
  } else {
    size_t r = lnbp_min(m, d);
    double *Qu = h->alloc(m * r * sizeof(double));
    double *Qv = h->alloc(d * r * sizeof(double));
    if (!Qu || !Qv) rc = h->error(err, LNB_ENOMEM, "out of memory for synthetic X");
    if (rc == LNB_OK) rc = lnbp_random_orthonormal(h, &rng, m, r, Qu, err);
    if (rc == LNB_OK) rc = lnbp_random_orthonormal(h, &rng, d, r, Qv, err);
    if (rc == LNB_OK) {
      double top = sqrt((double)m);
      for (size_t j = 0; j < r; j++) {
        double t = r > 1 ? (double)j / (double)(r - 1) : 0.0;
        double sj = top * pow(cond, -t);
        for (size_t i = 0; i < m; i++) Qu[i * r + j] *= sj;
      }
      h->gemm(LNB_NO_TRANS, LNB_TRANS, m, d, r, 1.0, Qu, r, Qv, r, 0.0, P->X, d);
    }
    if (Qu) h->free(Qu);
    if (Qv) h->free(Qv);
  }
  if (rc == LNB_OK) {
    lnbp_fill_normal(h, &rng, Wt, k * d, 1.0 / sqrt((double)d));
    h->gemm(LNB_NO_TRANS, LNB_TRANS, m, k, d, 1.0, P->X, d, Wt, d, 0.0, P->Y, k);
    if (noise > 0.0)
      for (size_t i = 0; i < m * k; i++) P->Y[i] += noise * h->rng_normal(&rng);
  }
  h->free(Wt);
  return rc;
}

/* center each column and scale it to unit population variance */
static void lpr_standardize_cols(const lnb_host *h, double *A, size_t m, size_t n,
                                 const char *what) {
  size_t nconst = 0;
  for (size_t j = 0; j < n; j++) {
    double mean = 0.0;
    for (size_t i = 0; i < m; i++) mean += A[i * n + j];
    mean /= (double)m;
    double var = 0.0;
    for (size_t i = 0; i < m; i++) {
      double c = A[i * n + j] - mean;
      A[i * n + j] = c;
      var += c * c;
    }
    double sd = sqrt(var / (double)m);
    if (sd > 0.0) {
      for (size_t i = 0; i < m; i++) A[i * n + j] /= sd;
    } else {
      for (size_t i = 0; i < m; i++) A[i * n + j] = 0.0;
      nconst++;
    }
  }
  if (nconst && h->log)
    h->log(1, "lp_regression: standardize: %zu constant column(s) of %s set to zero", nconst,
           what);
}

/* ------------------------------------------------------------------- l*, theta* */

static double lpr_eval(void *self, const double *We, double *grad);

/* theta* and l*: p = 2 in closed form (lnbp_lstsq.h, without a copy of a
 * tall X), p > 2 by Newton's method on the convex loss (lnbp_lpfit.h) */
static int lpr_solve(lpr *P, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t m = P->m, d = P->d, k = P->k;
  int p = P->p;
  if (p == 2) {
    double rss = 0.0;
    int rc = lnbp_lstsq_minnorm(h, P->X, P->Y, m, d, k, P->Wstar, &rss, &P->rank, err);
    P->lstar = 0.5 * rss / (double)m;
    return rc;
  }
  int rc = lnbp_lp_fit(h, "lp_regression", P->X, P->Y, m, d, k, p, P->Wstar, &P->rank, err);
  if (rc != LNB_OK) return rc;
  /* full row rank: the least-squares fit interpolates */
  P->lstar = P->rank == m ? 0.0 : lpr_eval(P, P->Wstar, NULL);
  if (h->log) h->log(2, "lp_regression: p = %d: l* = %.17g", p, P->lstar);
  return LNB_OK;
}

/* -------------------------------------------------------------------- ops */

static void lpr_destroy(void *self) {
  lpr *P = self;
  if (!P) return;
  const lnb_host *h = P->host;
  double *bufs[] = {P->X, P->Y, P->R, P->Rp, P->Wstar};
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++)
    if (bufs[i]) h->free(bufs[i]);
  lnbp_gram_free(h, &P->g);
  lnbp_rows_free(h, &P->rb);
  h->free(P);
}

static int lpr_create(const lnb_host *h, const lnb_params *p, uint64_t seed, void **self,
                      lnb_error *err) {
  *self = NULL;
  lpr_source src;
  int eth; /* the checks of validate; a bad data file is reported by the load below */
  int rc = lpr_resolve(h, p, &src, &eth, err);
  if (rc != LNB_OK) return rc;
  if (src == SRC_LIBSVM &&
      h->struct_size < offsetof(lnb_host, read_libsvm) + sizeof h->read_libsvm)
    return h->error(err, LNB_ENOTSUP, "format libsvm: this host has no LIBSVM reader");
  lpr *P = h->alloc(sizeof *P);
  if (!P) return h->error(err, LNB_ENOMEM, "out of memory");
  P->host = h;
  P->p = (int)h->param_int(p, "p");
  if (src == SRC_SYNTHETIC)
    rc = lpr_synthesize(P, p, eth, seed, err);
  else
    rc = lpr_load_file(P, p, src, err);
  if (rc != LNB_OK) goto fail;
  for (size_t i = 0; i < P->m * P->d; i++)
    if (!isfinite(P->X[i])) {
      rc = h->error(err, LNB_ENUMERIC, "X has a non-finite entry at row %zu", i / P->d + 1);
      goto fail;
    }
  for (size_t i = 0; i < P->m * P->k; i++)
    if (!isfinite(P->Y[i])) {
      rc = h->error(err, LNB_ENUMERIC, "Y has a non-finite entry at row %zu", i / P->k + 1);
      goto fail;
    }
  int stdz = h->param_is_set(p, "standardize") ? h->param_bool(p, "standardize") : eth;
  if (stdz) {
    lpr_standardize_cols(h, P->X, P->m, P->d, "X");
    lpr_standardize_cols(h, P->Y, P->m, P->k, "Y");
  }
  if (h->param_is_set(p, "feature_scale") && P->d > 1) {
    double fs = h->param_real(p, "feature_scale");
    for (size_t j = 0; j < P->d; j++) {
      double sj = pow(fs, (double)j / (double)(P->d - 1) - 0.5);
      for (size_t i = 0; i < P->m; i++) P->X[i * P->d + j] *= sj;
    }
  }
  P->R = h->alloc(P->m * P->k * sizeof(double));
  P->Rp = h->alloc(P->m * P->k * sizeof(double));
  P->Wstar = h->alloc(P->k * P->d * sizeof(double));
  if (!P->R || !P->Rp || !P->Wstar) {
    rc = h->error(err, LNB_ENOMEM, "out of memory");
    goto fail;
  }
  if ((rc = lpr_solve(P, err)) != LNB_OK) goto fail;
  const char *ev = h->param_string(p, "eval");
  P->gram = P->p == 2 && (strcmp(ev, "gram") == 0 ||
                          (strcmp(ev, "auto") == 0 && lnbp_gram_pays(P->m, P->d, P->k)));
  if (P->gram && (rc = lnbp_gram_init(h, &P->g, P->X, P->Y, P->m, P->d, P->k,
                                      0.5 / (double)P->m, P->Wstar, P->lstar, err)) != LNB_OK)
    goto fail;
  *self = P;
  return LNB_OK;
fail:
  lpr_destroy(P);
  return rc;
}

static void lpr_dims(const void *self, size_t *k, size_t *d) {
  const lpr *P = self;
  *k = P->k;
  *d = P->d;
}

/* l = 1/(p m) sum R^p with R = X We^T - Y; grad = (1/m) (R^(p-1))^T X */
static double lpr_eval(void *self, const double *We, double *grad) {
  lpr *P = self;
  const lnb_host *h = P->host;
  size_t m = P->m, d = P->d, k = P->k, n = m * k;
  int p = P->p;
  if (P->gram) return lnbp_gram_eval(h, &P->g, We, grad);
  lnbp_copy(P->R, P->Y, n);
  h->gemm(LNB_NO_TRANS, LNB_TRANS, m, k, d, 1.0, P->X, d, We, d, -1.0, P->R, k);
  double s = 0.0;
  const double *R = P->R;
  if (p == 2) {
    for (size_t i = 0; i < n; i++) s += R[i] * R[i];
  } else {
    double *Rp = P->Rp;
    for (size_t i = 0; i < n; i++) {
      double pw = lnbp_ipow(R[i] * R[i], (p - 2) / 2); /* r^(p-2) */
      Rp[i] = R[i] * pw;                              /* r^(p-1) */
      s += Rp[i] * R[i];                              /* r^p */
    }
    R = Rp;
  }
  double l = s / ((double)p * (double)m);
  if (grad)
    h->gemm(LNB_TRANS, LNB_NO_TRANS, k, d, m, 1.0 / (double)m, R, k, P->X, d, 0.0, grad, d);
  return l;
}

/* lnnbench bench: X We^T (2mkd), the elementwise powers (2 per entry for
 * p = 2; for p > 2 r^2, lnbp_ipow's multiplications, r^(p-1) and the sum),
 * gradient (R^(p-1))^T X (2mkd) */
static double lpr_flops(const void *self, int grad) {
  const lpr *P = self;
  if (P->gram) return lnbp_gram_eval_flops(P->m, P->d, P->k, grad);
  double mk = (double)P->m * (double)P->k, per = 2.0;
  if (P->p > 2) {
    int n = (P->p - 2) / 2, muls = 0;
    for (; n > 0; n >>= 1) muls += 1 + (n & 1);
    per = 4.0 + (double)muls;
  }
  return 2.0 * mk * (double)P->d * (grad ? 2.0 : 1.0) + per * mk;
}

static int lpr_optimum(const void *self, double *lstar) {
  const lpr *P = self;
  *lstar = P->lstar;
  return 1;
}

static const double *lpr_reference(const void *self) { return ((const lpr *)self)->Wstar; }

/* p = 2 only: l = 1/(2m) ||X W^T - Y||_F^2 */
static int lpr_linear_system(const void *self, lnb_linsys *out) {
  const lpr *P = self;
  if (P->p != 2) return 0;
  out->X = P->X;
  out->Y = P->Y;
  out->m = P->m;
  out->scale = 0.5 / (double)P->m;
  return 1;
}

/* ---------------------------------------------- samples (ABI 1.4) */

static size_t lpr_nsamples(const void *self) { return ((const lpr *)self)->m; }

static int lpr_batch_prepare(void *self, size_t max_rows, lnb_error *err) {
  lpr *P = self;
  return lnbp_rows_prepare(P->host, &P->rb, max_rows, P->d, P->k, err);
}

static double lpr_eval_rows(void *self, const double *We, const size_t *rows, size_t n,
                          double *grad) {
  lpr *P = self;
  return lnbp_rows_eval(P->host, &P->rb, P->X, P->Y, P->m, P->d, P->k, P->p, 1.0 / ((double)P->p * (double)P->m), rows, n,
                        We, grad);
}

static const lnb_problem_ops lpr_ops = {
    .struct_size = sizeof(lnb_problem_ops),
    .create = lpr_create,
    .destroy = lpr_destroy,
    .dims = lpr_dims,
    .eval = lpr_eval,
    .optimum = lpr_optimum,
    .reference = lpr_reference,
    .linear_system = lpr_linear_system,
    .validate = lpr_validate,
    .flops = lpr_flops,
    .nsamples = lpr_nsamples,
    .batch_prepare = lpr_batch_prepare,
    .eval_rows = lpr_eval_rows,
};

static const lnb_plugin lpr_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_PROBLEM,
    .name = "lp_regression",
    .summary = "l_p regression 1/(p m) sum_i ||W x_i - y_i||_p^p, p even (synthetic, "
               "ethanol-shaped, CSV or LIBSVM data)",
    .params = lpr_params,
    .ops = &lpr_ops,
    .description =
        "l_p regression over the k x d end-to-end matrix W (paper 003, Sec. 3 and Sec. 8: "
        "the l2 and l4 regressions of Figs. 2-4): l(W) = 1/(p m) sum_i ||W x_i - y_i||_p^p "
        "= 1/(p m) sum_ia R_ia^p with R = X W^T - Y, p an even integer >= 2 (odd p is "
        "refused); gradient (1/m) (R^(p-1))^T X. p = 2 is lsq with reduction: mean.\n"
        "Data: synthetic (rows of X i.i.d. N(0, Sigma) with Sigma_ij = correlation^|i-j|, "
        "or X with log-spaced singular values from sqrt(m) to sqrt(m)/condition; Y = X "
        "W_true^T + noise, W_true ~ N(0, 1/d)); preset ethanol, shaped like the UCI "
        "gas-sensor 'Ethanol' task paper 003 used (2565 samples, 128 strongly correlated "
        "features, scalar target): m = 2565, d = 128, k = 1, correlation 0.95, noise 0.5, "
        "standardized. It imitates the shape only, not the measurements; the paper does "
        "not state its preprocessing, and as its networks have no bias terms the preset "
        "centers and scales X and Y. A CSV file (path; the last k columns are targets) or "
        "a LIBSVM file (format: libsvm; k = 1) are read through the host readers. "
        "standardize centers every column of X and Y and scales it to unit variance.\n"
        "l* and theta* at create, from a thin SVD X = U S V^T of numerical rank rho, in "
        "the coordinates z = S V^T w of range(X): p = 2 in closed form (least squares, "
        "theta* = the minimum-norm solution); p > 2 by Newton's method on the convex loss "
        "in z (orthonormal design U_rho), started at the least-squares solution, Armijo "
        "backtracking far from the optimum, stopped when the Newton decrement satisfies "
        "lambda^2/2 <= 1e-24 l (or stalls at the rounding floor below 1e-16 l), at most 100 "
        "iterations; the iteration count is logged at info level. theta* = V S^-1 z is "
        "the minimum-norm minimizer; l* = l(theta*) (0 when X has full row rank). "
        "linear_system is exposed for p = 2 only (scale 1/(2m)).",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &lpr_desc : NULL;
}
