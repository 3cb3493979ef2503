/* check.c — `lnnbench check NAME|FILE.so`: the plugin author's self-test.
 *
 * Every plugin named (or every plugin of the file) is exercised directly
 * through its ops, without a config, at several parameter settings: the
 * defaults, and each other choice of an enum parameter (one at a time; a
 * required enum without default: each of its choices). A setting that the
 * plugin's validate or create refuses is reported as "skip" (except the
 * defaults, which must work). One line per check, "ok", "skip" or "FAIL" with
 * its numbers. See check.h for what is checked and the tolerances.
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"
#include "params.h"

#define CHK_MAX_SETTINGS 8
#define CHK_FD_COORDS 16  /* coordinates checked per point */
#define CHK_FD_POINTS 2   /* random points per setting */
#define CHK_GRAD_TOL 1e-5 /* central differences: relative error */
#define CHK_SETE2E_TOL 1e-9
#define CHK_SEED UINT64_C(20261203)

/* ----------------------------------------------------------- the counting host */

static lnb_host g_host;
static int g_counting;
static unsigned long g_nalloc, g_nfree;

static void *chk_alloc(size_t bytes) {
  if (g_counting) g_nalloc++;
  return lnb__alloc(bytes);
}

static void chk_free(void *p) {
  if (g_counting && p) g_nfree++;
  lnb__free(p);
}

static void count_begin(void) {
  g_nalloc = g_nfree = 0;
  g_counting = 1;
}

static unsigned long count_end(void) {
  g_counting = 0;
  return g_nalloc + g_nfree;
}

/* ----------------------------------------------------------------- reporting */

typedef struct chk {
  FILE *out;
  size_t nok, nfail, nskip;
  const lnb_plugin *p;
  const char *setting; /* label of the current setting */
  size_t nchecked;     /* settings of the current plugin that were created */
  size_t nrefused_model; /* optimizer creates that refused the check model */
  lnb_rng rng;
} chk;

__attribute__((format(printf, 4, 5))) static void line(chk *c, int verdict, const char *what,
                                                       const char *fmt, ...) {
  static const char *const tag[] = {"FAIL", "ok  ", "skip"};
  if (verdict == 0) c->nfail++;
  else if (verdict == 1) c->nok++;
  else c->nskip++;
  fprintf(c->out, "%s %s %s [%s] %s: ", tag[verdict], lnb_kind_name(c->p->kind), c->p->name,
          c->setting ? c->setting : "-", what);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(c->out, fmt, ap);
  va_end(ap);
  fputc('\n', c->out);
}

static void randn(chk *c, double *x, size_t n, double scale) {
  for (size_t i = 0; i < n; i++) x[i] = scale * lnb__rng_normal(&c->rng);
}

/* the coordinates of a point checked by finite differences: all when n is
 * small, else CHK_FD_COORDS drawn at random */
static size_t pick_coords(chk *c, size_t n, size_t *idx) {
  if (n <= CHK_FD_COORDS) {
    for (size_t i = 0; i < n; i++) idx[i] = i;
    return n;
  }
  for (size_t i = 0; i < CHK_FD_COORDS; i++) idx[i] = (size_t)(lnb__rng_u64(&c->rng) % n);
  return CHK_FD_COORDS;
}

/* Relative error of one coordinate: |fd - g| / max(|fd|, |g|, 1e-3 gmax),
 * gmax the largest |gradient entry| of the point (so that entries near 0
 * are measured against the gradient's scale). */
static double rel_err(double fd, double g, double gmax) {
  double den = fmax(fmax(fabs(fd), fabs(g)), 1e-3 * gmax);
  if (den == 0) return 0;
  return fabs(fd - g) / den;
}

static double step_h(double x) { return 1e-5 * fmax(1.0, fabs(x)); }

/* a gradient check's verdict line; worst is NaN when a value was not finite */
static void grad_line(chk *c, const char *what, double worst, size_t ncoords) {
  int ok = worst <= CHK_GRAD_TOL;
  line(c, ok, what,
       "max rel err %.2e over %zu coords at %d random points (central differences, h = "
       "1e-5 max(1,|x|); tol %.0e)",
       worst, ncoords, CHK_FD_POINTS, CHK_GRAD_TOL);
}

/* --------------------------------------------------------------- settings */

typedef struct setting {
  lnb_params *params;
  char label[160];
} setting;

/* set spec j of p from text (a choice); 0 ok */
static int set_text(lnb_params *p, size_t j, const char *text) {
  char why[256];
  lnb_value v = {0};
  if (lnb__value_from_text(&p->plugin->params[j], text, &v, why, sizeof why) != 0) return -1;
  v.given = 1;
  lnb__value_clear(&p->v[j]);
  p->v[j] = v;
  return 0;
}

