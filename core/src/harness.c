/* harness.c — run expansion and the iteration loop of one run.
 *
 * Per iteration: step (optimizer) then loss+gradient at the new iterate
 * (end_to_end -> problem eval -> backward). Only these are timed; checkpoint
 * recording (metrics, storage) is excluded from the clock. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lapacke.h>

#include "host.h"
#include "params.h"
#include "registry.h"

static const char *const status_names[] = {
#define LNB__RSN(name, text) text,
    LNB_RUN_STATUS_MAP(LNB__RSN)
#undef LNB__RSN
};

const char *lnb_run_status_name(lnb_run_status s) {
  return (unsigned)s < sizeof status_names / sizeof *status_names ? status_names[s] : "?";
}

int lnb_run_status_from_name(const char *name) {
  for (int i = 0; i < LNB_RUN_STATUS_COUNT; i++)
    if (strcmp(status_names[i], name) == 0) return i;
  return -1;
}

int lnb_run_status_failed(lnb_run_status s) {
  return s == LNB_RUN_ERROR || s == LNB_RUN_CRASHED;
}

static const char *const metric_names[] = {
#define LNB__MN(name, cols, help) #name,
    LNB_CORE_METRICS(LNB__MN)
#undef LNB__MN
};
static const char *const metric_helps[] = {
#define LNB__MH(name, cols, help) help,
    LNB_CORE_METRICS(LNB__MH)
#undef LNB__MH
};
static const size_t metric_cols[] = {
#define LNB__MC(name, cols, help) cols,
    LNB_CORE_METRICS(LNB__MC)
#undef LNB__MC
};
enum {
#define LNB__ME(name, cols, help) METRIC_##name,
  LNB_CORE_METRICS(LNB__ME)
#undef LNB__ME
  METRIC_COUNT
};

size_t lnb_core_metric_count(void) { return METRIC_COUNT; }
const char *lnb_core_metric_name(size_t i) { return i < METRIC_COUNT ? metric_names[i] : NULL; }
const char *lnb_core_metric_help(size_t i) { return i < METRIC_COUNT ? metric_helps[i] : NULL; }

static int core_metric_find(const char *name) {
  for (int i = 0; i < METRIC_COUNT; i++)
    if (strcmp(metric_names[i], name) == 0) return i;
  return -1;
}

static const lnb_metric_spec *plugin_metrics(const lnb_plugin *p) {
  if (p->kind == LNB_PROBLEM)
    return LNB_OPT_OP(lnb_problem_ops, (const lnb_problem_ops *)p->ops, metrics);
  if (p->kind == LNB_ARCHITECTURE)
    return LNB_OPT_OP(lnb_arch_ops, (const lnb_arch_ops *)p->ops, metrics);
  return NULL;
}

static long spec_index(const lnb_metric_spec *m, const char *name) {
  for (long i = 0; m && m[i].name; i++)
    if (strcmp(m[i].name, name) == 0) return i;
  return -1;
}

size_t lnb_metric_width(const lnb_config *cfg, const char *name) {
  int core = core_metric_find(name);
  if (core >= 0)
    return metric_cols[core] ? metric_cols[core] : (size_t)(cfg->record.top_k > 0 ? cfg->record.top_k : 3);
  const lnb_cellset *sets[2] = {&cfg->problems, &cfg->architectures};
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < sets[s]->n; i++)
      if (spec_index(plugin_metrics(sets[s]->cells[i].plugin->plugin), name) >= 0) return 1;
  return 0;
}

const char *lnb_metric_closest(const lnb_config *cfg, const char *name) {
  const char *cands[256];
  size_t n = 0;
  for (size_t i = 0; i < METRIC_COUNT; i++) cands[n++] = metric_names[i];
  const lnb_cellset *sets[2] = {&cfg->problems, &cfg->architectures};
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < sets[s]->n; i++) {
      const lnb_metric_spec *m = plugin_metrics(sets[s]->cells[i].plugin->plugin);
      for (size_t j = 0; m && m[j].name && n < 256; j++) cands[n++] = m[j].name;
    }
  return lnb__closest(name, cands, n);
}

const char *lnb_metric_help(const lnb_config *cfg, const char *name) {
  int core = core_metric_find(name);
  if (core >= 0) return metric_helps[core];
  const lnb_cellset *sets[2] = {cfg ? &cfg->problems : NULL, cfg ? &cfg->architectures : NULL};
  for (int s = 0; s < 2 && cfg; s++)
    for (size_t i = 0; i < sets[s]->n; i++) {
      const lnb_metric_spec *m = plugin_metrics(sets[s]->cells[i].plugin->plugin);
      long k = spec_index(m, name);
      if (k >= 0) return m[k].help;
    }
  return NULL;
}

size_t lnb_metric_ncols(const lnb_config *cfg) {
  size_t n = 0;
  for (size_t i = 0; i < cfg->record.nmetrics; i++) n += lnb_metric_width(cfg, cfg->record.metrics[i]);
  return n;
}

void lnb_metric_colname(const lnb_config *cfg, size_t col, char *buf, size_t n) {
  for (size_t i = 0; i < cfg->record.nmetrics; i++) {
    size_t w = lnb_metric_width(cfg, cfg->record.metrics[i]);
    if (col < w) {
      if (w == 1) snprintf(buf, n, "%s", cfg->record.metrics[i]);
      else snprintf(buf, n, "%s_%zu", cfg->record.metrics[i], col + 1);
      return;
    }
    col -= w;
  }
  snprintf(buf, n, "?");
}

void lnb_run_result_free(lnb_run_result *r) {
  if (!r) return;
  free(r->checkpoints);
  free(r->metric_store);
  if (r->spooled && r->spool_fd >= 0) close(r->spool_fd);
  memset(r, 0, sizeof *r);
}

lnb_run_spec *lnb_expand_runs(const lnb_config *cfg, size_t *n) {
  size_t total = lnb_config_run_count(cfg);
  *n = 0;
  if (total == 0) return NULL;
  lnb_run_spec *runs = calloc(total, sizeof *runs);
  if (!runs) return NULL;
  size_t idx = 0;
  for (size_t p = 0; p < cfg->problems.n; p++)
    for (size_t s = 0; s < cfg->nseeds; s++)
      for (size_t a = 0; a < cfg->architectures.n; a++)
        for (size_t o = 0; o < cfg->optimizers.n; o++) {
          if (!lnb_cell_pairs(&cfg->architectures.cells[a], &cfg->optimizers.cells[o])) continue;
          lnb_run_spec *r = &runs[idx];
          r->index = idx++;
          r->problem = &cfg->problems.cells[p];
          r->architecture = &cfg->architectures.cells[a];
          r->optimizer = &cfg->optimizers.cells[o];
          r->seed = cfg->seeds[s];
        }
  *n = idx; /* == total */
  return runs;
}

