/* params.c — strict value parsing and resolved parameter sets. */
#define _POSIX_C_SOURCE 200809L
#include "params.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "registry.h"

size_t lnb__spec_count(const lnb_param_spec *specs) {
  size_t n = 0;
  if (!specs) return 0;
  while (specs[n].name) n++;
  return n;
}

long lnb__spec_find(const lnb_param_spec *specs, const char *name) {
  if (!specs || !name) return -1;
  for (long i = 0; specs[i].name; i++)
    if (strcmp(specs[i].name, name) == 0) return i;
  return -1;
}

/* ------------------------------------------------------------- scalars */

/* Accept only [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)? */
static int real_syntax_ok(const char *s) {
  const char *p = s;
  size_t intd = 0, fracd = 0;
  if (*p == '+' || *p == '-') p++;
  while (isdigit((unsigned char)*p)) p++, intd++;
  if (*p == '.') {
    p++;
    while (isdigit((unsigned char)*p)) p++, fracd++;
  }
  if (intd + fracd == 0) return 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    size_t ed = 0;
    while (isdigit((unsigned char)*p)) p++, ed++;
    if (ed == 0) return 0;
  }
  return *p == '\0';
}

static int prefix_ci(const char *s, const char *prefix) {
  for (; *prefix; s++, prefix++)
    if (tolower((unsigned char)*s) != *prefix) return 0;
  return 1;
}

static int looks_nonfinite(const char *s) {
  const char *p = s;
  if (*p == '+' || *p == '-') p++;
  if (*p == '.') p++; /* YAML's .inf / .nan */
  return prefix_ci(p, "inf") || prefix_ci(p, "nan");
}

int lnb__parse_real(const char *text, double *out, const char **why) {
  if (!text || !*text) {
    *why = "empty value";
    return -1;
  }
  if (looks_nonfinite(text)) {
    *why = "not a finite number (nan and inf are rejected)";
    return -1;
  }
  if (!real_syntax_ok(text)) {
    const char *p = text;
    if (*p == '+' || *p == '-') p++;
    if (isdigit((unsigned char)*p) || *p == '.')
      *why = "trailing characters after the number";
    else
      *why = "not a number";
    return -1;
  }
  errno = 0;
  char *end = NULL;
  double v = strtod(text, &end);
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL)) {
    *why = "number out of range";
    return -1;
  }
  if (!isfinite(v)) {
    *why = "not a finite number";
    return -1;
  }
  *out = v;
  return 0;
}

int lnb__parse_int(const char *text, int64_t *out, const char **why) {
  double r;
  if (!text || !*text) {
    *why = "empty value";
    return -1;
  }
  const char *p = text;
  if (*p == '+' || *p == '-') p++;
  int plain = *p != '\0';
  for (const char *q = p; *q; q++)
    if (!isdigit((unsigned char)*q)) plain = 0;
  if (plain) {
    errno = 0;
    char *end = NULL;
    long long v = strtoll(text, &end, 10);
    if (errno == ERANGE) {
      *why = "integer out of range";
      return -1;
    }
    *out = (int64_t)v;
    return 0;
  }
  if (lnb__parse_real(text, &r, why) != 0) return -1;
  if (r != floor(r)) {
    *why = "not an integer";
    return -1;
  }
  if (fabs(r) > 9.007199254740992e15) {
    *why = "integer out of range";
    return -1;
  }
  *out = (int64_t)r;
  return 0;
}

int lnb__parse_bool(const char *text, int *out, const char **why) {
  static const char *yes[] = {"true", "True", "TRUE", "yes", "on"};
  static const char *no[] = {"false", "False", "FALSE", "no", "off"};
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
    if (strcmp(text, yes[i]) == 0) return *out = 1, 0;
    if (strcmp(text, no[i]) == 0) return *out = 0, 0;
  }
  *why = "not a boolean (expected true or false)";
  return -1;
}

/* -------------------------------------------------------------- ranges */

static const char *skip_ws(const char *p) {
  while (*p == ' ' || *p == '\t') p++;
  return p;
}

