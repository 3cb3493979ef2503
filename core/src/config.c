/* config.c — YAML experiment config: load, validate against the plugin
 * specs, and expand every plugin block into its grid of cells.
 *
 * The file is read whole, parsed with libyaml's document loader (so every
 * node keeps its start mark), and walked once in document order. Every
 * message that concerns a node begins with "path:line:column: " (1-based).
 *
 * Shapes of a parameter value, by declared type:
 *   INT/REAL/BOOL/STRING/ENUM  scalar = one value; list = grid axis
 *                              (refused with LNB_P_NOGRID)
 *   INT_LIST/REAL_LIST         scalar or flat list = one value;
 *                              list of lists = grid axis
 *   MATRIX                     scalar = 1x1; flat list = one row;
 *                              list of rows = one value;
 *                              list of lists of rows = grid axis
 * A block expands to the Cartesian product of its axes, in the key order of
 * the YAML with the last key varying fastest.
 */
#define _POSIX_C_SOURCE 200809L

#include "config.h"
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "csv.h"
#include "host.h"
#include "results.h"

/* Refuse grids whose size suggests a typo rather than an experiment; this
 * also keeps every product below far from overflow. A block's cells are
 * counted before they are built, and a set of cells never holds more than a
 * sweep may run. */
#define CFG_MAX_RUNS ((size_t)100000)
#define CFG_MAX_CELLS CFG_MAX_RUNS
/* architecture x optimizer cells to pair (with `with:` most pairs may be
 * dropped, but each is looked at) */
#define CFG_MAX_PAIRINGS ((size_t)10 * CFG_MAX_RUNS)
/* Refuse config files larger than this (bytes). */
#define CFG_MAX_FILE ((size_t)4 << 20)
/* Deepest nesting of lists and mappings (a config needs about 6); checked
 * before the document is built: libyaml's scanner costs O(depth) per token. */
#define CFG_MAX_DEPTH 64
/* Aliases may expand the document to at most twice the file plus this. */
#define CFG_ALIAS_SLACK ((uint64_t)1 << 20)

#define CFG_END_OF(type, member) \
  (offsetof(type, member) + sizeof(((type *)0)->member))

typedef int (*validate_fn)(const lnb_host *host, const lnb_params *params,
                           lnb_error *err);

/* Parsing context. */
typedef struct cfg_ctx {
  const char *path;
  yaml_document_t *doc;
  const lnb_registry *reg;
  lnb_config *cfg;
  lnb_error *err;
  const yaml_node_t *tune_node; /* select.tune as given, checked at the end */
  const yaml_node_t *baseline_node; /* report.baseline, checked at the end */
  int best_by_given; /* select.best_by written (else chosen after stop is read) */
  const yaml_node_t *metrics_node; /* record.metrics, checked at the end */
  size_t len;                   /* bytes of cfg->text */
} cfg_ctx;

/* One parameter key of a block: its candidate values, parsed once. */
typedef struct cfg_axis {
  long j;                  /* spec index */
  const yaml_node_t *key;  /* for messages */
  lnb_value *vals;
  size_t n;
  int is_axis;
} cfg_axis;

/* ------------------------------------------------------------ utilities */

static char *cfg_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

static const char *kind_word(lnb_kind k) { return lnb_kind_name(k); }

/* Bounded string builder writing into a caller's buffer; silently
 * truncates, always NUL-terminated. */
typedef struct sbuf {
  char *p;
  size_t cap, len;
} sbuf;

