/* table.c — the head-to-head table: per problem, one entry per model at its
 * best tuned setting (medians over seeds), rendered as markdown, CSV or
 * LaTeX. Used at the end of a sweep and by `lnnbench table DIR`. */
#define _POSIX_C_SOURCE 200809L
#include "table.h"

#include "csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  if (isnan(x)) return isnan(y) ? 0 : 1; /* NaN last */
  if (isnan(y)) return -1;
  return (x > y) - (x < y);
}

static int cmp_run_id(const void *a, const void *b) {
  size_t x = ((const lnb_row *)a)->run_id, y = ((const lnb_row *)b)->run_id;
  return (x > y) - (x < y);
}

/* median of the non-NaN values (v is reordered) */
static double median(double *v, size_t n) {
  if (n == 0) return NAN;
  qsort(v, n, sizeof *v, cmp_double);
  size_t nn = n;
  while (nn > 0 && isnan(v[nn - 1])) nn--;
  if (nn == 0) return NAN;
  return nn % 2 ? v[nn / 2] : 0.5 * (v[nn / 2 - 1] + v[nn / 2]);
}

double lnb_table_median(double *v, size_t n) { return median(v, n); }

static double entry_key(const lnb_table_entry *e, const char *best_by) {
  if (!best_by) return e->med_seconds;
  if (strcmp(best_by, "iters_to_target") == 0) return e->med_iters;
  if (strcmp(best_by, "final_loss") == 0) return isnan(e->med_loss) ? INFINITY : e->med_loss;
  if (strcmp(best_by, "final_gap") == 0) return isnan(e->med_gap) ? INFINITY : e->med_gap;
  return e->med_seconds;
}

double lnb_table_quantity(const lnb_table_entry *e, const char *best_by) {
  return entry_key(e, best_by);
}

const char *lnb_quantity_label(const char *best_by) {
  if (best_by && strcmp(best_by, "iters_to_target") == 0) return "iterations to target";
  if (best_by && strcmp(best_by, "final_loss") == 0) return "final loss";
  if (best_by && strcmp(best_by, "final_gap") == 0) return "final gap";
  return "seconds to target";
}

int lnb_quantity_needs_target(const char *best_by) {
  return !best_by || strcmp(best_by, "iters_to_target") == 0 ||
         strcmp(best_by, "seconds_to_target") == 0;
}

static int entry_better(const lnb_table_entry *a, const lnb_table_entry *b, const char *best_by) {
  double ka = entry_key(a, best_by), kb = entry_key(b, best_by);
  if (ka != kb) return ka < kb;
  if (a->reached != b->reached) return a->reached > b->reached;
  double ga = isnan(a->med_gap) ? INFINITY : a->med_gap;
  double gb = isnan(b->med_gap) ? INFINITY : b->med_gap;
  return ga < gb;
}

static int reached(const lnb_row *r) {
  return r->iters_to_target >= 0 && !lnb_run_status_failed(r->status);
}

/* aggregate the rows of one (problem, model, tuned) group */
static void aggregate(lnb_table_entry *e, const lnb_row *rows, const size_t *idx, size_t k,
                      double *tmp) {
  e->n = k;
#define MED(field, expr)                                                                   \
  do {                                                                                     \
    for (size_t q = 0; q < k; q++) {                                                       \
      const lnb_row *r = &rows[idx[q]];                                                    \
      tmp[q] = (expr);                                                                     \
    }                                                                                      \
    e->field = median(tmp, k);                                                             \
  } while (0)
  MED(med_seconds, reached(r) ? r->seconds_to_target : INFINITY);
  MED(med_iters, reached(r) ? (double)r->iters_to_target : INFINITY);
  MED(med_gap, lnb_run_status_failed(r->status) ? NAN : r->final_gap);
  MED(med_loss, lnb_run_status_failed(r->status) ? NAN : r->final_loss);
  MED(med_spi, r->seconds_per_iter);
  MED(med_test_acc, lnb_run_status_failed(r->status) ? NAN : r->test_accuracy);
#undef MED
  for (size_t q = 0; q < k; q++) {
    const lnb_row *r = &rows[idx[q]];
    e->reached += (size_t)reached(r);
    e->failed += (size_t)lnb_run_status_failed(r->status);
    e->diverged += r->status == LNB_RUN_DIVERGED;
  }
}