static void fnv(uint64_t *h, const char *s) {
  for (; *s; s++) {
    *h ^= (unsigned char)*s;
    *h *= 0x100000001b3ull;
  }
  *h ^= 0xff; /* field separator */
  *h *= 0x100000001b3ull;
}

static void fnv_cell(uint64_t *h, const lnb_cell *c) {
  fnv(h, c->plugin->plugin->name);
  { /* the plugin file's content and the data files the cell reads (a
     * rebuilt plugin or an edited CSV makes another run) */
    char buf[64];
    snprintf(buf, sizeof buf, "plugin_file=%016llx", (unsigned long long)c->plugin->hash);
    fnv(h, buf);
    for (size_t i = 0; i < c->nfiles; i++) {
      snprintf(buf, sizeof buf, "data_file=%016llx", (unsigned long long)c->files[i].hash);
      fnv(h, buf);
    }
  }
  for (size_t j = 0; j < c->params->n; j++) {
    fnv(h, c->plugin->plugin->params[j].name);
    fnv(h, c->params->v[j].set && c->params->v[j].text ? c->params->v[j].text : "<unset>");
  }
  if (c->batch_size) { /* mini-batches; a full batch hashes as before they existed */
    char buf[64];
    snprintf(buf, sizeof buf, "batch_size=%zu,sampling=%d", c->batch_size, c->sampling);
    fnv(h, buf);
  }
  if (lnb_transforms_active(&c->tf)) { /* step transforms; none hash as before them */
    static const char *const keys[] = LNB_CELL_HOST_KEYS;
    char buf[LNB_CELL_HOST_TEXT_MAX + 32];
    for (size_t q = 2; q < LNB_CELL_NHOST_KEYS; q++) {
      char text[LNB_CELL_HOST_TEXT_MAX];
      if (!lnb_cell_host_text(c, keys[q], text, sizeof text)) continue;
      snprintf(buf, sizeof buf, "%s=%s", keys[q], text);
      fnv(h, buf);
    }
  }
}

uint64_t lnb_run_spec_hash(const lnb_config *cfg, const lnb_run_spec *spec) {
  uint64_t h = 0xcbf29ce484222325ull;
  char buf[128];
  fnv_cell(&h, spec->problem);
  fnv_cell(&h, spec->architecture);
  fnv_cell(&h, spec->optimizer);
  snprintf(buf, sizeof buf, "seed=%llu", (unsigned long long)spec->seed);
  fnv(&h, buf);
  snprintf(buf, sizeof buf, "stop=%lld,%d,%.17g,%.17g", (long long)cfg->stop.max_iters,
           cfg->stop.has_target, cfg->stop.has_target ? cfg->stop.target_gap : 0.0,
           cfg->stop.max_seconds);
  fnv(&h, buf);
  snprintf(buf, sizeof buf, "record=%d,%lld,%d", cfg->record.per_decade,
           (long long)cfg->record.every, cfg->record.top_k);
  fnv(&h, buf);
  for (size_t i = 0; i < cfg->record.nmetrics; i++) fnv(&h, cfg->record.metrics[i]);
  return h;
}

/* ------------------------------------------------------------ checkpoints */

static uint64_t log_point(int per_decade, uint64_t j) {
  double v = pow(10.0, (double)j / (double)per_decade);
  return (uint64_t)ceil(v - 1e-9);
}

int lnb_is_checkpoint(const lnb_config *cfg, uint64_t t) {
  if (t == 0) return 1;
  return lnb_next_checkpoint(cfg, t - 1) == t;
}

/* The log-spaced points are ceil(10^(j/ppd)); the smallest one above t is
 * found from j ~ ppd log10(t) and a short walk, so the run loop pays one
 * pow/log10 per checkpoint instead of per iteration. */
uint64_t lnb_next_checkpoint(const lnb_config *cfg, uint64_t t) {
  int ppd = cfg->record.per_decade > 0 ? cfg->record.per_decade : 10;
  uint64_t next = UINT64_MAX;
  if (t == UINT64_MAX) return next;
  if (cfg->record.every > 0) {
    uint64_t e = (uint64_t)cfg->record.every;
    next = (t / e + 1) * e; /* may wrap only past 2^64 iterations */
    if (next <= t) next = UINT64_MAX;
  }
  int64_t j = t > 0 ? (int64_t)floor((double)ppd * log10((double)t)) - 2 : 0;
  if (j < 0) j = 0;
  uint64_t v;
  while ((v = log_point(ppd, (uint64_t)j)) <= t) j++;
  return v < next ? v : next;
}

/* ------------------------------------------------------------- the model */

typedef struct lnb_run_ctx {
  lnb_model model;
  const lnb_problem_ops *pops;
  void *pself;
  /* the problem's train/test evaluation (ABI 1.4), NULL when it has none */
  double (*eval_split)(void *self, int split, const double *We, double *accuracy);
  const lnb_arch_ops *aops;
  void *aself;
  double *We, *G; /* k x d each */
  /* checkpoint metrics: where each requested metric comes from */
  const lnb_config *cfg;
  const double *reference;
  size_t nm, ncols;
  int *msrc;     /* per metric: -1 unknown here, 0 core, 1 problem, 2 architecture */
  long *midx;    /* index within its source */
  double *work;  /* k x d scratch for SVD / LU */
  double *sv;    /* min(k, d) singular values */
  double *proj;  /* 2 x kd projection for projection_2d */
  int *ipiv;
  const lnb_run_observer *obs;
  const lnb_optimizer_ops *oops;
  void *oself;
  /* mini-batches (the optimizer cell's batch_size > 0; ABI 1.4 problems):
   * loss and gradient over the rows of the current batch */
  size_t batch, m;   /* batch size, training samples */
  int sampling;      /* LNB_SAMPLE_* */
  size_t *perm, pos; /* shuffle: this epoch's order, where the next batch starts */
  size_t *draw;      /* replacement: the batch drawn */
  const size_t *rows;
  size_t nrows;
  double seen;       /* samples whose gradients steps took, for epochs */
  lnb_rng brng;      /* the run seed's "batches" stream: every optimizer sees the same batches */
  double (*eval_rows)(void *self, const double *We, const size_t *rows, size_t n, double *grad);
  /* step transforms (ABI 1.5) of the optimizer cell, applied before each step */
  const lnb_transforms *tf;
  int tf_on, sched_on; /* any active; the schedule active */
  uint64_t budget;     /* steps the run may take (the schedule's T) */
  double base_lr;      /* the optimizer's lr(), NaN without one */
  double lr_scale;     /* the schedule's factor of the last step */
  void (*set_lr_scale)(void *self, double scale);
  /* predictor architectures (ABI 1.5): outputs of the problem's inputs,
   * forwarded `chunk` rows at a time into Z (chunk x k), dZ the loss's
   * gradient on them */
  int predictor;
  size_t chunk, mtest;
  double *Z, *dZ;
  const double *(*inputs)(void *self, int split, const size_t *rows, size_t first, size_t n);
  double (*loss_outputs)(void *self, int split, const size_t *rows, size_t first, size_t n,
                         const double *Z, double *dZ, double *accuracy);
  void (*forward)(void *self, const double *X, size_t n, double *Z);
  void (*backward_outputs)(void *self, const double *dZ, size_t n);
  /* a checkpoint asks for a split's loss and accuracy up to three times
   * (the training loss, train_accuracy; test_loss, test_accuracy): one
   * pass per split and iterate, kept until the next step */
  uint64_t step_no, split_at[2];
  double split_loss[2], split_acc[2];
} run_ctx;