static void sb_init(sbuf *b, char *p, size_t cap) {
  b->p = p;
  b->cap = cap;
  b->len = 0;
  if (cap)
    p[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf *b,
                                                            const char *fmt,
                                                            ...) {
  if (b->len + 1 >= b->cap)
    return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  if (k < 0)
    return;
  b->len += (size_t)k;
  if (b->len >= b->cap)
    b->len = b->cap - 1;
}

/* ", "-joined list of names */
static void sb_join(sbuf *b, const char *const *names, size_t n) {
  for (size_t i = 0; i < n; i++)
    sb_printf(b, "%s%s", i ? ", " : "", names[i]);
}

/* Repeat detection in O(n log n): keys are sorted with their positions. A
 * key is a string (s) or, when s is NULL, a number (u). */
typedef struct cfg_key {
  const char *s;
  uint64_t u;
  size_t i; /* position in the input */
} cfg_key;

static int key_cmp(const void *pa, const void *pb) {
  const cfg_key *a = pa, *b = pb;
  int d = a->s && b->s ? strcmp(a->s, b->s) : (a->u > b->u) - (a->u < b->u);
  return d ? d : (a->i > b->i) - (a->i < b->i);
}

static int key_equal(const cfg_key *a, const cfg_key *b) {
  return a->s && b->s ? strcmp(a->s, b->s) == 0 : a->u == b->u;
}

/* The first repeat in input order: *second is the smallest position whose
 * key appeared before, *first that earlier position. Sorts k. 1 if found. */
static int first_repeat(cfg_key *k, size_t n, size_t *first, size_t *second) {
  qsort(k, n, sizeof *k, key_cmp);
  int found = 0;
  for (size_t i = 1; i < n; i++)
    if (key_equal(&k[i - 1], &k[i]) && (i < 2 || !key_equal(&k[i - 2], &k[i - 1])) &&
        (!found || k[i].i < *second)) {
      *first = k[i - 1].i;
      *second = k[i].i;
      found = 1;
    }
  return found;
}

/* ---------------------------------------------------------------- nodes */

static const yaml_node_t *node_at(const cfg_ctx *c, int index) {
  return yaml_document_get_node(c->doc, index);
}

static const char *sval(const yaml_node_t *n) {
  return (const char *)n->data.scalar.value;
}

static int is_null(const yaml_node_t *n) {
  if (!n)
    return 1;
  if (n->type != YAML_SCALAR_NODE)
    return 0;
  if (n->tag && strcmp((const char *)n->tag, YAML_NULL_TAG) == 0)
    return 1;
  if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return 0;
  const char *s = sval(n);
  return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
         strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static int is_scalar(const yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE && !is_null(n);
}

static int is_seq(const yaml_node_t *n) {
  return n && n->type == YAML_SEQUENCE_NODE;
}

static size_t seq_len(const yaml_node_t *n) {
  return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static const yaml_node_t *seq_item(const cfg_ctx *c, const yaml_node_t *n,
                                   size_t i) {
  return node_at(c, n->data.sequence.items.start[i]);
}

static size_t map_len(const yaml_node_t *n) {
  return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

static const yaml_node_t *map_key(const cfg_ctx *c, const yaml_node_t *n,
                                  size_t i) {
  return node_at(c, n->data.mapping.pairs.start[i].key);
}

static const yaml_node_t *map_value(const cfg_ctx *c, const yaml_node_t *n,
                                    size_t i) {
  return node_at(c, n->data.mapping.pairs.start[i].value);
}

static const char *node_desc(const yaml_node_t *n) {
  if (!n || is_null(n))
    return "null";
  switch (n->type) {
  case YAML_MAPPING_NODE:
    return "a mapping";
  case YAML_SEQUENCE_NODE:
    return "a list";
  case YAML_SCALAR_NODE:
    return "a scalar";
  default:
    return "an empty node";
  }
}

/* -------------------------------------------------------------- errors */

/* Copy text into out with control characters written as \xHH (host.c's
 * lnb__fput_text, as every untrusted text lnnbench prints), so that a key
 * holding a terminal escape sequence prints as text; cut when out is full. */
static void escape_controls(char *out, size_t cap, const char *text) {
  char *t = lnb__text_dup(text, NULL);
  snprintf(out, cap, "%s", t ? t : "(out of memory)");
  free(t);
}

/* Every config message goes through here: "path:line:col: " + text, with
 * control characters escaped (keys and values are echoed verbatim). */
static int fail_v(cfg_ctx *c, const yaml_node_t *n, int code, const char *fmt,
                  va_list ap) {
  char raw[LNB_ERROR_MSG_MAX];
  sbuf b;
  sb_init(&b, raw, sizeof raw);
  if (n)
    sb_printf(&b, "%s:%lu:%lu: ", c->path,
              (unsigned long)n->start_mark.line + 1,
              (unsigned long)n->start_mark.column + 1);
  else
    sb_printf(&b, "%s: ", c->path);
  if (b.len + 1 < b.cap) {
    int k = vsnprintf(b.p + b.len, b.cap - b.len, fmt, ap);
    (void)k;
  }
  escape_controls(c->err->msg, sizeof c->err->msg, raw);
  c->err->code = code;
  return code;
}

__attribute__((format(printf, 4, 5))) static int
fail(cfg_ctx *c, const yaml_node_t *n, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = fail_v(c, n, code, fmt, ap);
  va_end(ap);
  return rc;
}

static int fail_oom(cfg_ctx *c) {
  return fail(c, NULL, LNB_ENOMEM, "out of memory while loading the config");
}

/* "unknown <what> '<word>'<where>; did you mean 'x'? (valid: a, b)" */
static int fail_unknown(cfg_ctx *c, const yaml_node_t *at, const char *what,
                        const char *word, const char *where,
                        const char *const *valid, size_t n,
                        const char *valid_label) {
  char list[512];
  sbuf b;
  sb_init(&b, list, sizeof list);
  sb_join(&b, valid, n);
  const char *best = n ? lnb__closest(word, valid, n) : NULL;
  char hint[160] = "";
  if (best)
    snprintf(hint, sizeof hint, "; did you mean '%.100s'?", best);
  if (n)
    return fail(c, at, LNB_EINVAL, "unknown %s '%s'%s%s (%s: %s)", what, word,
                where, hint, valid_label, list);
  return fail(c, at, LNB_EINVAL, "unknown %s '%s'%s (%s: none)", what, word,
              where, valid_label);
}

/* Mapping with scalar keys, no merge key and no key twice. */
static int check_mapping(cfg_ctx *c, const yaml_node_t *m, const char *what) {
  size_t n = map_len(m);
  for (size_t i = 0; i < n; i++) {
    const yaml_node_t *k = map_key(c, m, i);
    if (!k || k->type != YAML_SCALAR_NODE)
      return fail(c, k ? k : m, LNB_EINVAL,
                  "%s: keys must be plain names, got %s as a key", what,
                  node_desc(k));
    if (k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(sval(k), "<<") == 0)
      return fail(c, k, LNB_EINVAL,
                  "%s: YAML merge keys ('<<') are not supported (write the keys "
                  "out; an alias may stand for a whole value, e.g. lr: *rates)",
                  what);
  }
  if (n < 2)
    return 0;
  cfg_key *keys = malloc(n * sizeof *keys);
  if (!keys)
    return fail_oom(c);
  for (size_t i = 0; i < n; i++)
    keys[i] = (cfg_key){sval(map_key(c, m, i)), 0, i};
  size_t a, b;
  int rc = 0;
  if (first_repeat(keys, n, &a, &b)) {
    const yaml_node_t *p = map_key(c, m, a), *k = map_key(c, m, b);
    rc = fail(c, k, LNB_EINVAL,
              "duplicate key '%s' in %s (first given at line %lu, column %lu)",
              sval(k), what, (unsigned long)p->start_mark.line + 1,
              (unsigned long)p->start_mark.column + 1);
  }
  free(keys);
  return rc;
}

/* ------------------------------------------------------- setting values */

/* A non-null scalar or a "wrong type" error naming what and expected. */
static int want_scalar(cfg_ctx *c, const yaml_node_t *n, const char *what,
                       const char *expected, const char **out) {
  if (!is_scalar(n))
    return fail(c, n, LNB_EINVAL, "%s: wrong type: got %s (expected %s)",
                what, node_desc(n), expected);
  *out = sval(n);
  return 0;
}

static int get_int_setting(cfg_ctx *c, const yaml_node_t *n, const char *what,
                           int64_t lo, int64_t hi, int64_t *out) {
  char expected[96];
  if (hi == INT64_MAX)
    snprintf(expected, sizeof expected, "int in [%lld, inf)", (long long)lo);
  else
    snprintf(expected, sizeof expected, "int in [%lld, %lld]", (long long)lo,
             (long long)hi);
  const char *text = "", *why = NULL;
  int rc = want_scalar(c, n, what, expected, &text);
  if (rc)
    return rc;
  int64_t v;
  if (lnb__parse_int(text, &v, &why) != 0)
    return fail(c, n, LNB_EINVAL, "%s: '%s': %s (expected %s)", what, text,
                why, expected);
  if (v < lo || v > hi)
    return fail(c, n, LNB_EINVAL, "%s: value %lld is out of range (expected %s)",
                what, (long long)v, expected);
  *out = v;
  return 0;
}

/* A finite real > 0. */
static int get_pos_real_setting(cfg_ctx *c, const yaml_node_t *n,
                                const char *what, double *out) {
  static const char expected[] = "real in (0, inf)";
  const char *text = "", *why = NULL;
  int rc = want_scalar(c, n, what, expected, &text);
  if (rc)
    return rc;
  double v;
  if (lnb__parse_real(text, &v, &why) != 0)
    return fail(c, n, LNB_EINVAL, "%s: '%s': %s (expected %s)", what, text,
                why, expected);
  if (!(v > 0))
    return fail(c, n, LNB_EINVAL, "%s: value %s is out of range (expected %s)",
                what, text, expected);
  *out = v;
  return 0;
}

/* A scalar or a list of scalars, as an array of strdup'd strings (no
 * duplicates). An empty list gives n = 0. */
static int get_string_list(cfg_ctx *c, const yaml_node_t *n, const char *what,
                           char ***out, size_t *nout) {
  static const char expected[] = "a name or a list of names";
  size_t cnt = 1;
  if (is_seq(n))
    cnt = seq_len(n);
  else if (!is_scalar(n))
    return fail(c, n, LNB_EINVAL, "%s: wrong type: got %s (expected %s)",
                what, node_desc(n), expected);
  char **arr = calloc(cnt ? cnt : 1, sizeof *arr);
  if (!arr)
    return fail_oom(c);
  int rc = 0;
  size_t k = 0;
  for (; k < cnt; k++) {
    const yaml_node_t *it = is_seq(n) ? seq_item(c, n, k) : n;
    const char *text = "";
    if ((rc = want_scalar(c, it, what, expected, &text)) != 0)
      break;
    if (!*text) {
      rc = fail(c, it, LNB_EINVAL, "%s: empty name (expected %s)", what,
                expected);
      break;
    }
    if (!(arr[k] = cfg_strdup(text))) {
      rc = fail_oom(c);
      break;
    }
  }
  cfg_key *keys = rc || cnt < 2 ? NULL : malloc(cnt * sizeof *keys);
  if (!rc && cnt >= 2 && !keys)
    rc = fail_oom(c);
  if (keys) {
    for (size_t i = 0; i < cnt; i++)
      keys[i] = (cfg_key){arr[i], 0, i};
    size_t a, second;
    if (first_repeat(keys, cnt, &a, &second))
      rc = fail(c, seq_item(c, n, second), LNB_EINVAL, "%s: '%s' is listed twice", what,
                arr[second]);
    free(keys);
  }
  if (rc) {
    for (size_t j = 0; j < k; j++)
      free(arr[j]);
    free(arr);
    return rc;
  }
  *out = arr;
  *nout = cnt;
  return 0;
}

typedef struct sbuf_dyn {
  char *p;
  size_t len, cap;
} sbuf_dyn;

static int sd_puts(sbuf_dyn *b, const char *s) {
  size_t n = strlen(s);
  if (b->len + n + 1 > b->cap) {
    size_t cap = (b->len + n + 1) * 2;
    char *t = realloc(b->p, cap);
    if (!t)
      return -1;
    b->p = t, b->cap = cap;
  }
  memcpy(b->p + b->len, s, n + 1);
  b->len += n;
  return 0;
}

static void free_string_list(char **arr, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(arr[i]);
  free(arr);
}

/* ------------------------------------------------------ parameter values */

/* "int in [1, 64]", "one of a|b", ... */
static void expected_text(const lnb_param_spec *s, char *buf, size_t n) {
  sbuf b;
  sb_init(&b, buf, n);
  switch (s->type) {
  case LNB_T_INT:
    sb_printf(&b, "int");
    break;
  case LNB_T_REAL:
    sb_printf(&b, "real");
    break;
  case LNB_T_BOOL:
    sb_printf(&b, "bool (true or false)");
    break;
  case LNB_T_STRING:
    sb_printf(&b, "string");
    break;
  case LNB_T_ENUM:
    sb_printf(&b, "one of %s", s->choices ? s->choices : "(no choices)");
    break;
  case LNB_T_INT_LIST:
    sb_printf(&b, "list of int");
    break;
  case LNB_T_REAL_LIST:
    sb_printf(&b, "list of real");
    break;
  case LNB_T_MATRIX:
    sb_printf(&b, "matrix: list of equal-length rows of real");
    break;
  }
  if (s->range && s->type != LNB_T_BOOL && s->type != LNB_T_STRING &&
      s->type != LNB_T_ENUM)
    sb_printf(&b, " in %s", s->range);
}

/* "parameter 'x' of <kind> '<name>': " */
static void param_prefix(const lnb_plugin *pl, const lnb_param_spec *s,
                         char *buf, size_t n) {
  snprintf(buf, n, "parameter '%s' of %s '%s': ", s->name, kind_word(pl->kind),
           pl->name);
}

static int fail_wrong_type(cfg_ctx *c, const lnb_plugin *pl,
                           const lnb_param_spec *s, const yaml_node_t *n,
                           const char *extra) {
  char pre[256], exp[256];
  param_prefix(pl, s, pre, sizeof pre);
  expected_text(s, exp, sizeof exp);
  return fail(c, n, LNB_EINVAL, "%swrong type: got %s%s (expected %s)", pre,
              node_desc(n), extra ? extra : "", exp);
}

/* A value error from params.c, with location, plugin, and what was
 * expected (unless the reason says it already). */
static int fail_value(cfg_ctx *c, const lnb_plugin *pl,
                      const lnb_param_spec *s, const yaml_node_t *n,
                      const char *elem, const char *why) {
  char pre[256], exp[256], hint[160] = "";
  param_prefix(pl, s, pre, sizeof pre);
  expected_text(s, exp, sizeof exp);
  if (s->type == LNB_T_ENUM && s->choices && is_scalar(n)) {
    /* did-you-mean among the choices */
    const char *cands[64];
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", s->choices);
    size_t k = 0;
    for (char *save = NULL, *t = strtok_r(tmp, "|", &save); t && k < 64;
         t = strtok_r(NULL, "|", &save))
      cands[k++] = t;
    const char *best = lnb__closest(sval(n), cands, k);
    if (best)
      snprintf(hint, sizeof hint, "; did you mean '%.100s'?", best);
    return fail(c, n, LNB_EINVAL, "%s%s%s", pre, why, hint);
  }
  int says = strstr(why, "expected") != NULL;
  return fail(c, n, LNB_EINVAL, "%s%s%s%s%s%s", pre, elem ? elem : "", why,
              says ? "" : " (expected ", says ? "" : exp, says ? "" : ")");
}

/* One scalar-typed value from a non-null scalar node. */
static int scalar_value(cfg_ctx *c, const lnb_plugin *pl,
                        const lnb_param_spec *s, const yaml_node_t *n,
                        lnb_value *out) {
  char why[512];
  if (!is_scalar(n))
    return fail_wrong_type(c, pl, s, n, NULL);
  if (lnb__value_from_text(s, sval(n), out, why, sizeof why) != 0) {
    if (strcmp(why, "out of memory") == 0)
      return fail_oom(c);
    return fail_value(c, pl, s, n, NULL, why);
  }
  return 0;
}

/* Check one list/matrix element against the element type and range, so an
 * error points at the element itself. */
static int element_check(cfg_ctx *c, const lnb_plugin *pl,
                         const lnb_param_spec *s, const yaml_node_t *n,
                         size_t index) {
  if (!is_scalar(n))
    return fail_wrong_type(c, pl, s, n, " as a list element");
  lnb_param_spec es = {s->name,
                       s->type == LNB_T_INT_LIST ? LNB_T_INT : LNB_T_REAL,
                       NULL,
                       "element",
                       s->range,
                       NULL,
                       0};
  lnb_value v = {0};
  char why[512], elem[48];
  int rc = 0;
  if (lnb__value_from_text(&es, sval(n), &v, why, sizeof why) != 0) {
    snprintf(elem, sizeof elem, "element %zu: ", index + 1);
    rc = strcmp(why, "out of memory") == 0
             ? fail_oom(c)
             : fail_value(c, pl, s, n, elem, why);
  }
  lnb__value_clear(&v);
  return rc;
}

/* Build a list/matrix value from rows x cols scalar nodes (row-major). The
 * nodes have been checked to be non-null scalars. */
static int list_value_from_nodes(cfg_ctx *c, const lnb_plugin *pl,
                                 const lnb_param_spec *s,
                                 const yaml_node_t *at,
                                 const yaml_node_t *const *elems, size_t rows,
                                 size_t cols, lnb_value *out) {
  size_t cnt = rows * cols;
  for (size_t i = 0; i < cnt; i++) {
    int rc = element_check(c, pl, s, elems[i], i);
    if (rc)
      return rc;
  }
  const char **texts = malloc((cnt ? cnt : 1) * sizeof *texts);
  if (!texts)
    return fail_oom(c);
  for (size_t i = 0; i < cnt; i++)
    texts[i] = sval(elems[i]);
  char why[512];
  int rc = 0;
  if (lnb__value_from_list(s, texts, rows, cols, out, why, sizeof why) != 0)
    rc = strcmp(why, "out of memory") == 0 ? fail_oom(c)
                                           : fail_value(c, pl, s, at, NULL, why);
  free(texts);
  return rc;
}

/* The rows of a MATRIX value given as a list of rows (rows x cols, the
 * first row's length), into elems (row-major). */
static int matrix_rows(cfg_ctx *c, const lnb_plugin *pl,
                       const lnb_param_spec *s, const yaml_node_t *n,
                       size_t rows, size_t cols, const yaml_node_t **elems) {
  for (size_t r = 0; r < rows; r++) {
    const yaml_node_t *row = seq_item(c, n, r);
    if (!is_seq(row))
      return is_scalar(row)
                 ? fail_value(c, pl, s, row, NULL,
                              "a matrix mixes numbers and rows")
                 : fail_wrong_type(c, pl, s, row, " as a matrix row");
    if (seq_len(row) != cols) {
      char why[160];
      snprintf(why, sizeof why,
               "matrix rows differ in length: row %zu has %zu entries, "
               "row 1 has %zu",
               r + 1, seq_len(row), cols);
      return fail_value(c, pl, s, row, NULL, why);
    }
    for (size_t k = 0; k < cols; k++)
      elems[r * cols + k] = seq_item(c, row, k);
  }
  return 0;
}

/* INT_LIST / REAL_LIST / MATRIX value; the list types and MATRIX share all
 * shapes but one: a scalar is a list of one (a 1x1 matrix), a flat list is
 * one list (one matrix row); only a matrix may also be a list of rows. */
static int list_value(cfg_ctx *c, const lnb_plugin *pl,
                      const lnb_param_spec *s, const yaml_node_t *n,
                      lnb_value *out) {
  int matrix = s->type == LNB_T_MATRIX;
  if (is_scalar(n))
    return list_value_from_nodes(c, pl, s, n, &n, 1, 1, out);
  if (!is_seq(n))
    return fail_wrong_type(c, pl, s, n, NULL);
  size_t nr = seq_len(n);
  if (nr == 0)
    return fail_value(c, pl, s, n, NULL,
                      matrix ? "empty matrix" : "empty list");
  const yaml_node_t *first = seq_item(c, n, 0);
  int by_rows = matrix && is_seq(first);
  size_t rows = by_rows ? nr : 1, cols = by_rows ? seq_len(first) : nr;
  if (cols == 0)
    return fail_value(c, pl, s, first, NULL, "empty matrix row");
  const yaml_node_t **elems = malloc(rows * cols * sizeof *elems);
  if (!elems)
    return fail_oom(c);
  int rc = 0;
  if (by_rows) {
    rc = matrix_rows(c, pl, s, n, rows, cols, elems);
  } else {
    /* a list element that is a list is left to element_check ("wrong type
     * ... as a list element"); in a matrix it is a row among numbers */
    for (size_t i = 0; i < cols && !rc; i++) {
      elems[i] = seq_item(c, n, i);
      if (matrix && is_seq(elems[i]))
        rc = fail_value(c, pl, s, elems[i], NULL,
                        "a matrix mixes numbers and rows");
    }
  }
  if (!rc)
    rc = list_value_from_nodes(c, pl, s, n, elems, rows, cols, out);
  free(elems);
  return rc;
}

/* Does the list node have any element that is a list (resp. not one)? */
static void seq_shape(const cfg_ctx *c, const yaml_node_t *n, int *has_seq,
                      int *has_other) {
  *has_seq = *has_other = 0;
  for (size_t i = 0; i < seq_len(n); i++) {
    if (is_seq(seq_item(c, n, i)))
      *has_seq = 1;
    else
      *has_other = 1;
  }
}

static int section_check(cfg_ctx *c, const yaml_node_t *n, const char *sec,
                         const char *const *keys, size_t nkeys);

/* Grid sugar under a numeric parameter: { logspace: [from, to, n] } (n
 * values from `from` to `to`, equally spaced in log10; both > 0) or
 * { linspace: [from, to, n] } (equally spaced), n from 2 to 10^5. Each
 * value is written with 6 significant digits (an int parameter: rounded)
 * and then parsed and range-checked like a written one, so labels, columns
 * and the spec hash name exactly the value run. */
static int parse_spaced(cfg_ctx *c, const lnb_plugin *pl, const lnb_param_spec *s,
                        const yaml_node_t *n, cfg_axis *ax) {
  static const char *const keys[] = {"logspace", "linspace"};
  char pre[256];
  param_prefix(pl, s, pre, sizeof pre);
  if (s->flags & LNB_P_NOGRID)
    return fail_wrong_type(c, pl, s, n, " (this parameter cannot be a grid axis)");
  int near = 0; /* a key meant as one of the two (for did-you-mean) */
  for (size_t i = 0; i < map_len(n); i++) {
    const char *k = sval(map_key(c, n, i));
    near |= k && strstr(k, "space") != NULL;
  }
  if (!near) {
    char exp[256];
    expected_text(s, exp, sizeof exp);
    return fail(c, n, LNB_EINVAL, "%swrong type: got %s (expected %s); a grid axis here may "
                "also be { logspace: [from, to, n] } or { linspace: [from, to, n] }", pre,
                node_desc(n), exp);
  }
  int rc = section_check(c, n, s->name, keys, 2);
  if (rc)
    return rc;
  if (map_len(n) != 1)
    return fail(c, n, LNB_EINVAL, "%sgive one of logspace: [from, to, n] or linspace: "
                "[from, to, n]", pre);
  int lg = strcmp(sval(map_key(c, n, 0)), "logspace") == 0;
  const yaml_node_t *v = map_value(c, n, 0);
  if (!is_seq(v) || seq_len(v) != 3)
    return fail(c, v, LNB_EINVAL, "%s%s: expected [from, to, n] (three numbers)", pre,
                lg ? "logspace" : "linspace");
  double from, to;
  int64_t cnt;
  const char *why = NULL;
  const yaml_node_t *e[3] = {seq_item(c, v, 0), seq_item(c, v, 1), seq_item(c, v, 2)};
  for (int k = 0; k < 3; k++)
    if (!is_scalar(e[k]))
      return fail(c, e[k], LNB_EINVAL, "%s%s: element %d: expected a number", pre,
                  lg ? "logspace" : "linspace", k + 1);
  if (lnb__parse_real(sval(e[0]), &from, &why) != 0 ||
      lnb__parse_real(sval(e[1]), &to, &why) != 0)
    return fail(c, v, LNB_EINVAL, "%s%s: from and to must be finite numbers", pre,
                lg ? "logspace" : "linspace");
  if (lnb__parse_int(sval(e[2]), &cnt, &why) != 0 || cnt < 2 || cnt > (int64_t)CFG_MAX_CELLS)
    return fail(c, e[2], LNB_EINVAL, "%s%s: n must be an int in [2, %zu]", pre,
                lg ? "logspace" : "linspace", CFG_MAX_CELLS);
  if (lg && !(from > 0 && to > 0))
    return fail(c, v, LNB_EINVAL, "%slogspace: from and to must be > 0", pre);
  ax->vals = calloc((size_t)cnt, sizeof *ax->vals);
  if (!ax->vals)
    return fail_oom(c);
  ax->n = (size_t)cnt;
  ax->is_axis = 1;
  for (int64_t i = 0; i < cnt && !rc; i++) {
    double t = (double)i / (double)(cnt - 1);
    double x = lg ? pow(10.0, log10(from) + t * (log10(to) - log10(from)))
                  : from + t * (to - from);
    if (i == cnt - 1) x = to; /* the end exactly as written */
    char text[64];
    if (s->type == LNB_T_INT)
      snprintf(text, sizeof text, "%.0f", nearbyint(x));
    else
      snprintf(text, sizeof text, "%.6g", x);
    char msg[512];
    if (lnb__value_from_text(s, text, &ax->vals[i], msg, sizeof msg) != 0)
      rc = strcmp(msg, "out of memory") == 0
               ? fail_oom(c)
               : fail(c, v, LNB_EINVAL, "%s%s: value %lld (%s): %s", pre,
                      lg ? "logspace" : "linspace", (long long)i + 1, text, msg);
    for (int64_t q = 0; q < i && !rc; q++)
      if (strcmp(ax->vals[q].text, ax->vals[i].text) == 0)
        rc = fail(c, v, LNB_EINVAL, "%s%s: values %lld and %lld are both %s (fewer points, "
                  "or a wider range)", pre, lg ? "logspace" : "linspace", (long long)q + 1,
                  (long long)i + 1, text);
  }
  return rc;
}

/* Parse the value node of one parameter into ax (one value, or a grid
 * axis of values). */
static int parse_param(cfg_ctx *c, const lnb_plugin *pl,
                       const lnb_param_spec *s, const yaml_node_t *n,
                       cfg_axis *ax) {
  int nogrid = (s->flags & LNB_P_NOGRID) != 0;
  if ((s->type == LNB_T_REAL || s->type == LNB_T_INT) && n && n->type == YAML_MAPPING_NODE)
    return parse_spaced(c, pl, s, n, ax);
  int axis = 0; /* value node is a list whose items are the values */
  switch (s->type) {
  case LNB_T_INT:
  case LNB_T_REAL:
  case LNB_T_BOOL:
  case LNB_T_STRING:
  case LNB_T_ENUM:
    if (is_seq(n)) {
      if (nogrid)
        return fail_wrong_type(
            c, pl, s, n, " (this parameter cannot be a grid axis)");
      axis = 1;
    } else if (!is_scalar(n)) {
      return fail_wrong_type(c, pl, s, n, NULL);
    }
    break;
  case LNB_T_INT_LIST:
  case LNB_T_REAL_LIST:
    if (is_seq(n)) {
      int has_seq, has_other;
      seq_shape(c, n, &has_seq, &has_other);
      if (has_seq && has_other)
        return fail_value(c, pl, s, n, NULL,
                          "a list mixes numbers and lists (a list of lists "
                          "is a grid axis, each element one list value)");
      if (has_seq) {
        if (nogrid)
          return fail_value(c, pl, s, n, NULL,
                            "a list of lists would be a grid axis, but this "
                            "parameter cannot be a grid axis");
        axis = 1;
      }
    } else if (!is_scalar(n)) {
      return fail_wrong_type(c, pl, s, n, NULL);
    }
    break;
  case LNB_T_MATRIX:
    if (is_seq(n)) {
      int has_seq, has_other;
      seq_shape(c, n, &has_seq, &has_other);
      if (has_seq && !has_other) {
        /* rows, or a grid axis of matrices? look one level deeper */
        int deep = 0, flat = 0;
        for (size_t i = 0; i < seq_len(n); i++) {
          int hs, ho;
          seq_shape(c, seq_item(c, n, i), &hs, &ho);
          deep |= hs;
          flat |= ho;
        }
        if (deep && flat)
          return fail_value(c, pl, s, n, NULL,
                            "inconsistent nesting (a list of rows is one "
                            "matrix; a list of such lists is a grid axis)");
        if (deep) {
          if (nogrid)
            return fail_value(c, pl, s, n, NULL,
                              "a list of matrices would be a grid axis, but "
                              "this parameter cannot be a grid axis");
          axis = 1;
        }
      }
    } else if (!is_scalar(n)) {
      return fail_wrong_type(c, pl, s, n, NULL);
    }
    break;
  default:
    return fail(c, n, LNB_EINVAL, "parameter '%s' of %s '%s' has unknown type %d",
                s->name, kind_word(pl->kind), pl->name, (int)s->type);
  }

  size_t cnt = axis ? seq_len(n) : 1;
  if (cnt == 0) {
    char pre[256], exp[256];
    param_prefix(pl, s, pre, sizeof pre);
    expected_text(s, exp, sizeof exp);
    return fail(c, n, LNB_EINVAL,
                "%sempty grid axis (expected at least one %s)", pre, exp);
  }
  ax->vals = calloc(cnt, sizeof *ax->vals);
  if (!ax->vals)
    return fail_oom(c);
  ax->n = cnt;
  ax->is_axis = axis;
  for (size_t i = 0; i < cnt; i++) {
    const yaml_node_t *it = axis ? seq_item(c, n, i) : n;
    int rc;
    if (s->type == LNB_T_INT_LIST || s->type == LNB_T_REAL_LIST ||
        s->type == LNB_T_MATRIX)
      rc = list_value(c, pl, s, it, &ax->vals[i]);
    else if (axis && !is_scalar(it))
      rc = fail_wrong_type(c, pl, s, it, " as a grid axis element");
    else
      rc = scalar_value(c, pl, s, it, &ax->vals[i]);
    if (rc)
      return rc;
  }
  if (cnt < 2)
    return 0;
  cfg_key *keys = malloc(cnt * sizeof *keys);
  if (!keys)
    return fail_oom(c);
  size_t nk = 0, j, i;
  for (size_t q = 0; q < cnt; q++)
    if (ax->vals[q].text)
      keys[nk++] = (cfg_key){ax->vals[q].text, 0, q};
  int rc = 0;
  if (first_repeat(keys, nk, &j, &i)) {
    char pre[256];
    param_prefix(pl, s, pre, sizeof pre);
    rc = fail(c, seq_item(c, n, i), LNB_EINVAL,
              "%svalue %s appears twice in the grid axis (element %zu and %zu)", pre,
              ax->vals[i].text, j + 1, i + 1);
  }
  free(keys);
  return rc;
}

static void axes_free(cfg_axis *ax, size_t n) {
  if (!ax)
    return;
  for (size_t a = 0; a < n; a++) {
    for (size_t i = 0; i < ax[a].n; i++)
      lnb__value_clear(&ax[a].vals[i]);
    free(ax[a].vals);
  }
  free(ax);
}

/* ------------------------------------------------------------ blocks */

static validate_fn get_validate(const lnb_plugin *pl) {
  if (!pl->ops)
    return NULL;
  switch (pl->kind) {
  case LNB_PROBLEM: {
    const lnb_problem_ops *o = pl->ops;
    return o->struct_size >= CFG_END_OF(lnb_problem_ops, validate)
               ? o->validate
               : NULL;
  }
  case LNB_ARCHITECTURE: {
    const lnb_arch_ops *o = pl->ops;
    return o->struct_size >= CFG_END_OF(lnb_arch_ops, validate) ? o->validate
                                                                 : NULL;
  }
  case LNB_OPTIMIZER: {
    const lnb_optimizer_ops *o = pl->ops;
    return o->struct_size >= CFG_END_OF(lnb_optimizer_ops, validate)
               ? o->validate
               : NULL;
  }
  }
  return NULL;
}

/* Look up the plugin named by the block's 'plugin' key. */
static int block_plugin(cfg_ctx *c, const yaml_node_t *m, lnb_kind kind,
                        const lnb_loaded **out) {
  const char *kw = kind_word(kind);
  const yaml_node_t *pv = NULL;
  for (size_t i = 0; i < map_len(m); i++)
    if (strcmp(sval(map_key(c, m, i)), "plugin") == 0)
      pv = map_value(c, m, i);
  size_t nn = 0;
  const char **names = lnb_registry_names(c->reg, kind, &nn);
  if (!names)
    return fail_oom(c);
  char list[512];
  sbuf b;
  sb_init(&b, list, sizeof list);
  if (nn)
    sb_join(&b, names, nn);
  else
    sb_printf(&b, "none loaded");
  int rc = 0;
  if (!pv) {
    rc = fail(c, m, LNB_EINVAL,
              "%s block has no 'plugin' key (expected { plugin: NAME, ... }; "
              "available %ss: %s)",
              kw, kw, list);
  } else if (!is_scalar(pv)) {
    rc = fail(c, pv, LNB_EINVAL,
              "%s block: 'plugin' has wrong type: got %s (expected the name "
              "of a %s plugin; available: %s)",
              kw, node_desc(pv), kw, list);
  } else {
    const lnb_loaded *l = lnb_registry_find(c->reg, kind, sval(pv));
    const char *nm = sval(pv);
    if (l && l->plugin) {
      *out = l;
    } else if (nm[strspn(nm, "abcdefghijklmnopqrstuvwxyz0123456789_")] != '\0') {
      rc = fail(c, pv, LNB_EINVAL,
                "'%s' is not a plugin name: names are identifiers [a-z0-9_]+ (no paths; "
                "plugins load only from the plugin path, see `lnnbench list`)",
                nm);
    } else {
      rc = nn ? fail_unknown(c, pv, kw, sval(pv), "", names, nn,
                             "available")
              : fail(c, pv, LNB_EINVAL,
                     "unknown %s '%s' (no %s plugins are loaded)", kw,
                     sval(pv), kw);
    }
  }
  free(names);
  return rc;
}

/* Check a `with:` entry, "name" or "name(k=v,...)" naming an architecture
 * plugin and values of its scalar parameters; return it with the values in
 * canonical form (as labels print them), or NULL with why. */
static char *with_canonical(const lnb_registry *reg, const char *w, char *why, size_t n) {
  size_t nl = strcspn(w, "(");
  char name[128];
  snprintf(name, sizeof name, "%.*s", (int)(nl < 127 ? nl : 127), w);
  const lnb_loaded *l = lnb_registry_find(reg, LNB_ARCHITECTURE, name);
  if (!l) {
    size_t nn = 0;
    const char **names = lnb_registry_names(reg, LNB_ARCHITECTURE, &nn);
    const char *best = names ? lnb__closest(name, names, nn) : NULL;
    snprintf(why, n, "unknown architecture '%s'%s%s%s (expected an architecture plugin, "
             "optionally with parameter values: deep_linear(depth=1))",
             name, best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
    free(names);
    return NULL;
  }
  sbuf_dyn out = {0};
  if (sd_puts(&out, name) != 0)
    return snprintf(why, n, "out of memory"), NULL;
  const char *p = w + nl;
  if (*p == '(') {
    p++;
    int first = 1;
    while (*p && *p != ')') {
      size_t kl = strcspn(p, "=,)");
      if (p[kl] != '=') {
        snprintf(why, n, "expected key=value inside the parentheses");
        free(out.p);
        return NULL;
      }
      char key[128], val[256];
      snprintf(key, sizeof key, "%.*s", (int)(kl < 127 ? kl : 127), p);
      const char *vp = p + kl + 1;
      size_t vl = strcspn(vp, ",)");
      snprintf(val, sizeof val, "%.*s", (int)(vl < 255 ? vl : 255), vp);
      long j = lnb__spec_find(l->plugin->params, key);
      if (j < 0) {
        snprintf(why, n, "architecture '%s' has no parameter '%s'", name, key);
        free(out.p);
        return NULL;
      }
      lnb_value v = {0};
      char vwhy[256];
      if (lnb__value_from_text(&l->plugin->params[j], val, &v, vwhy, sizeof vwhy) != 0) {
        snprintf(why, n, "parameter '%s': %s", key, vwhy);
        free(out.p);
        return NULL;
      }
      int bad = sd_puts(&out, first ? "(" : ",") || sd_puts(&out, key) || sd_puts(&out, "=") ||
                sd_puts(&out, v.text);
      lnb__value_clear(&v);
      if (bad) {
        free(out.p);
        return snprintf(why, n, "out of memory"), NULL;
      }
      first = 0;
      p = vp + vl;
      if (*p == ',')
        p++;
    }
    if (*p != ')' || p[1] != '\0') {
      snprintf(why, n, "expected name(key=value,...)");
      free(out.p);
      return NULL;
    }
    if (!first && sd_puts(&out, ")") != 0) {
      free(out.p);
      return snprintf(why, n, "out of memory"), NULL;
    }
  } else if (*p) {
    snprintf(why, n, "expected name(key=value,...)");
    free(out.p);
    return NULL;
  }
  return out.p;
}

/* Validate the cell with the plugin's optional hook. */
static int cell_validate(cfg_ctx *c, const yaml_node_t *m,
                         const lnb_plugin *pl, const lnb_params *p,
                         const cfg_axis *ax, size_t nax) {
  validate_fn fn = get_validate(pl);
  if (!fn)
    return 0;
  lnb_error verr;
  memset(&verr, 0, sizeof verr);
  int rc = fn(lnb_host_get(), p, &verr);
  if (rc == 0)
    return 0;
  int code = rc < 0 ? rc : LNB_EINVAL;
  verr.msg[sizeof verr.msg - 1] = '\0';
  char point[512];
  sbuf b;
  sb_init(&b, point, sizeof point);
  int any = 0;
  for (size_t a = 0; a < nax; a++) {
    if (!ax[a].is_axis)
      continue;
    const lnb_value *v = &p->v[ax[a].j];
    sb_printf(&b, "%s%s=%s", any ? ", " : " (grid point: ",
              pl->params[ax[a].j].name, v->text ? v->text : "?");
    any = 1;
  }
  if (any)
    sb_printf(&b, ")");
  return fail(c, m, code, "%s '%s': %s%s", kind_word(pl->kind), pl->name,
              verr.msg[0] ? verr.msg : "invalid parameters", point);
}

/* Parse one plugin block (a mapping) and append its cells to set. */
/* ------------------------------------------- host keys of optimizer blocks */

#define CFG_MAX_HOST_AXIS 64

/* batch_size and sampling of an optimizer block: each a value or a list of
 * values (a grid axis, like a parameter's) */
typedef struct host_axes {
  size_t batch[CFG_MAX_HOST_AXIS], nbatch;
  int sampling[CFG_MAX_HOST_AXIS];
  size_t nsampling;
  unsigned given;
  /* step transforms (1.5): each 1 value (none) unless given */
  lnb_schedule sched[CFG_MAX_HOST_AXIS];
  size_t nsched;
  int clip_kind[CFG_MAX_HOST_AXIS];
  double clip[CFG_MAX_HOST_AXIS];
  size_t nclip;
  double wd[CFG_MAX_HOST_AXIS], dwd[CFG_MAX_HOST_AXIS];
  size_t nwd, ndwd;
  const yaml_node_t *tf_key[4]; /* schedule, clip, weight_decay, decoupled_weight_decay */
} host_axes;

static int parse_host_axis(cfg_ctx *c, const yaml_node_t *v, const char *key, host_axes *hx) {
  int is_batch = strcmp(key, "batch_size") == 0;
  const char *expected = is_batch ? "an int in [1, inf) or 'full', or a list of them"
                                  : "'shuffle' or 'replacement', or a list of them";
  size_t n = is_seq(v) ? seq_len(v) : 1;
  if (!is_seq(v) && !is_scalar(v))
    return fail(c, v, LNB_EINVAL, "%s: wrong type: got %s (expected %s)", key, node_desc(v),
                expected);
  if (n == 0 || n > CFG_MAX_HOST_AXIS)
    return fail(c, v, LNB_EINVAL, "%s: %s list (expected 1 to %d values)", key,
                n ? "too long a" : "an empty", CFG_MAX_HOST_AXIS);
  for (size_t q = 0; q < n; q++) {
    const yaml_node_t *it = is_seq(v) ? seq_item(c, v, q) : v;
    const char *text = "", *why = NULL;
    int rc = want_scalar(c, it, key, expected, &text);
    if (rc)
      return rc;
    if (is_batch) {
      int64_t b = 0;
      if (strcmp(text, "full") == 0)
        b = 0;
      else if (lnb__parse_int(text, &b, &why) != 0 || b < 1)
        return fail(c, it, LNB_EINVAL, "batch_size: '%s': %s (expected %s)", text,
                    why ? why : "out of range", expected);
      hx->batch[q] = (size_t)b;
    } else if (strcmp(text, "shuffle") == 0 || strcmp(text, "replacement") == 0) {
      hx->sampling[q] = strcmp(text, "shuffle") == 0 ? LNB_SAMPLE_SHUFFLE
                                                     : LNB_SAMPLE_REPLACEMENT;
    } else {
      return fail(c, it, LNB_EINVAL, "sampling: '%s' (expected %s)", text, expected);
    }
    for (size_t r = 0; r < q; r++)
      if (is_batch ? hx->batch[r] == hx->batch[q] : hx->sampling[r] == hx->sampling[q])
        return fail(c, it, LNB_EINVAL, "%s: '%s' is listed twice", key, text);
  }
  if (is_batch)
    hx->nbatch = n, hx->given |= LNB_GIVEN_BATCH_SIZE;
  else
    hx->nsampling = n, hx->given |= LNB_GIVEN_SAMPLING;
  return 0;
}

const char *lnb_cell_host_text(const lnb_cell *c, const char *key, char *buf, size_t n) {
  if (strcmp(key, "batch_size") == 0 && (c->given & LNB_GIVEN_BATCH_SIZE)) {
    if (c->batch_size) snprintf(buf, n, "%zu", c->batch_size);
    else snprintf(buf, n, "full");
    return buf;
  }
  if (strcmp(key, "sampling") == 0 && (c->given & LNB_GIVEN_SAMPLING) && c->batch_size) {
    snprintf(buf, n, "%s", c->sampling == LNB_SAMPLE_SHUFFLE ? "shuffle" : "replacement");
    return buf;
  }
  if (strcmp(key, "schedule") == 0 && (c->given & LNB_GIVEN_SCHEDULE)) {
    lnb_schedule_text(&c->tf.sched, buf, n);
    return buf;
  }
  if (strcmp(key, "clip") == 0 && (c->given & LNB_GIVEN_CLIP)) {
    snprintf(buf, n, "%s/%.12g", c->tf.clip_kind == LNB_CLIP_VALUE ? "value" : "global_norm",
             c->tf.clip);
    return buf;
  }
  if (strcmp(key, "weight_decay") == 0 && (c->given & LNB_GIVEN_WEIGHT_DECAY)) {
    snprintf(buf, n, "%.12g", c->tf.wd);
    return buf;
  }
  if (strcmp(key, "decoupled_weight_decay") == 0 && (c->given & LNB_GIVEN_DECOUPLED)) {
    snprintf(buf, n, "%.12g", c->tf.dwd);
    return buf;
  }
  return NULL;
}

/* ------------------------------ step transforms of optimizer blocks (1.5) */

static int section_check(cfg_ctx *c, const yaml_node_t *n, const char *sec,
                         const char *const *keys, size_t nkeys);

/* A finite real in [lo, hi] (lo excluded when lo_open). */
static int get_real_in(cfg_ctx *c, const yaml_node_t *n, const char *what, double lo,
                       int lo_open, double hi, const char *expected, double *out) {
  const char *text = "", *why = NULL;
  int rc = want_scalar(c, n, what, expected, &text);
  if (rc)
    return rc;
  double v;
  if (lnb__parse_real(text, &v, &why) != 0)
    return fail(c, n, LNB_EINVAL, "%s: '%s': %s (expected %s)", what, text, why, expected);
  int ok = lo_open ? v > lo : v >= lo;
  if (!ok || !(v <= hi))
    return fail(c, n, LNB_EINVAL, "%s: value %s is out of range (expected %s)", what, text,
                expected);
  *out = v;
  return 0;
}

/* schedule: { kind: K, warmup: N, step_size: N, gamma: g, min_factor: f } */
static int parse_schedule(cfg_ctx *c, const yaml_node_t *m, lnb_schedule *s) {
  static const char *const keys[] = {"kind", "warmup", "step_size", "gamma", "min_factor"};
  /* which kinds take which keys (bit per kind) */
  static const unsigned takes[] = {
      ~0u, ~0u, 1u << LNB_SCHED_STEP,
      (1u << LNB_SCHED_STEP) | (1u << LNB_SCHED_EXPONENTIAL),
      (1u << LNB_SCHED_COSINE) | (1u << LNB_SCHED_LINEAR)};
  int rc = section_check(c, m, "schedule", keys, 5);
  if (rc)
    return rc;
  memset(s, 0, sizeof *s);
  s->kind = -1;
  s->gamma = 0.1;
  s->line = (int)m->start_mark.line + 1;
  s->column = (int)m->start_mark.column + 1;
  const yaml_node_t *kind_node = NULL;
  for (size_t i = 0; i < map_len(m); i++)
    if (strcmp(sval(map_key(c, m, i)), "kind") == 0)
      kind_node = map_value(c, m, i);
  if (!kind_node)
    return fail(c, m, LNB_EINVAL, "schedule: missing 'kind' (expected one of %s)",
                lnb_sched_kind_list());
  const char *text = "";
  if ((rc = want_scalar(c, kind_node, "schedule.kind", lnb_sched_kind_list(), &text)) != 0)
    return rc;
  if ((s->kind = lnb_sched_kind_find(text)) < 0) {
    const char *names[LNB_SCHED_COUNT];
    for (int k = 0; k < LNB_SCHED_COUNT; k++)
      names[k] = lnb_sched_kind_name(k);
    return fail_unknown(c, kind_node, "schedule kind", text, "", names, LNB_SCHED_COUNT,
                        "valid");
  }
  for (size_t i = 0; i < map_len(m) && !rc; i++) {
    const yaml_node_t *k = map_key(c, m, i), *v = map_value(c, m, i);
    size_t q = 0;
    while (strcmp(keys[q], sval(k)) != 0)
      q++;
    if (!(takes[q] & (1u << s->kind)))
      return fail(c, k, LNB_EINVAL, "schedule: '%s' does not apply to kind %s", sval(k),
                  lnb_sched_kind_name(s->kind));
    if (q == 1) {
      rc = get_int_setting(c, v, "schedule.warmup", 0, INT64_MAX, &s->warmup);
      s->given |= LNB_SCHED_GIVEN_WARMUP;
      s->line = (int)v->start_mark.line + 1;
      s->column = (int)v->start_mark.column + 1;
    } else if (q == 2) {
      rc = get_int_setting(c, v, "schedule.step_size", 1, INT64_MAX, &s->step_size);
      s->given |= LNB_SCHED_GIVEN_STEP_SIZE;
    } else if (q == 3) {
      rc = get_real_in(c, v, "schedule.gamma", 0.0, 1, 1.0, "real in (0, 1]", &s->gamma);
      s->given |= LNB_SCHED_GIVEN_GAMMA;
    } else if (q == 4) {
      rc = get_real_in(c, v, "schedule.min_factor", 0.0, 0, 1.0, "real in [0, 1]",
                       &s->min_factor);
      s->given |= LNB_SCHED_GIVEN_MIN_FACTOR;
    }
  }
  if (!rc && s->kind == LNB_SCHED_STEP && !(s->given & LNB_SCHED_GIVEN_STEP_SIZE))
    rc = fail(c, m, LNB_EINVAL, "schedule: kind step needs 'step_size' (an int in [1, inf))");
  if (!rc && s->kind == LNB_SCHED_EXPONENTIAL && !(s->given & LNB_SCHED_GIVEN_GAMMA))
    rc = fail(c, m, LNB_EINVAL, "schedule: kind exponential needs 'gamma' (a real in (0, 1])");
  return rc;
}

/* clip: { global_norm: c } or { value: c }, c > 0 */
static int parse_clip(cfg_ctx *c, const yaml_node_t *m, int *kind, double *val) {
  static const char *const keys[] = {"global_norm", "value"};
  int rc = section_check(c, m, "clip", keys, 2);
  if (rc)
    return rc;
  if (map_len(m) != 1)
    return fail(c, m, LNB_EINVAL,
                "clip: expected exactly one of 'global_norm' or 'value' (got %zu keys)",
                map_len(m));
  const yaml_node_t *k = map_key(c, m, 0);
  *kind = strcmp(sval(k), "global_norm") == 0 ? LNB_CLIP_GLOBAL_NORM : LNB_CLIP_VALUE;
  char what[32];
  snprintf(what, sizeof what, "clip.%s", sval(k));
  return get_real_in(c, map_value(c, m, 0), what, 0.0, 1, INFINITY, "real in (0, inf)", val);
}

/* One of the transform keys of an optimizer block into hx: a value or a
 * list of values (a grid axis). */
static int parse_transform_axis(cfg_ctx *c, const yaml_node_t *v, const char *key,
                                host_axes *hx) {
  size_t n = is_seq(v) ? seq_len(v) : 1;
  if (n == 0 || n > CFG_MAX_HOST_AXIS)
    return fail(c, v, LNB_EINVAL, "%s: %s list (expected 1 to %d values)", key,
                n ? "too long a" : "an empty", CFG_MAX_HOST_AXIS);
  for (size_t q = 0; q < n; q++) {
    const yaml_node_t *it = is_seq(v) ? seq_item(c, v, q) : v;
    int rc;
    if (strcmp(key, "schedule") == 0)
      rc = parse_schedule(c, it, &hx->sched[q]);
    else if (strcmp(key, "clip") == 0)
      rc = parse_clip(c, it, &hx->clip_kind[q], &hx->clip[q]);
    else
      rc = get_real_in(c, it, key, 0.0, 0, INFINITY, "real in [0, inf), or a list of them",
                       strcmp(key, "weight_decay") == 0 ? &hx->wd[q] : &hx->dwd[q]);
    if (rc)
      return rc;
  }
  if (strcmp(key, "schedule") == 0)
    hx->nsched = n, hx->given |= LNB_GIVEN_SCHEDULE;
  else if (strcmp(key, "clip") == 0)
    hx->nclip = n, hx->given |= LNB_GIVEN_CLIP;
  else if (strcmp(key, "weight_decay") == 0)
    hx->nwd = n, hx->given |= LNB_GIVEN_WEIGHT_DECAY;
  else
    hx->ndwd = n, hx->given |= LNB_GIVEN_DECOUPLED;
  return 0;
}

/* the transforms of grid point q (0 <= q < their product) of hx into x */
static void transforms_at(const host_axes *hx, size_t q, lnb_transforms *x) {
  memset(x, 0, sizeof *x);
  size_t i = q % hx->ndwd;
  q /= hx->ndwd;
  x->dwd = hx->dwd[i];
  i = q % hx->nwd, q /= hx->nwd;
  x->wd = hx->wd[i];
  i = q % hx->nclip, q /= hx->nclip;
  x->clip_kind = hx->clip_kind[i];
  x->clip = hx->clip[i];
  x->has_schedule = (hx->given & LNB_GIVEN_SCHEDULE) != 0;
  if (x->has_schedule)
    x->sched = hx->sched[q % hx->nsched];
}

/* Warmup within the run's budget (stop.max_iters; a mini-batch budget in
 * epochs is checked again when the run knows its samples). */
static int check_transforms(cfg_ctx *c) {
  const lnb_cellset *opts = &c->cfg->optimizers;
  for (size_t o = 0; o < opts->n; o++) {
    const lnb_transforms *x = &opts->cells[o].tf;
    if (!x->has_schedule || x->sched.warmup <= c->cfg->stop.max_iters)
      continue;
    yaml_node_t at;
    memset(&at, 0, sizeof at);
    at.start_mark.line = (size_t)x->sched.line - 1;
    at.start_mark.column = (size_t)x->sched.column - 1;
    return fail(c, &at, LNB_EINVAL,
                "schedule.warmup: %lld steps exceed the run's budget (stop.max_iters %lld)",
                (long long)x->sched.warmup, (long long)c->cfg->stop.max_iters);
  }
  return 0;
}


static int parse_block(cfg_ctx *c, const yaml_node_t *m, lnb_kind kind,
                       size_t block, lnb_cellset *set) {
  const char *kw = kind_word(kind);
  char what[64];
  snprintf(what, sizeof what, "%s block", kw);
  int rc = check_mapping(c, m, what);
  if (rc)
    return rc;
  const lnb_loaded *l = NULL;
  if ((rc = block_plugin(c, m, kind, &l)) != 0)
    return rc;
  const lnb_plugin *pl = l->plugin;
  const lnb_param_spec *specs = pl->params;
  size_t nspecs = lnb__spec_count(specs);

  size_t npairs = map_len(m);
  cfg_axis *ax = calloc(npairs ? npairs : 1, sizeof *ax);
  if (!ax)
    return fail_oom(c);
  size_t nax = 0;
  char **with = NULL;
  size_t nwith = 0;
  /* batch_size: full, sampling: shuffle, no step transforms */
  static const char *const tf_keys[4] = {"schedule", "clip", "weight_decay",
                                         "decoupled_weight_decay"};
  host_axes hx;
  memset(&hx, 0, sizeof hx);
  hx.nbatch = hx.nsampling = hx.nsched = hx.nclip = hx.nwd = hx.ndwd = 1;
  for (size_t i = 0; i < npairs && !rc; i++) {
    const yaml_node_t *k = map_key(c, m, i);
    if (strcmp(sval(k), "plugin") == 0)
      continue;
    if (kind == LNB_OPTIMIZER && (strcmp(sval(k), "batch_size") == 0 ||
                                  strcmp(sval(k), "sampling") == 0)) {
      rc = parse_host_axis(c, map_value(c, m, i), sval(k), &hx);
      continue;
    }
    /* step transforms; a plugin's own parameter of that name (gd's
     * weight_decay) stays the plugin's */
    if (kind == LNB_OPTIMIZER && lnb__spec_find(specs, sval(k)) < 0) {
      size_t q = 0;
      while (q < 4 && strcmp(tf_keys[q], sval(k)) != 0)
        q++;
      if (q < 4) {
        hx.tf_key[q] = k;
        rc = parse_transform_axis(c, map_value(c, m, i), sval(k), &hx);
        continue;
      }
    }
    if (kind == LNB_OPTIMIZER && strcmp(sval(k), "with") == 0) {
      /* with: [architecture plugin names] pairs this optimizer with those only */
      const yaml_node_t *v = map_value(c, m, i);
      if ((rc = get_string_list(c, v, "with", &with, &nwith)) != 0)
        break;
      for (size_t q = 0; q < nwith && !rc; q++) {
        const yaml_node_t *at = is_seq(v) ? seq_item(c, v, q) : v;
        char why[512];
        char *canon = with_canonical(c->reg, with[q], why, sizeof why);
        if (canon) {
          free(with[q]);
          with[q] = canon;
        } else {
          rc = fail(c, at, LNB_EINVAL, "with: '%s': %s", with[q], why);
        }
      }
      continue;
    }
    long j = lnb__spec_find(specs, sval(k));
    if (j < 0) {
      const char **names = malloc((nspecs ? nspecs : 1) * sizeof *names);
      if (!names) {
        rc = fail_oom(c);
        break;
      }
      for (size_t q = 0; q < nspecs; q++)
        names[q] = specs[q].name;
      char list[512], hint[160] = "";
      sbuf b;
      sb_init(&b, list, sizeof list);
      sb_join(&b, names, nspecs);
      const char *best = nspecs ? lnb__closest(sval(k), names, nspecs) : NULL;
      if (best)
        snprintf(hint, sizeof hint, "; did you mean '%.100s'?", best);
      if (nspecs)
        rc = fail(c, k, LNB_EINVAL,
                  "unknown parameter '%s' for %s '%s'%s (valid: %s)", sval(k),
                  kw, pl->name, hint, list);
      else
        rc = fail(c, k, LNB_EINVAL,
                  "unknown parameter '%s' for %s '%s' (it takes no "
                  "parameters)",
                  sval(k), kw, pl->name);
      free(names);
      break;
    }
    ax[nax].j = j;
    ax[nax].key = k;
    rc = parse_param(c, pl, &specs[j], map_value(c, m, i), &ax[nax]);
    nax++;
  }

  /* required parameters */
  for (size_t j = 0; j < nspecs && !rc; j++) {
    if (!(specs[j].flags & LNB_P_REQUIRED))
      continue;
    int given = 0;
    for (size_t a = 0; a < nax; a++)
      if (ax[a].j == (long)j)
        given = 1;
    if (!given) {
      char exp[256];
      expected_text(&specs[j], exp, sizeof exp);
      rc = fail(c, m, LNB_EINVAL,
                "%s '%s': missing required parameter '%s' (expected %s)", kw,
                pl->name, specs[j].name, exp);
    }
  }

  /* grid size: the parameter axes, then the host axes: (batch_size, sampling)
   * pairs, one for a full batch (which samples nothing) */
  size_t npairs_h = 0;
  for (size_t q = 0; q < hx.nbatch; q++)
    npairs_h += hx.batch[q] ? hx.nsampling : 1;
  /* then the step transforms: schedule, clip, weight_decay, decoupled (each
   * at most CFG_MAX_HOST_AXIS values: no overflow) */
  size_t ntf = hx.nsched * hx.nclip * hx.nwd * hx.ndwd;
  if (!rc && ntf > CFG_MAX_CELLS)
    rc = fail(c, m, LNB_EINVAL, "%s '%s': grid too large (more than %zu cells in one block)",
              kw, pl->name, CFG_MAX_CELLS);
  size_t total = npairs_h * (rc ? 1 : ntf);
  for (size_t a = 0; a < nax && !rc; a++) {
    if (ax[a].n == 0 || total > CFG_MAX_CELLS / ax[a].n)
      rc = fail(c, m, LNB_EINVAL,
                "%s '%s': grid too large (more than %zu cells in one block)",
                kw, pl->name, CFG_MAX_CELLS);
    else
      total *= ax[a].n;
  }
  if (!rc && set->n > CFG_MAX_CELLS - total)
    rc = fail(c, m, LNB_EINVAL, "too many %s cells (more than %zu)", kw,
              CFG_MAX_CELLS);
  if (!rc) {
    lnb_cell *cells = realloc(set->cells, (set->n + total) * sizeof *cells);
    if (!cells)
      rc = fail_oom(c);
    else
      set->cells = cells;
  }

  /* expand: last key varies fastest */
  for (size_t idx = 0; idx < total && !rc; idx++) {
    lnb_params *p = lnb__params_new(pl, c->cfg->dir, c->err);
    if (!p) {
      char msg[LNB_ERROR_MSG_MAX];
      snprintf(msg, sizeof msg, "%s", c->err->msg);
      rc = fail(c, m, c->err->code ? c->err->code : LNB_ENOMEM, "%s", msg);
      break;
    }
    lnb_cell *cell = &set->cells[set->n++];
    memset(cell, 0, sizeof *cell);
    cell->plugin = l;
    cell->params = p;
    if (nwith) {
      cell->with = calloc(nwith, sizeof *cell->with);
      if (!cell->with) {
        rc = fail_oom(c);
        break;
      }
      for (size_t q = 0; q < nwith && !rc; q++)
        if (!(cell->with[cell->nwith++] = cfg_strdup(with[q])))
          rc = fail_oom(c);
      if (rc)
        break;
    }
    cell->block = block;
    cell->line = (int)m->start_mark.line + 1;
    cell->column = (int)m->start_mark.column + 1;
    size_t rem = idx;
    /* host axes vary slowest: batch_size, then sampling */
    size_t per = total / npairs_h, pair = idx / per, q = 0;
    while (pair >= (hx.batch[q] ? hx.nsampling : 1))
      pair -= hx.batch[q++] ? hx.nsampling : 1;
    cell->batch_size = hx.batch[q];
    cell->sampling = hx.batch[q] ? hx.sampling[pair] : LNB_SAMPLE_SHUFFLE;
    cell->given = hx.given;
    rem = idx % per;
    /* the step transforms vary next, then the parameters */
    size_t pper = per / ntf;
    transforms_at(&hx, rem / pper, &cell->tf);
    rem %= pper;
    if (kind == LNB_OPTIMIZER) {
      const char *tkey = NULL;
      char why[512];
      if (lnb_transforms_check(pl, &cell->tf, &tkey, why, sizeof why) != 0) {
        size_t q2 = 0;
        while (q2 < 3 && strcmp(tf_keys[q2], tkey) != 0)
          q2++;
        rc = fail(c, hx.tf_key[q2] ? hx.tf_key[q2] : m, LNB_EINVAL, "%s: %s", tkey, why);
        break;
      }
    }
    for (size_t a = nax; a-- > 0;) {
      size_t k = rem % ax[a].n;
      rem /= ax[a].n;
      lnb_value *dst = &p->v[ax[a].j];
      lnb__value_clear(dst);
      if (lnb__value_copy(dst, &ax[a].vals[k]) != 0) {
        rc = fail_oom(c);
        break;
      }
      dst->set = 1;
      dst->given = 1;
      dst->axis = ax[a].is_axis;
    }
    if (!rc) { /* the data files it reads become part of its identity */
      lnb__datafiles_begin();
      rc = cell_validate(c, m, pl, p, ax, nax);
      cell->files = lnb__datafiles_end(&cell->nfiles);
    }
  }
  axes_free(ax, nax);
  free_string_list(with, nwith);
  return rc;
}

/* A block list: one mapping, or a non-empty list of mappings. */
static int parse_blocks(cfg_ctx *c, const yaml_node_t *n, lnb_kind kind,
                        const char *key, lnb_cellset *set) {
  const char *kw = kind_word(kind);
  if (n && n->type == YAML_MAPPING_NODE)
    return parse_block(c, n, kind, 0, set);
  if (!is_seq(n))
    return fail(c, n, LNB_EINVAL,
                "%s: wrong type: got %s (expected a { plugin: NAME, ... } "
                "mapping or a list of them)",
                key, node_desc(n));
  size_t cnt = seq_len(n);
  if (cnt == 0)
    return fail(c, n, LNB_EINVAL,
                "%s: empty list (expected at least one %s block { plugin: "
                "NAME, ... })",
                key, kw);
  for (size_t i = 0; i < cnt; i++) {
    const yaml_node_t *it = seq_item(c, n, i);
    if (!it || it->type != YAML_MAPPING_NODE)
      return fail(c, it ? it : n, LNB_EINVAL,
                  "%s: entry %zu has wrong type: got %s (expected a { "
                  "plugin: NAME, ... } mapping)",
                  key, i + 1, node_desc(it));
    int rc = parse_block(c, it, kind, i, set);
    if (rc)
      return rc;
  }
  return 0;
}

/* ----------------------------------------------------------- top level */

static int parse_name(cfg_ctx *c, const yaml_node_t *n) {
  const char *text = "";
  int rc = want_scalar(c, n, "name", "a string (the experiment name)", &text);
  if (rc)
    return rc;
  int bad = !*text || text[0] == '.' || strchr(text, '/') ||
            strchr(text, '\\');
  for (const char *p = text; *p && !bad; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      bad = 1;
  if (bad)
    return fail(c, n, LNB_EINVAL,
                "name: '%s' cannot be used as a directory name (expected a "
                "non-empty name without '/', '\\', control characters or a "
                "leading '.')",
                text);
  free(c->cfg->name);
  if (!(c->cfg->name = cfg_strdup(text)))
    return fail_oom(c);
  return 0;
}

static int parse_seeds(cfg_ctx *c, const yaml_node_t *n) {
  static const char expected[] = "a non-negative int, a list of them, or { count: N, from: S }";
  size_t cnt = 1;
  if (n && n->type == YAML_MAPPING_NODE) { /* { count: N, from: S }: S, S+1, ..., S+N-1 */
    static const char *const keys[] = {"count", "from"};
    int64_t count = -1, from = 0;
    int rc = section_check(c, n, "seeds", keys, 2);
    for (size_t i = 0; i < map_len(n) && !rc; i++) {
      const char *k = sval(map_key(c, n, i));
      if (strcmp(k, "count") == 0)
        rc = get_int_setting(c, map_value(c, n, i), "seeds.count", 1, (int64_t)CFG_MAX_RUNS,
                             &count);
      else
        rc = get_int_setting(c, map_value(c, n, i), "seeds.from", 0, INT64_MAX / 2, &from);
    }
    if (!rc && count < 0)
      rc = fail(c, n, LNB_EINVAL, "seeds: missing 'count' (the number of seeds)");
    if (rc)
      return rc;
    uint64_t *seeds = malloc((size_t)count * sizeof *seeds);
    if (!seeds)
      return fail_oom(c);
    for (int64_t i = 0; i < count; i++) seeds[i] = (uint64_t)(from + i);
    free(c->cfg->seeds);
    c->cfg->seeds = seeds;
    c->cfg->nseeds = (size_t)count;
    return 0;
  }
  if (is_seq(n)) {
    cnt = seq_len(n);
    if (cnt == 0)
      return fail(c, n, LNB_EINVAL, "seeds: empty list (expected %s)",
                  expected);
  } else if (!is_scalar(n)) {
    return fail(c, n, LNB_EINVAL, "seeds: wrong type: got %s (expected %s)",
                node_desc(n), expected);
  }
  uint64_t *seeds = malloc(cnt * sizeof *seeds);
  if (!seeds)
    return fail_oom(c);
  for (size_t i = 0; i < cnt; i++) {
    const yaml_node_t *it = is_seq(n) ? seq_item(c, n, i) : n;
    int64_t v;
    int rc = get_int_setting(c, it, "seeds", 0, INT64_MAX, &v);
    if (rc) {
      free(seeds);
      return rc;
    }
    seeds[i] = (uint64_t)v;
  }
  cfg_key *keys = cnt < 2 ? NULL : malloc(cnt * sizeof *keys);
  if (cnt >= 2 && !keys) {
    free(seeds);
    return fail_oom(c);
  }
  if (keys) {
    for (size_t i = 0; i < cnt; i++)
      keys[i] = (cfg_key){NULL, seeds[i], i};
    size_t a, b;
    int rc = first_repeat(keys, cnt, &a, &b)
                 ? fail(c, seq_item(c, n, b), LNB_EINVAL,
                        "seeds: seed %llu is listed twice (also element %zu)",
                        (unsigned long long)seeds[b], a + 1)
                 : 0;
    free(keys);
    if (rc) {
      free(seeds);
      return rc;
    }
  }
  free(c->cfg->seeds);
  c->cfg->seeds = seeds;
  c->cfg->nseeds = cnt;
  return 0;
}

/* Check a settings section is a mapping with known, unique keys. */
static int section_check(cfg_ctx *c, const yaml_node_t *n, const char *sec,
                         const char *const *keys, size_t nkeys) {
  if (!n || n->type != YAML_MAPPING_NODE)
    return fail(c, n, LNB_EINVAL,
                "%s: wrong type: got %s (expected a mapping)", sec,
                node_desc(n));
  int rc = check_mapping(c, n, sec);
  if (rc)
    return rc;
  for (size_t i = 0; i < map_len(n); i++) {
    const yaml_node_t *k = map_key(c, n, i);
    size_t q = 0;
    while (q < nkeys && strcmp(keys[q], sval(k)) != 0)
      q++;
    if (q == nkeys) {
      char where[64];
      snprintf(where, sizeof where, " in '%s'", sec);
      return fail_unknown(c, k, "key", sval(k), where, keys, nkeys, "valid");
    }
  }
  return 0;
}

static int parse_stop(cfg_ctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"max_iters", "target_gap", "max_seconds", "max_epochs"};
  int rc = section_check(c, n, "stop", keys, 4);
  for (size_t i = 0; i < map_len(n) && !rc; i++) {
    const char *k = sval(map_key(c, n, i));
    const yaml_node_t *v = map_value(c, n, i);
    if (strcmp(k, "max_iters") == 0)
      rc = get_int_setting(c, v, "stop.max_iters", 1, INT64_MAX,
                           &c->cfg->stop.max_iters);
    else if (strcmp(k, "target_gap") == 0) {
      rc = get_pos_real_setting(c, v, "stop.target_gap",
                                &c->cfg->stop.target_gap);
      if (!rc)
        c->cfg->stop.has_target = 1;
    } else if (strcmp(k, "max_epochs") == 0)
      rc = get_pos_real_setting(c, v, "stop.max_epochs", &c->cfg->stop.max_epochs);
    else
      rc = get_pos_real_setting(c, v, "stop.max_seconds",
                                &c->cfg->stop.max_seconds);
  }
  return rc;
}

static int parse_record(cfg_ctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"per_decade", "every", "metrics", "top_k"};
  int rc = section_check(c, n, "record", keys, 4);
  for (size_t i = 0; i < map_len(n) && !rc; i++) {
    const char *k = sval(map_key(c, n, i));
    const yaml_node_t *v = map_value(c, n, i);
    int64_t x;
    if (strcmp(k, "per_decade") == 0) {
      rc = get_int_setting(c, v, "record.per_decade", 0, 1000, &x);
      if (!rc)
        c->cfg->record.per_decade = (int)x;
    } else if (strcmp(k, "every") == 0) {
      rc = get_int_setting(c, v, "record.every", 0, INT64_MAX,
                           &c->cfg->record.every);
    } else if (strcmp(k, "top_k") == 0) {
      rc = get_int_setting(c, v, "record.top_k", 1, 1000, &x);
      if (!rc)
        c->cfg->record.top_k = (int)x;
    } else {
      c->metrics_node = v;
      char **arr;
      size_t cnt;
      rc = get_string_list(c, v, "record.metrics", &arr, &cnt);
      if (!rc) {
        free_string_list(c->cfg->record.metrics, c->cfg->record.nmetrics);
        c->cfg->record.metrics = arr;
        c->cfg->record.nmetrics = cnt;
      }
    }
  }
  return rc;
}

static int parse_select(cfg_ctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"best_by", "tune"};
  static const char *const best[] = {"seconds_to_target", "iters_to_target",
                                     "final_loss", "final_gap"};
  int rc = section_check(c, n, "select", keys, 2);
  for (size_t i = 0; i < map_len(n) && !rc; i++) {
    const char *k = sval(map_key(c, n, i));
    const yaml_node_t *v = map_value(c, n, i);
    if (strcmp(k, "best_by") == 0) {
      const char *text = "";
      rc = want_scalar(c, v, "select.best_by",
                       "one of seconds_to_target|iters_to_target|final_loss|"
                       "final_gap",
                       &text);
      if (rc)
        break;
      size_t q = 0;
      while (q < 4 && strcmp(best[q], text) != 0)
        q++;
      if (q == 4) {
        rc = fail_unknown(c, v, "select.best_by value", text, "", best,
                          4, "valid");
        break;
      }
      char *s = cfg_strdup(text);
      if (!s) {
        rc = fail_oom(c);
        break;
      }
      free(c->cfg->select.best_by);
      c->cfg->select.best_by = s;
      c->best_by_given = 1;
    } else {
      char **arr;
      size_t cnt;
      rc = get_string_list(c, v, "select.tune", &arr, &cnt);
      if (!rc) {
        free_string_list(c->cfg->select.tune, c->cfg->select.ntune);
        c->cfg->select.tune = arr;
        c->cfg->select.ntune = cnt;
        c->tune_node = v;
      }
    }
  }
  return rc;
}

static int parse_report(cfg_ctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"baseline"};
  int rc = section_check(c, n, "report", keys, 1);
  for (size_t i = 0; i < map_len(n) && !rc; i++) {
    const yaml_node_t *v = map_value(c, n, i);
    const char *text = "";
    rc = want_scalar(c, v, "report.baseline",
                     "a model label such as \"linear+gd\"", &text);
    if (!rc && !*text)
      rc = fail(c, v, LNB_EINVAL,
                "report.baseline: empty string (expected a model label such "
                "as \"linear+gd\")");
    if (!rc) {
      char *s = cfg_strdup(text);
      if (!s)
        return fail_oom(c);
      free(c->cfg->report.baseline);
      c->cfg->report.baseline = s;
      c->baseline_node = v;
    }
  }
  return rc;
}

/* Each name in select.tune must be a parameter of some architecture or
 * optimizer of the config (catches typos such as 'lrr'). */
/* every record.metrics name must be a core metric or one declared by a
 * problem or architecture of the config */
static int check_metrics(cfg_ctx *c, const yaml_node_t *n) {
  for (size_t i = 0; i < c->cfg->record.nmetrics; i++) {
    const char *name = c->cfg->record.metrics[i];
    if (lnb_metric_width(c->cfg, name) > 0)
      continue;
    const yaml_node_t *at = is_seq(n) ? seq_item(c, n, i) : n;
    const char *sugg = lnb_metric_closest(c->cfg, name);
    char known[512];
    size_t len = 0;
    known[0] = '\0';
    for (size_t j = 0; j < lnb_core_metric_count() && len + 40 < sizeof known; j++)
      len += (size_t)snprintf(known + len, sizeof known - len, "%s%s", j ? ", " : "",
                              lnb_core_metric_name(j));
    return fail(c, at, LNB_EINVAL,
                "record.metrics: unknown metric '%s'%s%s%s (core metrics: %s; plugins "
                "add their own, see `lnnbench describe`)",
                name, sugg ? "; did you mean '" : "", sugg ? sugg : "", sugg ? "'?" : "",
                known);
  }
  return 0;
}

/* A yaml_node_t standing for a cell's block, for fail()'s position. */
static yaml_node_t cell_at(const lnb_cell *cell) {
  yaml_node_t at;
  memset(&at, 0, sizeof at);
  at.start_mark.line = (size_t)cell->line - 1;
  at.start_mark.column = (size_t)cell->column - 1;
  return at;
}

static void labels_free(char **labels, size_t n) {
  for (size_t i = 0; labels && i < n; i++)
    free(labels[i]);
  free(labels);
}

/* Labels of a set's cells (without the skip parameters), or NULL. */
static char **cell_labels(const lnb_cellset *set, char *const *skip, size_t nskip) {
  char **labels = calloc(set->n ? set->n : 1, sizeof *labels);
  for (size_t i = 0; labels && i < set->n; i++)
    if (!(labels[i] = lnb_cell_label(&set->cells[i], skip, nskip))) {
      labels_free(labels, i);
      return NULL;
    }
  return labels;
}

/* A mini-batch needs a problem with samples (ABI 1.4 eval_rows): refused
 * here, at the optimizer block, for any problem of the config without. */
static int check_batches(cfg_ctx *c) {
  const lnb_cellset *opts = &c->cfg->optimizers, *probs = &c->cfg->problems;
  for (size_t o = 0; o < opts->n; o++) {
    if (!opts->cells[o].batch_size)
      continue;
    for (size_t p = 0; p < probs->n; p++) {
      const lnb_plugin *pl = probs->cells[p].plugin->plugin;
      if (LNB_OPT_OP(lnb_problem_ops, (const lnb_problem_ops *)pl->ops, eval_rows))
        continue;
      yaml_node_t at = cell_at(&opts->cells[o]);
      return fail(c, &at, LNB_EINVAL,
                  "batch_size %zu: problem '%s' has no samples to draw mini-batches from "
                  "(it is not sample-level); use batch_size: full with it",
                  opts->cells[o].batch_size, pl->name);
    }
  }
  return 0;
}

/* A predictor architecture (ABI 1.5) needs problems with per-sample inputs
 * and outputs: every problem of the config is paired with it, so one that
 * is end-to-end only is refused here, at the architecture block, by name;
 * and where the problem's shape op knows k x d from its parameters, the
 * architecture's check_shape may refuse it. */
static int check_predictors(cfg_ctx *c) {
  const lnb_cellset *archs = &c->cfg->architectures, *probs = &c->cfg->problems;
  for (size_t a = 0; a < archs->n; a++) {
    const lnb_plugin *al = archs->cells[a].plugin->plugin;
    const lnb_arch_ops *ao = al->ops;
    if (!lnb_arch_is_predictor(ao))
      continue;
    int (*check)(const lnb_host *, const lnb_params *, size_t, size_t, lnb_error *) =
        LNB_OPT_OP(lnb_arch_ops, ao, check_shape);
    for (size_t p = 0; p < probs->n; p++) {
      const lnb_plugin *pl = probs->cells[p].plugin->plugin;
      const lnb_problem_ops *po = pl->ops;
      yaml_node_t at = cell_at(&archs->cells[a]);
      if (!lnb_problem_has_outputs(po))
        return fail(c, &at, LNB_EINVAL,
                    "architecture '%s' maps inputs to outputs (a predictor); problem '%s' has "
                    "only an end-to-end form (no per-sample inputs and outputs): pair it with "
                    "a linear architecture (linear, deep_linear, ...)",
                    al->name, pl->name);
      int (*shape)(const lnb_host *, const lnb_params *, size_t *, size_t *) =
          LNB_OPT_OP(lnb_problem_ops, po, shape);
      size_t k = 0, d = 0;
      if (!check || !shape || !shape(lnb_host_get(), probs->cells[p].params, &k, &d))
        continue;
      lnb_error err;
      memset(&err, 0, sizeof err);
      int rc = check(lnb_host_get(), archs->cells[a].params, k, d, &err);
      err.msg[sizeof err.msg - 1] = '\0';
      if (rc != 0)
        return fail(c, &at, rc < 0 ? rc : LNB_EINVAL,
                    "architecture '%s' with problem '%s' (k = %zu outputs, d = %zu inputs): %s",
                    al->name, pl->name, k, d, err.msg[0] ? err.msg : "shape refused");
    }
  }
  return 0;
}

/* Two blocks giving the same cell (plugin and every given value) would run
 * it twice, and the table would count the copy as another seed. Optimizer
 * cells with `with:` are duplicates only when some architecture pairs with
 * both. O(n log n) in the cells, plus the pairs of repeated labels. */
static int check_duplicate_cells(cfg_ctx *c, const lnb_cellset *set, const char *what) {
  size_t n = set->n;
  if (n < 2)
    return 0;
  char **labels = cell_labels(set, NULL, 0);
  cfg_key *keys = malloc(n * sizeof *keys);
  if (!labels || !keys) {
    labels_free(labels, n);
    free(keys);
    return fail_oom(c);
  }
  for (size_t i = 0; i < n; i++)
    keys[i] = (cfg_key){labels[i], 0, i};
  qsort(keys, n, sizeof *keys, key_cmp);
  const lnb_cellset *archs = &c->cfg->architectures;
  int rc = 0;
  for (size_t g = 0, e; g < n && !rc; g = e) {
    for (e = g + 1; e < n && key_equal(&keys[g], &keys[e]);)
      e++;
    if (e - g < 2)
      continue;
    const lnb_cell *a = NULL, *b = NULL; /* first two in file order */
    int with = 0;
    for (size_t q = g; q < e; q++)
      with |= set->cells[keys[q].i].nwith > 0;
    if (!with) {
      a = &set->cells[keys[g].i];
      b = &set->cells[keys[g + 1].i];
    }
    for (size_t r = 0; with && r < archs->n && !b; r++) {
      a = NULL;
      for (size_t q = g; q < e && !b; q++) {
        const lnb_cell *o = &set->cells[keys[q].i];
        if (lnb_cell_pairs(&archs->cells[r], o))
          *(a ? &b : &a) = o;
      }
    }
    if (b) {
      yaml_node_t at = cell_at(b);
      rc = fail(c, &at, LNB_EINVAL,
                "%s '%.300s' is given twice: by this block and by the block at line %d, "
                "column %d (it would run twice and count as two seeds; remove one)",
                what, labels[keys[g].i], a->line, a->column);
    }
  }
  labels_free(labels, n);
  free(keys);
  return rc;
}

/* report.baseline must name a model of the config (its label, as the table
 * shows it) or an "architecture+optimizer" pair of plugin names. */
static int check_baseline(cfg_ctx *c) {
  const char *base = c->cfg->report.baseline;
  if (!base || !c->baseline_node)
    return 0;
  const lnb_cellset *as = &c->cfg->architectures, *os = &c->cfg->optimizers;
  char **al = cell_labels(as, c->cfg->select.tune, c->cfg->select.ntune);
  char **ol = cell_labels(os, c->cfg->select.tune, c->cfg->select.ntune);
  enum { MAX_CANDS = 64 };
  char *cands[2 * MAX_CANDS];
  size_t nc = 0, blen = strlen(base);
  int found = 0, rc = 0;
  if (!al || !ol)
    rc = fail_oom(c);
  for (size_t o = 0; !rc && !found && o < os->n; o++)
    for (size_t a = 0; !rc && !found && a < as->n; a++) {
      if (!lnb_cell_pairs(&as->cells[a], &os->cells[o]))
        continue;
      const char *ap = as->cells[a].plugin->plugin->name, *op = os->cells[o].plugin->plugin->name;
      size_t la = strlen(al[a]), lp = strlen(ap);
      found = (blen > la && strncmp(base, al[a], la) == 0 && base[la] == '+' &&
               strcmp(base + la + 1, ol[o]) == 0) ||
              (blen > lp && strncmp(base, ap, lp) == 0 && base[lp] == '+' &&
               strcmp(base + lp + 1, op) == 0);
      /* did-you-mean candidates: each plugin pair and model, a few of each */
      char *pair[2] = {NULL, NULL};
      size_t np = 0;
      if (nc < 2 * MAX_CANDS - 1) {
        size_t ml = la + strlen(ol[o]) + 2, pl = lp + strlen(op) + 2;
        if ((pair[0] = malloc(pl)))
          snprintf(pair[0], pl, "%s+%s", ap, op), np++;
        if ((pair[1] = malloc(ml)))
          snprintf(pair[1], ml, "%s+%s", al[a], ol[o]), np++;
        if (np < 2)
          rc = fail_oom(c);
      }
      for (size_t k = 0; k < 2; k++) {
        if (!pair[k])
          continue;
        size_t q = 0;
        while (q < nc && strcmp(cands[q], pair[k]) != 0)
          q++;
        if (q < nc || rc)
          free(pair[k]);
        else
          cands[nc++] = pair[k];
      }
    }
  if (!rc && !found)
    rc = fail_unknown(c, c->baseline_node, "report.baseline", base,
                      " (expected a model label of this config, or architecture+optimizer "
                      "plugin names)",
                      (const char *const *)cands, nc, "models");
  for (size_t q = 0; q < nc; q++)
    free(cands[q]);
  labels_free(al, as->n);
  labels_free(ol, os->n);
  return rc;
}

static int check_tune(cfg_ctx *c) {
  const yaml_node_t *n = c->tune_node;
  if (!n)
    return 0;
  const lnb_cellset *sets[2] = {&c->cfg->architectures, &c->cfg->optimizers};
  size_t cap = 0;
  /* the cells of a block are adjacent and share their plugin: look at each
   * block's plugin once */
#define CFG_SAME_AS_PREVIOUS(set, i) \
  ((i) > 0 && (set)->cells[(i)-1].plugin == (set)->cells[(i)].plugin)
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < sets[s]->n; i++)
      if (!CFG_SAME_AS_PREVIOUS(sets[s], i))
        cap += lnb__spec_count(sets[s]->cells[i].plugin->plugin->params);
  const char **names = malloc((cap ? cap : 1) * sizeof *names);
  if (!names)
    return fail_oom(c);
  size_t nn = 0;
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < sets[s]->n; i++) {
      if (CFG_SAME_AS_PREVIOUS(sets[s], i))
        continue;
      const lnb_param_spec *sp = sets[s]->cells[i].plugin->plugin->params;
      for (size_t j = 0; sp && sp[j].name; j++) {
        size_t q = 0;
        while (q < nn && strcmp(names[q], sp[j].name) != 0)
          q++;
        if (q == nn)
          names[nn++] = sp[j].name;
      }
    }
  int rc = 0;
  for (size_t t = 0; t < c->cfg->select.ntune && !rc; t++) {
    const char *name = c->cfg->select.tune[t];
    size_t q = 0;
    while (q < nn && strcmp(names[q], name) != 0)
      q++;
    if (q < nn)
      continue;
    const yaml_node_t *at = is_seq(n) ? seq_item(c, n, t) : n;
    rc = fail_unknown(c, at,
                      "select.tune name (not a parameter of any architecture "
                      "or optimizer in this config)",
                      name, "", names, nn, "parameters");
  }
  free(names);
  return rc;
}

