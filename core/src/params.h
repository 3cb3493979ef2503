/* params.h (internal) — resolved plugin parameter values and strict parsing. */
#ifndef LNB_PARAMS_H
#define LNB_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "lnnbench/plugin.h"

/* One parameter's value. Which fields are meaningful follows spec->type:
 *   INT: i          REAL: r        BOOL: b       STRING/ENUM: s
 *   INT_LIST: ints[n]   REAL_LIST: reals[n]   MATRIX: reals[rows*cols]
 * text is the canonical rendering used in labels and CSV columns
 * (e.g. "0.001", "[100,50]", "true"); NULL when unset. */
typedef struct lnb_value {
  int set;   /* has a value (given or default) */
  int given; /* written in the config (not a default) */
  int axis;  /* this parameter is a grid axis of its block */
  int64_t i;
  double r;
  int b;
  char *s;
  int64_t *ints;
  double *reals;
  size_t n, rows, cols;
  char *text;
} lnb_value;

struct lnb_params {
  const lnb_plugin *plugin; /* spec = plugin->params */
  size_t n;                 /* number of specs */
  lnb_value *v;             /* v[j] belongs to plugin->params[j] */
  const char *config_dir;   /* borrowed from the config */
};

/* number of specs in a NULL-terminated array */
size_t lnb__spec_count(const lnb_param_spec *specs);
/* index of name in specs, or -1 */
long lnb__spec_find(const lnb_param_spec *specs, const char *name);

/* Strict scalar parsing. Return 0 on success, else -1 with *why set to a
 * short static reason ("not a number", "trailing characters", ...). */
int lnb__parse_real(const char *text, double *out, const char **why);
int lnb__parse_int(const char *text, int64_t *out, const char **why);
int lnb__parse_bool(const char *text, int *out, const char **why);

/* Parse a range text such as "(0, inf)" or "[1, 64]". 0 ok, -1 malformed. */
typedef struct lnb_range {
  double lo, hi;
  int lo_open, hi_open;
} lnb_range;
int lnb__parse_range(const char *text, lnb_range *out);
int lnb__in_range(const lnb_range *r, double x);
/* "(0, inf)" style text of a range for messages (static spec text is fine) */

/* Check a declared spec array: names unique and well formed, defaults parse,
 * ranges and choices well formed. 0 ok, else fills err. */
int lnb__specs_check(const lnb_param_spec *specs, lnb_error *err);

/* Allocate a params object for plugin with every default applied
 * (value.set = 1 where the spec has a default). NULL on failure. */
lnb_params *lnb__params_new(const lnb_plugin *plugin, const char *config_dir,
                            lnb_error *err);
lnb_params *lnb__params_clone(const lnb_params *p);
void lnb__params_free(lnb_params *p);
void lnb__value_clear(lnb_value *v);
int lnb__value_copy(lnb_value *dst, const lnb_value *src);

/* Set parameter j from scalar text (types INT/REAL/BOOL/STRING/ENUM),
 * validating type, range and choices. 0 ok; else -1 with a message in
 * why[whylen] (no location; the caller adds it). */
int lnb__value_from_text(const lnb_param_spec *spec, const char *text,
                         lnb_value *out, char *why, size_t whylen);
/* Set a list (INT_LIST/REAL_LIST) or matrix value from element texts.
 * For MATRIX, rows x cols texts, row-major. */
int lnb__value_from_list(const lnb_param_spec *spec, const char *const *texts,
                         size_t rows, size_t cols, lnb_value *out, char *why,
                         size_t whylen);

/* "int", "real", ... for describe output */
const char *lnb__type_label(lnb_type t);

/* Edit distance with adjacent transpositions, for did-you-mean suggestions. */
size_t lnb__edit_distance(const char *a, const char *b);
/* closest of candidates[n] to word if reasonably close, else NULL */
const char *lnb__closest(const char *word, const char *const *candidates,
                         size_t n);

#endif
