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

#include "host.h"
#include "registry.h"

static const char *const status_names[] = {
#define LNB__RSN(name, text) text,
    LNB_RUN_STATUS_MAP(LNB__RSN)
#undef LNB__RSN
};

const char *lnb_run_status_name(lnb_run_status s) {
  return (unsigned)s < sizeof status_names / sizeof *status_names ? status_names[s] : "?";
}

static const char *const metric_names[] = {
#define LNB__MN(name, help) #name,
    LNB_CORE_METRICS(LNB__MN)
#undef LNB__MN
};
static const char *const metric_helps[] = {
#define LNB__MH(name, help) help,
    LNB_CORE_METRICS(LNB__MH)
#undef LNB__MH
};
enum {
#define LNB__ME(name, help) METRIC_##name,
  LNB_CORE_METRICS(LNB__ME)
#undef LNB__ME
  METRIC_COUNT
};

size_t lnb_metric_count(void) { return METRIC_COUNT; }
const char *lnb_metric_name(size_t i) { return i < METRIC_COUNT ? metric_names[i] : NULL; }
const char *lnb_metric_help(size_t i) { return i < METRIC_COUNT ? metric_helps[i] : NULL; }
int lnb_metric_find(const char *name) {
  for (int i = 0; i < METRIC_COUNT; i++)
    if (strcmp(metric_names[i], name) == 0) return i;
  return -1;
}

void lnb_run_result_free(lnb_run_result *r) {
  if (!r) return;
  free(r->checkpoints);
  free(r->metric_store);
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
          lnb_run_spec *r = &runs[idx];
          r->index = idx++;
          r->problem = &cfg->problems.cells[p];
          r->architecture = &cfg->architectures.cells[a];
          r->optimizer = &cfg->optimizers.cells[o];
          r->seed = cfg->seeds[s];
        }
  *n = total;
  return runs;
}

/* ------------------------------------------------------------ checkpoints */

static uint64_t log_point(int per_decade, uint64_t j) {
  double v = pow(10.0, (double)j / (double)per_decade);
  return (uint64_t)ceil(v - 1e-9);
}

int lnb_is_checkpoint(const lnb_config *cfg, uint64_t t) {
  if (t == 0) return 1;
  if (cfg->record.every > 0 && t % (uint64_t)cfg->record.every == 0) return 1;
  int ppd = cfg->record.per_decade > 0 ? cfg->record.per_decade : 10;
  double x = (double)ppd * log10((double)t);
  int64_t j0 = (int64_t)floor(x) - 1;
  for (int64_t j = j0 < 0 ? 0 : j0; j <= j0 + 2; j++)
    if (log_point(ppd, (uint64_t)j) == t) return 1;
  return 0;
}

/* ------------------------------------------------------------- the model */

typedef struct run_ctx {
  lnb_model model;
  const lnb_problem_ops *pops;
  void *pself;
  const lnb_arch_ops *aops;
  void *aself;
  double *We, *G; /* k x d each */
} run_ctx;

static double m_loss(lnb_model *m) {
  run_ctx *c = m->host_ctx;
  c->aops->end_to_end(c->aself, c->We);
  return c->pops->eval(c->pself, c->We, NULL);
}

