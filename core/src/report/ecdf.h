/* ecdf.h (internal) — multi-target runtime ECDFs (the "data profiles" of
 * COCO, Hansen et al. 2021), beside the single-target performance profile
 * of profile.h.
 *
 * Targets: the decades 1e-1, 1e-2, ..., 1e-8 of the gap l − l*. A problem
 * keeps the targets at or above stop.target_gap (runs stop there, so a finer
 * target says nothing about a model) and at or above the smallest gap any
 * of its runs recorded at a checkpoint (a target nobody reached is the same
 * zero for every model); a problem without a recorded gap (no l*) has none.
 * The (problem, target) pairs of all problems are pooled.
 *
 * For every model m (at its best tuned setting, as in the head-to-head
 * table) and pair (p, T), the hit h(m, p, T) is the median over seeds of the
 * first checkpoint (trajectories.csv) at which the run's gap was ≤ T —
 * in iterations and, separately, in seconds — ∞ when unreached or when m
 * was not run on p. The ECDF of m at budget B is the fraction of pairs with
 * h ≤ B. Resolution: the checkpoints (stop.checkpoint_every). */
#ifndef LNB_ECDF_H
#define LNB_ECDF_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "table.h"

extern const double lnb_ecdf_targets[];
extern const size_t lnb_ecdf_ntargets;

typedef struct lnb_ecdf {
  size_t nmodels, nprob, npairs;
  const char **models;   /* borrowed from the rows, first-appearance order */
  const char **problems; /* borrowed, first-appearance order */
  double *target;        /* npairs: the pair's gap target */
  size_t *prob;          /* npairs: the pair's problem index */
  double *iters;         /* nmodels x npairs: median first hit, INFINITY when unreached */
  double *seconds;       /* nmodels x npairs, the same in seconds */
} lnb_ecdf;

/* What the ECDF needs of one run's checkpoints: its smallest recorded gap
 * and, for each of lnb_ecdf_targets, the first checkpoint with gap <= it. */
typedef struct lnb_ecdf_hits {
  size_t run_id;
  double gmin;      /* INFINITY when no gap was recorded */
  double iter[8];   /* per target: iteration of the first hit, INFINITY unreached */
  double seconds[8];
} lnb_ecdf_hits;

/* Read DIR/trajectories.csv a line at a time (memory: one record per run,
 * however many checkpoints): *hits sorted by run_id. LNB_ENOENT when the file
 * does not exist, LNB_EPARSE naming path:line for one not written by
 * lnnbench. */
int lnb_ecdf_hits_read(const char *dir, lnb_ecdf_hits **hits, size_t *n, lnb_error *err);
/* the same from trajectories already in memory; 0 ok, -1 out of memory */
int lnb_ecdf_hits_from(const lnb_rtrajs *tr, lnb_ecdf_hits **hits, size_t *n);

/* has_target/target_gap as stop.target_gap; hits sorted by run_id (a run
 * without a record reaches nothing); 0 ok, -1 out of memory. */
int lnb_ecdf_compute(const lnb_row *rows, size_t n, const char *best_by, int has_target,
                     double target_gap, const lnb_ecdf_hits *hits, size_t nhits, lnb_ecdf *e);
/* The fraction of pairs model reaches within budget (iterations, or
 * seconds when in_seconds); budget INFINITY: the pairs it reaches at all.
 * NaN when there is no pair. */
double lnb_ecdf_frac(const lnb_ecdf *e, size_t model, int in_seconds, double budget);
/* The budgets of the summary.md table: decades from the smallest positive
 * to the largest finite hit of any model, at most max of them (thinned,
 * the largest kept). Returns how many were written to b. */
size_t lnb_ecdf_budgets(const lnb_ecdf *e, int in_seconds, double *b, size_t max);
void lnb_ecdf_free(lnb_ecdf *e);

/* The "ECDF over targets" section of summary.md, from DIR/trajectories.csv;
 * without that file (or with no pair) a sentence says why there is none. */
void lnb_ecdf_summary_md(FILE *f, const char *dir, const lnb_row *rows, size_t n,
                         const char *best_by, int has_target, double target_gap);

#endif