/* the settings of c->p; returns how many (0 with a FAIL or skip line said) */
static size_t make_settings(chk *c, setting *s) {
  const lnb_plugin *p = c->p;
  lnb_error err = {0};
  lnb_params *def = lnb__params_new(p, ".", &err);
  if (!def) {
    line(c, 0, "parameter defaults", "%s", err.msg);
    return 0;
  }
  size_t n = 0;
  long req = -1; /* a required parameter without default */
  for (size_t j = 0; j < def->n; j++)
    if (!p->params[j].default_value && (p->params[j].flags & LNB_P_REQUIRED)) {
      if (req >= 0 || p->params[j].type != LNB_T_ENUM || !p->params[j].choices) {
        line(c, 2, "settings", "required parameter '%s' has no default to check with",
             p->params[j].name);
        lnb__params_free(def);
        return 0;
      }
      req = (long)j;
    }
  if (req < 0) {
    s[n].params = def;
    snprintf(s[n++].label, sizeof s->label, "defaults");
  }
  for (size_t j = 0; j < def->n && n < CHK_MAX_SETTINGS; j++) {
    const lnb_param_spec *sp = &p->params[j];
    if (sp->type != LNB_T_ENUM || !sp->choices) continue;
    if (req >= 0 && (long)j != req) continue;
    const char *a = sp->choices;
    while (*a && n < CHK_MAX_SETTINGS) {
      size_t w = strcspn(a, "|");
      char choice[64];
      if (w < sizeof choice) {
        memcpy(choice, a, w);
        choice[w] = '\0';
        if (!sp->default_value || strcmp(choice, sp->default_value) != 0) {
          lnb_params *q = lnb__params_clone(def);
          if (q && set_text(q, j, choice) == 0) {
            s[n].params = q;
            snprintf(s[n++].label, sizeof s->label, "%s=%s", sp->name, choice);
          } else if (q)
            lnb__params_free(q);
        }
      }
      a += w;
      if (*a == '|') a++;
    }
  }
  if (req >= 0) lnb__params_free(def);
  return n;
}

/* validate hook of the plugin, if any */
static int run_validate(const lnb_plugin *p, const lnb_params *params, lnb_error *err) {
  int (*v)(const lnb_host *, const lnb_params *, lnb_error *) = NULL;
  if (p->kind == LNB_PROBLEM) v = ((const lnb_problem_ops *)p->ops)->validate;
  else if (p->kind == LNB_ARCHITECTURE) v = ((const lnb_arch_ops *)p->ops)->validate;
  else v = ((const lnb_optimizer_ops *)p->ops)->validate;
  return v ? v(&g_host, params, err) : LNB_OK;
}

/* ------------------------------------------------------------------ problem */