/* the loss the optimizer sees: over every sample, or over the current batch */
static double run_eval(run_ctx *c, double *grad) {
  if (c->batch) return c->eval_rows(c->pself, c->We, c->rows, c->nrows, grad);
  return c->pops->eval(c->pself, c->We, grad);
}

static double pred_split(run_ctx *c, int split, double *acc);

/* A predictor's loss on the training rows the optimizer sees (the batch, or
 * every sample of a full-batch run, whose chunk holds them all), and with
 * grad its tensors' gradients. */
static double pred_eval(run_ctx *c, int grad) {
  const size_t *rows = c->batch ? c->rows : NULL;
  size_t n = c->batch ? c->nrows : c->m;
  if (!rows && n > c->chunk) { /* before the first batch (an optimizer's create) */
    if (!grad) return pred_split(c, LNB_SPLIT_TRAIN, NULL);
    n = c->chunk;
  }
  const double *X = c->inputs(c->pself, LNB_SPLIT_TRAIN, rows, 0, n);
  c->forward(c->aself, X, n, c->Z);
  double l = c->loss_outputs(c->pself, LNB_SPLIT_TRAIN, rows, 0, n, c->Z, grad ? c->dZ : NULL,
                             NULL);
  if (grad) c->backward_outputs(c->aself, c->dZ, n);
  return l;
}

/* A predictor's loss (and, with acc, accuracy) over every sample of split,
 * `chunk` rows per forward, each chunk's share weighted by its rows
 * (untimed: checkpoints). NaN when the split is empty. */
static double pred_split(run_ctx *c, int split, double *acc) {
  size_t m = split == LNB_SPLIT_TEST ? c->mtest : c->m;
  int s = split == LNB_SPLIT_TEST;
  if (acc) *acc = NAN;
  if (m == 0) return NAN;
  if (c->split_at[s] == c->step_no + 1) { /* this iterate's, computed before */
    if (acc) *acc = c->split_acc[s];
    return c->split_loss[s];
  }
  double l = 0.0, a = 0.0;
  for (size_t first = 0, n; first < m; first += n) {
    n = m - first < c->chunk ? m - first : c->chunk;
    const double *X = c->inputs(c->pself, split, NULL, first, n);
    c->forward(c->aself, X, n, c->Z);
    double ai = NAN;
    l += c->loss_outputs(c->pself, split, NULL, first, n, c->Z, NULL, acc ? &ai : NULL) *
         (double)n / (double)m;
    a += ai * (double)n / (double)m;
  }
  if (acc) { /* kept only with the accuracy, so a later ask for it is served */
    *acc = a;
    c->split_at[s] = c->step_no + 1;
    c->split_loss[s] = l;
    c->split_acc[s] = a;
  }
  return l;
}

static double m_loss(lnb_model *m) {
  run_ctx *c = m->host_ctx;
  if (c->predictor) return pred_eval(c, 0);
  c->aops->end_to_end(c->aself, c->We);
  return run_eval(c, NULL);
}

static double m_loss_grad(lnb_model *m) {
  run_ctx *c = m->host_ctx;
  if (c->predictor) return pred_eval(c, 1);
  c->aops->end_to_end(c->aself, c->We);
  double l = run_eval(c, c->G);
  c->aops->backward(c->aself, c->G);
  return l;
}

/* The next mini-batch: shuffle takes the next slice of this epoch's random
 * order (a fresh order each epoch; the last slice of an epoch may be
 * smaller), replacement draws batch rows uniformly. No allocation. */
static void next_batch(run_ctx *c) {
  if (c->sampling == LNB_SAMPLE_REPLACEMENT) {
    for (size_t j = 0; j < c->batch; j++) {
      size_t r = (size_t)(lnb__rng_uniform(&c->brng) * (double)c->m);
      c->draw[j] = r < c->m ? r : c->m - 1;
    }
    c->rows = c->draw, c->nrows = c->batch;
  } else {
    if (c->pos >= c->m) { /* a new epoch: Fisher-Yates on the last order */
      for (size_t i = c->m - 1; i > 0; i--) {
        size_t j = (size_t)(lnb__rng_u64(&c->brng) % (uint64_t)(i + 1));
        size_t t = c->perm[i];
        c->perm[i] = c->perm[j], c->perm[j] = t;
      }
      c->pos = 0;
    }
    c->rows = c->perm + c->pos;
    c->nrows = c->m - c->pos < c->batch ? c->m - c->pos : c->batch;
    c->pos += c->nrows;
  }
}

/* the training loss over every sample at the current iterate (untimed, at
 * checkpoints of mini-batch runs) */
static double full_loss(run_ctx *c) {
  double acc;
  if (c->predictor) return pred_split(c, LNB_SPLIT_TRAIN, &acc);
  c->aops->end_to_end(c->aself, c->We);
  return c->pops->eval(c->pself, c->We, NULL);
}

static const double *m_end_to_end(lnb_model *m) { return ((run_ctx *)m->host_ctx)->We; }

static int m_set_end_to_end(lnb_model *m, const double *We, lnb_error *err) {
  run_ctx *c = m->host_ctx;
  return c->aops->set_end_to_end(c->aself, We, err);
}

/* ------------------------------------------------------- problem instance */

void lnb_problem_inst_release(lnb_problem_inst *pi) {
  if (pi->self && pi->cell) {
    const lnb_problem_ops *ops = pi->cell->plugin->plugin->ops;
    ops->destroy(pi->self);
  }
  memset(pi, 0, sizeof *pi);
}

