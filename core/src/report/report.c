/* report.c — a finished results directory read back for the reporting tools
 * (`lnnbench plot`, `lnnbench compare`). */
#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "host.h"
#include "results.h"

double lnb_report_real(const char *s) {
  if (!s || !*s) return NAN;
  if (strcmp(s, "inf") == 0) return INFINITY;
  if (strcmp(s, "-inf") == 0) return -INFINITY;
  char *end;
  double x = strtod(s, &end);
  return end == s ? NAN : x;
}

/* the metric_help entry of name in manifest.json (one line), unescaped */
static int help_from_manifest(const char *json, const char *name, char *out, size_t n) {
  static const char key[] = "\"metric_help\": {";
  const char *p = json ? strstr(json, key) : NULL;
  if (!p) return 0;
  p += sizeof key - 1;
  const char *eol = strchr(p, '\n');
  char pat[160];
  snprintf(pat, sizeof pat, "\"%s\": \"", name);
  const char *q = strstr(p, pat);
  if (!q || (eol && q > eol)) return 0;
  size_t k = 0;
  for (q += strlen(pat); *q && *q != '"' && k + 1 < n; q++) {
    if (*q == '\\' && q[1]) q++;
    out[k++] = *q;
  }
  out[k] = '\0';
  return k > 0;
}

static int help_of(const char *json, const char *name, char *out, size_t n) {
  if (help_from_manifest(json, name, out, n)) return 1;
  const char *h = lnb_metric_help(NULL, name);
  if (h) snprintf(out, n, "%s", h);
  return h != NULL;
}

void lnb_report_metric_label(const char *json, const char *col, char *out, size_t n) {
  char help[1024], base[128];
  long k = -1;
  int found = help_of(json, col, help, sizeof help);
  size_t l = strlen(col), d = l;
  while (d > 0 && col[d - 1] >= '0' && col[d - 1] <= '9') d--;
  if (!found && d < l && d > 1 && col[d - 1] == '_' && d - 1 < sizeof base) {
    memcpy(base, col, d - 1);
    base[d - 1] = '\0';
    if ((found = help_of(json, base, help, sizeof help))) k = strtol(col + d, NULL, 10);
  }
  char *raw = NULL;
  if (found) {
    /* the lead phrase */
    static const char *const stops[] = {": ", "; ", " ("};
    for (size_t i = 0; i < 3; i++) {
      char *s = strstr(help, stops[i]);
      if (s && s - help >= 8) *s = '\0';
    }
    size_t hl = strlen(help);
    if (hl > 80) {
      size_t c = 77;
      while (c > 0 && ((unsigned char)help[c] & 0xC0) == 0x80) c--;
      memcpy(help + c, "...", 4);
    }
    size_t rn = strlen(help) + 2 * l + 48;
    if ((raw = malloc(rn))) {
      if (k >= 0) snprintf(raw, rn, "%s, column %ld (%s)", help, k, col);
      else snprintf(raw, rn, "%s (%s)", help, col);
    }
  }
  char *safe = lnb__text_dup(raw ? raw : col, NULL);
  snprintf(out, n, "%s", safe ? safe : col);
  free(safe);
  free(raw);
}

static char *path_join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", dir, name);
  return p;
}

int lnb_rset_load(lnb_rset *s, const char *dir, lnb_error *err) {
  memset(s, 0, sizeof *s);
  char *spath = path_join(dir, "summary.csv");
  char *json = NULL;
  int rc = LNB_OK;
  s->dir = lnb__text_dup(dir, NULL); /* for display only */
  if (!spath || !s->dir) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  /* the same readers as `lnnbench table` (results.c), so the tools agree on
   * what a results directory is */
  if (!(json = lnb_results_read_manifest(dir, err))) {
    rc = err->code;
    goto out;
  }
  char target[64];
  lnb_results_manifest_field(json, "config_name", s->name, sizeof s->name);
  lnb_results_manifest_field(json, "select_best_by", s->best_by, sizeof s->best_by);
  if (!s->best_by[0]) snprintf(s->best_by, sizeof s->best_by, "seconds_to_target");
  lnb_results_manifest_field(json, "report_baseline", s->baseline, sizeof s->baseline);
  if (strcmp(s->baseline, "null") == 0) s->baseline[0] = '\0';
  lnb_results_manifest_field(json, "target_gap", target, sizeof target);
  s->has_target = target[0] && strcmp(target, "null") != 0;
  s->target_gap = s->has_target ? strtod(target, NULL) : NAN;
  rc = lnb_results_read_summary(spath, json, lnb_report_real, &s->sum, &s->rows, &s->nrows, err);
  s->manifest = json;
  json = NULL;
out:
  free(json);
  free(spath);
  if (rc != LNB_OK) lnb_rset_free(s);
  return rc;
}