/* a row's place in the grouping sort: problem, model, tuned, then run order */
typedef struct row_key {
  const char *problem, *model, *tuned;
  size_t i; /* index in run_id order */
} row_key;

static int cmp_row_key(const void *a, const void *b) {
  const row_key *x = a, *y = b;
  int d = strcmp(x->problem, y->problem);
  if (!d) d = strcmp(x->model, y->model);
  if (!d) d = strcmp(x->tuned, y->tuned);
  return d ? d : (x->i > y->i) - (x->i < y->i);
}

static int same_group(const row_key *x, const row_key *y) {
  return strcmp(x->problem, y->problem) == 0 && strcmp(x->model, y->model) == 0 &&
         strcmp(x->tuned, y->tuned) == 0;
}

/* a model's entry: its section (first row of its problem) and first row */
typedef struct model_key {
  size_t problem_first, first;
  lnb_table_entry e;
} model_key;

static int cmp_model_key(const void *a, const void *b) {
  const model_key *x = a, *y = b;
  if (x->problem_first != y->problem_first) return x->problem_first < y->problem_first ? -1 : 1;
  return (x->first > y->first) - (x->first < y->first);
}

/* the numeric value of key in a tuned label "k=v,k2=v2" (1 and *v), else 0
 * (absent, a list value, text such as "full") */
static int tuned_value(const char *tuned, const char *key, double *v) {
  size_t kl = strlen(key);
  for (const char *p = tuned; p && *p;) {
    if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
      const char *q = p + kl + 1;
      char *end = NULL;
      *v = strtod(q, &end);
      return end != q && (*end == ',' || *end == '\0') && isfinite(*v);
    }
    p = strchr(p, ',');
    if (p) p++;
  }
  return 0;
}

/* Which tuned keys of best sit on the edge of what the model searched
 * (groups g[0..n)): its value the minimum or maximum of two or more
 * distinct values. Keys are names before '=' in best's tuned label. */
static void mark_edges(lnb_table_entry *best, const model_key *g, size_t n) {
  best->edge[0] = '\0';
  const char *t = best->tuned;
  while (t && *t) {
    const char *eq = strchr(t, '=');
    if (!eq) break;
    char key[48];
    size_t kl = (size_t)(eq - t);
    if (kl < sizeof key && kl > 0) {
      memcpy(key, t, kl);
      key[kl] = '\0';
      double bv, lo = INFINITY, hi = -INFINITY, v;
      if (tuned_value(best->tuned, key, &bv)) {
        for (size_t q = 0; q < n; q++)
          if (tuned_value(g[q].e.tuned, key, &v)) {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
          }
        if (lo < hi && (bv == lo || bv == hi)) {
          size_t used = strlen(best->edge);
          snprintf(best->edge + used, sizeof best->edge - used, "%s%s", used ? "," : "", key);
        }
      }
    }
    t = strchr(eq, ',');
    if (t) t++;
  }
}

/* Sections in the order of their problem's first row (run_id order), models
 * in the order of their first row, each at its best tuned setting (groups
 * compared in the order of their first row, a later one replacing only when
 * strictly better). O(n log n): rows are grouped by sorting, not by scans. */