void lnb_problem_inst_prepare(lnb_problem_inst *pi, const lnb_cell *cell, uint64_t seed) {
  if (pi->cell == cell && pi->seed == seed && (pi->self || pi->failed)) return;
  lnb_problem_inst_release(pi);
  pi->cell = cell;
  pi->seed = seed;
  const lnb_problem_ops *ops = cell->plugin->plugin->ops;
  lnb_error err = {0};
  int rc = ops->create(lnb_host_get(), cell->params, seed, &pi->self, &err);
  if (rc != LNB_OK || !pi->self) {
    pi->failed = 1;
    pi->self = NULL;
    snprintf(pi->message, sizeof pi->message, "problem '%s': %s", cell->plugin->plugin->name,
             err.msg[0] ? err.msg : lnb_strerror(rc ? rc : LNB_EINVAL));
    return;
  }
  ops->dims(pi->self, &pi->k, &pi->d);
  int (*optimum)(const void *, double *) = LNB_OPT_OP(lnb_problem_ops, ops, optimum);
  pi->lstar_known = optimum ? optimum(pi->self, &pi->lstar) : 0;
  if (!pi->lstar_known) pi->lstar = 0.0;
}

/* A batch larger than the training set is refused before any run, at the
 * optimizer block that asks for it: each problem cell with a mini-batch
 * optimizer is created once (first seed; the sample count does not depend
 * on the seed) and asked for its m. A problem that fails to create is left
 * to its runs, which record the failure. */
int lnb_check_batch_sizes(const lnb_config *cfg, lnb_error *err) {
  const lnb_cellset *opts = &cfg->optimizers, *probs = &cfg->problems;
  size_t most = 0;
  for (size_t o = 0; o < opts->n; o++)
    if (opts->cells[o].batch_size > most) most = opts->cells[o].batch_size;
  if (!most || !cfg->nseeds) return LNB_OK;
  int rc = LNB_OK;
  for (size_t p = 0; p < probs->n && rc == LNB_OK; p++) {
    const lnb_cell *pc = &probs->cells[p];
    size_t (*nsamples)(const void *) =
        LNB_OPT_OP(lnb_problem_ops, (const lnb_problem_ops *)pc->plugin->plugin->ops, nsamples);
    if (!nsamples) continue; /* not sample-level: the config check refused it */
    lnb_problem_inst pi;
    memset(&pi, 0, sizeof pi);
    lnb_problem_inst_prepare(&pi, pc, cfg->seeds[0]);
    size_t m = pi.self ? nsamples(pi.self) : 0;
    for (size_t o = 0; pi.self && o < opts->n && rc == LNB_OK; o++) {
      const lnb_cell *oc = &opts->cells[o];
      if (oc->batch_size <= m) continue;
      char *name = lnb__text_dup(pc->plugin->plugin->name, NULL);
      rc = lnb__error(err, LNB_EINVAL,
                      "%s:%d:%d: batch_size %zu exceeds the %zu training samples of problem "
                      "'%s' (block at line %d); use batch_size: full for all of them",
                      cfg->path, oc->line, oc->column, oc->batch_size, m,
                      name ? name : "?", pc->line);
      free(name);
    }
    lnb_problem_inst_release(&pi);
  }
  return rc;
}

/* ------------------------------------------------------------ one run */

/* Resolve record.metrics for this run and allocate their scratch (outside the
 * timed loop). 0 ok, -1 out of memory. */
/* Where the metric `name` comes from: 0 core, 1 problem, 2 architecture, -1
 * unknown for this run (in that order of precedence); *index within it. */
static int metric_source(const char *name, const lnb_plugin *prob, const lnb_plugin *arch,
                         long *index) {
  long j;
  int src;
  if ((j = core_metric_find(name)) >= 0) src = 0;
  else if ((j = spec_index(plugin_metrics(prob), name)) >= 0) src = 1;
  else if ((j = spec_index(plugin_metrics(arch), name)) >= 0) src = 2;
  else src = -1;
  if (index) *index = j;
  return src;
}

static int metrics_prepare(run_ctx *c, const lnb_config *cfg, const lnb_plugin *prob,
                           const lnb_plugin *arch) {
  c->cfg = cfg;
  c->nm = cfg->record.nmetrics;
  c->ncols = lnb_metric_ncols(cfg);
  if (c->nm == 0) return 0;
  size_t kd = c->model.k * c->model.d, r = c->model.k < c->model.d ? c->model.k : c->model.d;
  c->msrc = calloc(c->nm, sizeof *c->msrc);
  c->midx = calloc(c->nm, sizeof *c->midx);
  c->work = calloc(kd, sizeof *c->work);
  c->sv = calloc(r ? r : 1, sizeof *c->sv);
  c->proj = calloc(2 * kd, sizeof *c->proj);
  c->ipiv = calloc(r ? r : 1, sizeof *c->ipiv);
  if (!c->msrc || !c->midx || !c->work || !c->sv || !c->proj || !c->ipiv) return -1;
  for (size_t i = 0; i < c->nm; i++)
    c->msrc[i] = metric_source(cfg->record.metrics[i], prob, arch, &c->midx[i]);
  /* the same projection for every run of every config: a fixed stream */
  if (kd == 2) { /* W_e has two entries: record them as they are */
    c->proj[0] = 1.0, c->proj[1] = 0.0, c->proj[2] = 0.0, c->proj[3] = 1.0;
  } else {
    lnb_rng rng;
    lnb__rng_init(&rng, 0, "projection_2d");
    for (size_t j = 0; j < 2 * kd; j++) c->proj[j] = lnb__rng_normal(&rng) / sqrt((double)kd);
  }
  return 0;
}

static void metrics_release(run_ctx *c) {
  free(c->msrc);
  free(c->midx);
  free(c->work);
  free(c->sv);
  free(c->proj);
  free(c->ipiv);
}

/* singular values of We into c->sv (descending); count, or 0 on failure */
static size_t we_singular_values(run_ctx *c) {
  size_t k = c->model.k, d = c->model.d, r = k < d ? k : d;
  memcpy(c->work, c->We, k * d * sizeof *c->work);
  if (lnb__svd(k, d, c->work, c->sv, NULL, NULL, NULL) != LNB_OK) return 0;
  return r;
}

static double we_det_sign(run_ctx *c) {
  size_t n = c->model.k;
  if (n != c->model.d) return NAN;
  memcpy(c->work, c->We, n * n * sizeof *c->work);
  lapack_int info = LAPACKE_dgetrf(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)n, c->work,
                                   (lapack_int)n, (lapack_int *)c->ipiv);
  if (info < 0) return NAN;
  if (info > 0) return 0.0; /* exactly singular */
  double sign = 1.0;
  for (size_t i = 0; i < n; i++) {
    if (c->work[i * n + i] < 0) sign = -sign;
    if ((size_t)c->ipiv[i] != i + 1) sign = -sign;
  }
  return sign;
}

