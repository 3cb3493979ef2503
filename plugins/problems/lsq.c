/* lsq — least squares l(W) = c ||X W^T - Y||_F^2 over the k x d matrix W.
 *
 * X is m x d, Y is m x k. c = 1/(2m) (reduction: mean) or 1/2 (reduction:
 * sum, the 1/2 ||A y - b||^2 of paper 000). Data come from a synthetic
 * generator with a prescribed condition number, a CSV file, or inline
 * matrices in the config. At create the minimum-norm solution
 * W* = Y^T (X^+)^T and the optimal loss l* are computed from a thin SVD of X.
 * eval uses the residual R = X W^T - Y (4mkd flops) or, when cheaper (eval:
 * auto, d < ~2m), the normal equations with X^T X formed once (2kd^2 flops;
 * lnbp_gram.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lnbp_gram.h"
#include "lnbp_lstsq.h"
#include "lnbp_linalg.h"
#include "lnbp_rows.h"
#include "lnbp_path.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec lsq_params[] = {
    {"source", LNB_T_ENUM, "auto",
     "where the data come from: synthetic (generator), csv (path), inline (A, b); "
     "auto = inline if A is given, else csv if path is given, else synthetic",
     NULL, "auto|synthetic|csv|inline", 0},
    {"m", LNB_T_INT, "100", "synthetic: number of samples (rows of X)", "[1, inf)", NULL, 0},
    {"d", LNB_T_INT, "20", "synthetic: input dimension (columns of X)", "[1, inf)", NULL, 0},
    {"k", LNB_T_INT, "1",
     "synthetic: output dimension (columns of Y); csv: number of trailing target columns",
     "[1, inf)", NULL, 0},
    {"condition", LNB_T_REAL, "1",
     "synthetic: condition number of X; its min(m,d) singular values are log-spaced "
     "from sqrt(m) down to sqrt(m)/condition (so (1/m) X^T X has top eigenvalue 1)",
     "[1, inf)", NULL, 0},
    {"noise", LNB_T_REAL, "0",
     "synthetic: standard deviation of the Gaussian noise added to Y = X W_true^T "
     "(W_true has i.i.d. N(0, 1/d) entries)",
     "[0, inf)", NULL, 0},
    {"seed", LNB_T_INT, NULL,
     "synthetic: data seed; when unset the run seed is used (so data vary with seeds)",
     "[0, inf)", NULL, 0},
    {"path", LNB_T_STRING, NULL,
     "csv: numeric CSV file (optional header line), relative to the config file's "
     "directory; the last k columns are the targets Y, the others X",
     NULL, NULL, 0},
    {"A", LNB_T_MATRIX, NULL, "inline: the m x d data matrix X (A of paper 000)", NULL, NULL,
     LNB_P_NOGRID},
    {"b", LNB_T_MATRIX, NULL,
     "inline: targets, a flat list of length m (then k = 1) or an m x k matrix", NULL, NULL,
     LNB_P_NOGRID},
    {"reduction", LNB_T_ENUM, "mean",
     "loss scale c: mean = 1/(2m) ||X W^T - Y||_F^2, sum = 1/2 ||X W^T - Y||_F^2", NULL,
     "mean|sum", 0},
    {"eval", LNB_T_ENUM, "auto",
     "how the loss and gradient are computed: residual (R = X W^T - Y, gradient 2c R^T X: "
     "4mkd flops per step), gram (normal equations: X^T X and Y^T X formed once at create, "
     "l = l* + c(<E, E X^T X> + 2<E, R*>) with E = W - W*, gradient 2c(E X^T X + R*): 2kd^2 "
     "flops per step), auto = the one with fewer flops (gram when d < ~2m)",
     NULL, "auto|residual|gram", 0},
    {0},
};

typedef enum lsq_source { SRC_SYNTHETIC, SRC_CSV, SRC_INLINE } lsq_source;

typedef struct lsq {
  const lnb_host *host;
  size_t m, d, k;
  double c;       /* loss scale */
  double *X;      /* m x d */
  double *Y;      /* m x k */
  double *R;      /* m x k residual workspace for eval */
  double *Wstar;  /* k x d minimum-norm solution */
  double lstar;
  size_t rank;    /* numerical rank of X */
  int gram;       /* eval through the normal equations */
  lnbp_gram g;
  lnbp_rows rb; /* mini-batch buffers (ABI 1.4) */
} lsq;