static int parse_root(cfg_ctx *c, const yaml_node_t *root) {
  static const char *const keys[] = {
      "name",   "seeds",  "problem", "architectures", "optimizers",
      "stop",   "record", "select",  "report",        "threads"};
  const size_t nkeys = sizeof keys / sizeof *keys;
  if (root->type != YAML_MAPPING_NODE)
    return fail(c, root, LNB_EINVAL,
                "wrong type: the config is %s (expected a mapping with keys "
                "name, problem, architectures, optimizers, ...)",
                node_desc(root));
  int rc = check_mapping(c, root, "the config");
  if (rc)
    return rc;
  int seen[10] = {0};
  for (size_t i = 0; i < map_len(root) && !rc; i++) {
    const yaml_node_t *k = map_key(c, root, i);
    const yaml_node_t *v = map_value(c, root, i);
    size_t q = 0;
    while (q < nkeys && strcmp(keys[q], sval(k)) != 0)
      q++;
    if (q == nkeys)
      return fail_unknown(c, k, "top-level key", sval(k), "", keys, nkeys,
                          "valid");
    seen[q] = 1;
    switch (q) {
    case 0:
      rc = parse_name(c, v);
      break;
    case 1:
      rc = parse_seeds(c, v);
      break;
    case 2:
      rc = parse_blocks(c, v, LNB_PROBLEM, "problem", &c->cfg->problems);
      break;
    case 3:
      rc = parse_blocks(c, v, LNB_ARCHITECTURE, "architectures",
                        &c->cfg->architectures);
      break;
    case 4:
      rc = parse_blocks(c, v, LNB_OPTIMIZER, "optimizers",
                        &c->cfg->optimizers);
      break;
    case 5:
      rc = parse_stop(c, v);
      break;
    case 6:
      rc = parse_record(c, v);
      break;
    case 7:
      rc = parse_select(c, v);
      break;
    case 8:
      rc = parse_report(c, v);
      break;
    case 9: {
      int64_t t;
      rc = get_int_setting(c, v, "threads", 1, 1024, &t);
      if (!rc)
        c->cfg->threads = (int)t;
      break;
    }
    }
  }
  if (rc)
    return rc;
  static const struct {
    size_t key;
    const char *expected;
  } required[] = {
      {0, "a string naming the experiment"},
      {2, "a { plugin: NAME, ... } mapping or a list of them"},
      {3, "a list of { plugin: NAME, ... } mappings"},
      {4, "a list of { plugin: NAME, ... } mappings"},
  };
  for (size_t r = 0; r < sizeof required / sizeof *required; r++)
    if (!seen[required[r].key])
      return fail(c, root, LNB_EINVAL, "missing required key '%s' (expected %s)",
                  keys[required[r].key], required[r].expected);
  return check_tune(c);
}