/* write metric columns at the current iterate into out[c->ncols] */
static void metrics_eval(run_ctx *c, double *out) {
  size_t kd = c->model.k * c->model.d, col = 0;
  for (size_t i = 0; i < c->nm; i++) {
    size_t w = lnb_metric_width(c->cfg, c->cfg->record.metrics[i]);
    for (size_t j = 0; j < w; j++) out[col + j] = NAN;
    double acc = 0.0;
    if (c->predictor && c->msrc[i] != 2 &&
        !(c->msrc[i] == 0 && (c->midx[i] == METRIC_test_loss || c->midx[i] == METRIC_test_accuracy ||
                              c->midx[i] == METRIC_train_accuracy))) {
      /* no W_e: its metrics are empty */
    } else if (c->msrc[i] == 1) {
      out[col] = c->pops->metric(c->pself, (size_t)c->midx[i], c->We);
    } else if (c->msrc[i] == 2) {
      out[col] = c->aops->metric(c->aself, (size_t)c->midx[i]);
    } else if (c->msrc[i] == 0) {
      size_t r;
      switch (c->midx[i]) {
      case METRIC_dist_to_reference:
        if (c->reference) {
          for (size_t j = 0; j < kd; j++)
            acc += (c->We[j] - c->reference[j]) * (c->We[j] - c->reference[j]);
          out[col] = sqrt(acc);
        }
        break;
      case METRIC_grad_norm:
        for (size_t j = 0; j < kd; j++) acc += c->G[j] * c->G[j];
        out[col] = sqrt(acc);
        break;
      case METRIC_end_to_end_norm:
        for (size_t j = 0; j < kd; j++) acc += c->We[j] * c->We[j];
        out[col] = sqrt(acc);
        break;
      case METRIC_nuclear_norm:
        r = we_singular_values(c);
        if (r) {
          for (size_t j = 0; j < r; j++) acc += c->sv[j];
          out[col] = acc;
        }
        break;
      case METRIC_effective_rank:
        r = we_singular_values(c);
        if (r) {
          double sum = 0.0, h = 0.0;
          for (size_t j = 0; j < r; j++) sum += c->sv[j];
          if (sum > 0) {
            for (size_t j = 0; j < r; j++) {
              double p = c->sv[j] / sum;
              if (p > 0) h -= p * log(p);
            }
            out[col] = exp(h);
          } else out[col] = 0.0;
        }
        break;
      case METRIC_det_sign:
        out[col] = we_det_sign(c);
        break;
      case METRIC_singular_values:
        r = we_singular_values(c);
        for (size_t j = 0; j < w && j < r; j++) out[col + j] = c->sv[j];
        for (size_t j = r; j < w; j++) out[col + j] = 0.0;
        break;
      case METRIC_test_loss:
      case METRIC_test_accuracy:
      case METRIC_train_accuracy:
        if (c->eval_split || c->predictor) {
          int split = c->midx[i] == METRIC_train_accuracy ? LNB_SPLIT_TRAIN : LNB_SPLIT_TEST;
          double a = NAN, l = c->predictor ? pred_split(c, split, &a)
                                           : c->eval_split(c->pself, split, c->We, &a);
          out[col] = c->midx[i] == METRIC_test_loss ? l : a;
        }
        break;
      case METRIC_lr:
        out[col] = c->base_lr * c->lr_scale;
        break;
      case METRIC_projection_2d:
        for (size_t a = 0; a < 2; a++) {
          acc = 0.0;
          for (size_t j = 0; j < kd; j++) acc += c->proj[a * kd + j] * c->We[j];
          out[col + a] = acc;
        }
        break;
      default:
        break;
      }
    }
    col += w;
  }
}

lnb_checkpoint *lnb_run_result_push(lnb_run_result *r, uint64_t iteration, double seconds,
                                    double loss, double gap, size_t nm) {
  if (r->ncheckpoints == r->capcheckpoints) {
    size_t cap = r->capcheckpoints ? 2 * r->capcheckpoints : 64;
    lnb_checkpoint *cp = realloc(r->checkpoints, cap * sizeof *cp);
    if (cp) r->checkpoints = cp;
    double *ms = nm ? realloc(r->metric_store, cap * nm * sizeof *ms) : NULL;
    if (ms) r->metric_store = ms;
    if (!cp || (nm && !ms)) return NULL;
    r->capcheckpoints = cap;
    for (size_t i = 0; i < r->ncheckpoints; i++) /* re-point after realloc */
      r->checkpoints[i].metrics = nm ? r->metric_store + i * nm : NULL;
  }
  lnb_checkpoint *cp = &r->checkpoints[r->ncheckpoints++];
  cp->iteration = iteration;
  cp->seconds = seconds;
  cp->loss = loss;
  cp->gap = gap;
  cp->metrics = nm ? r->metric_store + (r->ncheckpoints - 1) * nm : NULL;
  return cp;
}

static void record(lnb_run_result *res, run_ctx *c, uint64_t t, double seconds, double loss) {
  if (res->ncheckpoints > 0 && res->checkpoints[res->ncheckpoints - 1].iteration == t) return;
  size_t nm = c->ncols;
  lnb_checkpoint *cp = lnb_run_result_push(res, t, seconds, loss, loss - res->lstar, nm);
  if (!cp) return; /* out of memory: drop the checkpoint, not the run */
  if (nm) metrics_eval(c, cp->metrics);
  if (c->obs && c->obs->checkpoint) c->obs->checkpoint(c->obs->ctx, cp, nm);
  if (c->obs && c->obs->keep_last && res->ncheckpoints > 1) { /* the observer has the rest */
    res->checkpoints[0].iteration = cp->iteration;
    res->checkpoints[0].seconds = cp->seconds;
    res->checkpoints[0].loss = cp->loss;
    res->checkpoints[0].gap = cp->gap;
    if (nm) memcpy(res->checkpoints[0].metrics, cp->metrics, nm * sizeof *cp->metrics);
    res->ncheckpoints = 1;
  }
}

static void fail(lnb_run_result *res, const char *who, const lnb_error *err, int rc) {
  res->status = LNB_RUN_ERROR;
  snprintf(res->message, sizeof res->message, "%s: %s", who,
           err && err->msg[0] ? err->msg : lnb_strerror(rc ? rc : LNB_EINVAL));
}

void lnb_run_one(const lnb_config *cfg, const lnb_run_spec *spec, lnb_problem_inst *pi,
                 lnb_run_result *res) {
  lnb_run_one_observed(cfg, spec, pi, res, NULL);
}

/* Everything of one run before its loop: problem instance, architecture,
 * model, checkpoint metrics, optimizer. LNB_OK, or the failing step's code
 * with res->status ERROR and res->message set. run_teardown(c) is needed
 * either way. */
/* Mini-batches for the run (untimed): the problem's sample-level ops (the
 * config was checked for them), the batch buffers, the first epoch's order. */