static int parse_bound(const char **pp, double *out) {
  const char *p = skip_ws(*pp);
  char buf[64];
  size_t n = 0;
  while (*p && *p != ',' && *p != ']' && *p != ')' && *p != ' ' && n + 1 < sizeof buf)
    buf[n++] = *p++;
  buf[n] = '\0';
  if (strcmp(buf, "inf") == 0 || strcmp(buf, "+inf") == 0) *out = INFINITY;
  else if (strcmp(buf, "-inf") == 0) *out = -INFINITY;
  else {
    const char *why;
    if (lnb__parse_real(buf, out, &why) != 0) return -1;
  }
  *pp = skip_ws(p);
  return 0;
}

int lnb__parse_range(const char *text, lnb_range *r) {
  const char *p = skip_ws(text);
  if (*p != '[' && *p != '(') return -1;
  r->lo_open = *p == '(';
  p++;
  if (parse_bound(&p, &r->lo) != 0 || *p != ',') return -1;
  p++;
  if (parse_bound(&p, &r->hi) != 0) return -1;
  if (*p != ']' && *p != ')') return -1;
  r->hi_open = *p == ')';
  p = skip_ws(p + 1);
  if (*p) return -1;
  if (r->lo > r->hi) return -1;
  return 0;
}

int lnb__in_range(const lnb_range *r, double x) {
  if (r->lo_open ? !(x > r->lo) : !(x >= r->lo)) return 0;
  if (r->hi_open ? !(x < r->hi) : !(x <= r->hi)) return 0;
  return 1;
}

/* ------------------------------------------------------------ values */

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

void lnb__value_clear(lnb_value *v) {
  free(v->s);
  free(v->ints);
  free(v->reals);
  free(v->text);
  memset(v, 0, sizeof *v);
}

int lnb__value_copy(lnb_value *dst, const lnb_value *src) {
  *dst = *src;
  dst->s = NULL, dst->ints = NULL, dst->reals = NULL, dst->text = NULL;
  if (src->s && !(dst->s = xstrdup(src->s))) goto oom;
  if (src->text && !(dst->text = xstrdup(src->text))) goto oom;
  size_t cnt = src->n; /* lists and matrices keep their element count in n */
  if (src->ints) {
    dst->ints = malloc((src->n ? src->n : 1) * sizeof *dst->ints);
    if (!dst->ints) goto oom;
    memcpy(dst->ints, src->ints, src->n * sizeof *dst->ints);
  }
  if (src->reals) {
    dst->reals = malloc((cnt ? cnt : 1) * sizeof *dst->reals);
    if (!dst->reals) goto oom;
    memcpy(dst->reals, src->reals, cnt * sizeof *dst->reals);
  }
  return 0;
oom:
  lnb__value_clear(dst);
  return -1;
}

static const char *type_name(lnb_type t) {
  switch (t) {
  case LNB_T_INT: return "an integer";
  case LNB_T_REAL: return "a real number";
  case LNB_T_BOOL: return "a boolean";
  case LNB_T_STRING: return "a string";
  case LNB_T_ENUM: return "one of the listed choices";
  case LNB_T_INT_LIST: return "a list of integers";
  case LNB_T_REAL_LIST: return "a list of reals";
  case LNB_T_MATRIX: return "a matrix (list of rows)";
  }
  return "?";
}

const char *lnb__type_label(lnb_type t) {
  switch (t) {
  case LNB_T_INT: return "int";
  case LNB_T_REAL: return "real";
  case LNB_T_BOOL: return "bool";
  case LNB_T_STRING: return "string";
  case LNB_T_ENUM: return "enum";
  case LNB_T_INT_LIST: return "int list";
  case LNB_T_REAL_LIST: return "real list";
  case LNB_T_MATRIX: return "matrix";
  }
  return "?";
}

static int choice_ok(const char *choices, const char *s) {
  size_t n = strlen(s);
  const char *p = choices;
  while (p && *p) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && strncmp(p, s, n) == 0) return 1;
    p = bar ? bar + 1 : NULL;
  }
  return 0;
}