/* ------------------------------------------------------------ loading */

static void line_col_of(const char *text, size_t len, size_t off,
                        unsigned long *line, unsigned long *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && i < len; i++) {
    if (text[i] == '\n') {
      ++*line;
      *col = 1;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
      ++*col;
    }
  }
}

/* 1-based position of a libyaml mark. At the end of the stream libyaml
 * reports a virtual line past the last one; clamp to the end of the text. */
static void mark_pos(const cfg_ctx *c, const yaml_mark_t *m,
                     unsigned long *line, unsigned long *col) {
  unsigned long eline, ecol;
  *line = (unsigned long)m->line + 1;
  *col = (unsigned long)m->column + 1;
  line_col_of(c->cfg->text, c->len, c->len, &eline, &ecol);
  if (*line > eline || (*line == eline && *col > ecol)) {
    *line = eline;
    *col = ecol;
  }
}

static int yaml_failure(cfg_ctx *c, const yaml_parser_t *p) {
  sbuf b;
  sb_init(&b, c->err->msg, sizeof c->err->msg);
  c->err->code = LNB_EPARSE;
  const char *problem = p->problem ? p->problem : "unknown error";
  switch (p->error) {
  case YAML_MEMORY_ERROR:
    return fail_oom(c);
  case YAML_READER_ERROR: {
    unsigned long line, col;
    line_col_of(c->cfg->text, c->len, p->problem_offset, &line,
                &col);
    sb_printf(&b, "%s:%lu:%lu: YAML read error: %s", c->path, line, col,
              problem);
    if (p->problem_value != -1)
      sb_printf(&b, " (#%X at byte offset %zu)", (unsigned)p->problem_value,
                p->problem_offset);
    break;
  }
  default: {
    unsigned long line, col, cline, ccol;
    mark_pos(c, &p->problem_mark, &line, &col);
    sb_printf(&b, "%s:%lu:%lu: YAML syntax error: %s", c->path, line, col,
              problem);
    if (p->context) {
      mark_pos(c, &p->context_mark, &cline, &ccol);
      sb_printf(&b, " (%s at line %lu, column %lu)", p->context, cline, ccol);
    }
    break;
  }
  }
  char raw[LNB_ERROR_MSG_MAX]; /* the path may hold control characters */
  memcpy(raw, c->err->msg, sizeof raw);
  escape_controls(c->err->msg, sizeof c->err->msg, raw);
  return LNB_EPARSE;
}