static int batch_setup(run_ctx *c, const lnb_run_spec *spec, lnb_error *err) {
  const lnb_problem_ops *o = c->pops;
  size_t (*nsamples)(const void *) = LNB_OPT_OP(lnb_problem_ops, o, nsamples);
  int (*prepare)(void *, size_t, lnb_error *) = LNB_OPT_OP(lnb_problem_ops, o, batch_prepare);
  c->eval_rows = LNB_OPT_OP(lnb_problem_ops, o, eval_rows);
  if (!nsamples || !prepare || !c->eval_rows)
    return lnb__error(err, LNB_ENOTSUP, "problem '%s' has no samples to draw batches from",
                      spec->problem->plugin->plugin->name);
  c->m = nsamples(c->pself);
  c->batch = spec->optimizer->batch_size;
  c->sampling = spec->optimizer->sampling;
  if (c->batch > c->m)
    return lnb__error(err, LNB_EINVAL,
                      "batch_size %zu exceeds the problem's %zu training samples (use "
                      "batch_size: full for all of them)",
                      c->batch, c->m);
  int rc = prepare(c->pself, c->batch, err);
  if (rc != LNB_OK) return rc;
  c->perm = calloc(c->m, sizeof *c->perm);
  c->draw = calloc(c->batch, sizeof *c->draw);
  if (!c->perm || !c->draw) return lnb__error(err, LNB_ENOMEM, "out of memory for batches");
  for (size_t i = 0; i < c->m; i++) c->perm[i] = i;
  c->pos = c->m; /* the first batch starts an epoch */
  lnb__rng_init(&c->brng, spec->seed, "batches");
  return LNB_OK;
}

/* The run's budget of steps: stop.max_iters, or fewer when stop.max_epochs
 * ends a mini-batch run first (shuffle: ceil(m / b) steps per epoch, the
 * last one smaller; replacement: b samples per step). */
static uint64_t run_budget(const run_ctx *c, const lnb_config *cfg) {
  uint64_t T = (uint64_t)cfg->stop.max_iters;
  if (!c->batch || !(cfg->stop.max_epochs > 0)) return T;
  const double E = cfg->stop.max_epochs, m = (double)c->m, b = (double)c->batch;
  double steps;
  if (c->sampling == LNB_SAMPLE_REPLACEMENT) {
    steps = ceil(E * m / b);
  } else {
    double whole = floor(E);
    steps = whole * ceil(m / b) + ceil((E - whole) * m / b);
  }
  return steps < (double)T ? (uint64_t)steps : T;
}

/* The optimizer cell's step transforms (untimed): its lr and scale hook,
 * the schedule's budget; a warmup longer than the budget is refused. */
static int transforms_setup(run_ctx *c, const lnb_config *cfg, const lnb_run_spec *spec,
                            lnb_error *err) {
  c->tf = &spec->optimizer->tf;
  double (*lr)(const void *) = LNB_OPT_OP(lnb_optimizer_ops, c->oops, lr);
  c->base_lr = lr ? lr(c->oself) : NAN;
  c->lr_scale = 1.0;
  c->set_lr_scale = LNB_OPT_OP(lnb_optimizer_ops, c->oops, set_lr_scale);
  c->sched_on = lnb_schedule_active(c->tf);
  c->tf_on = lnb_transforms_active(c->tf);
  c->budget = run_budget(c, cfg);
  if (!c->sched_on) return LNB_OK;
  if (!c->set_lr_scale || !lr) /* the config refused these */
    return lnb__error(err, LNB_ENOTSUP, "optimizer '%s' has no step size to schedule",
                      spec->optimizer->plugin->plugin->name);
  if ((uint64_t)c->tf->sched.warmup > c->budget)
    return lnb__error(err, LNB_EINVAL,
                      "warmup %lld steps exceeds the run's budget of %llu steps "
                      "(stop.max_epochs %g)",
                      (long long)c->tf->sched.warmup, (unsigned long long)c->budget,
                      cfg->stop.max_epochs);
  c->lr_scale = lnb_schedule_factor(&c->tf->sched, 1, c->budget);
  return LNB_OK;
}

/* Before step t (timed): the schedule's factor to the optimizer, the
 * gradient transforms, decoupled decay with the scheduled lr. No allocation. */
static void transforms_apply(run_ctx *c, uint64_t t) {
  const lnb_transforms *x = c->tf;
  if (c->sched_on) {
    c->lr_scale = lnb_schedule_factor(&x->sched, t, c->budget);
    c->set_lr_scale(c->oself, c->lr_scale);
  }
  lnb_transforms_grads(x, c->model.tensors, c->model.ntensors);
  if (x->dwd != 0.0)
    lnb_transforms_decay(c->base_lr * c->lr_scale * x->dwd, c->model.tensors, c->model.ntensors);
}

/* Predictor architectures (ABI 1.5, untimed): the problem's per-sample ops,
 * the rows forwarded at once (a mini-batch run: its batch, at least
 * LNB_PREDICT_CHUNK rows for the full-data losses of checkpoints; a
 * full-batch run: every sample), their workspaces in the problem, the
 * architecture and here. */
#define LNB_PREDICT_CHUNK 1024
static int predictor_setup(run_ctx *c, const lnb_run_spec *spec, size_t k, lnb_error *err) {
  const lnb_problem_ops *o = c->pops;
  if (!lnb_problem_has_outputs(o))
    return lnb__error(err, LNB_ENOTSUP,
                      "architecture '%s' maps inputs to outputs (a predictor); problem '%s' "
                      "has no per-sample inputs and outputs (end-to-end only)",
                      spec->architecture->plugin->plugin->name,
                      spec->problem->plugin->plugin->name);
  size_t (*split_samples)(const void *, int) = LNB_OPT_OP(lnb_problem_ops, o, split_samples);
  int (*prepare)(void *, size_t, lnb_error *) = LNB_OPT_OP(lnb_problem_ops, o, batch_prepare);
  int (*pprep)(void *, size_t, lnb_error *) = LNB_OPT_OP(lnb_arch_ops, c->aops, predict_prepare);
  c->inputs = LNB_OPT_OP(lnb_problem_ops, o, inputs);
  c->loss_outputs = LNB_OPT_OP(lnb_problem_ops, o, loss_outputs);
  c->forward = LNB_OPT_OP(lnb_arch_ops, c->aops, forward);
  c->backward_outputs = LNB_OPT_OP(lnb_arch_ops, c->aops, backward_outputs);
  c->m = split_samples(c->pself, LNB_SPLIT_TRAIN);
  c->mtest = split_samples(c->pself, LNB_SPLIT_TEST);
  size_t b = spec->optimizer->batch_size;
  c->chunk = b ? (b > LNB_PREDICT_CHUNK ? b : LNB_PREDICT_CHUNK) : c->m;
  if (c->chunk > c->m) c->chunk = c->m;
  if (c->chunk == 0) return lnb__error(err, LNB_EINVAL, "problem '%s' has no training samples",
                                       spec->problem->plugin->plugin->name);
  int rc = prepare ? prepare(c->pself, c->chunk, err) : LNB_OK;
  if (rc == LNB_OK) rc = pprep(c->aself, c->chunk, err);
  if (rc != LNB_OK) return rc;
  c->Z = calloc(c->chunk * k, sizeof *c->Z);
  c->dZ = calloc(c->chunk * k, sizeof *c->dZ);
  if (!c->Z || !c->dZ)
    return lnb__error(err, LNB_ENOMEM, "out of memory for %zu x %zu outputs", c->chunk, k);
  return LNB_OK;
}