int lnb_table_compute(const lnb_row *rows, size_t n, const lnb_table_opts *o, lnb_table *t) {
  memset(t, 0, sizeof *t);
  const char *best_by = o->best_by ? o->best_by : "seconds_to_target";
  size_t *idx = malloc((n ? n : 1) * sizeof *idx);
  double *tmp = malloc((n ? n : 1) * sizeof *tmp);
  row_key *keys = malloc((n ? n : 1) * sizeof *keys);
  model_key *models = malloc((n ? n : 1) * sizeof *models);
  t->entries = calloc(n ? n : 1, sizeof *t->entries);
  /* rows in run_id (grid) order: the table does not depend on the order in
   * which runs finished (--jobs, --mpi); strings stay borrowed from rows */
  lnb_row *sorted = malloc((n ? n : 1) * sizeof *sorted);
  if (!idx || !tmp || !keys || !models || !t->entries || !sorted) {
    free(idx), free(tmp), free(keys), free(models), free(t->entries), free(sorted);
    t->entries = NULL;
    return -1;
  }
  if (n) memcpy(sorted, rows, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, cmp_run_id);
  rows = sorted;
  for (size_t i = 0; i < n; i++)
    keys[i] = (row_key){rows[i].problem, rows[i].model, rows[i].tuned, i};
  qsort(keys, n, sizeof *keys, cmp_row_key);
  /* keys now run problem by problem, model by model, (model, tuned) group by
   * group, each group in run order; one pass keeps each model's best group */
  size_t nm = 0;
  for (size_t g = 0, e; g < n; g = e) {
    size_t k = 0;
    for (e = g; e < n && same_group(&keys[g], &keys[e]); e++) idx[k++] = keys[e].i;
    const lnb_row *r = &rows[keys[g].i];
    lnb_table_entry en;
    memset(&en, 0, sizeof en);
    en.problem = r->problem;
    en.model = r->model;
    en.tuned = r->tuned;
    en.arch_plugin = r->arch_plugin;
    en.opt_plugin = r->opt_plugin;
    aggregate(&en, rows, idx, k, tmp);
    en.speedup = NAN;
    models[nm++] = (model_key){0, keys[g].i, en};
  }
  /* one model per (problem, model): its groups are adjacent; visit them in
   * the order of their first row */
  size_t nkept = 0;
  for (size_t a = 0, b; a < nm; a = b) {
    for (b = a + 1; b < nm && strcmp(models[b].e.problem, models[a].e.problem) == 0 &&
                    strcmp(models[b].e.model, models[a].e.model) == 0;
         b++) {
    }
    qsort(models + a, b - a, sizeof *models, cmp_model_key); /* by first row */
    model_key best = models[a];
    for (size_t q = a + 1; q < b; q++)
      if (entry_better(&models[q].e, &best.e, best_by)) {
        size_t first = best.first;
        best = models[q];
        best.first = first;
      }
    mark_edges(&best.e, models + a, b - a);
    models[nkept++] = best;
  }
  /* sections: the first row of each problem (models are sorted by problem) */
  for (size_t a = 0, b; a < nkept; a = b) {
    size_t pf = models[a].first;
    for (b = a; b < nkept && strcmp(models[b].e.problem, models[a].e.problem) == 0; b++)
      if (models[b].first < pf) pf = models[b].first;
    for (size_t q = a; q < b; q++) models[q].problem_first = pf;
  }
  qsort(models, nkept, sizeof *models, cmp_model_key);
  for (size_t q = 0; q < nkept; q++) t->entries[t->n++] = models[q].e;
  for (size_t q = 0; q < t->n; q++) t->has_test_acc |= !isnan(t->entries[q].med_test_acc);
  for (size_t first = 0, end; first < t->n; first = end) {
    for (end = first; end < t->n && strcmp(t->entries[end].problem, t->entries[first].problem) == 0;)
      end++;
    /* baseline: exact model label, else "arch+opt" plugin names */
    long base = -1;
    if (o->baseline) {
      for (size_t b = first; b < end && base < 0; b++)
        if (strcmp(t->entries[b].model, o->baseline) == 0) base = (long)b;
      for (size_t b = first; b < end && base < 0; b++) {
        char pair[512];
        snprintf(pair, sizeof pair, "%s+%s", t->entries[b].arch_plugin,
                 t->entries[b].opt_plugin);
        if (strcmp(pair, o->baseline) == 0) base = (long)b;
      }
    }
    for (size_t b = first; b < end; b++) {
      lnb_table_entry *e = &t->entries[b];
      e->has_baseline = base >= 0;
      e->is_baseline = (long)b == base;
      /* baseline ÷ model in the quantity select.best_by names (lower is
       * better for each: above 1, the model is faster or ends lower) */
      if (base >= 0 && (o->has_target || !lnb_quantity_needs_target(best_by))) {
        double bs = entry_key(&t->entries[base], best_by), ms = entry_key(e, best_by);
        if (isfinite(bs) && isfinite(ms) && ms > 0) e->speedup = bs / ms;
      }
    }
  }
  free(idx);
  free(tmp);
  free(keys);
  free(models);
  free(sorted);
  return 0;
}