static void check_problem(chk *c, const lnb_params *params) {
  const lnb_problem_ops *o = c->p->ops;
  lnb_error err = {0};
  void *A = NULL, *B = NULL;
  int rc = o->create(&g_host, params, CHK_SEED, &A, &err);
  if (rc != LNB_OK) {
    line(c, 2, "create", "refused: %s", err.msg);
    return;
  }
  c->nchecked++;
  size_t k = 0, d = 0;
  o->dims(A, &k, &d);
  size_t n = k * d;
  double *buf = calloc(5 * n + 1, sizeof *buf);
  size_t idx[CHK_FD_COORDS];
  if (!buf) {
    line(c, 0, "memory", "out of memory");
    o->destroy(A);
    return;
  }
  double *W = buf, *G = W + n, *G2 = G + n;
  double worst = 0;
  size_t ncoords = 0;
  for (int pt = 0; pt < CHK_FD_POINTS; pt++) {
    randn(c, W, n, 1.0 / sqrt((double)d));
    o->eval(A, W, G);
    double gmax = 0;
    for (size_t i = 0; i < n; i++) gmax = fmax(gmax, fabs(G[i]));
    size_t m = pick_coords(c, n, idx);
    for (size_t q = 0; q < m; q++) {
      size_t i = idx[q];
      double x = W[i], h = step_h(x);
      W[i] = x + h;
      double fp = o->eval(A, W, NULL);
      W[i] = x - h;
      double fm = o->eval(A, W, NULL);
      W[i] = x;
      double e = rel_err((fp - fm) / (2 * h), G[i], gmax);
      if (!(e <= worst)) worst = e; /* NaN sticks */
    }
    ncoords += m;
  }
  grad_line(c, "gradient of eval", worst, ncoords);

  /* no allocation in eval (with and without gradient) and metric */
  const lnb_metric_spec *ms = LNB_OPT_OP(lnb_problem_ops, o, metrics);
  double (*metric)(void *, size_t, const double *) = LNB_OPT_OP(lnb_problem_ops, o, metric);
  count_begin();
  for (int r = 0; r < 3; r++) {
    o->eval(A, W, G);
    o->eval(A, W, NULL);
  }
  for (size_t j = 0; ms && metric && ms[j].name; j++) metric(A, j, W);
  unsigned long na = count_end();
  line(c, na == 0, "no allocation in eval/metric", "%lu host allocs+frees in 6 evals and the metrics (tol 0)", na);

  /* sample-level: eval_rows over every row in order equals eval */
  size_t (*nsamples)(const void *) = LNB_OPT_OP(lnb_problem_ops, o, nsamples);
  int (*prep)(void *, size_t, lnb_error *) = LNB_OPT_OP(lnb_problem_ops, o, batch_prepare);
  double (*rows)(void *, const double *, const size_t *, size_t, double *) =
      LNB_OPT_OP(lnb_problem_ops, o, eval_rows);
  if (nsamples && prep && rows) {
    size_t ns = nsamples(A);
    size_t *r = ns && ns <= ((size_t)1 << 20) ? malloc(ns * sizeof *r) : NULL;
    if (r && prep(A, ns, &err) == LNB_OK) {
      for (size_t i = 0; i < ns; i++) r[i] = i;
      double l = o->eval(A, W, G);
      count_begin();
      double lr = rows(A, W, r, ns, G2);
      na = count_end();
      double de = 0, gn = 0;
      for (size_t i = 0; i < n; i++) {
        de = fmax(de, fabs(G2[i] - G[i]));
        gn = fmax(gn, fabs(G[i]));
      }
      double rl = fabs(lr - l) / fmax(fabs(l), 1e-300), rg = de / fmax(gn, 1e-300);
      line(c, rl <= 1e-9 && rg <= 1e-9 && na == 0, "eval_rows(all rows) = eval",
           "loss rel diff %.2e, grad rel diff %.2e (tol 1e-9), %lu host allocs+frees", rl, rg,
           na);
    } else
      line(c, 2, "eval_rows", "not checked (%zu samples%s%s)", ns, r ? ": " : "",
           r ? err.msg : "");
    free(r);
  }

  /* the per-sample form (ABI 1.5): loss_outputs' dZ against central
   * differences on 4 training rows, inputs and loss_outputs without
   * allocation */
  if (lnb_problem_has_outputs(o) && nsamples && prep && nsamples(A) >= 4) {
    enum { NR = 4 };
    static const size_t rows4[NR] = {0, 1, 2, 3};
    double *Z = calloc(2 * NR * k + 1, sizeof *Z), *dZ = Z ? Z + NR * k : NULL;
    if (Z && prep(A, NR, &err) == LNB_OK) {
      randn(c, Z, NR * k, 1.0);
      count_begin();
      o->inputs(A, LNB_SPLIT_TRAIN, rows4, 0, NR);
      o->loss_outputs(A, LNB_SPLIT_TRAIN, rows4, 0, NR, Z, dZ, NULL);
      na = count_end();
      double gmax = 0, worst_z = 0;
      for (size_t i = 0; i < NR * k; i++) gmax = fmax(gmax, fabs(dZ[i]));
      size_t m = pick_coords(c, NR * k, idx);
      for (size_t q = 0; q < m; q++) {
        size_t i = idx[q];
        double x = Z[i], h = step_h(x);
        Z[i] = x + h;
        double fp = o->loss_outputs(A, LNB_SPLIT_TRAIN, rows4, 0, NR, Z, NULL, NULL);
        Z[i] = x - h;
        double fm = o->loss_outputs(A, LNB_SPLIT_TRAIN, rows4, 0, NR, Z, NULL, NULL);
        Z[i] = x;
        double e = rel_err((fp - fm) / (2 * h), dZ[i], gmax);
        if (!(e <= worst_z)) worst_z = e;
      }
      line(c, worst_z <= CHK_GRAD_TOL, "gradient of loss_outputs",
           "max rel err %.2e over %zu entries of Z (4 rows; tol %.0e)", worst_z, m, CHK_GRAD_TOL);
      line(c, na == 0, "no allocation in inputs/loss_outputs", "%lu host allocs+frees (tol 0)",
           na);
    }
    free(Z);
  }

  /* determinism: a second instance of the same seed, and a second eval */
  rc = o->create(&g_host, params, CHK_SEED, &B, &err);
  if (rc != LNB_OK) line(c, 0, "determinism", "second create refused: %s", err.msg);
  else {
    double la = o->eval(A, W, G), la2 = o->eval(A, W, W + 3 * n);
    double lb = o->eval(B, W, G2);
    int same = memcmp(&la, &lb, sizeof la) == 0 && memcmp(G, G2, n * sizeof *G) == 0 &&
               memcmp(&la, &la2, sizeof la) == 0 && memcmp(G, W + 3 * n, n * sizeof *G) == 0;
    const double *(*ref)(const void *) = LNB_OPT_OP(lnb_problem_ops, o, reference);
    if (ref && ref(A) && ref(B)) same = same && memcmp(ref(A), ref(B), n * sizeof(double)) == 0;
    line(c, same, "determinism", "seed %llu twice: loss %.17g vs %.17g, gradient and reference %s",
         (unsigned long long)CHK_SEED, la, lb, same ? "bitwise equal" : "differ (or a 2nd eval differs)");
    o->destroy(B);
  }
  free(buf);
  o->destroy(A);
}