/* ------------------------------------------------------------ data source */

static int lsq_resolve_source(const lnb_host *h, const lnb_params *p, lsq_source *out,
                              lnb_error *err) {
  const char *s = h->param_string(p, "source");
  int hasA = h->param_is_set(p, "A"), hasb = h->param_is_set(p, "b");
  int haspath = h->param_is_set(p, "path");
  lsq_source src;
  if (!s || strcmp(s, "auto") == 0) {
    src = hasA ? SRC_INLINE : haspath ? SRC_CSV : SRC_SYNTHETIC;
  } else if (strcmp(s, "synthetic") == 0) {
    src = SRC_SYNTHETIC;
  } else if (strcmp(s, "csv") == 0) {
    src = SRC_CSV;
  } else if (strcmp(s, "inline") == 0) {
    src = SRC_INLINE;
  } else {
    return h->error(err, LNB_EINVAL, "source: unknown value '%s'", s);
  }
  if (src == SRC_INLINE) {
    if (!hasA || !hasb)
      return h->error(err, LNB_EINVAL, "inline data need both A and b (missing %s)",
                      !hasA ? "A" : "b");
    if (haspath)
      return h->error(err, LNB_EINVAL, "path is given but the data are inline (A, b); "
                                       "remove one of them");
  } else if (src == SRC_CSV) {
    if (!haspath) return h->error(err, LNB_EINVAL, "source csv needs path");
    if (hasA || hasb)
      return h->error(err, LNB_EINVAL, "%s is given but the data come from the CSV file",
                      hasA ? "A" : "b");
  } else {
    if (hasA || hasb || haspath)
      return h->error(err, LNB_EINVAL,
                      "%s is given but source is synthetic (it would be ignored)",
                      hasA ? "A" : hasb ? "b" : "path");
  }
  *out = src;
  return LNB_OK;
}

/* shapes of inline A and b: b is a flat list (1 x m, read as a column) or
 * an m x k matrix */
static int lsq_inline_shape(const lnb_host *h, const lnb_params *p, size_t *m, size_t *d,
                            size_t *k, lnb_error *err) {
  size_t ar = 0, ac = 0, br = 0, bc = 0;
  const double *A = h->param_matrix(p, "A", &ar, &ac);
  const double *b = h->param_matrix(p, "b", &br, &bc);
  if (!A || ar == 0 || ac == 0) return h->error(err, LNB_EDIM, "A is empty");
  if (!b || br == 0 || bc == 0) return h->error(err, LNB_EDIM, "b is empty");
  if (br == ar) {
    *k = bc;
  } else if (br == 1 && bc == ar) {
    *k = 1;
  } else {
    return h->error(err, LNB_EDIM,
                    "A is %zu x %zu but b is %zu x %zu; b must be a flat list of length "
                    "%zu or a %zu x k matrix",
                    ar, ac, br, bc, ar, ar);
  }
  *m = ar;
  *d = ac;
  return LNB_OK;
}

static int lsq_load_csv(lsq *P, const lnb_params *p, size_t k, lnb_error *err) {
  const lnb_host *h = P->host;
  const char *path = h->param_string(p, "path");
  char *full = lnbp_data_path(h, p, path);
  if (!full) return h->error(err, LNB_ENOMEM, "out of memory");
  double *data = NULL;
  size_t rows = 0, cols = 0;
  int rc = h->read_csv(full, &data, &rows, &cols, err);
  if (rc != LNB_OK) {
    h->free(full);
    return rc;
  }
  if (rows == 0 || cols <= k) {
    rc = h->error(err, LNB_EDIM,
                  "%s: %zu rows x %zu columns; need at least one row and more than k = %zu "
                  "columns (the last k are targets)",
                  full, rows, cols, k);
    h->free(full);
    if (data) h->free(data);
    return rc;
  }
  h->free(full);
  P->m = rows;
  P->d = cols - k;
  P->k = k;
  P->Y = h->alloc(P->m * P->k * sizeof(double));
  if (!P->Y) {
    h->free(data);
    return h->error(err, LNB_ENOMEM, "out of memory for %zu x %zu data", rows, cols);
  }
  P->X = lnbp_split_columns(data, rows, cols, k, P->Y); /* X in place of the table */
  return LNB_OK;
}