static void fmt_real(char *buf, size_t n, double x) {
  if (x == floor(x) && fabs(x) < 1e15) { /* integers print plainly: 10, not 1e+01 */
    snprintf(buf, n, "%.0f", x);
    return;
  }
  snprintf(buf, n, "%.17g", x);
  /* shortest representation that round-trips */
  for (int prec = 1; prec <= 17; prec++) {
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*g", prec, x);
    if (strtod(tmp, NULL) == x) {
      snprintf(buf, n, "%s", tmp);
      return;
    }
  }
}

/* check a number against the spec's range; 0 ok */
static int check_range(const lnb_param_spec *spec, double x, char *why, size_t whylen) {
  if (!spec->range) return 0;
  lnb_range r;
  if (lnb__parse_range(spec->range, &r) != 0) {
    snprintf(why, whylen, "plugin declares a malformed range '%s'", spec->range);
    return -1;
  }
  if (!lnb__in_range(&r, x)) {
    char b[64];
    fmt_real(b, sizeof b, x);
    snprintf(why, whylen, "value %s is out of range: expected %s in %s", b,
             type_name(spec->type), spec->range);
    return -1;
  }
  return 0;
}

int lnb__value_from_text(const lnb_param_spec *spec, const char *text,
                         lnb_value *out, char *why, size_t whylen) {
  const char *reason = NULL;
  lnb_value v = {0};
  char buf[64];
  switch (spec->type) {
  case LNB_T_INT:
    if (lnb__parse_int(text, &v.i, &reason) != 0) goto bad;
    if (check_range(spec, (double)v.i, why, whylen) != 0) return -1;
    snprintf(buf, sizeof buf, "%lld", (long long)v.i);
    v.text = xstrdup(buf);
    break;
  case LNB_T_REAL:
    if (lnb__parse_real(text, &v.r, &reason) != 0) goto bad;
    if (check_range(spec, v.r, why, whylen) != 0) return -1;
    fmt_real(buf, sizeof buf, v.r);
    v.text = xstrdup(buf);
    break;
  case LNB_T_BOOL:
    if (lnb__parse_bool(text, &v.b, &reason) != 0) goto bad;
    v.text = xstrdup(v.b ? "true" : "false");
    break;
  case LNB_T_ENUM:
    if (!choice_ok(spec->choices ? spec->choices : "", text)) {
      snprintf(why, whylen, "'%s' is not one of %s", text,
               spec->choices ? spec->choices : "(no choices declared)");
      return -1;
    }
    /* fall through */
  case LNB_T_STRING:
    v.s = xstrdup(text);
    v.text = xstrdup(text);
    if (!v.s) goto oom;
    break;
  case LNB_T_INT_LIST:
  case LNB_T_REAL_LIST:
  case LNB_T_MATRIX: {
    const char *one[1] = {text};
    return lnb__value_from_list(spec, one, 1, 1, out, why, whylen);
  }
  default:
    snprintf(why, whylen, "unknown parameter type %d", (int)spec->type);
    return -1;
  }
  if (!v.text) goto oom;
  v.set = 1;
  lnb__value_clear(out);
  *out = v;
  return 0;
bad:
  snprintf(why, whylen, "'%s': %s (expected %s%s%s)", text, reason,
           type_name(spec->type), spec->range ? " in " : "",
           spec->range ? spec->range : "");
  return -1;
oom:
  lnb__value_clear(&v);
  snprintf(why, whylen, "out of memory");
  return -1;
}