/* Nesting depth, with libyaml's event parser, before the document is built.
 * libyaml's scanner spends O(depth) per token, so a file nested 10^5 deep
 * takes minutes to load; this pass stops at the first list or mapping past
 * CFG_MAX_DEPTH, having spent O(CFG_MAX_DEPTH) per token. A syntax error
 * ends the pass silently: the loader reports it, with the same position. */
static int check_depth(cfg_ctx *c) {
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p))
    return fail_oom(c);
  yaml_parser_set_input_string(&p, (const unsigned char *)c->cfg->text, c->len);
  int depth = 0, rc = 0;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev))
      break;
    yaml_event_type_t t = ev.type;
    if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
      if (++depth > CFG_MAX_DEPTH) {
        yaml_node_t at;
        memset(&at, 0, sizeof at);
        at.start_mark = ev.start_mark;
        rc = fail(c, &at, LNB_EINVAL,
                  "lists and mappings nested more than %d deep (the limit on a config)",
                  CFG_MAX_DEPTH);
      }
    } else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
      depth--;
    }
    yaml_event_delete(&ev);
    if (rc || t == YAML_STREAM_END_EVENT)
      break;
  }
  yaml_parser_delete(&p);
  return rc;
}

/* Size of the document with every alias expanded (a scalar counts its bytes
 * + 1, a list or mapping 1), by an iterative depth-first walk that sizes each
 * node once. Refuses a node that contains itself through an alias, and a
 * document that aliases expand past twice the file + CFG_ALIAS_SLACK: a few
 * KB of nested aliases would otherwise become gigabytes of values and labels
 * when the grid is expanded. */
