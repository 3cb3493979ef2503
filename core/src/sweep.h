/* sweep.h (internal) — run every cell of a config: in-process or one child
 * process per run (crash and hang isolation), N at a time. */
#ifndef LNB_SWEEP_H
#define LNB_SWEEP_H

#include <signal.h>

#include "harness.h"
#include "results.h"

typedef struct lnb_sweep_opts {
  int jobs;             /* concurrent runs (>= 1) */
  int isolate;          /* 1: each run in a forked child; 0: in-process */
  double grace_seconds; /* hard kill after stop.max_seconds + this */
  int quiet;
  int progress_tty;     /* 1: one updating progress line; 0: periodic plain lines */
  volatile sig_atomic_t *interrupted; /* set by the caller's signal handler */
} lnb_sweep_opts;

typedef struct lnb_sweep_stats {
  size_t done, failed, skipped;
  int interrupted;
  int write_failed;
} lnb_sweep_stats;

/* Run runs[i] for every i with todo[i] != 0 (todo may be NULL = all),
 * appending each finished run to w. Never stops on a failed run; stops
 * launching on *interrupted, lets running children finish for
 * grace_seconds, then kills them. */
void lnb_sweep(const lnb_config *cfg, const lnb_run_spec *runs, size_t nruns,
               const unsigned char *todo, const lnb_sweep_opts *o, lnb_results *w,
               lnb_sweep_stats *st);

#endif
