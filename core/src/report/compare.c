/* compare.c — `lnnbench compare DIR_A DIR_B`.
 *
 * For each model present in both result sets: the median time to target over
 * seeds in A and in B (an unreached target counts as ∞), their ratio B/A, and
 * a two-sided Mann–Whitney U test (Mann and Whitney 1947; Wilcoxon 1945) of
 * the per-seed times: exact null distribution for small samples without ties,
 * normal approximation with tie and continuity correction otherwise. */
#define _POSIX_C_SOURCE 200809L
#include "compare.h"

#include "csv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "report.h"
#include "results.h"

/* ------------------------------------------------------- Mann–Whitney U */

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* P(U <= k) under H0 for sample sizes m, n without ties: the number of
 * arrangements with U = u satisfies c(m, n, u) = c(m-1, n, u-n) + c(m, n-1, u)
 * (the largest value is an x, beating all n y's, or a y); total C(m+n, m). */
static double exact_cdf(size_t m, size_t n, double k) {
  size_t umax = m * n;
  /* cur[j][u] for the current i, j = 0..n */
  double *prev = calloc((n + 1) * (umax + 1), sizeof *prev);
  double *cur = calloc((n + 1) * (umax + 1), sizeof *cur);
  if (!prev || !cur) {
    free(prev), free(cur);
    return NAN;
  }
#define C(t, j, u) (t)[(j) * (umax + 1) + (u)]
  for (size_t j = 0; j <= n; j++) C(prev, j, 0) = 1; /* i = 0: U = 0 */
  for (size_t i = 1; i <= m; i++) {
    memset(cur, 0, (n + 1) * (umax + 1) * sizeof *cur);
    C(cur, 0, 0) = 1; /* j = 0: U = 0 */
    for (size_t j = 1; j <= n; j++)
      for (size_t u = 0; u <= i * j; u++)
        C(cur, j, u) = (u >= j ? C(prev, j, u - j) : 0) + C(cur, j - 1, u);
    double *t = prev;
    prev = cur, cur = t;
  }
  double below = 0, total = 0;
  for (size_t u = 0; u <= umax; u++) {
    total += C(prev, n, u);
    if ((double)u <= k + 1e-9) below += C(prev, n, u);
  }
#undef C
  free(prev), free(cur);
  return below / total;
}

double lnb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, double *u,
                        int *exact) {
  if (u) *u = NAN;
  if (exact) *exact = 0;
  if (nx == 0 || ny == 0) return NAN;
  size_t N = nx + ny;
  double *all = malloc(N * sizeof *all);
  if (!all) return NAN;
  memcpy(all, x, nx * sizeof *x);
  memcpy(all + nx, y, ny * sizeof *y);
  qsort(all, N, sizeof *all, cmp_dbl);
  /* U_x by pair counting: ties (equal infinities too) count one half */
  double ux = 0;
  for (size_t i = 0; i < nx; i++)
    for (size_t j = 0; j < ny; j++) ux += x[i] > y[j] ? 1.0 : x[i] == y[j] ? 0.5 : 0.0;
  double tie_sum = 0; /* sum over tie groups of t^3 - t */
  for (size_t i = 0; i < N;) {
    size_t j = i;
    while (j < N && all[j] == all[i]) j++;
    double t = (double)(j - i);
    tie_sum += t * t * t - t;
    i = j;
  }
  free(all);
  if (u) *u = ux;
  double mn = (double)nx * (double)ny, mu = mn / 2;
  if (tie_sum == 0 && nx <= LNB_MWU_EXACT_MAX && ny <= LNB_MWU_EXACT_MAX) {
    if (exact) *exact = 1;
    double lo = ux < mn - ux ? ux : mn - ux; /* the null distribution is symmetric */
    double p = 2 * exact_cdf(nx, ny, lo);
    return p > 1 ? 1 : p;
  }
  double Nd = (double)N;
  double var = mn / 12.0 * ((Nd + 1) - tie_sum / (Nd * (Nd - 1)));
  if (!(var > 0)) return 1.0; /* every value tied: no evidence either way */
  double z = (fabs(ux - mu) - 0.5) / sqrt(var);
  if (z < 0) z = 0;
  return erfc(z / sqrt(2.0));
}

/* ------------------------------------------------------------- compare */

typedef struct cmp_key {
  const char *problem, *model, *tuned;
  int edge; /* the best setting is on the edge of the searched grid (table.h) */
} cmp_key;