static int run_setup(run_ctx *c, const lnb_config *cfg, const lnb_run_spec *spec,
                     lnb_problem_inst *pi, lnb_run_result *res, const lnb_run_observer *obs) {
  memset(c, 0, sizeof *c);
  memset(res, 0, sizeof *res);
  res->iters_to_target = -1;
  res->seconds_to_target = NAN;
  res->final_loss = res->final_gap = res->initial_loss = NAN;
  res->seconds_per_iter = NAN;

  lnb_problem_inst_prepare(pi, spec->problem, spec->seed);
  if (pi->failed) {
    res->status = LNB_RUN_ERROR;
    snprintf(res->message, sizeof res->message, "%s", pi->message);
    return LNB_EINVAL;
  }
  res->lstar = pi->lstar;
  res->lstar_known = pi->lstar_known;

  const lnb_host *host = lnb_host_get();
  c->pops = spec->problem->plugin->plugin->ops;
  c->pself = pi->self;
  c->aops = spec->architecture->plugin->plugin->ops;
  c->oops = spec->optimizer->plugin->plugin->ops;
  lnb_error err = {0};
  int rc;

  const lnb_problem_ops *pops = c->pops;
  lnb_linsys ls;
  int (*linsys)(const void *, lnb_linsys *) = LNB_OPT_OP(lnb_problem_ops, pops, linear_system);
  const double *(*refop)(const void *) = LNB_OPT_OP(lnb_problem_ops, pops, reference);
  int have_ls = linsys ? linsys(pi->self, &ls) : 0;
  const double *reference = refop ? refop(pi->self) : NULL;
  /* what the run uses, so that the architecture sizes only that (ABI 1.3):
   * the optimizer's declared hooks and the architecture metrics recorded */
  uint32_t uses = 0; /* undeclared: everything */
  if (c->oops->struct_size >= offsetof(lnb_optimizer_ops, uses) + sizeof c->oops->uses)
    uses = c->oops->uses;
  const char **arch_metrics = calloc(cfg->record.nmetrics + 1, sizeof *arch_metrics);
  if (!arch_metrics) {
    lnb__error(&err, LNB_ENOMEM, "out of memory");
    fail(res, "harness", &err, LNB_ENOMEM);
    return LNB_ENOMEM;
  }
  for (size_t i = 0, n = 0; i < cfg->record.nmetrics; i++)
    if (metric_source(cfg->record.metrics[i], spec->problem->plugin->plugin,
                      spec->architecture->plugin->plugin, NULL) == 2)
      arch_metrics[n++] = cfg->record.metrics[i];
  lnb_problem_info info = {.struct_size = sizeof info,
                           .k = pi->k,
                           .d = pi->d,
                           .reference = reference,
                           .linsys = have_ls ? &ls : NULL,
                           .uses = uses,
                           .metrics = arch_metrics};
  rc = c->aops->create(host, spec->architecture->params, &info, spec->seed, &c->aself, &err);
  free(arch_metrics);
  if (rc != LNB_OK || !c->aself) {
    c->aself = NULL;
    fail(res, spec->architecture->plugin->plugin->name, &err, rc);
    return rc ? rc : LNB_EINVAL;
  }
  c->We = calloc(pi->k * pi->d, sizeof *c->We);
  c->G = calloc(pi->k * pi->d, sizeof *c->G);
  if (!c->We || !c->G) {
    lnb__error(&err, LNB_ENOMEM, "out of memory for a %zux%zu end-to-end matrix", pi->k, pi->d);
    fail(res, "harness", &err, LNB_ENOMEM);
    return LNB_ENOMEM;
  }
  c->model.struct_size = sizeof c->model;
  c->model.tensors = c->aops->tensors(c->aself, &c->model.ntensors);
  c->model.k = pi->k;
  c->model.d = pi->d;
  c->model.architecture = spec->architecture->plugin->plugin->name;
  c->model.loss = m_loss;
  c->model.loss_grad = m_loss_grad;
  c->predictor = lnb_arch_is_predictor(c->aops);
  c->model.end_to_end = c->predictor ? NULL : m_end_to_end;
  c->model.set_end_to_end =
      LNB_OPT_OP(lnb_arch_ops, c->aops, set_end_to_end) &&
              (!(uses & LNB_USES_DECLARED) || (uses & LNB_USES_SET_END_TO_END))
          ? m_set_end_to_end
          : NULL;
  c->model.host_ctx = c;

  c->pops = pops;
  c->eval_split = LNB_OPT_OP(lnb_problem_ops, pops, eval_split);
  c->reference = reference;
  c->obs = obs;
  if (metrics_prepare(c, cfg, spec->problem->plugin->plugin,
                      spec->architecture->plugin->plugin) != 0) {
    lnb__error(&err, LNB_ENOMEM, "out of memory for checkpoint metrics");
    fail(res, "harness", &err, LNB_ENOMEM);
    return LNB_ENOMEM;
  }

  if (c->predictor && (rc = predictor_setup(c, spec, pi->k, &err)) != LNB_OK) {
    fail(res, spec->architecture->plugin->plugin->name, &err, rc);
    return rc;
  }
  rc = c->oops->create(host, spec->optimizer->params, &c->model, spec->seed, &c->oself, &err);
  if (rc != LNB_OK || !c->oself) {
    c->oself = NULL;
    fail(res, spec->optimizer->plugin->plugin->name, &err, rc);
    return rc ? rc : LNB_EINVAL;
  }
  if (spec->optimizer->batch_size > 0 && (rc = batch_setup(c, spec, &err)) != LNB_OK) {
    fail(res, "batch_size", &err, rc);
    return rc;
  }
  if ((rc = transforms_setup(c, cfg, spec, &err)) != LNB_OK) {
    fail(res, "schedule", &err, rc);
    return rc;
  }
  return LNB_OK;
}