/* ------------------------------------------------------------- architecture */

typedef struct arch_run {
  const lnb_arch_ops *o;
  void *self;
  int predictor;
  size_t k, d, nrows;
  double *X, *Z; /* predictor: nrows x d inputs, nrows x k outputs */
} arch_run;

static const size_t shapes[][2] = {{3, 4}, {4, 4}, {2, 3}, {1, 4}, {4, 2}, {10, 12}};

/* f(theta) = <G, model output>: of the end-to-end matrix, or of the
 * predictor's outputs on X */
static double arch_f(arch_run *a, const double *G) {
  size_t n = a->predictor ? a->nrows * a->k : a->k * a->d;
  if (a->predictor) a->o->forward(a->self, a->X, a->nrows, a->Z);
  else a->o->end_to_end(a->self, a->Z);
  double s = 0;
  for (size_t i = 0; i < n; i++) s += G[i] * a->Z[i];
  return s;
}

static void arch_backward(arch_run *a, const double *G) {
  arch_f(a, G);
  if (a->predictor) a->o->backward_outputs(a->self, G, a->nrows);
  else a->o->backward(a->self, G);
}

/* The problem an architecture is created for: a least-squares problem with
 * CHK_LS_M random samples X, a random reference theta and Y = X theta^T,
 * exposed as its linear system (some initializations need it). */
#define CHK_LS_M 16
static int arch_create(chk *c, arch_run *a, const lnb_params *params, uint32_t uses,
                       lnb_error *err) {
  double X[CHK_LS_M * 12], Y[CHK_LS_M * 10], theta[10 * 12];
  lnb_rng r;
  lnb__rng_init(&r, CHK_SEED, "check-linsys");
  for (size_t i = 0; i < CHK_LS_M * a->d; i++) X[i] = lnb__rng_normal(&r);
  for (size_t i = 0; i < a->k * a->d; i++) theta[i] = lnb__rng_normal(&r) / sqrt((double)a->d);
  lnb__gemm(LNB_NO_TRANS, LNB_TRANS, CHK_LS_M, a->k, a->d, 1.0, X, a->d, theta, a->d, 0.0, Y,
            a->k);
  lnb_linsys ls = {.X = X, .Y = Y, .m = CHK_LS_M, .scale = 0.5 / CHK_LS_M};
  lnb_problem_info info = {.struct_size = sizeof info, .k = a->k, .d = a->d, .uses = uses,
                           .reference = theta, .linsys = &ls};
  int rc = a->o->create(&g_host, params, &info, CHK_SEED, &a->self, err);
  if (rc == LNB_OK && a->predictor) {
    int (*prep)(void *, size_t, lnb_error *) = LNB_OPT_OP(lnb_arch_ops, a->o, predict_prepare);
    if (prep && (rc = prep(a->self, a->nrows, err)) != LNB_OK) a->o->destroy(a->self);
  }
  (void)c;
  return rc;
}

/* tensors of two instances: same shapes, bitwise equal data */
static int tensors_equal(const lnb_arch_ops *o, void *A, void *B) {
  size_t na = 0, nb = 0;
  lnb_tensor *ta = o->tensors(A, &na), *tb = o->tensors(B, &nb);
  if (na != nb) return 0;
  for (size_t j = 0; j < na; j++)
    if (ta[j].rows != tb[j].rows || ta[j].cols != tb[j].cols ||
        memcmp(ta[j].data, tb[j].data, ta[j].rows * ta[j].cols * sizeof(double)) != 0)
      return 0;
  return 1;
}