typedef struct side {
  lnb_rset s;
  cmp_key *keys;
  size_t nkeys;
} side;

/* the (problem, model, tuned) groups a side contributes */
static int side_keys(side *sd, int by_setting, const char *best_by, lnb_error *err) {
  const lnb_rset *s = &sd->s;
  sd->keys = calloc(s->nrows ? s->nrows : 1, sizeof *sd->keys);
  if (!sd->keys) return lnb__error(err, LNB_ENOMEM, "out of memory");
  if (by_setting) {
    for (size_t i = 0; i < s->nrows; i++) {
      const lnb_row *r = &s->rows[i];
      int seen = 0;
      for (size_t k = 0; k < sd->nkeys && !seen; k++)
        seen = strcmp(sd->keys[k].problem, r->problem) == 0 &&
               strcmp(sd->keys[k].model, r->model) == 0 &&
               strcmp(sd->keys[k].tuned, r->tuned) == 0;
      if (!seen) sd->keys[sd->nkeys++] = (cmp_key){r->problem, r->model, r->tuned, 0};
    }
    /* group by problem (first-appearance order), stable within a problem */
    for (size_t i = 1; i < sd->nkeys; i++) {
      size_t j = i; /* move keys[i] right after the last earlier key of its problem */
      long last = -1;
      for (size_t q = 0; q < i; q++)
        if (strcmp(sd->keys[q].problem, sd->keys[i].problem) == 0) last = (long)q;
      if (last < 0 || (size_t)last == i - 1) continue;
      cmp_key k = sd->keys[i];
      for (j = i; j > (size_t)last + 1; j--) sd->keys[j] = sd->keys[j - 1];
      sd->keys[j] = k;
    }
    return LNB_OK;
  }
  lnb_table_opts o = {.best_by = best_by ? best_by : s->best_by, .baseline = NULL,
                      .has_target = s->has_target};
  lnb_table t;
  if (lnb_table_compute(s->rows, s->nrows, &o, &t) != 0)
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  for (size_t i = 0; i < t.n; i++)
    sd->keys[sd->nkeys++] = (cmp_key){t.entries[i].problem, t.entries[i].model,
                                      t.entries[i].tuned, t.entries[i].edge[0] != 0};
  lnb_table_free(&t);
  return LNB_OK;
}

static long side_find(const side *sd, const cmp_key *k, int by_setting) {
  for (size_t i = 0; i < sd->nkeys; i++)
    if (strcmp(sd->keys[i].problem, k->problem) == 0 && strcmp(sd->keys[i].model, k->model) == 0 &&
        (!by_setting || strcmp(sd->keys[i].tuned, k->tuned) == 0))
      return (long)i;
  return -1;
}

/* What compare compares per run: iterations or seconds to target (∞ when
 * not reached), the final loss, or the final value of a recorded metric. */
typedef enum cmp_metric { M_ITERS, M_SECONDS, M_FINAL_LOSS, M_RECORDED } cmp_metric;

typedef struct cmp_spec {
  cmp_metric metric;
  const char *name;   /* as printed: iterations to target, ... */
  char column[300];   /* M_RECORDED: the summary.csv column, final_<metric> */
} cmp_spec;

/* summary.csv rows by run id, for a recorded metric's column */
typedef struct id_row {
  size_t id, row;
} id_row;

static int cmp_id_row(const void *a, const void *b) {
  size_t x = ((const id_row *)a)->id, y = ((const id_row *)b)->id;
  return (x > y) - (x < y);
}

typedef struct side_metric {
  long col;    /* column of the recorded metric, -1 */
  id_row *ids; /* sorted by id */
  size_t n;
} side_metric;

static int side_metric_init(side_metric *m, const lnb_rset *s, const cmp_spec *spec,
                            lnb_error *err) {
  memset(m, 0, sizeof *m);
  m->col = -1;
  if (spec->metric != M_RECORDED) return LNB_OK;
  m->col = lnb_csv_col(&s->sum, spec->column);
  if (m->col < 0)
    return lnb__error(err, LNB_EINVAL, "compare: %s has no column '%s' (--metric names "
                      "iters, seconds, final_loss or a metric of record.metrics)", s->dir,
                      spec->column);
  long cid = lnb_csv_col(&s->sum, "run_id");
  m->ids = malloc((s->sum.nrows ? s->sum.nrows : 1) * sizeof *m->ids);
  if (!m->ids) return lnb__error(err, LNB_ENOMEM, "out of memory");
  for (size_t r = 0; r < s->sum.nrows; r++)
    m->ids[m->n++] = (id_row){strtoull(s->sum.rows[r][cid], NULL, 10), r};
  qsort(m->ids, m->n, sizeof *m->ids, cmp_id_row);
  return LNB_OK;
}

