/* config.h (internal) — YAML experiment config: load, validate, expand. */
#ifndef LNB_CONFIG_H
#define LNB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "registry.h"
#include "transforms.h"

/* One grid point of one plugin block. */
typedef struct lnb_cell {
  const lnb_loaded *plugin;
  lnb_params *params; /* owned */
  size_t block;       /* index of the YAML list entry it came from */
  int line, column;   /* 1-based mark of the block in the file */
  char **with;        /* optimizer cells: architecture plugins it pairs with (none = all) */
  size_t nwith;
  /* optimizer cells, host keys (mini-batches): batch_size 0 = full batch;
   * sampling LNB_SAMPLE_SHUFFLE or LNB_SAMPLE_REPLACEMENT; given says which
   * of the two the config wrote (labels, columns and the spec hash name only
   * those, so configs without them keep their identities) */
  size_t batch_size;
  int sampling;
  unsigned given; /* LNB_GIVEN_BATCH_SIZE | LNB_GIVEN_SAMPLING | LNB_GIVEN_SCHEDULE ... */
  /* optimizer cells, host keys (step transforms, ABI 1.5): schedule, clip,
   * weight_decay (unless the plugin declares its own), decoupled_weight_decay;
   * all zero when not given */
  lnb_transforms tf;
  /* data files its validate hook read (host.h lnb_datafile: path and
   * content hash), part of the run identity and the manifest */
  struct lnb_datafile *files;
  size_t nfiles;
} lnb_cell;

enum { LNB_SAMPLE_SHUFFLE = 0, LNB_SAMPLE_REPLACEMENT = 1 };
enum { LNB_GIVEN_BATCH_SIZE = 1, LNB_GIVEN_SAMPLING = 2 };
enum {
  LNB_GIVEN_SCHEDULE = 4,
  LNB_GIVEN_CLIP = 8,
  LNB_GIVEN_WEIGHT_DECAY = 16,
  LNB_GIVEN_DECOUPLED = 32
};
/* the host keys of optimizer cells, in label and column order */
#define LNB_CELL_HOST_KEYS                                                              \
  {"batch_size", "sampling", "schedule", "clip", "weight_decay", "decoupled_weight_decay"}
#define LNB_CELL_NHOST_KEYS 6
/* room for one host key's text */
#define LNB_CELL_HOST_TEXT_MAX 128
/* the text of an optimizer cell's host key (LNB_CELL_HOST_KEYS) into buf, or
 * NULL when the config did not give it */
const char *lnb_cell_host_text(const lnb_cell *c, const char *key, char *buf, size_t n);

/* does optimizer cell `opt` run on architecture cell `arch` (its `with:`)? */
int lnb_cell_pairs(const lnb_cell *arch, const lnb_cell *opt);

typedef struct lnb_cellset {
  lnb_cell *cells;
  size_t n;
} lnb_cellset;

typedef struct lnb_config {
  char *path;       /* as given */
  char *dir;        /* directory of path, for relative data files */
  char *name;
  uint64_t hash;    /* FNV-1a 64 of the file bytes */
  char *text;       /* the file bytes (for the manifest) */

  uint64_t *seeds;
  size_t nseeds;

  lnb_cellset problems, architectures, optimizers;

  struct {
    int64_t max_iters;  /* default 10000 */
    double target_gap;  /* default 0 = no target */
    int has_target;
    double max_seconds; /* default 0 = unlimited */
    double max_epochs;  /* default 0 = unlimited; mini-batch runs: samples seen / m */
  } stop;
  struct {
    int per_decade;     /* log-spaced checkpoints per decade, default 10 */
    int64_t every;      /* if > 0: also every N iterations */
    char **metrics;     /* names from record.metrics */
    size_t nmetrics;
    int top_k;          /* columns of the singular_values metric, default 3 */
  } record;
  struct {
    char *best_by;      /* seconds_to_target | iters_to_target | final_loss | final_gap */
    char **tune;        /* optimizer/architecture params tuned per model; default {"lr"} */
    size_t ntune;
  } select;
  struct {
    char *baseline;     /* model label or "arch+opt" prefix; NULL = none */
  } report;
  int threads;          /* BLIS threads, default 1 */
} lnb_config;

/* Load and fully validate path against the registry. On failure returns
 * LNB_EINVAL / LNB_EPARSE / LNB_EIO and err->msg begins with
 * "file:line:column: " where a location exists. */
int lnb_config_load(const char *path, const lnb_registry *reg,
                    lnb_config *cfg, lnb_error *err);
/* Same from a string; path is used for messages only. */
int lnb_config_load_string(const char *text, size_t len, const char *path,
                           const lnb_registry *reg, lnb_config *cfg,
                           lnb_error *err);
void lnb_config_free(lnb_config *cfg);

/* total number of runs = |problems| * |seeds| * (architecture, optimizer)
 * pairs, all of them unless optimizers restrict themselves with `with:` */
size_t lnb_config_run_count(const lnb_config *cfg);

/* Is cell i of set the first of the set to use its plugin? (to name each
 * plugin a config uses once: the manifest, the MPI plugin agreement) */
int lnb_cellset_first_use(const lnb_cellset *set, size_t i);

#endif