int lnb__value_from_list(const lnb_param_spec *spec, const char *const *texts,
                         size_t rows, size_t cols, lnb_value *out, char *why,
                         size_t whylen) {
  lnb_value v = {0};
  size_t cnt = rows * cols;
  const char *reason = NULL;
  if (spec->type != LNB_T_INT_LIST && spec->type != LNB_T_REAL_LIST &&
      spec->type != LNB_T_MATRIX) {
    snprintf(why, whylen, "expected %s, got a list", type_name(spec->type));
    return -1;
  }
  if (cnt == 0) {
    snprintf(why, whylen, "empty list (expected %s)", type_name(spec->type));
    return -1;
  }
  size_t cap = 32 * cnt + 8 + 4 * rows;
  char *text = malloc(cap);
  if (!text) goto oom;
  size_t len = 0;
  if (spec->type == LNB_T_INT_LIST) {
    v.ints = malloc(cnt * sizeof *v.ints);
    if (!v.ints) goto oom;
  } else {
    v.reals = malloc(cnt * sizeof *v.reals);
    if (!v.reals) goto oom;
  }
  len += (size_t)snprintf(text + len, cap - len, "[");
  for (size_t i = 0; i < cnt; i++) {
    char b[64];
    if (spec->type == LNB_T_INT_LIST) {
      if (lnb__parse_int(texts[i], &v.ints[i], &reason) != 0) goto bad_elem;
      if (check_range(spec, (double)v.ints[i], why, whylen) != 0) goto fail;
      snprintf(b, sizeof b, "%lld", (long long)v.ints[i]);
    } else {
      if (lnb__parse_real(texts[i], &v.reals[i], &reason) != 0) goto bad_elem;
      if (check_range(spec, v.reals[i], why, whylen) != 0) goto fail;
      fmt_real(b, sizeof b, v.reals[i]);
    }
    int row_start = spec->type == LNB_T_MATRIX && rows > 1 && i % cols == 0;
    int row_end = spec->type == LNB_T_MATRIX && rows > 1 && i % cols == cols - 1;
    len += (size_t)snprintf(text + len, cap - len, "%s%s%s%s",
                            (i && (i % cols || rows > 1)) ? "," : "",
                            row_start ? "[" : "", b, row_end ? "]" : "");
  }
  snprintf(text + len, cap - len, "]");
  v.text = text;
  text = NULL;
  v.n = cnt;
  if (spec->type == LNB_T_MATRIX) v.rows = rows, v.cols = cols;
  v.set = 1;
  lnb__value_clear(out);
  *out = v;
  return 0;
bad_elem:
  snprintf(why, whylen, "%s (expected %s)", reason, type_name(spec->type));
  for (size_t i = 0; i < cnt; i++) {
    const char *r2;
    double d;
    int64_t k;
    int bad = spec->type == LNB_T_INT_LIST ? lnb__parse_int(texts[i], &k, &r2)
                                           : lnb__parse_real(texts[i], &d, &r2);
    if (bad) {
      snprintf(why, whylen, "element %zu '%s': %s (expected %s)", i + 1, texts[i], r2,
               spec->type == LNB_T_INT_LIST ? "integers" : "finite reals");
      break;
    }
  }
fail:
  free(text);
  lnb__value_clear(&v);
  return -1;
oom:
  free(text);
  lnb__value_clear(&v);
  snprintf(why, whylen, "out of memory");
  return -1;
}

/* ------------------------------------------------------------ param sets */

int lnb__specs_check(const lnb_param_spec *specs, lnb_error *err) {
  if (!specs) return lnb__error(err, LNB_EINVAL, "parameter spec array is NULL");
  for (size_t i = 0; specs[i].name; i++) {
    const lnb_param_spec *s = &specs[i];
    if (!*s->name) return lnb__error(err, LNB_EINVAL, "parameter %zu has an empty name", i);
    for (const char *p = s->name; *p; p++)
      if (!(isalnum((unsigned char)*p) || *p == '_'))
        return lnb__error(err, LNB_EINVAL,
                          "parameter name '%s' is not of the form [A-Za-z0-9_]+", s->name);
    if (strcmp(s->name, "plugin") == 0 || strcmp(s->name, "with") == 0)
      return lnb__error(err, LNB_EINVAL, "parameter name '%s' is reserved", s->name);
    for (size_t j = 0; j < i; j++)
      if (strcmp(specs[j].name, s->name) == 0)
        return lnb__error(err, LNB_EINVAL, "parameter '%s' is declared twice", s->name);
    if (s->type < LNB_T_INT || s->type > LNB_T_MATRIX)
      return lnb__error(err, LNB_EINVAL, "parameter '%s' has unknown type %d", s->name,
                        (int)s->type);
    if (!s->help || !*s->help)
      return lnb__error(err, LNB_EINVAL, "parameter '%s' has no help text", s->name);
    if (s->range) {
      lnb_range r;
      if (lnb__parse_range(s->range, &r) != 0)
        return lnb__error(err, LNB_EINVAL, "parameter '%s' has a malformed range '%s'",
                          s->name, s->range);
    }
    if (s->type == LNB_T_ENUM && (!s->choices || !*s->choices))
      return lnb__error(err, LNB_EINVAL, "enum parameter '%s' declares no choices",
                        s->name);
    if (s->default_value) {
      lnb_value v = {0};
      char why[256];
      if (lnb__value_from_text(s, s->default_value, &v, why, sizeof why) != 0)
        return lnb__error(err, LNB_EINVAL, "default of parameter '%s' is invalid: %s",
                          s->name, why);
      lnb__value_clear(&v);
    }
  }
  return LNB_OK;
}