void lnb_table_free(lnb_table *t) {
  free(t->entries);
  memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ renderers */

static void fmt_num(char *buf, size_t n, double x, const char *nan_text, int latex) {
  if (isnan(x)) snprintf(buf, n, "%s", nan_text);
  else if (isinf(x)) snprintf(buf, n, latex ? "$\\infty$" : "∞");
  else snprintf(buf, n, "%.3g", x);
}

static void fmt_iters(char *buf, size_t n, double x, int latex) {
  if (isfinite(x)) snprintf(buf, n, "%.0f", x);
  else fmt_num(buf, n, x, latex ? "--" : "—", latex);
}

static void status_note(char *buf, size_t n, const lnb_table_entry *e) {
  if (e->diverged && e->failed) snprintf(buf, n, " (%zu diverged, %zu failed)", e->diverged, e->failed);
  else if (e->diverged) snprintf(buf, n, " (%zu diverged)", e->diverged);
  else if (e->failed) snprintf(buf, n, " (%zu failed)", e->failed);
  else buf[0] = '\0';
}

static void speedup_text(char *buf, size_t n, const lnb_table_entry *e, const lnb_table_opts *o,
                         int latex) {
  if (!e->has_baseline) snprintf(buf, n, "no baseline");
  else if (!o->has_target && lnb_quantity_needs_target(o->best_by))
    snprintf(buf, n, "n/a (no target)");
  else if (isnan(e->speedup)) snprintf(buf, n, latex ? "--" : "—");
  else snprintf(buf, n, latex ? "%.2f$\\times$" : "%.2f×", e->speedup);
}

static void render_md(FILE *f, const lnb_table *t, const lnb_table_opts *o) {
  int edges = 0; /* some model of the current problem is on an edge */
  size_t pstart = 0;
  for (size_t i = 0; i < t->n; i++) {
    const lnb_table_entry *e = &t->entries[i];
    if (i == 0 || strcmp(t->entries[i - 1].problem, e->problem) != 0) {
      pstart = i;
      if (i) fputc('\n', f);
      fprintf(f, "## Problem `%s`\n\n", e->problem);
      fprintf(f, "| model | tuned | reached | median iters to target | median s to target | "
                 "median final gap | median s/iter |%s%s%s%s\n",
              t->has_test_acc ? " median test accuracy |" : "",
              o->baseline ? " speed-up vs baseline (" : "",
              o->baseline ? lnb_quantity_label(o->best_by) : "", o->baseline ? ") |" : "");
      fprintf(f, "|---|---|---|---|---|---|---|%s%s\n", t->has_test_acc ? "---|" : "",
              o->baseline ? "---|" : "");
    }
    char it[32], s[32], gap[32], spi[32], note[64], sp[48];
    fmt_iters(it, sizeof it, e->med_iters, 0);
    fmt_num(s, sizeof s, e->med_seconds, "—", 0);
    fmt_num(gap, sizeof gap, e->med_gap, "—", 0);
    fmt_num(spi, sizeof spi, e->med_spi, "—", 0);
    status_note(note, sizeof note, e);
    fprintf(f, "| `%s`%s | %s%s | %zu/%zu%s | %s | %s | %s | %s |", e->model,
            e->is_baseline ? " (baseline)" : "", e->tuned[0] ? e->tuned : "—",
            e->edge[0] ? " ⚠ edge" : "", e->reached, e->n, note, it, s, gap, spi);
    edges |= e->edge[0] != 0;
    if (t->has_test_acc) {
      char acc[32];
      fmt_num(acc, sizeof acc, e->med_test_acc, "—", 0);
      fprintf(f, " %s |", acc);
    }
    if (o->baseline) {
      speedup_text(sp, sizeof sp, e, o, 0);
      fprintf(f, " %s |", sp);
    }
    fputc('\n', f);
    int last = i + 1 == t->n || strcmp(t->entries[i + 1].problem, e->problem) != 0;
    if (last && o->baseline && !e->has_baseline)
      fprintf(f, "\n_Baseline `%s` matched no model of this problem._\n", o->baseline);
    if (last && edges) {
      fputs("\n⚠ edge: the best setting is the smallest or largest value searched for", f);
      const char *sep = " ";
      for (size_t q = pstart; q <= i; q++)
        if (t->entries[q].edge[0]) {
          fprintf(f, "%s`%s` of `%s`", sep, t->entries[q].edge, t->entries[q].model);
          sep = ", ";
        }
      fputs(": the best may lie outside the grid; extend that axis.\n", f);
      edges = 0;
    }
  }
}

static void csv_num(FILE *f, double x) {
  if (isnan(x)) return;
  if (isinf(x)) fputs(x > 0 ? "inf" : "-inf", f);
  else fprintf(f, "%.17g", x);
}

static void render_csv(FILE *f, const lnb_table *t, const lnb_table_opts *o) {
  fputs("problem,model,tuned,baseline,runs,reached,diverged,failed,median_iters_to_target,"
        "median_seconds_to_target,median_final_gap,median_final_loss,median_seconds_per_iter,"
        "speedup,median_test_accuracy,speedup_by,edge\n",
        f);
  for (size_t i = 0; i < t->n; i++) {
    const lnb_table_entry *e = &t->entries[i];
    lnb_csv_put_field(f, e->problem);
    fputc(',', f);
    lnb_csv_put_field(f, e->model);
    fputc(',', f);
    lnb_csv_put_field(f, e->tuned);
    fprintf(f, ",%d,%zu,%zu,%zu,%zu,", e->is_baseline, e->n, e->reached, e->diverged, e->failed);
    csv_num(f, e->med_iters);
    fputc(',', f);
    csv_num(f, e->med_seconds);
    fputc(',', f);
    csv_num(f, e->med_gap);
    fputc(',', f);
    csv_num(f, e->med_loss);
    fputc(',', f);
    csv_num(f, e->med_spi);
    fputc(',', f);
    csv_num(f, e->speedup);
    fputc(',', f);
    csv_num(f, e->med_test_acc);
    fprintf(f, ",%s,", o->best_by ? o->best_by : "seconds_to_target");
    lnb_csv_put_field(f, e->edge);
    fputc('\n', f);
  }
}

static void latex_text(FILE *f, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '_': case '%': case '&': case '#': case '$': case '{': case '}':
      fputc('\\', f), fputc(*s, f);
      break;
    case '^': fputs("\\^{}", f); break;
    case '~': fputs("\\~{}", f); break;
    case '\\': fputs("\\textbackslash{}", f); break;
    default: fputc(*s, f);
    }
  }
}