static double run_value(const lnb_rset *s, const side_metric *m, const cmp_spec *spec,
                        const lnb_row *r) {
  int failed = lnb_run_status_failed(r->status);
  switch (spec->metric) {
  case M_ITERS:
    return r->iters_to_target >= 0 && !failed ? (double)r->iters_to_target : INFINITY;
  case M_SECONDS:
    return r->iters_to_target >= 0 && !failed && !isnan(r->seconds_to_target)
               ? r->seconds_to_target
               : INFINITY;
  case M_FINAL_LOSS:
    return failed || isnan(r->final_loss) ? INFINITY : r->final_loss;
  case M_RECORDED: {
    id_row key = {r->run_id, 0};
    const id_row *hit = bsearch(&key, m->ids, m->n, sizeof *m->ids, cmp_id_row);
    return hit ? lnb_report_real(s->sum.rows[hit->row][m->col]) : NAN;
  }
  }
  return NAN;
}

/* per-seed values of one group and their seeds; returns count. reached:
 * seeds that reached the target (every finite value for final values) */
static size_t samples(const lnb_rset *s, const side_metric *m, const cmp_spec *spec,
                      const cmp_key *k, double *v, uint64_t *seed, size_t *reached) {
  size_t n = 0;
  *reached = 0;
  for (size_t i = 0; i < s->nrows; i++) {
    const lnb_row *r = &s->rows[i];
    if (strcmp(r->problem, k->problem) || strcmp(r->model, k->model) || strcmp(r->tuned, k->tuned))
      continue;
    seed[n] = r->seed;
    v[n] = run_value(s, m, spec, r);
    *reached += (size_t)(spec->metric <= M_SECONDS ? isfinite(v[n])
                                                    : !lnb_run_status_failed(r->status));
    n++;
  }
  return n;
}

static double median_of(double *v, size_t n) {
  if (!n) return NAN;
  double *t = malloc(n * sizeof *t);
  if (!t) return NAN;
  memcpy(t, v, n * sizeof *t);
  qsort(t, n, sizeof *t, cmp_dbl);
  double m = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
  free(t);
  return m;
}

static double ratio_of(double a, double b) {
  if (isnan(a) || isnan(b) || (isinf(a) && isinf(b))) return NAN;
  if (a == 0) return b == 0 ? 1.0 : INFINITY;
  return b / a;
}

/* equal run by run: the same seeds, and for each the same value (equal
 * infinities and equal NaNs count as equal) */
static int identical(const double *va, const uint64_t *sa, size_t na, const double *vb,
                     const uint64_t *sb, size_t nb) {
  if (na != nb || na == 0) return 0;
  for (size_t i = 0; i < na; i++) {
    size_t j = 0;
    while (j < nb && sb[j] != sa[i]) j++;
    if (j == nb) return 0;
    if (!(va[i] == vb[j] || (isnan(va[i]) && isnan(vb[j])))) return 0;
  }
  return 1;
}

/* Percentile bootstrap (Efron and Tibshirani 1993, ch. 13) of the ratio of
 * medians B/A: LNB_BOOT_RESAMPLES resamples of each side with replacement,
 * drawn from a fixed seed, so the interval is the same on every call; the
 * 2.5th and 97.5th percentiles of the resampled ratios (∞ allowed; NaN
 * bounds when more than 2.5% of them are undefined, ∞/∞). */
#define LNB_BOOT_RESAMPLES 2000
static void bootstrap_ci(const double *va, size_t na, const double *vb, size_t nb, double *lo,
                         double *hi) {
  *lo = *hi = NAN;
  if (!na || !nb) return;
  double *ra = malloc(na * sizeof *ra), *rb = malloc(nb * sizeof *rb);
  double *rat = malloc(LNB_BOOT_RESAMPLES * sizeof *rat);
  if (ra && rb && rat) {
    lnb_rng g;
    lnb__rng_init(&g, 20260101, "compare-bootstrap");
    size_t k = 0;
    for (int b = 0; b < LNB_BOOT_RESAMPLES; b++) {
      for (size_t i = 0; i < na; i++) ra[i] = va[lnb__rng_u64(&g) % na];
      for (size_t i = 0; i < nb; i++) rb[i] = vb[lnb__rng_u64(&g) % nb];
      double r = ratio_of(median_of(ra, na), median_of(rb, nb));
      if (!isnan(r)) rat[k++] = r;
    }
    if (k >= LNB_BOOT_RESAMPLES - LNB_BOOT_RESAMPLES / 40) {
      qsort(rat, k, sizeof *rat, cmp_dbl);
      *lo = rat[(size_t)floor(0.025 * (double)(k - 1))];
      *hi = rat[(size_t)ceil(0.975 * (double)(k - 1))];
    }
  }
  free(ra), free(rb), free(rat);
}

