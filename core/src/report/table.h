/* table.h (internal) — head-to-head tables from finished runs. */
#ifndef LNB_TABLE_H
#define LNB_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "harness.h"

/* One finished run as the head-to-head table needs it. */
typedef struct lnb_row {
  size_t run_id;
  char *problem;      /* problem label, e.g. lsq(m=50,d=20) */
  char *model;        /* architecture label + "+" + optimizer label without tuned params */
  char *tuned;        /* tuned parameters, e.g. "lr=0.01" ("" when none) */
  char *arch_plugin;  /* plugin names, for matching report.baseline */
  char *opt_plugin;
  uint64_t seed;
  lnb_run_status status;
  uint64_t iterations;
  int64_t iters_to_target;  /* -1 if not reached */
  double seconds_to_target; /* NaN if not reached */
  double final_loss, final_gap, seconds_per_iter;
  double test_accuracy; /* the last recorded test_accuracy; NaN when not recorded */
} lnb_row;

typedef struct lnb_table_opts {
  const char *best_by;  /* seconds_to_target | iters_to_target | final_loss | final_gap */
  const char *baseline; /* NULL = no speed-up column */
  int has_target;
} lnb_table_opts;

/* One model of one problem at its best tuned setting; medians over seeds
 * (an unreached target counts as +inf for the time and iteration medians). */
typedef struct lnb_table_entry {
  const char *problem, *model, *tuned, *arch_plugin, *opt_plugin; /* borrowed from rows */
  size_t n, reached, diverged, failed;
  double med_seconds, med_iters, med_gap, med_loss, med_spi;
  double med_test_acc; /* NaN when no seed recorded test_accuracy */
  double speedup; /* baseline ÷ this, in the quantity of select.best_by (seconds or
                     iterations to target, final loss or gap); NaN if undefined */
  int is_baseline, has_baseline;
  /* the tuned parameter(s) whose best value is the smallest or largest of
   * the two or more values the model searched ("lr"; "" when none): the
   * best may lie beyond the grid */
  char edge[64];
} lnb_table_entry;

typedef struct lnb_table {
  lnb_table_entry *entries; /* grouped by problem, in first-appearance order */
  size_t n;
  int has_test_acc; /* some entry has a test accuracy: the tables show the column */
} lnb_table;

typedef enum lnb_table_format { LNB_TABLE_MD, LNB_TABLE_CSV, LNB_TABLE_LATEX } lnb_table_format;

/* 0 ok, -1 out of memory. The table borrows strings from rows. */
/* The median of an entry in the quantity best_by names (seconds_to_target
 * when NULL; an unreached target is ∞, a missing final value ∞): what
 * picks the best setting, and what the speed-up column and the performance
 * profile divide. */
double lnb_table_quantity(const lnb_table_entry *e, const char *best_by);
/* "seconds to target", "iterations to target", "final loss", "final gap" */
const char *lnb_quantity_label(const char *best_by);
/* 1 when the quantity is a value to target (needs stop.target_gap) */
int lnb_quantity_needs_target(const char *best_by);

int lnb_table_compute(const lnb_row *rows, size_t n, const lnb_table_opts *o, lnb_table *t);
void lnb_table_render(FILE *f, const lnb_table *t, const lnb_table_opts *o,
                      lnb_table_format fmt);
void lnb_table_free(lnb_table *t);
/* the median of the non-NaN values of v (v is reordered; ∞ counts as a
 * value), NaN when there is none: the medians of the tables */
double lnb_table_median(double *v, size_t n);

#endif