static int fail_expansion(cfg_ctx *c, const yaml_node_t *at, uint64_t limit) {
  return fail(c, at, LNB_EINVAL,
              "aliases expand %s here to more than %llu bytes of YAML (the limit is "
              "twice the file plus %llu bytes; write fewer aliases)",
              node_desc(at), (unsigned long long)limit,
              (unsigned long long)CFG_ALIAS_SLACK);
}

/* a + b, saturating just past limit */
static uint64_t add_capped(uint64_t a, uint64_t b, uint64_t limit) {
  return a > limit || b > limit - a ? limit + 1 : a + b;
}

static int check_expansion(cfg_ctx *c) {
  size_t n = (size_t)(c->doc->nodes.top - c->doc->nodes.start);
  if (n == 0)
    return 0;
  const uint64_t limit = 2 * (uint64_t)c->len + CFG_ALIAS_SLACK;
  uint64_t *size = calloc(n + 1, sizeof *size);
  unsigned char *state = calloc(n + 1, 1); /* 0 new, 1 on the path, 2 sized */
  struct frame {
    int node;
    size_t next;
  } *stack = malloc(n * sizeof *stack);
  int rc = 0;
  if (!size || !state || !stack)
    rc = fail_oom(c);
  size_t sp = 0;
  if (!rc) {
    stack[sp++] = (struct frame){1, 0};
    state[1] = 1;
    size[1] = 1;
  }
  while (sp && !rc) {
    struct frame *f = &stack[sp - 1];
    const yaml_node_t *node = node_at(c, f->node);
    size_t nchild = node->type == YAML_SEQUENCE_NODE  ? seq_len(node)
                    : node->type == YAML_MAPPING_NODE ? 2 * map_len(node)
                                                      : 0;
    if (node->type == YAML_SCALAR_NODE)
      size[f->node] = node->data.scalar.length + 1;
    if (f->next == nchild) { /* sized: add to the parent */
      state[f->node] = 2;
      uint64_t sz = size[f->node];
      if (--sp) {
        int parent = stack[sp - 1].node;
        if ((size[parent] = add_capped(size[parent], sz, limit)) > limit)
          rc = fail_expansion(c, node_at(c, parent), limit);
      }
      continue;
    }
    size_t q = f->next++;
    int child = node->type == YAML_SEQUENCE_NODE
                    ? node->data.sequence.items.start[q]
                : q % 2 ? node->data.mapping.pairs.start[q / 2].value
                        : node->data.mapping.pairs.start[q / 2].key;
    if (child < 1 || (size_t)child > n)
      continue;
    if (state[child] == 1) {
      rc = fail(c, node_at(c, child), LNB_EINVAL,
                "%s here contains itself through an alias (a recursive structure)",
                node_desc(node_at(c, child)));
    } else if (state[child] == 2) { /* an alias: its size again */
      if ((size[f->node] = add_capped(size[f->node], size[child], limit)) > limit)
        rc = fail_expansion(c, node, limit);
    } else {
      state[child] = 1;
      size[child] = 1;
      stack[sp++] = (struct frame){child, 0};
    }
  }
  free(size);
  free(state);
  free(stack);
  return rc;
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return cfg_strdup(".");
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, path, n);
    d[n] = '\0';
  }
  return d;
}