typedef struct cmp_line {
  const cmp_key *a, *b; /* NULL when absent from that side */
  size_t na, nb, ra, rb;
  double med_a, med_b, ratio, p, p_holm, ci_lo, ci_hi;
  int exact, same;
} cmp_line;

void lnb_holm(const double *p, size_t n, double *adj) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    adj[i] = NAN;
    m += !isnan(p[i]);
  }
  size_t *ix = malloc((m ? m : 1) * sizeof *ix), k = 0;
  if (!ix) return;
  for (size_t i = 0; i < n; i++)
    if (!isnan(p[i])) ix[k++] = i;
  for (size_t i = 1; i < m; i++) /* insertion sort by p, stable */
    for (size_t j = i; j > 0 && p[ix[j]] < p[ix[j - 1]]; j--) {
      size_t t = ix[j];
      ix[j] = ix[j - 1], ix[j - 1] = t;
    }
  double run = 0;
  for (size_t j = 0; j < m; j++) {
    double v = (double)(m - j) * p[ix[j]];
    if (v > 1) v = 1;
    if (v > run) run = v;
    adj[ix[j]] = run;
  }
  free(ix);
}

static void holm(cmp_line *L, size_t n) {
  double *p = calloc(n ? n : 1, sizeof *p), *adj = calloc(n ? n : 1, sizeof *adj);
  if (p && adj) {
    for (size_t i = 0; i < n; i++) p[i] = L[i].a && L[i].b ? L[i].p : NAN;
    lnb_holm(p, n, adj);
    for (size_t i = 0; i < n; i++) L[i].p_holm = adj[i];
  }
  free(p), free(adj);
}

static const char *sig_mark(const cmp_line *l) {
  double p = l->p_holm;
  return l->same ? "identical" : isnan(p) ? "" : p < 0.01 ? "**" : p < 0.05 ? "*" : "";
}

static void fmt_val(char *buf, size_t n, double x) {
  if (isnan(x)) snprintf(buf, n, "—");
  else if (isinf(x)) snprintf(buf, n, "∞");
  else snprintf(buf, n, "%.3g", x);
}

static void fmt_ratio(char *buf, size_t n, double x) {
  if (isnan(x)) snprintf(buf, n, "—");
  else if (isinf(x)) snprintf(buf, n, "∞");
  else snprintf(buf, n, "%.2f", x);
}

static void csv_number(FILE *f, double x, const char *fmt) {
  if (isnan(x)) return;
  if (isinf(x)) fputs(x > 0 ? "inf" : "-inf", f);
  else fprintf(f, fmt, x);
}

/* ------------------------------------------- what differs between the sets */

/* the "plugins" or "data_files" entries of a manifest as "key<TAB>hash" lines
 * (a JSON string holds no raw tab) */
static void manifest_entries(const char *json, const char *section, const char *key, char *out,
                             size_t n) {
  out[0] = '\0';
  const char *p = json ? strstr(json, section) : NULL;
  if (!p) return;
  const char *end = strstr(p, "\n  ]");
  char pat[64];
  snprintf(pat, sizeof pat, "{\"%s\": \"", key);
  if (strcmp(key, "name") == 0) snprintf(pat, sizeof pat, "\"name\": \"");
  size_t k = 0;
  for (const char *q = p; (q = strstr(q, pat)) && (!end || q < end);) {
    q += strlen(pat);
    size_t len = strcspn(q, "\"\n");
    const char *h = strstr(q, "\"hash\": \"");
    const char *close = strchr(q, '}');
    if (!h || (close && h > close)) continue;
    h += 9;
    char hash[25]; /* from an untrusted file: hex digits and the "fnv1a64:" tag only */
    size_t hl = 0;
    for (; hl < 24 && h[hl] && h[hl] != '"'; hl++)
      hash[hl] = strchr("0123456789abcdefnv:", h[hl]) ? h[hl] : '?';
    hash[hl] = '\0';
    int w = snprintf(out + k, n - k, "%.*s\t%s\n", (int)len, q, hash);
    if (w < 0 || (size_t)w >= n - k) { /* full: keep whole lines only */
      out[k] = '\0';
      break;
    }
    k += (size_t)w;
  }
}

