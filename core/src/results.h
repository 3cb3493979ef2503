/* results.h (internal) — summary.csv, trajectories.csv, summary.md, manifest.json. */
#ifndef LNB_RESULTS_H
#define LNB_RESULTS_H

#include <stdio.h>

#include "config.h"
#include "csv.h"
#include "harness.h"
#include "outdir.h"
#include "provenance.h"
#include "table.h"

/* Label of a cell: plugin name and its explicitly given parameters,
 * "deep_linear(depth=2,width=1)". Parameters named in skip[nskip] are left
 * out. Caller frees. */
char *lnb_cell_label(const lnb_cell *c, char *const *skip, size_t nskip);

/* the largest run id lnnbench writes or reads (10^15) */
#define LNB_RUN_ID_MAX 1000000000000000ULL

typedef struct lnb_results {
  char *dir;
  int lock_fd;     /* the directory's lock (outdir.h), held until close */
  size_t *run_ids; /* per run of the config (spec index): its run id */
  size_t nruns;
  size_t *excluded; /* run ids in the files but not in the tables (sorted) */
  size_t nexcluded;
  size_t *todo_ids; /* run ids this invocation runs (sorted) */
  size_t ntodo_ids;
  char *history; /* --resume: the earlier invocations, JSON lines (NULL: none) */
  char moved_to[4096]; /* --move-aside: where the earlier sweep went ("" if not) */
  const lnb_config *cfg;
  int summary, traj; /* append-only file descriptors, -1 when closed */
  char *cmdline;
  lnb_provenance prov;
  /* grid-parameter columns: kind prefix + parameter name */
  struct {
    lnb_kind kind;
    char *param;
    char *header;
  } *cols;
  size_t ncols;
  lnb_row *rows;
  size_t nrows, caprows;
  size_t counts[LNB_RUN_STATUS_COUNT]; /* per lnb_run_status */
  double wall_start;
  size_t resumed; /* rows kept from an earlier sweep (--resume) */
  int jobs, isolate; /* how the sweep ran, for the manifest */
  int batches;       /* some run samples mini-batches: summary.csv has an epochs column */
  int mpi_ranks;     /* > 0: an MPI sweep over this many ranks (jobs is per rank) */
  /* --resume: how many runs run and why ("3 runs to run: plugin adam
   * changed (...); ..."), "" when none */
  char rerun_why[1024];
  /* --resume into a summary.csv of other columns: its columns (the union
   * of the old ones and this config's) and, per column, the index in this
   * config's own header (-1: empty); NULL when the two agree */
  char **fcols;
  long *fmap;
  size_t nfcols;
} lnb_results;

typedef enum lnb_out_mode {
  LNB_OUT_NEW,       /* dir must hold no results */
  LNB_OUT_RESUME,    /* keep what dir holds, run the rest (a fresh sweep if it holds none) */
  LNB_OUT_MOVE_ASIDE /* move what dir holds to DIR/previous-<time>/, then a fresh sweep */
} lnb_out_mode;

/* Start writing the sweep of runs[nruns] into dir (created with its
 * parents): lock it against a second sweep, refuse a directory that holds
 * someone else's files, or results when mode is LNB_OUT_NEW; then either
 * create the CSVs with their headers, or resume: runs already recorded get
 * todo[i] = 0 and keep their rows and run ids (failed ones run again when
 * retry_failed); rows of runs not in this config stay in the files, out of
 * the tables. Writes a first manifest.json. Fails with a message naming the
 * path; nothing recorded in dir is changed (a partial last line that a
 * killed sweep left is cut). */
int lnb_results_start(lnb_results *w, const char *dir, const lnb_config *cfg,
                      const char *cmdline, const lnb_run_spec *runs, size_t nruns,
                      lnb_out_mode mode, int retry_failed, unsigned char *todo, lnb_error *err);
/* Append the run's summary row and its checkpoints, then flush both files. */
int lnb_results_append(lnb_results *w, const lnb_run_spec *spec, const lnb_run_result *res,
                       lnb_error *err);
/* Write summary.md and the final manifest.json (both atomically). */
int lnb_results_finish(lnb_results *w, int interrupted, lnb_error *err);
void lnb_results_close(lnb_results *w);

/* `lnnbench table DIR`: rebuild the head-to-head table from DIR/summary.csv
 * and DIR/manifest.json. md rewrites DIR/summary.md (atomically) and prints
 * it to out; csv and latex print to out. */
int lnb_results_rerender(const char *dir, lnb_table_format fmt, FILE *out, lnb_error *err);

/* Reading a results directory back (`lnnbench table`, and report.c for
 * `lnnbench plot` and `lnnbench compare`). */
/* DIR/manifest.json, whole and NUL-terminated; caller frees. NULL with a
 * message naming the file on error: it cannot be opened ("is DIR a results
 * directory?"), is not one whole JSON object (truncated, NUL byte) or has no
 * runs_total count. */
char *lnb_results_read_manifest(const char *dir, lnb_error *err);
/* Value text of "key" in lnnbench's own manifest.json, into out[n] ("" if
 * absent): strings unescaped, numbers and literals copied, a flat array
 * copied with its brackets; then control characters escaped (lnb__text_dup). */
void lnb_results_manifest_field(const char *json, const char *key, char *out, size_t n);
/* The earlier invocations in manifest.json's "history" (a resumed
 * directory), oldest first, in one walk: begin, then next until it returns
 * -1; each gives one entry's line of text into out[n] (-1 also when it does
 * not fit), for lnb_results_manifest_field: command, git_commit, git_dirty,
 * date_utc, wall_seconds, state (complete, interrupted, killed, unknown)
 * and run_ids (the runs it finished, "1-4,9"; null: not recorded). */
typedef struct lnb_history_iter {
  const char *at, *end;
} lnb_history_iter;
void lnb_results_history_begin(const char *json, lnb_history_iter *it);
int lnb_results_history_next(lnb_history_iter *it, char *out, size_t n);
/* summary.csv at path as lnb_row records, one per line in file order. The
 * rows' strings point into *sum (plugin names cut at '('), whose every
 * field is escaped (lnb__text_dup) for display; real turns the
 * number fields into doubles (the callers have always differed on text that
 * is no number). On error too, the caller frees *sum (lnb_csv_free) and
 * *rows; *nrows counts the rows filled. */
/* Run ids are checked (a whole number from 1 to LNB_RUN_ID_MAX, each once;
 * else an error naming path:line); with json (the directory's manifest),
 * rows it lists in "excluded_run_ids" (kept in the file by --resume, not in
 * the sweep's tables) are left out. */
int lnb_results_read_summary(const char *path, const char *json, double (*real)(const char *),
                             lnb_csv *sum,
                             lnb_row **rows, size_t *nrows, lnb_error *err);


#endif