static int lsq_load_inline(lsq *P, const lnb_params *p, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t m, d, k, r, c;
  int rc = lsq_inline_shape(h, p, &m, &d, &k, err);
  if (rc != LNB_OK) return rc;
  P->m = m;
  P->d = d;
  P->k = k;
  P->X = h->alloc(m * d * sizeof(double));
  P->Y = h->alloc(m * k * sizeof(double));
  if (!P->X || !P->Y) return h->error(err, LNB_ENOMEM, "out of memory");
  lnbp_copy(P->X, h->param_matrix(p, "A", &r, &c), m * d);
  /* a flat 1 x m list and an m x 1 matrix have the same row-major layout */
  lnbp_copy(P->Y, h->param_matrix(p, "b", &r, &c), m * k);
  return LNB_OK;
}

/* X = Qu diag(sigma) Qv^T with Haar-random orthonormal Qu (m x r), Qv (d x r),
 * r = min(m, d), sigma log-spaced from sqrt(m) to sqrt(m)/condition;
 * Y = X W_true^T + noise * N(0, 1), W_true ~ N(0, 1/d). */
static int lsq_synthesize(lsq *P, const lnb_params *p, uint64_t seed, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t m = (size_t)h->param_int(p, "m"), d = (size_t)h->param_int(p, "d");
  size_t k = (size_t)h->param_int(p, "k");
  double cond = h->param_real(p, "condition"), noise = h->param_real(p, "noise");
  if (h->param_is_set(p, "seed")) seed = (uint64_t)h->param_int(p, "seed");
  size_t r = lnbp_min(m, d);
  P->m = m;
  P->d = d;
  P->k = k;
  P->X = h->alloc(m * d * sizeof(double));
  P->Y = h->alloc(m * k * sizeof(double));
  double *Qu = h->alloc(m * r * sizeof(double));
  double *Qv = h->alloc(d * r * sizeof(double));
  double *Wt = h->alloc(k * d * sizeof(double));
  int rc = LNB_OK;
  if (!P->X || !P->Y || !Qu || !Qv || !Wt) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for synthetic data (m=%zu, d=%zu, k=%zu)",
                  m, d, k);
    goto done;
  }
  lnb_rng rng;
  h->rng_init(&rng, seed, "lsq-data");
  if ((rc = lnbp_random_orthonormal(h, &rng, m, r, Qu, err)) != LNB_OK) goto done;
  if ((rc = lnbp_random_orthonormal(h, &rng, d, r, Qv, err)) != LNB_OK) goto done;
  double top = sqrt((double)m);
  for (size_t j = 0; j < r; j++) {
    double t = r > 1 ? (double)j / (double)(r - 1) : 0.0;
    double sj = top * pow(cond, -t);
    for (size_t i = 0; i < m; i++) Qu[i * r + j] *= sj;
  }
  h->gemm(LNB_NO_TRANS, LNB_TRANS, m, d, r, 1.0, Qu, r, Qv, r, 0.0, P->X, d);
  lnbp_fill_normal(h, &rng, Wt, k * d, 1.0 / sqrt((double)d));
  h->gemm(LNB_NO_TRANS, LNB_TRANS, m, k, d, 1.0, P->X, d, Wt, d, 0.0, P->Y, k);
  if (noise > 0.0)
    for (size_t i = 0; i < m * k; i++) P->Y[i] += noise * h->rng_normal(&rng);
done:
  if (Qu) h->free(Qu);
  if (Qv) h->free(Qv);
  if (Wt) h->free(Wt);
  return rc;
}

/* W* = Y^T (X^+)^T and l* = c min ||X W^T - Y||^2 (lnbp_lstsq.h: no copy of a
 * tall X; exactly 0 when X has full row rank). */
static int lsq_solve(lsq *P, lnb_error *err) {
  double rss = 0.0;
  int rc = lnbp_lstsq_minnorm(P->host, P->X, P->Y, P->m, P->d, P->k, P->Wstar, &rss,
                              &P->rank, err);
  P->lstar = P->c * rss;
  return rc;
}