/* The manifest differences a reader must know before trusting a ratio:
 * another commit or build, other plugin or data files, another machine or
 * load, other jobs or threads. Printed as a warning block (md) or as
 * comment-free lines on stderr (csv). Returns how many differ. */
static int manifest_diffs(FILE *f, const lnb_rset *A, const lnb_rset *B, int md) {
  static const char *fields[][2] = {
      {"lnnbench_version", "lnnbench version"}, {"git_commit", "commit"},
      {"git_dirty", "uncommitted changes"},     {"compiler", "compiler"},
      {"c_flags", "compiler flags"},            {"build_type", "build type"},
      {"blis_version", "BLIS version"},         {"blis_threads", "BLIS threads"},
      {"jobs", "jobs (runs at a time)"},        {"isolate", "isolation"},
      {"mpi_ranks", "MPI ranks"},               {"cpu_model", "CPU"},
      {"cpu_count", "CPU count"},               {"hostname", "host"},
      {"config_hash", "config file"}};
  int nd = 0;
  char va[1024], vb[1024];
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    lnb_results_manifest_field(A->manifest, fields[i][0], va, sizeof va);
    lnb_results_manifest_field(B->manifest, fields[i][0], vb, sizeof vb);
    if (strcmp(va, vb) == 0) continue;
    if (!nd++ && md) fputs("> **Warning: the two sets differ in how they were made.**\n", f);
    fprintf(f, "%s%s: A %s, B %s\n", md ? "> - " : "compare: differs: ", fields[i][1],
            va[0] ? va : "(not recorded)", vb[0] ? vb : "(not recorded)");
  }
  /* the load average: the same machine is another machine when busy */
  lnb_results_manifest_field(A->manifest, "load_average_1min", va, sizeof va);
  lnb_results_manifest_field(B->manifest, "load_average_1min", vb, sizeof vb);
  if ((va[0] || vb[0]) && (!va[0] || !vb[0] || fabs(atof(va) - atof(vb)) >= 0.5)) {
    if (!nd++ && md) fputs("> **Warning: the two sets differ in how they were made.**\n", f);
    fprintf(f, "%sload average (1 min, at the start): A %s, B %s\n",
            md ? "> - " : "compare: differs: ", va[0] ? va : "(not recorded)",
            vb[0] ? vb : "(not recorded)");
  }
  /* plugin and data files, by content hash */
  static const char *lists[][3] = {{"\"plugins\": [", "name", "plugin"},
                                   {"\"data_files\": [", "path", "data file"}};
  for (int l = 0; l < 2; l++) {
    static char ea[16384], eb[16384];
    manifest_entries(A->manifest, lists[l][0], lists[l][1], ea, sizeof ea);
    manifest_entries(B->manifest, lists[l][0], lists[l][1], eb, sizeof eb);
    for (const char *q = ea; *q; q = strchr(q, '\n') + 1) {
      size_t len = strcspn(q, "\t");
      const char *o = eb;
      int found = 0, same = 0;
      while (*o) {
        if (strncmp(o, q, len + 1) == 0) {
          found = 1;
          same = strncmp(o, q, strcspn(q, "\n")) == 0;
          break;
        }
        o = strchr(o, '\n') + 1;
      }
      if (!found || same) continue;
      if (!nd++ && md) fputs("> **Warning: the two sets differ in how they were made.**\n", f);
      char nm[512];
      snprintf(nm, sizeof nm, "%.*s", (int)len, q);
      char *safe = lnb__text_dup(nm, NULL);
      fprintf(f, "%s%s %s: other file content (hash %.*s in A, %.*s in B)\n",
              md ? "> - " : "compare: differs: ", lists[l][2], safe ? safe : "?",
              (int)(strcspn(q, "\n") - len - 1), q + len + 1,
              (int)(strcspn(o, "\n") - len - 1), o + len + 1);
      free(safe);
    }
  }
  if (nd && md) fputs("\n", f);
  return nd;
}

