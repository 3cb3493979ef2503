/* results.h (internal) — summary.csv, trajectories.csv, summary.md, manifest.json. */
#ifndef LNB_RESULTS_H
#define LNB_RESULTS_H

#include <stdio.h>

#include "config.h"
#include "csv.h"
#include "harness.h"
#include "provenance.h"
#include "table.h"

/* Label of a cell: plugin name and its explicitly given parameters,
 * "deep_linear(depth=2,width=1)". Parameters named in skip[nskip] are left
 * out. Caller frees. */
char *lnb_cell_label(const lnb_cell *c, char *const *skip, size_t nskip);

typedef struct lnb_results {
  char *dir;
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
  int mpi_ranks;     /* > 0: an MPI sweep over this many ranks (jobs is per rank) */
} lnb_results;

/* Create dir (and parents), open the CSVs with their headers, write a first
 * manifest.json. Fails with a message naming the path. */
int lnb_results_open(lnb_results *w, const char *dir, const lnb_config *cfg,
                     const char *cmdline, lnb_error *err);
/* Resume an earlier sweep in dir: runs whose spec hash is recorded get
 * todo[i] = 0 and their rows are kept (failed ones are re-run when
 * retry_failed); rows of specs not in runs[] are dropped. Both CSVs are
 * rewritten atomically, then appended to. Without summary.csv in dir this is
 * lnb_results_open. */
int lnb_results_resume(lnb_results *w, const char *dir, const lnb_config *cfg,
                       const char *cmdline, const lnb_run_spec *runs, size_t nruns,
                       int retry_failed, unsigned char *todo, lnb_error *err);
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
/* summary.csv at path as lnb_row records, one per line in file order. The
 * rows' strings point into *sum (plugin names cut at '('), whose every
 * field is escaped (lnb__text_dup) for display; real turns the
 * number fields into doubles (the callers have always differed on text that
 * is no number). On error too, the caller frees *sum (lnb_csv_free) and
 * *rows; *nrows counts the rows filled. */
int lnb_results_read_summary(const char *path, double (*real)(const char *), lnb_csv *sum,
                             lnb_row **rows, size_t *nrows, lnb_error *err);

/* mkdir -p; 0 ok else -1 with errno set */
int lnb_mkdirs(const char *path);
/* write text to path atomically (temp file in the same dir + rename) */
int lnb_write_atomic(const char *path, const char *text, size_t len, lnb_error *err);

#endif