void lnb_rset_free(lnb_rset *s) {
  free(s->rows);
  lnb_csv_free(&s->sum);
  free(s->dir);
  free(s->manifest);
  memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------- trajectories */

static int cmp_traj(const void *a, const void *b) {
  size_t x = ((const lnb_rtraj *)a)->run_id, y = ((const lnb_rtraj *)b)->run_id;
  return (x > y) - (x < y);
}

int lnb_rtrajs_load(lnb_rtrajs *t, const char *dir, lnb_error *err) {
  memset(t, 0, sizeof *t);
  char *tpath = path_join(dir, "trajectories.csv");
  if (!tpath) return lnb__error(err, LNB_ENOMEM, "out of memory");
  lnb_csv c;
  int rc = lnb_csv_read(tpath, &c, err); /* a truncated file is an error, as summary.csv */
  if (rc != LNB_OK) {
    free(tpath);
    return rc;
  }
  static const char *const need[] = {"run_id", "iteration", "seconds", "loss", "gap"};
  for (size_t j = 0; j < 5; j++)
    if (c.ncols < 5 || strcmp(c.header[j], need[j]) != 0) {
      rc = lnb__error(err, LNB_EPARSE, "%s: column %zu is not '%s' (not written by this "
                      "lnnbench?)", tpath, j + 1, need[j]);
      goto out;
    }
  t->nmetrics = c.ncols - 5;
  t->metric_names = calloc(t->nmetrics ? t->nmetrics : 1, sizeof *t->metric_names);
  if (!t->metric_names) goto oom;
  for (size_t m = 0; m < t->nmetrics; m++) {
    t->metric_names[m] = lnb__text_dup(c.header[5 + m], NULL); /* printed, plotted */
    if (!t->metric_names[m]) goto oom;
  }
  /* rows of one run are contiguous (each run is appended as one unit) */
  for (size_t i = 0; i < c.nrows;) {
    size_t id = strtoull(c.rows[i][0], NULL, 10), j = i;
    while (j < c.nrows && strtoull(c.rows[j][0], NULL, 10) == id) j++;
    lnb_rtraj *nr = realloc(t->runs, (t->nruns + 1) * sizeof *nr);
    if (!nr) goto oom;
    t->runs = nr;
    lnb_rtraj *r = &t->runs[t->nruns++];
    memset(r, 0, sizeof *r);
    r->run_id = id;
    r->n = j - i;
    r->iter = malloc(r->n * sizeof *r->iter);
    r->seconds = malloc(r->n * sizeof *r->seconds);
    r->gap = malloc(r->n * sizeof *r->gap);
    size_t nm = r->n * t->nmetrics;
    r->metrics = malloc((nm ? nm : 1) * sizeof *r->metrics);
    if (!r->iter || !r->seconds || !r->gap || !r->metrics) goto oom;
    for (size_t q = 0; q < r->n; q++) {
      char **f = c.rows[i + q];
      r->iter[q] = lnb_report_real(f[1]);
      r->seconds[q] = lnb_report_real(f[2]);
      r->gap[q] = lnb_report_real(f[4]);
      for (size_t m = 0; m < t->nmetrics; m++)
        r->metrics[q * t->nmetrics + m] = lnb_report_real(f[5 + m]);
    }
    i = j;
  }
  qsort(t->runs, t->nruns, sizeof *t->runs, cmp_traj);
  goto out;
oom:
  rc = lnb__error(err, LNB_ENOMEM, "out of memory");
out:
  lnb_csv_free(&c);
  free(tpath);
  if (rc != LNB_OK) lnb_rtrajs_free(t);
  return rc;
}

const lnb_rtraj *lnb_rtrajs_find(const lnb_rtrajs *t, size_t run_id) {
  size_t lo = 0, hi = t->nruns;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->runs[mid].run_id < run_id) lo = mid + 1;
    else hi = mid;
  }
  return lo < t->nruns && t->runs[lo].run_id == run_id ? &t->runs[lo] : NULL;
}

void lnb_rtrajs_free(lnb_rtrajs *t) {
  for (size_t i = 0; i < t->nruns; i++) {
    free(t->runs[i].iter);
    free(t->runs[i].seconds);
    free(t->runs[i].gap);
    free(t->runs[i].metrics);
  }
  free(t->runs);
  for (size_t m = 0; m < t->nmetrics; m++) free(t->metric_names[m]);
  free(t->metric_names);
  memset(t, 0, sizeof *t);
}
