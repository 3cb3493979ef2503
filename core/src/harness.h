/* harness.h (internal) — expand a config into runs and execute one run. */
#ifndef LNB_HARNESS_H
#define LNB_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define LNB_RUN_STATUS_MAP(X)                                                \
  X(CONVERGED, "converged")                                                  \
  X(MAX_ITERS, "max_iters")                                                  \
  X(TIMEOUT, "timeout")                                                      \
  X(DIVERGED, "diverged")                                                    \
  X(ERROR, "error")                                                          \
  X(CRASHED, "crashed")

typedef enum lnb_run_status {
#define LNB__RS(name, text) LNB_RUN_##name,
  LNB_RUN_STATUS_MAP(LNB__RS)
#undef LNB__RS
} lnb_run_status;

#define LNB_RUN_STATUS_COUNT 6
const char *lnb_run_status_name(lnb_run_status s);
/* status by name, -1 if unknown */
int lnb_run_status_from_name(const char *name);
/* error and crashed runs count as failed (exit status 1) */
int lnb_run_status_failed(lnb_run_status s);

/* Divergence: a non-finite loss, or a loss above this factor times the
 * initial loss. Always on. */
#define LNB_DIVERGENCE_FACTOR 1e10

/* Metrics the core computes from W_e at checkpoints (record.metrics):
 * X(name, columns, help); columns 0 means record.top_k columns. Plugins add
 * their own scalar metrics (lnb_metric_spec in plugin.h). */
#define LNB_CORE_METRICS(X)                                                              \
  X(dist_to_reference, 1, "||W_e - theta*||_F, theta* the problem's reference solution") \
  X(grad_norm, 1, "||grad l(W_e)||_F")                                                    \
  X(end_to_end_norm, 1, "Frobenius norm ||W_e||_F")                                       \
  X(nuclear_norm, 1, "nuclear norm of W_e (sum of singular values)")                     \
  X(effective_rank, 1,                                                                    \
    "effective rank of W_e: exp of the entropy of its normalized singular values "       \
    "(Roy and Vetterli 2007)")                                                            \
  X(det_sign, 1, "sign of det W_e (-1, 0, 1; square W_e only; paper 001, Lemma 2)")      \
  X(singular_values, 0, "the record.top_k largest singular values of W_e")               \
  X(projection_2d, 2,                                                                     \
    "a fixed random 2-D projection of vec(W_e), the same for every run of a config "     \
    "(paper 000, Figs. 4.3-4.7); W_e itself when it has two entries")                   \
  X(test_loss, 1,                                                                         \
    "loss on the problem's held-out test samples (sample-level problems with a test "    \
    "split, e.g. dataset; empty otherwise)")                                              \
  X(test_accuracy, 1,                                                                     \
    "fraction of test samples classified correctly (classification problems)")          \
  X(train_accuracy, 1,                                                                    \
    "fraction of training samples classified correctly (classification problems)")       \
  X(lr, 1,                                                                                \
    "the step size of the last step (of step 1 at iteration 0): the optimizer's lr times " \
    "its schedule's factor (empty for optimizers without an lr)")

size_t lnb_core_metric_count(void);
const char *lnb_core_metric_name(size_t i);
const char *lnb_core_metric_help(size_t i);
/* columns metric `name` records under cfg; 0 if neither the core nor any
 * plugin of cfg knows the name */
size_t lnb_metric_width(const lnb_config *cfg, const char *name);
/* the known metric name closest to name (for did-you-mean), or NULL */
const char *lnb_metric_closest(const lnb_config *cfg, const char *name);
/* the help text of metric name: the core's, or the first plugin of cfg
 * declaring it (cfg NULL: the core's only); NULL when unknown or no help */
const char *lnb_metric_help(const lnb_config *cfg, const char *name);
/* total metric columns of cfg, and the header of column col */
size_t lnb_metric_ncols(const lnb_config *cfg);
void lnb_metric_colname(const lnb_config *cfg, size_t col, char *buf, size_t n);

typedef struct lnb_run_spec {
  size_t index; /* 0-based position in the sweep; run_id = index + 1 */
  const lnb_cell *problem, *architecture, *optimizer;
  uint64_t seed;
} lnb_run_spec;

typedef struct lnb_checkpoint {
  uint64_t iteration;
  double seconds; /* timed seconds so far (checkpoint work excluded) */
  double loss, gap;
  double *metrics; /* lnb_metric_ncols(cfg) values (NaN if unavailable) */
} lnb_checkpoint;