static void check_arch(chk *c, const lnb_params *params) {
  arch_run a = {.o = c->p->ops, .nrows = 5};
  a.predictor = lnb_arch_is_predictor(a.o);
  int (*cs)(const lnb_host *, const lnb_params *, size_t, size_t, lnb_error *) =
      LNB_OPT_OP(lnb_arch_ops, a.o, check_shape);
  lnb_error err = {0};
  int rc = LNB_EINVAL;
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes && rc != LNB_OK; s++) {
    a.k = shapes[s][0];
    a.d = shapes[s][1];
    if (cs && cs(&g_host, params, a.k, a.d, &err) != 0) continue;
    rc = arch_create(c, &a, params, 0, &err);
  }
  if (rc != LNB_OK) {
    line(c, 2, "create", "refused at every shape tried: %s", err.msg);
    return;
  }
  c->nchecked++;
  size_t nout = (a.predictor ? a.nrows : a.d) * a.k;
  double *buf = calloc(3 * nout + a.nrows * a.d + 1, sizeof *buf);
  size_t nt = 0;
  lnb_tensor *T = a.o->tensors(a.self, &nt);
  size_t total = 0;
  for (size_t j = 0; j < nt; j++) total += T[j].rows * T[j].cols;
  double *gsave = calloc(total + 1, sizeof *gsave);
  if (!buf || !gsave) {
    line(c, 0, "memory", "out of memory");
    goto out;
  }
  a.Z = buf;
  double *G = buf + nout, *We = G + nout;
  a.X = We + nout;
  randn(c, a.X, a.nrows * a.d, 1.0);
  int names_ok = 1;
  for (size_t j = 0; j < nt; j++) names_ok = names_ok && T[j].name && T[j].name[0];
  line(c, names_ok, "tensor names", "%zu tensors, %zu parameters, shape k=%zu d=%zu%s", nt, total,
       a.k, a.d, names_ok ? "" : ": a tensor without name");

  double worst = 0;
  size_t ncoords = 0, idx[CHK_FD_COORDS];
  const char *gnote = LNB_OPT_OP(lnb_arch_ops, a.o, gradient_note);
  randn(c, G, nout, 1.0);
  if (gnote) line(c, 2, "gradient of backward", "not checked (gradient_note): %s", gnote);
  for (int pt = 0; pt < CHK_FD_POINTS && !gnote; pt++) {
    if (pt > 0) /* a random point near the initialization */
      for (size_t j = 0; j < nt; j++)
        for (size_t i = 0; i < T[j].rows * T[j].cols; i++)
          T[j].data[i] += 0.3 * lnb__rng_normal(&c->rng);
    randn(c, G, nout, 1.0);
    arch_backward(&a, G); /* twice: a backward that accumulates fails below */
    arch_backward(&a, G);
    for (size_t j = 0, off = 0; j < nt; j++) {
      size_t m = T[j].rows * T[j].cols;
      memcpy(gsave + off, T[j].grad, m * sizeof *gsave);
      off += m;
    }
    for (size_t j = 0, off = 0; j < nt; j++) {
      size_t m = T[j].rows * T[j].cols, q = pick_coords(c, m, idx);
      double gmax = 0;
      for (size_t i = 0; i < m; i++) gmax = fmax(gmax, fabs(gsave[off + i]));
      for (size_t r = 0; r < q; r++) {
        size_t i = idx[r];
        double x = T[j].data[i], h = step_h(x);
        T[j].data[i] = x + h;
        double fp = arch_f(&a, G);
        T[j].data[i] = x - h;
        double fm = arch_f(&a, G);
        T[j].data[i] = x;
        double e = rel_err((fp - fm) / (2 * h), gsave[off + i], gmax);
        if (!(e <= worst)) worst = e;
      }
      ncoords += q;
      off += m;
    }
  }
  if (!gnote)
    grad_line(c, a.predictor ? "gradient of backward_outputs" : "gradient of backward", worst,
              ncoords);

  /* set_end_to_end round trip */
  int (*sete2e)(void *, const double *, lnb_error *) = LNB_OPT_OP(lnb_arch_ops, a.o, set_end_to_end);
  unsigned long nset = 0;
  if (sete2e && !a.predictor) {
    double *target = calloc(nout, sizeof *target);
    if (target) {
      randn(c, target, nout, 1.0);
      count_begin();
      rc = sete2e(a.self, target, &err);
      nset = count_end();
      if (rc == LNB_ENOTSUP) line(c, 2, "set_end_to_end", "not supported here: %s", err.msg);
      else if (rc != LNB_OK) line(c, 0, "set_end_to_end", "failed: %s", err.msg);
      else {
        a.o->end_to_end(a.self, We);
        double num = 0, den = 0;
        for (size_t i = 0; i < nout; i++) {
          num += (We[i] - target[i]) * (We[i] - target[i]);
          den += target[i] * target[i];
        }
        double e = sqrt(num / den);
        line(c, e <= CHK_SETE2E_TOL, "set_end_to_end round trip",
             "||end_to_end - We|| / ||We|| = %.2e at a random We (tol %.0e)", e, CHK_SETE2E_TOL);
      }
      free(target);
    }
  }

  /* no allocation in the hot ops and metrics */
  const lnb_metric_spec *ms = LNB_OPT_OP(lnb_arch_ops, a.o, metrics);
  double (*metric)(void *, size_t) = LNB_OPT_OP(lnb_arch_ops, a.o, metric);
  count_begin();
  for (int r = 0; r < 3; r++) arch_backward(&a, G);
  for (size_t j = 0; ms && metric && ms[j].name; j++) metric(a.self, j);
  unsigned long na = count_end() + nset;
  line(c, na == 0, "no allocation in forward/backward/metric/set_end_to_end",
       "%lu host allocs+frees (tol 0)", na);

  /* determinism, and the declared uses: an instance told that the run uses
   * no hook must still compute the same model */
  arch_run b = a;
  rc = arch_create(c, &b, params, 0, &err);
  if (rc != LNB_OK) line(c, 0, "determinism", "second create refused: %s", err.msg);
  else {
    arch_run fresh = a;
    if (arch_create(c, &fresh, params, 0, &err) == LNB_OK) {
      int same = tensors_equal(a.o, b.self, fresh.self);
      double fb = arch_f(&b, G), ff = arch_f(&fresh, G);
      same = same && memcmp(&fb, &ff, sizeof fb) == 0;
      line(c, same, "determinism", "seed %llu twice: parameters and outputs %s",
           (unsigned long long)CHK_SEED, same ? "bitwise equal" : "differ");
      a.o->destroy(fresh.self);
    }
    a.o->destroy(b.self);
    arch_run u = a;
    if (arch_create(c, &u, params, LNB_USES_DECLARED, &err) == LNB_OK) {
      arch_run v = a;
      if (arch_create(c, &v, params, 0, &err) == LNB_OK) {
        double fu = arch_f(&u, G), fv = arch_f(&v, G);
        line(c, memcmp(&fu, &fv, sizeof fu) == 0, "uses",
             "created for a run using no hook: output %.17g vs %.17g", fu, fv);
        a.o->destroy(v.self);
      }
      a.o->destroy(u.self);
    } else
      line(c, 0, "uses", "create for a run using no hook refused: %s", err.msg);
  }