/* -------------------------------------------------------------------- ops */

static void lsq_destroy(void *self) {
  lsq *P = self;
  if (!P) return;
  const lnb_host *h = P->host;
  if (P->X) h->free(P->X);
  if (P->Y) h->free(P->Y);
  if (P->R) h->free(P->R);
  if (P->Wstar) h->free(P->Wstar);
  lnbp_gram_free(h, &P->g);
  lnbp_rows_free(h, &P->rb);
  h->free(P);
}

static int lsq_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  lsq_source src;
  int rc = lsq_resolve_source(h, p, &src, err);
  if (rc != LNB_OK) return rc;
  if (src == SRC_INLINE) {
    size_t m, d, k;
    return lsq_inline_shape(h, p, &m, &d, &k, err);
  }
  if (h->param_int(p, "k") < 1) return h->error(err, LNB_EINVAL, "k must be >= 1");
  if (src == SRC_CSV) {
    char *full = lnbp_data_path(h, p, h->param_string(p, "path"));
    if (!full) return h->error(err, LNB_ENOMEM, "out of memory");
    /* parse it all now, so a bad file is reported before any run starts */
    double *data = NULL;
    size_t rows = 0, cols = 0;
    rc = h->read_csv(full, &data, &rows, &cols, err);
    if (rc == LNB_OK && cols <= (size_t)h->param_int(p, "k"))
      rc = h->error(err, LNB_EDIM, "%s has %zu columns: need more than k = %lld (the last k are "
                    "the targets)", full, cols, (long long)h->param_int(p, "k"));
    if (data) h->free(data);
    h->free(full);
    return rc;
  }
  if (h->param_int(p, "m") < 1 || h->param_int(p, "d") < 1)
    return h->error(err, LNB_EINVAL, "m and d must be >= 1");
  if (!(h->param_real(p, "condition") >= 1.0))
    return h->error(err, LNB_EINVAL, "condition must be >= 1");
  return LNB_OK;
}

static int lsq_create(const lnb_host *h, const lnb_params *p, uint64_t seed, void **self,
                      lnb_error *err) {
  *self = NULL;
  int rc = lsq_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  lsq_source src;
  lsq_resolve_source(h, p, &src, err);
  lsq *P = h->alloc(sizeof *P);
  if (!P) return h->error(err, LNB_ENOMEM, "out of memory");
  P->host = h;
  if (src == SRC_INLINE)
    rc = lsq_load_inline(P, p, err);
  else if (src == SRC_CSV)
    rc = lsq_load_csv(P, p, (size_t)h->param_int(p, "k"), err);
  else
    rc = lsq_synthesize(P, p, seed, err);
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
  const char *red = h->param_string(p, "reduction");
  P->c = (red && strcmp(red, "sum") == 0) ? 0.5 : 0.5 / (double)P->m;
  const char *ev = h->param_string(p, "eval");
  P->gram = strcmp(ev, "gram") == 0 || (strcmp(ev, "auto") == 0 && lnbp_gram_pays(P->m, P->d, P->k));
  /* the m x k residual buffer serves the residual form only */
  if (!P->gram && !(P->R = h->alloc(P->m * P->k * sizeof(double)))) {
    rc = h->error(err, LNB_ENOMEM, "out of memory");
    goto fail;
  }
  if (!(P->Wstar = h->alloc(P->k * P->d * sizeof(double)))) {
    rc = h->error(err, LNB_ENOMEM, "out of memory");
    goto fail;
  }
  if ((rc = lsq_solve(P, err)) != LNB_OK) goto fail;
  if (P->gram && (rc = lnbp_gram_init(h, &P->g, P->X, P->Y, P->m, P->d, P->k, P->c, P->Wstar,
                                      P->lstar, err)) != LNB_OK)
    goto fail;
  *self = P;
  return LNB_OK;
fail:
  lsq_destroy(P);
  return rc;
}

static void lsq_dims(const void *self, size_t *k, size_t *d) {
  const lsq *P = self;
  *k = P->k;
  *d = P->d;
}