lnb_params *lnb__params_new(const lnb_plugin *plugin, const char *config_dir,
                            lnb_error *err) {
  lnb_params *p = calloc(1, sizeof *p);
  if (!p) return lnb__error(err, LNB_ENOMEM, "out of memory"), NULL;
  p->plugin = plugin;
  p->config_dir = config_dir ? config_dir : ".";
  p->n = lnb__spec_count(plugin->params);
  p->v = calloc(p->n ? p->n : 1, sizeof *p->v);
  if (!p->v) {
    free(p);
    return lnb__error(err, LNB_ENOMEM, "out of memory"), NULL;
  }
  for (size_t j = 0; j < p->n; j++) {
    const lnb_param_spec *s = &plugin->params[j];
    if (!s->default_value) continue;
    char why[256];
    if (lnb__value_from_text(s, s->default_value, &p->v[j], why, sizeof why) != 0) {
      lnb__error(err, LNB_EINVAL, "%s '%s': default of '%s' is invalid: %s",
                 lnb_kind_name(plugin->kind),
                 plugin->name, s->name, why);
      lnb__params_free(p);
      return NULL;
    }
  }
  return p;
}

lnb_params *lnb__params_clone(const lnb_params *src) {
  lnb_params *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  *p = *src;
  p->v = calloc(src->n ? src->n : 1, sizeof *p->v);
  if (!p->v) {
    free(p);
    return NULL;
  }
  for (size_t j = 0; j < src->n; j++)
    if (lnb__value_copy(&p->v[j], &src->v[j]) != 0) {
      lnb__params_free(p);
      return NULL;
    }
  return p;
}

void lnb__params_free(lnb_params *p) {
  if (!p) return;
  for (size_t j = 0; j < p->n; j++) lnb__value_clear(&p->v[j]);
  free(p->v);
  free(p);
}

/* --------------------------------------------------------- suggestions */

/* optimal-string-alignment distance: insertions, deletions, substitutions
 * and adjacent transpositions ("rnu" is one edit from "run") */
size_t lnb__edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 255 || lb > 255) return (size_t)-1;
  size_t d[3][256], *pp = d[0], *prev = d[1], *cur = d[2];
  for (size_t j = 0; j <= lb; j++) prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);
      if (prev[j] + 1 < best) best = prev[j] + 1;
      if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < best)
        best = pp[j - 2] + 1;
      cur[j] = best;
    }
    size_t *t = pp;
    pp = prev, prev = cur, cur = t;
  }
  return prev[lb];
}

const char *lnb__closest(const char *word, const char *const *cands, size_t n) {
  const char *best = NULL;
  size_t bestd = (size_t)-1;
  for (size_t i = 0; i < n; i++) {
    size_t d = lnb__edit_distance(word, cands[i]);
    if (d < bestd) bestd = d, best = cands[i];
  }
  size_t len = strlen(word);
  size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
  /* also accept a candidate that contains the word or vice versa */
  if (best && bestd <= limit) return best;
  for (size_t i = 0; i < n; i++)
    if (len >= 3 && (strstr(cands[i], word) || strstr(word, cands[i]))) return cands[i];
  return NULL;
}
