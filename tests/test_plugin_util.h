/* test_plugin_util.h — helpers for the plugin tests (lsq, linear,
 * deep_linear, gd): load the built plugins, build parameter sets, wire a
 * problem + architecture into an lnb_model the way the harness does, run a
 * config through the harness, and compare gradients with central finite
 * differences. */
#ifndef LNB_TEST_PLUGIN_UTIL_H
#define LNB_TEST_PLUGIN_UTIL_H

#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "harness.h"
#include "host.h"
#include "params.h"
#include "registry.h"

/* The host table with exact-size (unrounded) allocations, so that valgrind
 * or ASan see any overrun in a plugin (the real alloc rounds up to 64). */
static inline void *tp_exact_alloc(size_t n) { return calloc(1, n ? n : 1); }
static lnb_host tp_host_table;
static inline const lnb_host *tp_host(void) {
  if (!tp_host_table.struct_size) {
    tp_host_table = *lnb_host_get();
    tp_host_table.alloc = tp_exact_alloc;
  }
  return &tp_host_table;
}

static lnb_registry tp_reg;
static int tp_reg_loaded;

static inline int tp_setup(void **state) {
  (void)state;
  memset(&tp_reg, 0, sizeof tp_reg);
  if (lnb_registry_load_path(&tp_reg, LNB_TEST_PLUGIN_DIR) != 0) return -1;
  tp_reg_loaded = 1;
  return 0;
}

static inline int tp_teardown(void **state) {
  (void)state;
  if (tp_reg_loaded) lnb_registry_free(&tp_reg);
  tp_reg_loaded = 0;
  return 0;
}

static inline const lnb_plugin *tp_plugin(lnb_kind kind, const char *name) {
  const lnb_loaded *l = lnb_registry_find(&tp_reg, kind, name);
  if (!l) {
    for (size_t i = 0; i < tp_reg.nfail; i++)
      print_error("load failure: %s\n", tp_reg.failures[i].reason);
    fail_msg("plugin %s not found in %s", name, LNB_TEST_PLUGIN_DIR);
  }
  return l->plugin;
}

static inline lnb_params *tp_params(const lnb_plugin *pl) {
  lnb_error err = {0};
  lnb_params *p = lnb__params_new(pl, ".", &err);
  if (!p) fail_msg("params_new(%s): %s", pl->name, err.msg);
  return p;
}

static inline long tp_index(lnb_params *p, const char *name) {
  long j = lnb__spec_find(p->plugin->params, name);
  if (j < 0) fail_msg("%s has no parameter %s", p->plugin->name, name);
  return j;
}

static inline void tp_set(lnb_params *p, const char *name, const char *text) {
  long j = tp_index(p, name);
  char why[512];
  if (lnb__value_from_text(&p->plugin->params[j], text, &p->v[j], why, sizeof why) != 0)
    fail_msg("%s = %s: %s", name, text, why);
  p->v[j].given = 1;
}