/* l = c ||R||^2 with R = X We^T - Y; grad = 2c R^T X (k x d) */
static double lsq_eval(void *self, const double *We, double *grad) {
  lsq *P = self;
  const lnb_host *h = P->host;
  size_t m = P->m, d = P->d, k = P->k;
  if (P->gram) return lnbp_gram_eval(h, &P->g, We, grad);
  lnbp_copy(P->R, P->Y, m * k);
  h->gemm(LNB_NO_TRANS, LNB_TRANS, m, k, d, 1.0, P->X, d, We, d, -1.0, P->R, k);
  double l = P->c * lnbp_frob2(P->R, m * k);
  if (grad)
    h->gemm(LNB_TRANS, LNB_NO_TRANS, k, d, m, 2.0 * P->c, P->R, k, P->X, d, 0.0, grad, d);
  return l;
}

/* lnnbench bench: residual X We^T (2mkd), ||R||^2 (2mk), gradient R^T X
 * (2mkd); or the normal-equations form (lnbp_gram.h) */
static double lsq_flops(const void *self, int grad) {
  const lsq *P = self;
  return P->gram ? lnbp_gram_eval_flops(P->m, P->d, P->k, grad)
                 : lnbp_residual_eval_flops(P->m, P->d, P->k, grad);
}

static int lsq_optimum(const void *self, double *lstar) {
  const lsq *P = self;
  *lstar = P->lstar;
  return 1;
}

static const double *lsq_reference(const void *self) {
  const lsq *P = self;
  return P->Wstar;
}

static int lsq_linear_system(const void *self, lnb_linsys *out) {
  const lsq *P = self;
  out->X = P->X;
  out->Y = P->Y;
  out->m = P->m;
  out->scale = P->c;
  return 1;
}

/* ---------------------------------------------- samples (ABI 1.4) */

static size_t lsq_nsamples(const void *self) { return ((const lsq *)self)->m; }

static int lsq_batch_prepare(void *self, size_t max_rows, lnb_error *err) {
  lsq *P = self;
  return lnbp_rows_prepare(P->host, &P->rb, max_rows, P->d, P->k, err);
}

static double lsq_eval_rows(void *self, const double *We, const size_t *rows, size_t n,
                          double *grad) {
  lsq *P = self;
  return lnbp_rows_eval(P->host, &P->rb, P->X, P->Y, P->m, P->d, P->k, 2, P->c, rows, n,
                        We, grad);
}

static const lnb_problem_ops lsq_ops = {
    .struct_size = sizeof(lnb_problem_ops),
    .create = lsq_create,
    .destroy = lsq_destroy,
    .dims = lsq_dims,
    .eval = lsq_eval,
    .optimum = lsq_optimum,
    .reference = lsq_reference,
    .linear_system = lsq_linear_system,
    .validate = lsq_validate,
    .flops = lsq_flops,
    .nsamples = lsq_nsamples,
    .batch_prepare = lsq_batch_prepare,
    .eval_rows = lsq_eval_rows,
};

static const lnb_plugin lsq_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_PROBLEM,
    .name = "lsq",
    .summary = "least squares c*||X W^T - Y||_F^2 (synthetic, CSV or inline data)",
    .params = lsq_params,
    .ops = &lsq_ops,
    .description =
        "Least squares over the k x d end-to-end matrix W: l(W) = c ||X W^T - Y||_F^2 with "
        "X m x d and Y m x k; c = 1/(2m) (reduction: mean) or 1/2 (reduction: sum, paper "
        "000's 1/2 ||A y - b||^2 with A = X, y = W^T, b = Y).\n"
        "Data: synthetic (X = Qu diag(sigma) Qv^T with random orthonormal factors and "
        "singular values log-spaced from sqrt(m) to sqrt(m)/condition, Y = X W_true^T + "
        "noise), csv (last k columns are targets), or inline (A, b).\n"
        "Known at create from a thin SVD of X with cutoff max(m,d) eps s_max: the optimal "
        "loss l* (0 for full-row-rank, i.e. underdetermined, systems) and the minimum-norm "
        "solution theta* = W* = Y^T (X^+)^T (the reference). Exposes the linear system "
        "(X, Y, m, c).",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &lsq_desc : NULL;
}