static int set_defaults(lnb_config *cfg) {
  cfg->stop.max_iters = 10000;
  cfg->record.per_decade = 10;
  cfg->record.top_k = 3;
  cfg->threads = 1;
  cfg->seeds = malloc(sizeof *cfg->seeds);
  cfg->select.best_by = cfg_strdup("seconds_to_target");
  cfg->select.tune = malloc(sizeof *cfg->select.tune);
  if (!cfg->seeds || !cfg->select.best_by || !cfg->select.tune)
    return -1;
  cfg->seeds[0] = 0;
  cfg->nseeds = 1;
  if (!(cfg->select.tune[0] = cfg_strdup("lr")))
    return -1;
  cfg->select.ntune = 1;
  return 0;
}

int lnb_config_load_string(const char *text, size_t len, const char *path,
                           const lnb_registry *reg, lnb_config *cfg,
                           lnb_error *err) {
  lnb_error scratch;
  if (!err)
    err = &scratch;
  err->code = LNB_OK;
  err->msg[0] = '\0';
  if (!cfg) {
    snprintf(err->msg, sizeof err->msg, "lnb_config_load_string: no config");
    return err->code = LNB_EINVAL;
  }
  memset(cfg, 0, sizeof *cfg);
  if (!path)
    path = "<string>";
  cfg_ctx c = {.path = path, .reg = reg, .cfg = cfg, .err = err, .len = len};
  if (!text && len) {
    return fail(&c, NULL, LNB_EINVAL, "no config text");
  }
  if (!reg)
    return fail(&c, NULL, LNB_EINVAL, "no plugin registry");

  cfg->path = cfg_strdup(path);
  cfg->dir = dir_of(path);
  cfg->text = malloc(len + 1);
  if (!cfg->path || !cfg->dir || !cfg->text || set_defaults(cfg) != 0) {
    lnb_config_free(cfg);
    return fail_oom(&c);
  }
  if (len)
    memcpy(cfg->text, text, len);
  cfg->text[len] = '\0';
  cfg->hash = lnb__fnv1a64(LNB_FNV1A64_INIT, cfg->text, len);
  c.path = cfg->path;

  yaml_parser_t parser;
  yaml_document_t doc;
  int rc = 0;
  if (!yaml_parser_initialize(&parser)) {
    lnb_config_free(cfg);
    return fail_oom(&c);
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)cfg->text, len);
  if ((rc = check_depth(&c)) != 0) {
    yaml_parser_delete(&parser);
    lnb_config_free(cfg);
    return rc;
  }
  if (!yaml_parser_load(&parser, &doc)) {
    rc = yaml_failure(&c, &parser);
    yaml_parser_delete(&parser);
    lnb_config_free(cfg);
    return rc;
  }
  c.doc = &doc;
  const yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root) {
    rc = fail(&c, NULL, LNB_EINVAL,
              "empty config (expected a mapping with keys name, problem, "
              "architectures, optimizers, ...)");
  } else {
    /* exactly one document */
    yaml_document_t extra;
    if (!yaml_parser_load(&parser, &extra)) {
      rc = yaml_failure(&c, &parser);
    } else {
      const yaml_node_t *r2 = yaml_document_get_root_node(&extra);
      if (r2)
        rc = fail(&c, r2, LNB_EINVAL,
                  "a second YAML document (expected exactly one document)");
      yaml_document_delete(&extra);
    }
    if (!rc)
      rc = check_expansion(&c);
    if (!rc)
      rc = parse_root(&c, root);
  }
  if (!rc && c.metrics_node)
    rc = check_metrics(&c, c.metrics_node);
  size_t na = cfg->architectures.n, no = cfg->optimizers.n;
  if (!rc && na && no > CFG_MAX_PAIRINGS / na)
    rc = fail(&c, NULL, LNB_EINVAL,
              "%zu architecture cells x %zu optimizer cells: more than %zu pairs to "
              "consider (the limit on a config is %zu runs)",
              na, no, CFG_MAX_PAIRINGS, CFG_MAX_RUNS);
  if (!rc && lnb_config_run_count(cfg) == 0)
    rc = fail(&c, NULL, LNB_EINVAL,
              "the config expands to zero runs (does every optimizer's `with:` name an "
              "architecture plugin of the config?)");
  if (!rc && lnb_config_run_count(cfg) > CFG_MAX_RUNS)
    rc = fail(&c, NULL, LNB_EINVAL,
              "the config expands to %zu runs (more than the limit of %zu)",
              lnb_config_run_count(cfg), CFG_MAX_RUNS);
  if (!rc)
    rc = check_duplicate_cells(&c, &cfg->problems, "problem");
  if (!rc)
    rc = check_duplicate_cells(&c, &cfg->architectures, "architecture");
  if (!rc)
    rc = check_duplicate_cells(&c, &cfg->optimizers, "optimizer");
  if (!rc)
    rc = check_batches(&c);
  if (!rc)
    rc = check_transforms(&c);
  if (!rc)
    rc = check_predictors(&c);
  if (!rc)
    rc = check_baseline(&c);
  if (!rc && !c.best_by_given && !cfg->stop.has_target) {
    /* no target: every time to target is ∞; rank by the final loss */
    char *s = cfg_strdup("final_loss");
    if (!s)
      rc = fail_oom(&c);
    else {
      free(cfg->select.best_by);
      cfg->select.best_by = s;
    }
  }
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  if (rc)
    lnb_config_free(cfg);
  return rc;
}