static void render_md(FILE *f, const side *A, const side *B, const cmp_line *L, size_t n,
                      int by_setting, const cmp_spec *spec, const char *why) {
  fprintf(f, "# Compare `%s` (A) with `%s` (B)\n\n", A->s.dir, B->s.dir);
  manifest_diffs(f, &A->s, &B->s, 1);
  fprintf(f,
          "Compared: **%s** per run (%s). Per model: the median over seeds in A and in B, "
          "their ratio B/A (above 1: B %s) with a 95%% bootstrap confidence interval of the "
          "ratio of medians (%d resamples, fixed seed), and a two-sided Mann–Whitney U test "
          "of the per-seed values (exact for up to %d seeds a side without ties, else the "
          "normal approximation with tie correction); p Holm: adjusted across the %s compared "
          "(Holm 1979); sig: `*` p Holm < 0.05, `**` p Holm < 0.01, `identical`: equal seed "
          "by seed (no test). %s\n\n",
          spec->name, why, spec->metric <= M_SECONDS ? "is slower" : "is higher",
          LNB_BOOT_RESAMPLES, LNB_MWU_EXACT_MAX, by_setting ? "settings" : "models",
          by_setting ? "Every tuned setting is matched by problem, model and tuned labels."
          : spec->metric == M_RECORDED
              ? "Models are matched by problem and model label, each at the best tuned "
                "setting of its own set (`select.best_by`), as in the head-to-head table."
              : "Models are matched by problem and model label, each at the tuned setting "
                "of its own set that is best in the compared quantity (median over seeds).");
  if (spec->metric <= M_SECONDS && (!A->s.has_target || !B->s.has_target))
    fprintf(f, "_%s has no target gap (`stop.target_gap`): every value to target is ∞._\n\n",
            !A->s.has_target && !B->s.has_target ? "Neither set" : !A->s.has_target ? "A" : "B");
  size_t both = 0, ndiff = 0, nedge = 0;
  const char *last_problem = NULL;
  for (size_t i = 0; i < n; i++) {
    if (!L[i].a || !L[i].b) continue;
    if (!last_problem || strcmp(L[i].a->problem, last_problem) != 0) {
      last_problem = L[i].a->problem;
      if (both) fputc('\n', f);
      fprintf(f, "## Problem `%s`\n\n", L[i].a->problem);
      fprintf(f, "| model | tuned A | tuned B | n_A | n_B | reached A | reached B | median A | "
                 "median B | B/A | 95%% CI | p | p Holm | sig |\n");
      fputs("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n", f);
    }
    both++;
    char sa[32], sb[32], ratio[32], p[32], ph[32], lo[32], hi[32];
    fmt_val(sa, sizeof sa, L[i].med_a);
    fmt_val(sb, sizeof sb, L[i].med_b);
    fmt_ratio(ratio, sizeof ratio, L[i].ratio);
    fmt_ratio(lo, sizeof lo, L[i].ci_lo);
    fmt_ratio(hi, sizeof hi, L[i].ci_hi);
    if (isnan(L[i].p)) snprintf(p, sizeof p, "—");
    else snprintf(p, sizeof p, "%.2g%s", L[i].p, L[i].exact ? "" : " (normal)");
    if (isnan(L[i].p_holm)) snprintf(ph, sizeof ph, "—");
    else snprintf(ph, sizeof ph, "%.2g", L[i].p_holm);
    int other = strcmp(L[i].a->tuned, L[i].b->tuned) != 0;
    ndiff += (size_t)other;
    nedge += (size_t)(L[i].a->edge || L[i].b->edge);
    fprintf(f, "| `%s`%s | %s%s | %s%s | %zu | %zu | %zu | %zu | %s | %s | %s | %s–%s | %s | %s | %s |\n",
            L[i].a->model, other ? " †" : "", L[i].a->tuned[0] ? L[i].a->tuned : "—",
            L[i].a->edge ? " ⚠ edge" : "", L[i].b->tuned[0] ? L[i].b->tuned : "—",
            L[i].b->edge ? " ⚠ edge" : "", L[i].na, L[i].nb, L[i].ra, L[i].rb, sa, sb,
            ratio, lo, hi, p, ph, sig_mark(&L[i]));
  }
  if (!both) fputs("_No model is present in both sets._\n", f);
  if (nedge)
    fputs("\n⚠ edge: the best setting is the smallest or largest value that set searched for a "
          "tuned parameter; the best may lie outside its grid.\n", f);
  if (ndiff)
    fprintf(f, "\n† The two sets picked another tuned setting for this model: its ratio mixes "
               "the choice of setting with the difference the sets were made to show.\n");
  for (int s = 0; s < 2; s++) {
    int any = 0;
    for (size_t i = 0; i < n; i++) {
      const cmp_key *k = s == 0 ? (L[i].b ? NULL : L[i].a) : (L[i].a ? NULL : L[i].b);
      if (!k) continue;
      if (!any) fprintf(f, "\n## Only in %s (`%s`)\n\n", s ? "B" : "A", s ? B->s.dir : A->s.dir);
      any = 1;
      fprintf(f, "- problem `%s`, model `%s`%s%s\n", k->problem, k->model,
              k->tuned[0] ? ", tuned " : "", k->tuned);
    }
  }
}