static void run_teardown(run_ctx *c) {
  if (c->oself) c->oops->destroy(c->oself);
  if (c->aself) c->aops->destroy(c->aself);
  metrics_release(c);
  free(c->We);
  free(c->G);
  free(c->perm);
  free(c->draw);
  free(c->Z);
  free(c->dZ);
  memset(c, 0, sizeof *c);
}

/* One iteration of the timed loop: optimizer step t, then loss and gradient
 * at the new iterate. */
static int run_iterate(run_ctx *c, uint64_t t, double *loss, lnb_error *err) {
  c->seen += (double)c->nrows; /* the batch whose gradient this step takes */
  if (c->tf_on) transforms_apply(c, t);
  c->step_no++;                /* the parameters change: cached split losses are stale */
  int rc = c->oops->step(c->oself, &c->model, t, err);
  if (rc == LNB_OK) {
    if (c->batch) next_batch(c);
    *loss = m_loss_grad(&c->model);
  }
  return rc;
}

int lnb_run_ctx_create(const lnb_config *cfg, const lnb_run_spec *spec, lnb_problem_inst *pi,
                       lnb_run_ctx **out, lnb_run_result *res) {
  *out = NULL;
  run_ctx *c = malloc(sizeof *c);
  if (!c) {
    memset(res, 0, sizeof *res);
    res->status = LNB_RUN_ERROR;
    snprintf(res->message, sizeof res->message, "harness: out of memory");
    return LNB_ENOMEM;
  }
  int rc = run_setup(c, cfg, spec, pi, res, NULL);
  if (rc != LNB_OK) {
    lnb_run_ctx_destroy(c);
    return rc;
  }
  *out = c;
  return LNB_OK;
}

lnb_model *lnb_run_ctx_model(lnb_run_ctx *c) { return &c->model; }

double lnb_run_ctx_loss_grad(lnb_run_ctx *c) {
  if (c->batch) next_batch(c); /* as lnb_run_one: iteration 0 sees the first batch */
  return m_loss_grad(&c->model);
}

void lnb_run_ctx_plugins(lnb_run_ctx *c, void **problem, void **arch, void **opt) {
  if (problem) *problem = c->pself;
  if (arch) *arch = c->aself;
  if (opt) *opt = c->oself;
}

int lnb_run_ctx_iterate(lnb_run_ctx *c, uint64_t t, double *loss, lnb_error *err) {
  return run_iterate(c, t, loss, err);
}

void lnb_run_ctx_destroy(lnb_run_ctx *c) {
  if (!c) return;
  run_teardown(c);
  free(c);
}

/* The stop rules in their order; 1 when the run ends here. loss is the
 * training loss over every sample when `full` (convergence is judged on it
 * only), else a mini-batch's. */
static int run_stops(lnb_run_result *res, const lnb_config *cfg, double loss, int full,
                     uint64_t t, double elapsed, double epochs, double div_limit) {
  if (!isfinite(loss) || loss > div_limit) {
    res->status = LNB_RUN_DIVERGED;
    if (isfinite(loss))
      snprintf(res->message, sizeof res->message,
               "loss %.3g exceeded %.0e x the initial loss at iteration %llu", loss,
               LNB_DIVERGENCE_FACTOR, (unsigned long long)t);
    else
      snprintf(res->message, sizeof res->message, "non-finite loss at iteration %llu",
               (unsigned long long)t);
    return 1;
  }
  if (full && cfg->stop.has_target && loss - res->lstar <= cfg->stop.target_gap) {
    if (res->iters_to_target < 0) {
      res->iters_to_target = (int64_t)t;
      res->seconds_to_target = elapsed;
    }
    res->status = LNB_RUN_CONVERGED;
    return 1;
  }
  if (t >= (uint64_t)cfg->stop.max_iters) {
    res->status = LNB_RUN_MAX_ITERS;
    return 1;
  }
  if (cfg->stop.max_epochs > 0 && epochs >= cfg->stop.max_epochs) {
    res->status = LNB_RUN_MAX_ITERS;
    snprintf(res->message, sizeof res->message, "stop.max_epochs %g reached",
             cfg->stop.max_epochs);
    return 1;
  }
  if (cfg->stop.max_seconds > 0 && elapsed >= cfg->stop.max_seconds) {
    res->status = LNB_RUN_TIMEOUT;
    return 1;
  }
  return 0;
}

void lnb_run_one_observed(const lnb_config *cfg, const lnb_run_spec *spec,
                          lnb_problem_inst *pi, lnb_run_result *res,
                          const lnb_run_observer *obs) {
  run_ctx c;
  if (run_setup(&c, cfg, spec, pi, res, obs) != LNB_OK) {
    run_teardown(&c);
    return;
  }
  lnb_error err = {0};
  int rc;
  /* Timed: the steps and the loss and gradient the optimizer sees (over a
   * mini-batch when batch_size is set). Untimed: checkpoints, where a
   * mini-batch run's training loss over every sample is evaluated and the
   * stop rules judge convergence on it. */
  double t0 = lnb__now();
  if (c.batch) next_batch(&c);
  double loss = m_loss_grad(&c.model);
  double elapsed = lnb__now() - t0;
  double full = c.batch ? full_loss(&c) : loss;
  res->initial_loss = full;
  double div_limit = LNB_DIVERGENCE_FACTOR * fmax(fabs(full), DBL_MIN);
  uint64_t t = 0;
  record(res, &c, 0, elapsed, full);
  uint64_t next_cp = lnb_next_checkpoint(cfg, 0);
  int fresh = 1; /* full is the loss at iterate t */

  for (;;) {
    double epochs = c.batch ? c.seen / (double)c.m : (double)t;
    if (run_stops(res, cfg, fresh ? full : loss, fresh, t, elapsed, epochs, div_limit)) break;
    double s0 = lnb__now();
    rc = run_iterate(&c, t + 1, &loss, &err);
    elapsed += lnb__now() - s0;
    if (rc != LNB_OK) {
      fail(res, spec->optimizer->plugin->plugin->name, &err, rc);
      break;
    }
    t++;
    fresh = !c.batch;
    if (fresh) full = loss;
    if (t == next_cp) {
      if (!fresh) full = full_loss(&c), fresh = 1;
      record(res, &c, t, elapsed, full);
      next_cp = lnb_next_checkpoint(cfg, t);
    }
  }
  if (!fresh) full = full_loss(&c);
  record(res, &c, t, elapsed, full); /* the final iterate */
  res->iterations = t;
  res->epochs = c.batch ? c.seen / (double)c.m : (double)t;
  res->final_loss = full;
  res->final_gap = full - res->lstar;
  res->seconds_total = elapsed;
  res->seconds_per_iter = t > 0 ? elapsed / (double)t : NAN;
  run_teardown(&c);
}