int lnb_config_load(const char *path, const lnb_registry *reg,
                    lnb_config *cfg, lnb_error *err) {
  lnb_error scratch;
  if (!err)
    err = &scratch;
  if (cfg)
    memset(cfg, 0, sizeof *cfg);
  err->code = LNB_OK;
  err->msg[0] = '\0';
  if (!path) {
    snprintf(err->msg, sizeof err->msg, "no config path given");
    return err->code = LNB_EINVAL;
  }
  /* a regular file (a FIFO or a device is refused without blocking) of at
   * most CFG_MAX_FILE bytes */
  size_t len = 0;
  char *buf = lnb_read_file(path, CFG_MAX_FILE, "config", &len, err);
  if (!buf)
    return err->code;
  int rc = lnb_config_load_string(buf, len, path, reg, cfg, err);
  free(buf);
  return rc;
}

static void cellset_free(lnb_cellset *s) {
  for (size_t i = 0; i < s->n; i++) {
    lnb__params_free(s->cells[i].params);
    free_string_list(s->cells[i].with, s->cells[i].nwith);
    lnb__datafiles_free(s->cells[i].files, s->cells[i].nfiles);
  }
  free(s->cells);
  s->cells = NULL;
  s->n = 0;
}

void lnb_config_free(lnb_config *cfg) {
  if (!cfg)
    return;
  free(cfg->path);
  free(cfg->dir);
  free(cfg->name);
  free(cfg->text);
  free(cfg->seeds);
  cellset_free(&cfg->problems);
  cellset_free(&cfg->architectures);
  cellset_free(&cfg->optimizers);
  free_string_list(cfg->record.metrics, cfg->record.nmetrics);
  free(cfg->select.best_by);
  free_string_list(cfg->select.tune, cfg->select.ntune);
  free(cfg->report.baseline);
  memset(cfg, 0, sizeof *cfg);
}

/* Does architecture cell `arch` match the canonical `with:` entry
 * "name" or "name(k=v,k=v)"? */
static int with_matches(const lnb_cell *arch, const char *w) {
  size_t nl = strcspn(w, "(");
  const char *name = arch->plugin->plugin->name;
  if (strlen(name) != nl || strncmp(name, w, nl) != 0)
    return 0;
  const char *p = w + nl;
  if (*p != '(')
    return 1;
  p++;
  while (*p && *p != ')') {
    size_t kl = strcspn(p, "=");
    const char *val = p + kl + 1;
    size_t vl = strcspn(val, ",)");
    char key[128];
    snprintf(key, sizeof key, "%.*s", (int)kl, p);
    long j = lnb__spec_find(arch->plugin->plugin->params, key);
    const lnb_value *v = j >= 0 ? &arch->params->v[j] : NULL;
    if (!v || !v->set || !v->text || strlen(v->text) != vl || strncmp(v->text, val, vl) != 0)
      return 0;
    p = val + vl;
    if (*p == ',')
      p++;
  }
  return 1;
}

int lnb_cell_pairs(const lnb_cell *arch, const lnb_cell *opt) {
  if (opt->nwith == 0)
    return 1;
  for (size_t q = 0; q < opt->nwith; q++)
    if (with_matches(arch, opt->with[q]))
      return 1;
  return 0;
}

size_t lnb_config_run_count(const lnb_config *cfg) {
  if (!cfg)
    return 0;
  size_t pairs = 0;
  for (size_t o = 0; o < cfg->optimizers.n; o++) {
    const lnb_cell *oc = &cfg->optimizers.cells[o];
    if (oc->nwith == 0) {
      pairs += cfg->architectures.n;
      continue;
    }
    for (size_t a = 0; a < cfg->architectures.n; a++)
      pairs += (size_t)lnb_cell_pairs(&cfg->architectures.cells[a], oc);
  }
  size_t f[3] = {cfg->problems.n, cfg->nseeds, pairs};
  size_t n = 1;
  for (int i = 0; i < 3; i++) {
    if (f[i] == 0)
      return 0;
    if (n > SIZE_MAX / f[i])
      return SIZE_MAX;
    n *= f[i];
  }
  return n;
}

int lnb_cellset_first_use(const lnb_cellset *set, size_t i) {
  for (size_t j = 0; j < i; j++)
    if (set->cells[j].plugin == set->cells[i].plugin)
      return 0;
  return 1;
}