out:
  free(gsave);
  free(buf);
  a.o->destroy(a.self);
}

/* ---------------------------------------------------------------- optimizer */

/* The check model: one 2 x 3 tensor W (its own end-to-end matrix) and the
 * smooth loss sum_i 0.5 (w_i - t_i)^2 + 0.025 (w_i - t_i)^4. */
#define CHK_K 2
#define CHK_D 3
typedef struct chk_model {
  lnb_model m;
  lnb_tensor t;
  double w[CHK_K * CHK_D], g[CHK_K * CHK_D];
  unsigned long nset; /* set_end_to_end calls */
} chk_model;

static const double chk_target[CHK_K * CHK_D] = {1.0, -2.0, 0.5, 0.25, 3.0, -1.0};

static double cm_eval(lnb_model *m, int grad) {
  chk_model *c = m->host_ctx;
  double l = 0;
  for (size_t i = 0; i < CHK_K * CHK_D; i++) {
    double r = c->w[i] - chk_target[i];
    l += 0.5 * r * r + 0.025 * r * r * r * r;
    if (grad) c->g[i] = r + 0.1 * r * r * r;
  }
  return l;
}
static double cm_loss(lnb_model *m) { return cm_eval(m, 0); }
static double cm_loss_grad(lnb_model *m) { return cm_eval(m, 1); }
static const double *cm_e2e(lnb_model *m) { return ((chk_model *)m->host_ctx)->w; }
static int cm_set(lnb_model *m, const double *We, lnb_error *err) {
  (void)err;
  chk_model *c = m->host_ctx;
  c->nset++;
  memmove(c->w, We, sizeof c->w);
  return LNB_OK;
}

static void cm_init(chk_model *c) {
  memset(c, 0, sizeof *c);
  for (size_t i = 0; i < CHK_K * CHK_D; i++) c->w[i] = 0.1 * (double)i - 0.2;
  c->t = (lnb_tensor){"W", c->w, c->g, CHK_K, CHK_D, LNB_EUCLIDEAN};
  c->m = (lnb_model){.struct_size = sizeof c->m, .tensors = &c->t, .ntensors = 1, .k = CHK_K,
                     .d = CHK_D, .architecture = "check_model", .loss = cm_loss,
                     .loss_grad = cm_loss_grad, .end_to_end = cm_e2e,
                     .set_end_to_end = cm_set, .host_ctx = c};
  cm_loss_grad(&c->m);
}