static inline void tp_setf(lnb_params *p, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void tp_setf(lnb_params *p, const char *name, const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  tp_set(p, name, buf);
}

/* MATRIX (rows x cols) or REAL_LIST (rows = 1) from doubles, exact (%.17g) */
static inline void tp_set_reals(lnb_params *p, const char *name, const double *a, size_t rows,
                         size_t cols) {
  long j = tp_index(p, name);
  size_t n = rows * cols;
  char **texts = calloc(n ? n : 1, sizeof *texts);
  char *store = calloc(n ? n : 1, 32);
  assert_non_null(texts);
  assert_non_null(store);
  for (size_t i = 0; i < n; i++) {
    texts[i] = store + 32 * i;
    snprintf(texts[i], 32, "%.17g", a[i]);
  }
  char why[512];
  if (lnb__value_from_list(&p->plugin->params[j], (const char *const *)texts, rows, cols,
                           &p->v[j], why, sizeof why) != 0)
    fail_msg("%s: %s", name, why);
  p->v[j].given = 1;
  free(texts);
  free(store);
}

static inline void tp_set_ints(lnb_params *p, const char *name, const int64_t *a, size_t n) {
  long j = tp_index(p, name);
  char **texts = calloc(n ? n : 1, sizeof *texts);
  char *store = calloc(n ? n : 1, 32);
  assert_non_null(texts);
  assert_non_null(store);
  for (size_t i = 0; i < n; i++) {
    texts[i] = store + 32 * i;
    snprintf(texts[i], 32, "%lld", (long long)a[i]);
  }
  char why[512];
  if (lnb__value_from_list(&p->plugin->params[j], (const char *const *)texts, 1, n, &p->v[j],
                           why, sizeof why) != 0)
    fail_msg("%s: %s", name, why);
  p->v[j].given = 1;
  free(texts);
  free(store);
}

/* ----------------------------------------------------------- problems */

typedef struct tp_problem {
  const lnb_problem_ops *ops;
  void *self;
  size_t k, d;
} tp_problem;

static inline tp_problem tp_problem_create(lnb_params *p, uint64_t seed) {
  tp_problem P = {0};
  P.ops = p->plugin->ops;
  lnb_error err = {0};
  const lnb_host *h = tp_host();
  if (P.ops->validate && P.ops->validate(h, p, &err) != LNB_OK)
    fail_msg("%s validate: %s", p->plugin->name, err.msg);
  if (P.ops->create(h, p, seed, &P.self, &err) != LNB_OK)
    fail_msg("%s create: %s", p->plugin->name, err.msg);
  P.ops->dims(P.self, &P.k, &P.d);
  return P;
}

static inline void tp_problem_destroy(tp_problem *P) {
  if (P->self) P->ops->destroy(P->self);
  P->self = NULL;
}

/* -------------------------------------------------------- architectures */

typedef struct tp_arch {
  const lnb_arch_ops *ops;
  void *self;
  lnb_tensor *t;
  size_t n;
} tp_arch;

static inline int tp_arch_try(lnb_params *p, size_t k, size_t d, uint64_t seed, tp_arch *A,
                       lnb_error *err) {
  memset(A, 0, sizeof *A);
  A->ops = p->plugin->ops;
  const lnb_host *h = tp_host();
  lnb_problem_info info = {sizeof(lnb_problem_info), k, d, NULL, NULL};
  int rc = A->ops->validate ? A->ops->validate(h, p, err) : LNB_OK;
  if (rc == LNB_OK) rc = A->ops->create(h, p, &info, seed, &A->self, err);
  if (rc == LNB_OK) A->t = A->ops->tensors(A->self, &A->n);
  return rc;
}

static inline tp_arch tp_arch_create(lnb_params *p, size_t k, size_t d, uint64_t seed) {
  tp_arch A;
  lnb_error err = {0};
  if (tp_arch_try(p, k, d, seed, &A, &err) != LNB_OK)
    fail_msg("%s create: %s", p->plugin->name, err.msg);
  return A;
}

static inline void tp_arch_destroy(tp_arch *A) {
  if (A->self) A->ops->destroy(A->self);
  A->self = NULL;
}

/* ------------------------------------------------------ model for optimizers */

typedef struct tp_model {
  lnb_model m; /* first: the optimizer sees this */
  tp_problem *P;
  tp_arch *A;
  double *We, *G;
} tp_model;

static inline double tp_model_loss(lnb_model *m) {
  tp_model *t = (tp_model *)m;
  t->A->ops->end_to_end(t->A->self, t->We);
  return t->P->ops->eval(t->P->self, t->We, NULL);
}

static inline double tp_model_loss_grad(lnb_model *m) {
  tp_model *t = (tp_model *)m;
  t->A->ops->end_to_end(t->A->self, t->We);
  double l = t->P->ops->eval(t->P->self, t->We, t->G);
  t->A->ops->backward(t->A->self, t->G);
  return l;
}

static inline const double *tp_model_we(lnb_model *m) { return ((tp_model *)m)->We; }

static inline int tp_model_set(lnb_model *m, const double *We, lnb_error *err) {
  tp_model *t = (tp_model *)m;
  return t->A->ops->set_end_to_end(t->A->self, We, err);
}

static inline void tp_model_init(tp_model *t, tp_problem *P, tp_arch *A) {
  memset(t, 0, sizeof *t);
  t->P = P;
  t->A = A;
  t->We = calloc(P->k * P->d, sizeof(double));
  t->G = calloc(P->k * P->d, sizeof(double));
  assert_non_null(t->We);
  assert_non_null(t->G);
  t->m.struct_size = sizeof(lnb_model);
  t->m.tensors = A->t;
  t->m.ntensors = A->n;
  t->m.k = P->k;
  t->m.d = P->d;
  t->m.architecture = "test";
  t->m.loss = tp_model_loss;
  t->m.loss_grad = tp_model_loss_grad;
  t->m.end_to_end = tp_model_we;
  t->m.set_end_to_end = A->ops->set_end_to_end ? tp_model_set : NULL;
  t->m.host_ctx = t;
}

static inline void tp_model_free(tp_model *t) {
  free(t->We);
  free(t->G);
}

/* ---------------------------------------------------- through the harness */

/* parse a YAML config against the loaded plugins; fails the test on error */
static inline void tp_load(const char *text, lnb_config *cfg) {
  lnb_error err = {0};
  int rc = lnb_config_load_string(text, strlen(text), "test.yaml", &tp_reg, cfg, &err);
  if (rc != LNB_OK) fail_msg("config error: %s", err.msg);
}

/* run every cell; results[i] for run i (free with tp_free_all) */
static inline lnb_run_result *tp_run_all(const lnb_config *cfg, size_t *n) {
  lnb_run_spec *runs = lnb_expand_runs(cfg, n);
  assert_non_null(runs);
  lnb_run_result *res = calloc(*n, sizeof *res);
  assert_non_null(res);
  lnb_problem_inst pi;
  memset(&pi, 0, sizeof pi);
  for (size_t i = 0; i < *n; i++) lnb_run_one(cfg, &runs[i], &pi, &res[i]);
  lnb_problem_inst_release(&pi);
  free(runs);
  return res;
}

static inline void tp_free_all(lnb_run_result *r, size_t n) {
  for (size_t i = 0; i < n; i++) lnb_run_result_free(&r[i]);
  free(r);
}

/* One run of a config through the harness, stepped by hand: open runs
 * cell 0 up to its iteration-0 gradient; step t is lnb_run_ctx_iterate. */
typedef struct tp_trace {
  lnb_config cfg;
  lnb_run_spec *runs;
  size_t nruns;
  lnb_problem_inst pi;
  lnb_run_ctx *ctx;
  lnb_model *m;
} tp_trace;

static inline void tp_trace_open(tp_trace *tr, const char *text) {
  memset(tr, 0, sizeof *tr);
  tp_load(text, &tr->cfg);
  tr->runs = lnb_expand_runs(&tr->cfg, &tr->nruns);
  assert_non_null(tr->runs);
  lnb_run_result res;
  int rc = lnb_run_ctx_create(&tr->cfg, &tr->runs[0], &tr->pi, &tr->ctx, &res);
  if (rc != LNB_OK) fail_msg("run: %s", res.message);
  tr->m = lnb_run_ctx_model(tr->ctx);
  lnb_run_ctx_loss_grad(tr->ctx);
}

static inline void tp_trace_close(tp_trace *tr) {
  lnb_run_ctx_destroy(tr->ctx);
  lnb_problem_inst_release(&tr->pi);
  free(tr->runs);
  lnb_config_free(&tr->cfg);
}

static inline void tp_trace_step(tp_trace *tr, uint64_t t) {
  lnb_error err = {0};
  double loss;
  if (lnb_run_ctx_iterate(tr->ctx, t, &loss, &err) != LNB_OK) fail_msg("step: %s", err.msg);
}

/* Backward of a model (any architecture, predictors included) against
 * central differences of model->loss through the harness: the one run of
 * config `text`, after `steps` iterations (so the check is not at the init
 * only), at its current (mini-)batch. Returns max over every tensor entry of
 * |g_fd - g| / max(1, |g|), h = 1e-5. */
static inline double tp_run_fd_error(const char *text, int steps) {
  lnb_config cfg;
  tp_load(text, &cfg);
  size_t nr = 0;
  lnb_run_spec *runs = lnb_expand_runs(&cfg, &nr);
  assert_int_equal(nr, 1);
  lnb_problem_inst pi;
  memset(&pi, 0, sizeof pi);
  lnb_problem_inst_prepare(&pi, runs[0].problem, runs[0].seed);
  assert_false(pi.failed);
  lnb_run_ctx *ctx = NULL;
  lnb_run_result res;
  if (lnb_run_ctx_create(&cfg, &runs[0], &pi, &ctx, &res) != LNB_OK) fail_msg("%s", res.message);
  lnb_error err = {0};
  double loss;
  lnb_run_ctx_loss_grad(ctx);
  for (int t = 1; t <= steps; t++)
    assert_int_equal(lnb_run_ctx_iterate(ctx, (uint64_t)t, &loss, &err), 0);
  lnb_model *m = lnb_run_ctx_model(ctx);
  m->loss_grad(m); /* the gradients at the current parameters and batch */
  size_t total = 0;
  for (size_t t = 0; t < m->ntensors; t++) total += m->tensors[t].rows * m->tensors[t].cols;
  double *g = calloc(total, sizeof *g);
  assert_non_null(g);
  for (size_t t = 0, o = 0; t < m->ntensors; t++) {
    size_t n = m->tensors[t].rows * m->tensors[t].cols;
    memcpy(g + o, m->tensors[t].grad, n * sizeof *g);
    o += n;
  }
  const double h = 1e-5;
  double worst = 0.0;
  for (size_t t = 0, o = 0; t < m->ntensors; t++) {
    lnb_tensor *T = &m->tensors[t];
    for (size_t i = 0; i < T->rows * T->cols; i++, o++) {
      double v = T->data[i];
      T->data[i] = v + h;
      double lp = m->loss(m);
      T->data[i] = v - h;
      double lm = m->loss(m);
      T->data[i] = v;
      double fd = (lp - lm) / (2 * h), e = fabs(fd - g[o]) / fmax(1.0, fabs(g[o]));
      if (e > worst) worst = e;
    }
  }
  free(g);
  lnb_run_ctx_destroy(ctx);
  lnb_problem_inst_release(&pi);
  free(runs);
  lnb_config_free(&cfg);
  return worst;
}

/* --------------------------------------------------------------- numerics */

static inline double tp_norm(const double *a, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += a[i] * a[i];
  return sqrt(s);
}

static inline double tp_diff_norm(const double *a, const double *b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
  return sqrt(s);
}

static inline double tp_max_abs_diff(const double *a, const double *b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s = fmax(s, fabs(a[i] - b[i]));
  return s;
}

/* naive paper 001, Definition 1: max_j ||W_{j+1}^T W_{j+1} - W_j W_j^T||_F */
static inline double tp_unbalancedness(const tp_arch *A) {
  double worst = 0;
  for (size_t j = 0; j + 1 < A->n; j++) {
    const lnb_tensor *L = &A->t[j], *U = &A->t[j + 1];
    size_t h = L->rows;
    double s = 0;
    for (size_t a = 0; a < h; a++)
      for (size_t b = 0; b < h; b++) {
        double x = 0, y = 0;
        for (size_t l = 0; l < U->rows; l++) x += U->data[l * h + a] * U->data[l * h + b];
        for (size_t l = 0; l < L->cols; l++)
          y += L->data[a * L->cols + l] * L->data[b * L->cols + l];
        s += (x - y) * (x - y);
      }
    worst = fmax(worst, sqrt(s));
  }
  return worst;
}

/* naive C = A B (A r x n, B n x c), for independent checks */
static inline void tp_matmul(const double *A, const double *B, double *C, size_t r, size_t n,
                      size_t c) {
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++) {
      double s = 0;
      for (size_t l = 0; l < n; l++) s += A[i * n + l] * B[l * c + j];
      C[i * c + j] = s;
    }
}