static void render_latex(FILE *f, const lnb_table *t, const lnb_table_opts *o) {
  for (size_t i = 0; i < t->n; i++) {
    const lnb_table_entry *e = &t->entries[i];
    if (i == 0 || strcmp(t->entries[i - 1].problem, e->problem) != 0) {
      if (i) fputs("\\bottomrule\n\\end{tabular}\n\n", f);
      fputs("% requires \\usepackage{booktabs}\n", f);
      fputs("\\noindent Problem \\texttt{", f);
      latex_text(f, e->problem);
      fputs("}\\\\\n", f);
      fprintf(f, "\\begin{tabular}{llrrrrr%s}\n\\toprule\n", o->baseline ? "r" : "");
      fprintf(f, "model & tuned & reached & iters & seconds & final gap & s/iter%s \\\\\n"
                 "\\midrule\n",
              !o->baseline ? ""
              : !o->best_by || strcmp(o->best_by, "seconds_to_target") == 0
                  ? " & speed-up (s)"
              : strcmp(o->best_by, "iters_to_target") == 0 ? " & speed-up (iters)"
              : strcmp(o->best_by, "final_loss") == 0      ? " & ratio (final loss)"
                                                           : " & ratio (final gap)");
    }
    char it[32], s[32], gap[32], spi[32], sp[48];
    fmt_iters(it, sizeof it, e->med_iters, 1);
    fmt_num(s, sizeof s, e->med_seconds, "--", 1);
    fmt_num(gap, sizeof gap, e->med_gap, "--", 1);
    fmt_num(spi, sizeof spi, e->med_spi, "--", 1);
    fputs("\\texttt{", f);
    latex_text(f, e->model);
    fputs(e->is_baseline ? "}$^\\ast$ & " : "} & ", f);
    latex_text(f, e->tuned[0] ? e->tuned : "--");
    if (e->edge[0]) fputs(" (edge)", f);
    fprintf(f, " & %zu/%zu & %s & %s & %s & %s", e->reached, e->n, it, s, gap, spi);
    if (o->baseline) {
      speedup_text(sp, sizeof sp, e, o, 1);
      fprintf(f, " & %s", sp);
    }
    fputs(" \\\\\n", f);
  }
  if (t->n) fputs("\\bottomrule\n\\end{tabular}\n", f);
}

void lnb_table_render(FILE *f, const lnb_table *t, const lnb_table_opts *o,
                      lnb_table_format fmt) {
  if (fmt == LNB_TABLE_CSV) render_csv(f, t, o);
  else if (fmt == LNB_TABLE_LATEX) render_latex(f, t, o);
  else render_md(f, t, o);
}
