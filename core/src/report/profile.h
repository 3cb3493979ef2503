/* profile.h (internal) — cross-problem performance profiles (Dolan and Moré
 * 2002, "Benchmarking optimization software with performance profiles"; the
 * ECDFs of COCO and AlgoPerf's profiles are the same idea).
 *
 * For every problem p and model m (at its best tuned setting, as in the
 * head-to-head table) t(p, m) is the median over seeds of the quantity
 * select.best_by names — seconds or iterations to target (∞ when the median
 * run does not reach it, or m was not run on p), or the final loss or gap. The ratio is
 * r(p, m) = t(p, m) / min_m' t(p, m'), and the profile of m is
 * ρ_m(τ) = |{p : r(p, m) ≤ τ}| / |P|. There is one target per problem (the
 * config's stop.target_gap), so the (problem, target) pairs are the problems. */
#ifndef LNB_PROFILE_H
#define LNB_PROFILE_H

#include <stddef.h>
#include <stdio.h>

#include "table.h"

typedef struct lnb_profile {
  size_t nmodels, nprob;
  const char **models;   /* borrowed from the rows, first-appearance order */
  const char **problems; /* borrowed, first-appearance order */
  double *time;          /* nmodels x nprob: t(p, m), INFINITY when unsolved or absent */
  double *ratio;         /* nmodels x nprob: r(p, m), INFINITY when unsolved; when the
                            fastest time is 0, 1 for a time of 0 and DBL_MAX otherwise */
} lnb_profile;

/* The τ grid of the summary.md table (τ = ∞ is added as the last column). */
extern const double lnb_profile_taus[];
extern const size_t lnb_profile_ntaus;

/* best_by as select.best_by; 0 ok, -1 out of memory. */
int lnb_profile_compute(const lnb_row *rows, size_t n, const char *best_by, lnb_profile *p);
/* ρ_m(τ); τ = INFINITY gives the fraction of problems the model solves */
double lnb_profile_rho(const lnb_profile *p, size_t model, double tau);
void lnb_profile_free(lnb_profile *p);

/* The "Performance profile" section of summary.md: written when the rows
 * hold at least two problems (nothing otherwise). */
void lnb_profile_summary_md(FILE *f, const lnb_row *rows, size_t n, const char *best_by,
                            int has_target);

#endif