static void render_csv(FILE *f, const cmp_line *L, size_t n, const cmp_spec *spec) {
  fputs("problem,model,tuned_a,tuned_b,present,n_a,n_b,reached_a,reached_b,"
        "median_a,median_b,ratio_b_over_a,p_value,exact,significance,p_holm,ci_low,ci_high,"
        "metric\n",
        f);
  for (size_t i = 0; i < n; i++) {
    const cmp_key *k = L[i].a ? L[i].a : L[i].b;
    lnb_csv_put_field(f, k->problem);
    fputc(',', f);
    lnb_csv_put_field(f, k->model);
    fputc(',', f);
    if (L[i].a) lnb_csv_put_field(f, L[i].a->tuned);
    fputc(',', f);
    if (L[i].b) lnb_csv_put_field(f, L[i].b->tuned);
    fprintf(f, ",%s,", L[i].a && L[i].b ? "both" : L[i].a ? "A" : "B");
    if (!L[i].a || !L[i].b) {
      fputs(",,,,,,,,,,,,", f);
      lnb_csv_put_field(f, spec->metric == M_RECORDED ? spec->column : spec->name);
      fputc('\n', f);
      continue;
    }
    fprintf(f, "%zu,%zu,%zu,%zu,", L[i].na, L[i].nb, L[i].ra, L[i].rb);
    csv_number(f, L[i].med_a, "%.17g");
    fputc(',', f);
    csv_number(f, L[i].med_b, "%.17g");
    fputc(',', f);
    csv_number(f, L[i].ratio, "%.17g");
    fputc(',', f);
    csv_number(f, L[i].p, "%.6g");
    fprintf(f, ",%d,%s,", L[i].exact, sig_mark(&L[i]));
    csv_number(f, L[i].p_holm, "%.6g");
    fputc(',', f);
    csv_number(f, L[i].ci_lo, "%.6g");
    fputc(',', f);
    csv_number(f, L[i].ci_hi, "%.6g");
    fputc(',', f);
    lnb_csv_put_field(f, spec->metric == M_RECORDED ? spec->column : spec->name);
    fputc('\n', f);
  }
}

/* --metric, or the default: iterations to target when both sets are
 * deterministic (one BLIS thread: bit-identical losses), else seconds; the
 * final loss when a set has no target */