static inline void tp_random(lnb_rng *r, double *a, size_t n, double scale) {
  for (size_t i = 0; i < n; i++) a[i] = scale * lnb__rng_normal(r);
}

/* ------------------------------------------- backward vs finite differences */

/* ||g_fd - g|| / ||g|| for the problem's own gradient at W0 (all k x d
 * entries), central differences with step h */
static inline double tp_problem_fd_rel(tp_problem *P, const double *W0, double h) {
  size_t n = P->k * P->d;
  double *W = malloc(n * sizeof *W), *g = malloc(n * sizeof *g), *gfd = malloc(n * sizeof *gfd);
  assert_non_null(W);
  assert_non_null(g);
  assert_non_null(gfd);
  memcpy(W, W0, n * sizeof *W);
  P->ops->eval(P->self, W, g);
  for (size_t i = 0; i < n; i++) {
    double w = W[i];
    W[i] = w + h;
    double lp = P->ops->eval(P->self, W, NULL);
    W[i] = w - h;
    double lm = P->ops->eval(P->self, W, NULL);
    W[i] = w;
    gfd[i] = (lp - lm) / (2 * h);
  }
  double rel = tp_diff_norm(gfd, g, n) / tp_norm(g, n);
  free(W);
  free(g);
  free(gfd);
  return rel;
}