/* n steps of an optimizer from the check model's start; 0 ok */
static int opt_steps(const lnb_optimizer_ops *o, void *self, chk_model *cm, uint64_t t0, int n,
                     lnb_error *err) {
  for (int i = 0; i < n; i++) {
    int rc = o->step(self, &cm->m, t0 + (uint64_t)i, err);
    if (rc != LNB_OK) return rc;
    cm_loss_grad(&cm->m);
  }
  return LNB_OK;
}

/* does the optimizer's ops table reach field? */
#define CHK_HAS(ops, field)                                                                  \
  (offsetof(lnb_optimizer_ops, field) + sizeof(((lnb_optimizer_ops *)0)->field) <=           \
   (ops)->struct_size)

static void check_optimizer(chk *c, const lnb_params *params) {
  const lnb_optimizer_ops *o = c->p->ops;
  lnb_error err = {0};
  chk_model ma, mb;
  cm_init(&ma);
  cm_init(&mb);
  void *A = NULL, *B = NULL;
  int rc = o->create(&g_host, params, &ma.m, CHK_SEED, &A, &err);
  if (rc != LNB_OK) {
    line(c, 2, "create", "refused the check model (one 2 x 3 tensor, a smooth loss): %s",
         err.msg);
    c->nrefused_model++;
    return;
  }
  c->nchecked++;
  double l0 = cm_loss(&ma.m);
  rc = opt_steps(o, A, &ma, 1, 3, &err);
  count_begin();
  if (rc == LNB_OK) rc = opt_steps(o, A, &ma, 4, 20, &err);
  unsigned long na = count_end();
  if (rc != LNB_OK) line(c, 0, "step", "failed: %s", err.msg);
  else {
    double l1 = cm_loss(&ma.m);
    line(c, isfinite(l1), "step", "loss %.6g -> %.6g after 23 steps", l0, l1);
    line(c, na == 0, "no allocation in step", "%lu host allocs+frees in 20 steps (tol 0)", na);
  }

  uint32_t uses = CHK_HAS(o, uses) ? o->uses : 0;
  if ((uses & LNB_USES_DECLARED) && !(uses & LNB_USES_SET_END_TO_END))
    line(c, ma.nset == 0, "uses", "declares no set_end_to_end; called it %lu times", ma.nset);

  rc = o->create(&g_host, params, &mb.m, CHK_SEED, &B, &err);
  chk_model mc;
  cm_init(&mc);
  void *C = NULL;
  if (rc == LNB_OK) rc = o->create(&g_host, params, &mc.m, CHK_SEED, &C, &err);
  if (rc != LNB_OK) line(c, 0, "determinism", "another create refused: %s", err.msg);
  else {
    int r1 = opt_steps(o, B, &mb, 1, 5, &err), r2 = opt_steps(o, C, &mc, 1, 5, &err);
    int same = r1 == r2 && memcmp(mb.w, mc.w, sizeof mb.w) == 0;
    line(c, same, "determinism", "seed %llu twice, 5 steps: parameters %s",
         (unsigned long long)CHK_SEED, same ? "bitwise equal" : "differ");
  }
  if (C) o->destroy(C);
  if (B) o->destroy(B);

  uint32_t tf = CHK_HAS(o, transforms) ? o->transforms : 0;
  double (*lr)(const void *) = LNB_OPT_OP(lnb_optimizer_ops, o, lr);
  void (*scale)(void *, double) = LNB_OPT_OP(lnb_optimizer_ops, o, set_lr_scale);
  if (tf & LNB_TF_DECLARED) {
    int ok = (!(tf & (LNB_TF_SCHEDULE | LNB_TF_DECOUPLED)) || lr) &&
             (!(tf & LNB_TF_SCHEDULE) || scale);
    double v = lr ? lr(A) : NAN;
    ok = ok && (!lr || (isfinite(v) && v > 0));
    line(c, ok, "transforms", "declared 0x%x, lr %s (%.6g), set_lr_scale %s", tf & ~LNB_TF_DECLARED,
         lr ? "given" : "none", v, scale ? "given" : "none");
  }
  o->destroy(A);
}

/* ------------------------------------------------------------ descriptor */

