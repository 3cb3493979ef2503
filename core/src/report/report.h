/* report.h (internal) — read a finished results directory back for the
 * reporting tools (`lnnbench plot`, `lnnbench compare`): summary.csv as
 * lnb_row records, the manifest fields the tables need, and trajectories.csv
 * as numbers. */
#ifndef LNB_REPORT_H
#define LNB_REPORT_H

#include <stddef.h>

#include "csv.h"
#include "lnnbench/error.h"
#include "table.h"

typedef struct lnb_rset {
  char *dir;
  lnb_csv sum;   /* owns the strings the rows point to */
  lnb_row *rows; /* one per summary.csv row, file order */
  size_t nrows;
  char name[256];      /* config_name */
  char best_by[64];    /* select_best_by (default seconds_to_target) */
  char baseline[512];  /* report_baseline, "" when none */
  int has_target;
  double target_gap;
  char *manifest; /* manifest.json, whole (raw: escape before printing) */
} lnb_rset;

/* One run's checkpoints from trajectories.csv (columns after run_id). */
typedef struct lnb_rtraj {
  size_t run_id;
  size_t n;         /* checkpoints */
  double *iter;     /* n */
  double *seconds;  /* n */
  double *gap;      /* n (NaN when empty) */
  double *metrics;  /* n x nmetrics, row-major (NaN when empty) */
} lnb_rtraj;

typedef struct lnb_rtrajs {
  char **metric_names; /* the columns after gap */
  size_t nmetrics;
  lnb_rtraj *runs; /* sorted by run_id */
  size_t nruns;
} lnb_rtrajs;

/* Read DIR/summary.csv and DIR/manifest.json. Every text in the set (dir,
 * manifest fields, summary.csv fields) comes escaped as by lnb__text_dup:
 * nothing read back from a results directory reaches a terminal or a
 * generated script raw. */
int lnb_rset_load(lnb_rset *s, const char *dir, lnb_error *err);
void lnb_rset_free(lnb_rset *s);

/* Read DIR/trajectories.csv (a truncated or corrupt file is an error naming
 * path:line); metric names come escaped as by lnb__text_dup. */
int lnb_rtrajs_load(lnb_rtrajs *t, const char *dir, lnb_error *err);
/* the run's checkpoints, or NULL */
const lnb_rtraj *lnb_rtrajs_find(const lnb_rtrajs *t, size_t run_id);
void lnb_rtrajs_free(lnb_rtrajs *t);

/* The axis label of metric column col: "what it measures (col)", the help
 * text from manifest.json's metric_help (older manifests: the core metrics'
 * own help) cut to its lead phrase (before the first ": ", "; " or " (") and
 * to 80 bytes; a column k of a multi-column metric name_k reads "…, column k
 * (name_k)"; just col when no help is known. Escaped as by lnb__text_dup. */
void lnb_report_metric_label(const char *json, const char *col, char *out, size_t n);

/* "inf", "-inf", "" (NaN) or a number */
double lnb_report_real(const char *s);

#endif