/* f(theta) = l(W_e(theta)) at the architecture's current parameters; We is
 * scratch of k x d */
static inline double tp_loss_at(tp_problem *P, tp_arch *A, double *We) {
  A->ops->end_to_end(A->self, We);
  return P->ops->eval(P->self, We, NULL);
}

/* relative error ||g_fd - g|| / ||g|| of backward (at the current parameters)
 * against central finite differences (h = 1e-5) over every entry of every
 * tensor; fails unless ||g|| > 0 */
static inline double tp_backward_fd_rel(tp_problem *P, tp_arch *A) {
  size_t kd = P->k * P->d;
  double *We = calloc(kd ? kd : 1, sizeof *We), *G = calloc(kd ? kd : 1, sizeof *G);
  assert_non_null(We);
  assert_non_null(G);
  A->ops->end_to_end(A->self, We);
  P->ops->eval(P->self, We, G);
  A->ops->backward(A->self, G);
  double num = 0, den = 0;
  const double h = 1e-5;
  for (size_t j = 0; j < A->n; j++) {
    lnb_tensor *T = &A->t[j];
    size_t n = T->rows * T->cols;
    double *g = malloc((n ? n : 1) * sizeof *g);
    assert_non_null(g);
    memcpy(g, T->grad, n * sizeof *g);
    for (size_t i = 0; i < n; i++) {
      double w0 = T->data[i];
      T->data[i] = w0 + h;
      double lp = tp_loss_at(P, A, We);
      T->data[i] = w0 - h;
      double lm = tp_loss_at(P, A, We);
      T->data[i] = w0;
      double fd = (lp - lm) / (2 * h);
      num += (fd - g[i]) * (fd - g[i]);
      den += g[i] * g[i];
    }
    free(g);
  }
  free(We);
  free(G);
  assert_true(den > 0);
  return sqrt(num / den);
}

#endif