static double m_loss_grad(lnb_model *m) {
  run_ctx *c = m->host_ctx;
  c->aops->end_to_end(c->aself, c->We);
  double l = c->pops->eval(c->pself, c->We, c->G);
  c->aops->backward(c->aself, c->G);
  return l;
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

/* ------------------------------------------------------------ one run */

static void record(const lnb_config *cfg, lnb_run_result *res, run_ctx *c, uint64_t t,
                   double seconds, double loss, const double *reference) {
  if (res->ncheckpoints > 0 && res->checkpoints[res->ncheckpoints - 1].iteration == t) return;
  if (res->ncheckpoints == res->capcheckpoints) {
    size_t cap = res->capcheckpoints ? 2 * res->capcheckpoints : 64;
    lnb_checkpoint *cp = realloc(res->checkpoints, cap * sizeof *cp);
    size_t nm = cfg->record.nmetrics;
    double *ms = nm ? realloc(res->metric_store, cap * nm * sizeof *ms) : NULL;
    if (!cp || (nm && !ms)) {
      if (cp) res->checkpoints = cp;
      if (ms) res->metric_store = ms;
      return; /* out of memory: drop the checkpoint rather than the run */
    }
    res->checkpoints = cp;
    res->metric_store = ms;
    res->capcheckpoints = cap;
    for (size_t i = 0; i < res->ncheckpoints; i++) /* re-point after realloc */
      res->checkpoints[i].metrics = nm ? res->metric_store + i * nm : NULL;
  }
  lnb_checkpoint *cp = &res->checkpoints[res->ncheckpoints];
  size_t nm = cfg->record.nmetrics;
  cp->iteration = t;
  cp->seconds = seconds;
  cp->loss = loss;
  cp->gap = loss - res->lstar;
  cp->metrics = nm ? res->metric_store + res->ncheckpoints * nm : NULL;
  size_t kd = c->model.k * c->model.d;
  for (size_t i = 0; i < nm; i++) {
    double v = NAN, acc = 0.0;
    switch (lnb_metric_find(cfg->record.metrics[i])) {
    case METRIC_dist_to_reference:
      if (reference) {
        for (size_t j = 0; j < kd; j++) acc += (c->We[j] - reference[j]) * (c->We[j] - reference[j]);
        v = sqrt(acc);
      }
      break;
    case METRIC_grad_norm:
      for (size_t j = 0; j < kd; j++) acc += c->G[j] * c->G[j];
      v = sqrt(acc);
      break;
    case METRIC_end_to_end_norm:
      for (size_t j = 0; j < kd; j++) acc += c->We[j] * c->We[j];
      v = sqrt(acc);
      break;
    default:
      break;
    }
    cp->metrics[i] = v;
  }
  res->ncheckpoints++;
}

static void fail(lnb_run_result *res, const char *who, const lnb_error *err, int rc) {
  res->status = LNB_RUN_ERROR;
  snprintf(res->message, sizeof res->message, "%s: %s", who,
           err && err->msg[0] ? err->msg : lnb_strerror(rc ? rc : LNB_EINVAL));
}

void lnb_run_one(const lnb_config *cfg, const lnb_run_spec *spec, lnb_problem_inst *pi,
                 lnb_run_result *res) {
  memset(res, 0, sizeof *res);
  res->iters_to_target = -1;
  res->seconds_to_target = NAN;
  res->final_loss = res->final_gap = res->initial_loss = NAN;
  res->seconds_per_iter = NAN;

  lnb_problem_inst_prepare(pi, spec->problem, spec->seed);
  if (pi->failed) {
    res->status = LNB_RUN_ERROR;
    snprintf(res->message, sizeof res->message, "%s", pi->message);
    return;
  }
  res->lstar = pi->lstar;
  res->lstar_known = pi->lstar_known;

  const lnb_host *host = lnb_host_get();
  run_ctx c;
  memset(&c, 0, sizeof c);
  c.pops = spec->problem->plugin->plugin->ops;
  c.pself = pi->self;
  c.aops = spec->architecture->plugin->plugin->ops;
  const lnb_optimizer_ops *oops = spec->optimizer->plugin->plugin->ops;
  void *oself = NULL;
  lnb_error err = {0};
  int rc;

  const lnb_problem_ops *pops = c.pops;
  lnb_linsys ls;
  int (*linsys)(const void *, lnb_linsys *) = LNB_OPT_OP(lnb_problem_ops, pops, linear_system);
  const double *(*refop)(const void *) = LNB_OPT_OP(lnb_problem_ops, pops, reference);
  int have_ls = linsys ? linsys(pi->self, &ls) : 0;
  const double *reference = refop ? refop(pi->self) : NULL;
  lnb_problem_info info = {.struct_size = sizeof info,
                           .k = pi->k,
                           .d = pi->d,
                           .reference = reference,
                           .linsys = have_ls ? &ls : NULL};
  rc = c.aops->create(host, spec->architecture->params, &info, spec->seed, &c.aself, &err);
  if (rc != LNB_OK || !c.aself) {
    c.aself = NULL;
    fail(res, spec->architecture->plugin->plugin->name, &err, rc);
    goto out;
  }
  c.We = calloc(pi->k * pi->d, sizeof *c.We);
  c.G = calloc(pi->k * pi->d, sizeof *c.G);
  if (!c.We || !c.G) {
    lnb__error(&err, LNB_ENOMEM, "out of memory for a %zux%zu end-to-end matrix", pi->k, pi->d);
    fail(res, "harness", &err, LNB_ENOMEM);
    goto out;
  }
  c.model.struct_size = sizeof c.model;
  c.model.tensors = c.aops->tensors(c.aself, &c.model.ntensors);
  c.model.k = pi->k;
  c.model.d = pi->d;
  c.model.architecture = spec->architecture->plugin->plugin->name;
  c.model.loss = m_loss;
  c.model.loss_grad = m_loss_grad;
  c.model.end_to_end = m_end_to_end;
  c.model.set_end_to_end =
      LNB_OPT_OP(lnb_arch_ops, c.aops, set_end_to_end) ? m_set_end_to_end : NULL;
  c.model.host_ctx = &c;

  rc = oops->create(host, spec->optimizer->params, &c.model, spec->seed, &oself, &err);
  if (rc != LNB_OK || !oself) {
    oself = NULL;
    fail(res, spec->optimizer->plugin->plugin->name, &err, rc);
    goto out;
  }

  const double target = cfg->stop.has_target ? cfg->stop.target_gap : -INFINITY;
  const uint64_t max_iters = (uint64_t)cfg->stop.max_iters;
  const double max_seconds = cfg->stop.max_seconds > 0 ? cfg->stop.max_seconds : INFINITY;

  double t0 = lnb__now();
  double loss = m_loss_grad(&c.model);
  double elapsed = lnb__now() - t0;
  res->initial_loss = loss;
  double div_limit = LNB_DIVERGENCE_FACTOR * fmax(fabs(loss), DBL_MIN);
  uint64_t t = 0;
  record(cfg, res, &c, 0, elapsed, loss, reference);

  for (;;) {
    double gap = loss - res->lstar;
    if (!isfinite(loss) || loss > div_limit) {
      res->status = LNB_RUN_DIVERGED;
      if (isfinite(loss))
        snprintf(res->message, sizeof res->message,
                 "loss %.3g exceeded %.0e x the initial loss at iteration %llu", loss,
                 LNB_DIVERGENCE_FACTOR, (unsigned long long)t);
      else
        snprintf(res->message, sizeof res->message, "non-finite loss at iteration %llu",
                 (unsigned long long)t);
      break;
    }
    if (gap <= target) {
      if (res->iters_to_target < 0) {
        res->iters_to_target = (int64_t)t;
        res->seconds_to_target = elapsed;
      }
      res->status = LNB_RUN_CONVERGED;
      break;
    }
    if (t >= max_iters) {
      res->status = LNB_RUN_MAX_ITERS;
      break;
    }
    if (elapsed >= max_seconds) {
      res->status = LNB_RUN_TIMEOUT;
      break;
    }
    double s0 = lnb__now();
    rc = oops->step(oself, &c.model, t + 1, &err);
    if (rc == LNB_OK) loss = m_loss_grad(&c.model);
    elapsed += lnb__now() - s0;
    if (rc != LNB_OK) {
      fail(res, spec->optimizer->plugin->plugin->name, &err, rc);
      break;
    }
    t++;
    if (lnb_is_checkpoint(cfg, t)) record(cfg, res, &c, t, elapsed, loss, reference);
  }
  record(cfg, res, &c, t, elapsed, loss, reference); /* the final iterate */
  res->iterations = t;
  res->final_loss = loss;
  res->final_gap = loss - res->lstar;
  res->seconds_total = elapsed;
  res->seconds_per_iter = t > 0 ? elapsed / (double)t : NAN;

out:
  if (oself) oops->destroy(oself);
  if (c.aself) c.aops->destroy(c.aself);
  free(c.We);
  free(c.G);
}
