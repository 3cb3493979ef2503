/* sweep.h (internal) — run every cell of a config: in-process or one child
 * process per run (crash and hang isolation), N at a time. */
#ifndef LNB_SWEEP_H
#define LNB_SWEEP_H

#include <signal.h>

#include "harness.h"
#include "results.h"

/* --jobs above this is refused (main.c) and clamped here */
#define LNB_SWEEP_MAX_JOBS 1024
/* an isolated run's set-up (before its first checkpoint) is killed after
 * max(this, stop.max_seconds + grace) seconds; its timed loop after
 * stop.max_seconds + grace from that checkpoint */
#define LNB_SETUP_SECONDS 60.0

typedef struct lnb_sweep_opts {
  int jobs;             /* concurrent runs (>= 1) */
  int isolate;          /* 1: each run in a forked child; 0: in-process */
  double grace_seconds; /* hard kill after stop.max_seconds + this */
  int quiet;
  int progress_tty;     /* 1: one updating progress line; 0: periodic plain lines */
  volatile sig_atomic_t *interrupted; /* set by the caller's signal handler */
  /* descriptors a run's child closes first (the results directory's lock
   * and CSVs: a child that outlives a killed sweep for a moment must not
   * keep the directory locked against --resume); -1 entries are skipped */
  int child_close[3];
} lnb_sweep_opts;

typedef struct lnb_sweep_stats {
  size_t done, failed, skipped;
  int interrupted;
  int write_failed;
} lnb_sweep_stats;

/* Where the isolated-run engine takes its runs from and hands them back:
 * the local sweep walks the todo list in order; under MPI (mpi_sweep.c)
 * rank 0 serves a cost-ordered queue to itself and to the other ranks, and a
 * worker takes the runs rank 0 assigns it. */
enum { LNB_FEED_WAIT = -1, LNB_FEED_END = -2 };
typedef struct lnb_sweep_feed {
  /* index into runs[] of the next run to start; LNB_FEED_WAIT: none now,
   * ask again after the next tick; LNB_FEED_END: none any more. Not called
   * once the sweep is interrupted or a write failed. */
  long (*next)(void *ctx);
  /* a run ended (finished, crashed or timed out; a run killed because the
   * sweep was interrupted is dropped, so --resume runs it again) */
  void (*done)(void *ctx, const lnb_run_spec *spec, lnb_run_result *res);
  /* optional: called on every turn of the engine's loop, at least every
   * tick_seconds; returns nonzero while work outside this process is still
   * under way (the engine then keeps turning after its own runs are done) */
  int (*tick)(void *ctx);
  double tick_seconds;
  /* a directory for spool files (the results directory), or NULL: each
   * run's checkpoints then stay in memory until it ends (an MPI worker, which
   * sends them on) */
  const char *spool_dir;
  size_t total;          /* runs the sweep is to record, for progress lines */
  size_t remote_running; /* runs under way elsewhere, for progress lines */
  void *ctx;
} lnb_sweep_feed;

/* Run the feed's runs, each in a forked child, up to o->jobs at once: a
 * child that dies is a 'crashed' run with its last checkpoint, one still
 * running at stop.max_seconds + grace is killed and is a 'timeout' run. On
 * *o->interrupted (or st->write_failed, set by the feed's done) no more runs
 * start and running ones get grace_seconds before they are killed. Returns
 * when the feed has ended, no run is left and tick reports nothing under
 * way. st is the caller's (done usually counts into it); progress lines use
 * st->done, st->failed and feed->total. */
void lnb_sweep_isolated(const lnb_config *cfg, const lnb_run_spec *runs,
                        const lnb_sweep_opts *o, lnb_sweep_feed *feed, lnb_sweep_stats *st);

/* Record a finished run in w: its rows, a message on stderr when it failed,
 * st->done / st->failed / st->write_failed. */
void lnb_sweep_record(const lnb_run_spec *spec, const lnb_run_result *res, lnb_results *w,
                      lnb_sweep_stats *st, const lnb_sweep_opts *o);

/* Run runs[i] for every i with todo[i] != 0 (todo may be NULL = all),
 * appending each finished run to w. Never stops on a failed run; stops
 * launching on *interrupted, lets running children finish for
 * grace_seconds, then kills them. */
void lnb_sweep(const lnb_config *cfg, const lnb_run_spec *runs, size_t nruns,
               const unsigned char *todo, const lnb_sweep_opts *o, lnb_results *w,
               lnb_sweep_stats *st);

#endif