/* what `describe` prints must exist: summary, every help text, metric names */
static void check_describe(chk *c) {
  const lnb_plugin *p = c->p;
  lnb_error err = {0};
  int ok = p->summary && p->summary[0];
  const char *bad = ok ? NULL : "summary";
  for (size_t j = 0; ok && p->params && p->params[j].name; j++)
    if (!p->params[j].help || !p->params[j].help[0]) ok = 0, bad = p->params[j].name;
  const lnb_metric_spec *ms = NULL;
  if (p->kind == LNB_PROBLEM) ms = LNB_OPT_OP(lnb_problem_ops, (const lnb_problem_ops *)p->ops, metrics);
  if (p->kind == LNB_ARCHITECTURE) ms = LNB_OPT_OP(lnb_arch_ops, (const lnb_arch_ops *)p->ops, metrics);
  for (size_t j = 0; ok && ms && ms[j].name; j++)
    if (!ms[j].help || !ms[j].help[0] || strspn(ms[j].name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(ms[j].name))
      ok = 0, bad = ms[j].name;
  line(c, ok, "describe", ok ? "summary, parameter and metric help present" : "no help or a bad name: %s",
       bad);
  int sc = lnb__specs_check(p->params, &err);
  line(c, sc == 0, "parameter specs", "%s", sc == 0 ? "names, types, ranges, choices and defaults parse" : err.msg);
}

static void check_setting(chk *c, const lnb_params *params) {
  lnb_error err = {0};
  int rc = run_validate(c->p, params, &err);
  if (rc != LNB_OK) line(c, 2, "validate", "refused: %s", err.msg);
  else if (c->p->kind == LNB_PROBLEM) check_problem(c, params);
  else if (c->p->kind == LNB_ARCHITECTURE) check_arch(c, params);
  else check_optimizer(c, params);
}

/* One setting in a child process, so that a plugin that crashes or hangs
 * (CHK_SETTING_SECONDS) is a FAIL line and the other settings and plugins
 * are still checked. The child's counts come back through a pipe. */
#define CHK_SETTING_SECONDS 120
static void check_setting_isolated(chk *c, const lnb_params *params) {
  int fd[2];
  fflush(c->out);
  if (pipe(fd) != 0) {
    check_setting(c, params);
    return;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    check_setting(c, params);
    return;
  }
  if (pid == 0) {
    close(fd[0]);
    alarm(CHK_SETTING_SECONDS);
    chk d = *c;
    d.nok = d.nfail = d.nskip = d.nchecked = d.nrefused_model = 0;
    check_setting(&d, params);
    fflush(d.out);
    size_t counts[5] = {d.nok, d.nfail, d.nskip, d.nchecked, d.nrefused_model};
    ssize_t w = write(fd[1], counts, sizeof counts);
    _exit(w == (ssize_t)sizeof counts ? 0 : 3);
  }
  close(fd[1]);
  /* wait first, then read without blocking: a process the plugin forked may
   * hold the pipe open after the child is gone */
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  size_t counts[5];
  fcntl(fd[0], F_SETFL, O_NONBLOCK);
  ssize_t got = read(fd[0], counts, sizeof counts);
  close(fd[0]);
  if (got == (ssize_t)sizeof counts && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    c->nok += counts[0];
    c->nfail += counts[1];
    c->nskip += counts[2];
    c->nchecked += counts[3];
    c->nrefused_model += counts[4];
  } else if (WIFSIGNALED(status)) {
    c->nchecked++;
    int sig = WTERMSIG(status);
    if (sig == SIGALRM)
      line(c, 0, "crash", "the checks still ran after %d s (killed)", CHK_SETTING_SECONDS);
    else line(c, 0, "crash", "the checks died of signal %d (%s)", sig, strsignal(sig));
  } else {
    c->nchecked++;
    line(c, 0, "crash", "the checks exited with status %d",
         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
}

static void check_plugin(chk *c, const lnb_loaded *l) {
  c->p = l->plugin;
  c->setting = NULL;
  c->nchecked = c->nrefused_model = 0;
  lnb__rng_init(&c->rng, CHK_SEED, l->plugin->name);
  check_describe(c);
  setting s[CHK_MAX_SETTINGS];
  size_t ns = make_settings(c, s);
  for (size_t i = 0; i < ns; i++) {
    c->setting = s[i].label;
    check_setting_isolated(c, s[i].params);
    lnb__params_free(s[i].params);
  }
  c->setting = NULL;
  /* an optimizer may refuse the check model by name (it needs a particular
   * architecture); any other plugin must be checkable at some setting */
  if (ns && !c->nchecked && !c->nrefused_model)
    line(c, 0, "settings", "none of the %zu settings tried could be created: give parameters "
                           "defaults that validate and create on their own", ns);
}

int lnb_check(const lnb_registry *reg, const char *name, FILE *out, size_t *nfail) {
  g_host = *lnb_host_get();
  g_host.alloc = chk_alloc;
  g_host.free = chk_free;
  chk c = {.out = out};
  size_t n = 0;
  for (size_t i = 0; i < reg->n; i++) {
    if (name && strcmp(reg->items[i].plugin->name, name) != 0) continue;
    check_plugin(&c, &reg->items[i]);
    n++;
  }
  fprintf(out, "%zu plugin%s: %zu ok, %zu skipped, %zu FAILED\n", n, n == 1 ? "" : "s", c.nok,
          c.nskip, c.nfail);
  *nfail = c.nfail;
  return (int)n;
}