static int choose_metric(const char *metric, const lnb_rset *A, const lnb_rset *B,
                         cmp_spec *spec, char *why, size_t nwhy, lnb_error *err) {
  memset(spec, 0, sizeof *spec);
  if (!metric) {
    char ta[32], tb[32];
    lnb_results_manifest_field(A->manifest, "blis_threads", ta, sizeof ta);
    lnb_results_manifest_field(B->manifest, "blis_threads", tb, sizeof tb);
    if (!A->has_target || !B->has_target) {
      metric = "final_loss";
      snprintf(why, nwhy, "the default without a target gap; --metric chooses");
    } else if (strcmp(ta, "1") == 0 && strcmp(tb, "1") == 0) {
      metric = "iters";
      snprintf(why, nwhy, "the default: both sets ran with one BLIS thread, so their "
                          "iteration counts are reproducible and free of timing noise; "
                          "--metric seconds compares times");
    } else {
      metric = "seconds";
      snprintf(why, nwhy, "the default: a set ran with several BLIS threads; --metric "
                          "chooses");
    }
  } else {
    snprintf(why, nwhy, "--metric %s", metric);
  }
  if (strcmp(metric, "iters") == 0) spec->metric = M_ITERS, spec->name = "iterations to target";
  else if (strcmp(metric, "seconds") == 0)
    spec->metric = M_SECONDS, spec->name = "seconds to target";
  else if (strcmp(metric, "final_loss") == 0)
    spec->metric = M_FINAL_LOSS, spec->name = "final loss";
  else {
    if (!*metric || strlen(metric) > 200 || strspn(metric, "abcdefghijklmnopqrstuvwxyz"
                                                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
                                                 != strlen(metric))
      return lnb__error(err, LNB_EINVAL, "compare: --metric: expected iters, seconds, "
                        "final_loss or a recorded metric's name");
    spec->metric = M_RECORDED;
    snprintf(spec->column, sizeof spec->column, "final_%s", metric);
    spec->name = spec->column;
  }
  return LNB_OK;
}

int lnb_compare_dirs(const char *dir_a, const char *dir_b, lnb_table_format fmt, int by_setting,
                     const char *metric, FILE *out, lnb_error *err) {
  if (fmt != LNB_TABLE_MD && fmt != LNB_TABLE_CSV)
    return lnb__error(err, LNB_EINVAL, "compare: --format: expected md or csv");
  side A = {0}, B = {0};
  side_metric ma = {0}, mb = {0};
  cmp_line *L = NULL;
  double *va = NULL, *vb = NULL;
  uint64_t *sa = NULL, *sb = NULL;
  size_t n = 0;
  cmp_spec spec;
  char why[256];
  int rc = lnb_rset_load(&A.s, dir_a, err);
  if (rc == LNB_OK) rc = lnb_rset_load(&B.s, dir_b, err);
  if (rc == LNB_OK) rc = choose_metric(metric, &A.s, &B.s, &spec, why, sizeof why, err);
  if (rc == LNB_OK) rc = side_metric_init(&ma, &A.s, &spec, err);
  if (rc == LNB_OK) rc = side_metric_init(&mb, &B.s, &spec, err);
  /* each model at its best tuned setting by the compared quantity itself
   * (select.best_by for a recorded metric): a setting picked by noisy
   * seconds could differ between two sets whose iterations are identical */
  const char *pick = spec.metric == M_ITERS        ? "iters_to_target"
                     : spec.metric == M_SECONDS    ? "seconds_to_target"
                     : spec.metric == M_FINAL_LOSS ? "final_loss"
                                                   : NULL;
  if (rc == LNB_OK) rc = side_keys(&A, by_setting, pick, err);
  if (rc == LNB_OK) rc = side_keys(&B, by_setting, pick, err);
  if (rc != LNB_OK) goto out;
  L = calloc(A.nkeys + B.nkeys + 1, sizeof *L);
  va = malloc((A.s.nrows + 1) * sizeof *va);
  vb = malloc((B.s.nrows + 1) * sizeof *vb);
  sa = malloc((A.s.nrows + 1) * sizeof *sa);
  sb = malloc((B.s.nrows + 1) * sizeof *sb);
  if (!L || !va || !vb || !sa || !sb) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < A.nkeys; i++) {
    cmp_line *l = &L[n++];
    l->a = &A.keys[i];
    l->p = l->p_holm = l->ci_lo = l->ci_hi = NAN;
    long j = side_find(&B, l->a, by_setting);
    if (j < 0) continue;
    l->b = &B.keys[j];
    l->na = samples(&A.s, &ma, &spec, l->a, va, sa, &l->ra);
    l->nb = samples(&B.s, &mb, &spec, l->b, vb, sb, &l->rb);
    l->med_a = median_of(va, l->na);
    l->med_b = median_of(vb, l->nb);
    l->ratio = ratio_of(l->med_a, l->med_b);
    l->same = identical(va, sa, l->na, vb, sb, l->nb);
    if (!l->same) { /* equal values seed by seed need no test (and get none) */
      l->p = lnb_mann_whitney(va, l->na, vb, l->nb, NULL, &l->exact);
      bootstrap_ci(va, l->na, vb, l->nb, &l->ci_lo, &l->ci_hi);
    } else {
      l->ci_lo = l->ci_hi = l->ratio;
    }
  }
  for (size_t i = 0; i < B.nkeys; i++)
    if (side_find(&A, &B.keys[i], by_setting) < 0) {
      L[n].p = L[n].p_holm = L[n].ci_lo = L[n].ci_hi = NAN;
      L[n++].b = &B.keys[i];
    }
  holm(L, n);
  if (fmt == LNB_TABLE_CSV) {
    manifest_diffs(stderr, &A.s, &B.s, 0);
    render_csv(out, L, n, &spec);
  } else {
    render_md(out, &A, &B, L, n, by_setting, &spec, why);
  }
out:
  free(L), free(va), free(vb), free(sa), free(sb);
  free(ma.ids), free(mb.ids);
  free(A.keys), free(B.keys);
  lnb_rset_free(&A.s);
  lnb_rset_free(&B.s);
  return rc;
}