typedef struct lnb_run_result {
  lnb_run_status status;
  uint64_t iterations;
  double initial_loss, final_loss, final_gap;
  double lstar;
  int lstar_known;
  int64_t iters_to_target; /* -1 when not reached */
  double seconds_to_target; /* NaN when not reached */
  double seconds_total, seconds_per_iter;
  double epochs; /* passes over the training samples (mini-batches); = iterations at full batch */
  char message[LNB_ERROR_MSG_MAX]; /* why it stopped, for error/diverged */
  lnb_checkpoint *checkpoints;
  size_t ncheckpoints, capcheckpoints;
  double *metric_store; /* backing store for checkpoint metrics */
  /* Checkpoints streamed to a file instead of memory (the isolated sweep
   * spools what a run sends, so record.every: 1 over millions of iterations
   * costs the parent no memory): when spooled, spool_fd holds nspooled
   * checkpoint records in wire.h's format that come before checkpoints[].
   * lnb_run_result_free closes it. */
  int spooled, spool_fd;
  size_t nspooled;
} lnb_run_result;

void lnb_run_result_free(lnb_run_result *r);
/* append a checkpoint with room for nm metrics (left for the caller to
 * fill); NULL when out of memory */
lnb_checkpoint *lnb_run_result_push(lnb_run_result *r, uint64_t iteration, double seconds,
                                    double loss, double gap, size_t nm);

/* All runs of a config in execution order: problem cell, seed, architecture
 * cell, optimizer cell (so one problem instance serves consecutive runs). */
lnb_run_spec *lnb_expand_runs(const lnb_config *cfg, size_t *n);

/* Hash of everything that determines a run's outcome (plugins and all their
 * parameter values, seed, stop and record settings); --resume matches on it. */
uint64_t lnb_run_spec_hash(const lnb_config *cfg, const lnb_run_spec *spec);

/* A problem instance shared by consecutive runs with the same problem cell
 * and seed. */
typedef struct lnb_problem_inst {
  const lnb_cell *cell;
  uint64_t seed;
  void *self;
  size_t k, d;
  double lstar;
  int lstar_known;
  int failed;
  char message[LNB_ERROR_MSG_MAX];
} lnb_problem_inst;

/* Create (or reuse, when cell and seed match) the problem instance. */
void lnb_problem_inst_prepare(lnb_problem_inst *pi, const lnb_cell *cell, uint64_t seed);
void lnb_problem_inst_release(lnb_problem_inst *pi);

/* Refuse (LNB_EINVAL, "path:line:col: ...") an optimizer block whose
 * batch_size exceeds a problem's training samples, before any run. */
int lnb_check_batch_sizes(const lnb_config *cfg, lnb_error *err);

/* Execute one run to completion. Never aborts the sweep: plugin failures
 * become status ERROR with a message. */
void lnb_run_one(const lnb_config *cfg, const lnb_run_spec *spec, lnb_problem_inst *pi,
                 lnb_run_result *res);

/* Told of each checkpoint as it is recorded (outside the timed region). */
typedef struct lnb_run_observer {
  void (*checkpoint)(void *ctx, const lnb_checkpoint *cp, size_t nmetrics);
  void *ctx;
  int keep_last; /* 1: res keeps only the last checkpoint (the observer has them all) */
} lnb_run_observer;

void lnb_run_one_observed(const lnb_config *cfg, const lnb_run_spec *spec,
                          lnb_problem_inst *pi, lnb_run_result *res,
                          const lnb_run_observer *obs);

/* One run's objects wired exactly as lnb_run_one wires them (problem
 * instance, architecture, model, optimizer), for callers that drive the
 * iterations themselves (the allocation test). lnb_run_ctx_create returns
 * LNB_OK and *out, or the failing create's code (LNB_ENOTSUP, ...) with
 * *out = NULL, res->status ERROR and res->message set.
 * lnb_run_ctx_iterate is one iteration of the timed loop: optimizer step t
 * (from 1), then loss and gradient at the new iterate into *loss. */
typedef struct lnb_run_ctx lnb_run_ctx;
int lnb_run_ctx_create(const lnb_config *cfg, const lnb_run_spec *spec, lnb_problem_inst *pi,
                       lnb_run_ctx **out, lnb_run_result *res);
lnb_model *lnb_run_ctx_model(lnb_run_ctx *c);
double lnb_run_ctx_loss_grad(lnb_run_ctx *c);
/* the plugin instances (self pointers) of the run, e.g. for their flops ops */
void lnb_run_ctx_plugins(lnb_run_ctx *c, void **problem, void **arch, void **opt);
int lnb_run_ctx_iterate(lnb_run_ctx *c, uint64_t t, double *loss, lnb_error *err);
void lnb_run_ctx_destroy(lnb_run_ctx *c);

/* Checkpoint schedule: is iteration t a checkpoint? (log-spaced, plus every
 * cfg->record.every iterations when > 0; the final iterate is always
 * recorded by the harness). */
int lnb_is_checkpoint(const lnb_config *cfg, uint64_t t);
/* The first checkpoint after iteration t (UINT64_MAX if none). */
uint64_t lnb_next_checkpoint(const lnb_config *cfg, uint64_t t);

#endif
