/* compare.c — `lnnbench compare DIR_A DIR_B`.
 *
 * For each model present in both result sets: the median time to target over
 * seeds in A and in B (an unreached target counts as ∞), their ratio B/A, and
 * a two-sided Mann–Whitney U test (Mann and Whitney 1947; Wilcoxon 1945) of
 * the per-seed times: exact null distribution for small samples without ties,
 * normal approximation with tie and continuity correction otherwise. */
#define _POSIX_C_SOURCE 200809L
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "report.h"

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
} cmp_key;

typedef struct side {
  lnb_rset s;
  cmp_key *keys;
  size_t nkeys;
} side;

/* the (problem, model, tuned) groups a side contributes */
static int side_keys(side *sd, int by_setting, lnb_error *err) {
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
      if (!seen) sd->keys[sd->nkeys++] = (cmp_key){r->problem, r->model, r->tuned};
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
  lnb_table_opts o = {.best_by = s->best_by, .baseline = NULL, .has_target = s->has_target};
  lnb_table t;
  if (lnb_table_compute(s->rows, s->nrows, &o, &t) != 0)
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  for (size_t i = 0; i < t.n; i++)
    sd->keys[sd->nkeys++] = (cmp_key){t.entries[i].problem, t.entries[i].model, t.entries[i].tuned};
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

/* per-seed times to target of one group (∞ when not reached); returns count */
static size_t samples(const lnb_rset *s, const cmp_key *k, double *v, size_t *reached) {
  size_t n = 0;
  *reached = 0;
  for (size_t i = 0; i < s->nrows; i++) {
    const lnb_row *r = &s->rows[i];
    if (strcmp(r->problem, k->problem) || strcmp(r->model, k->model) || strcmp(r->tuned, k->tuned))
      continue;
    int ok = r->iters_to_target >= 0 && !lnb_run_status_failed(r->status) &&
             !isnan(r->seconds_to_target);
    v[n++] = ok ? r->seconds_to_target : INFINITY;
    *reached += (size_t)ok;
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

typedef struct cmp_line {
  const cmp_key *a, *b; /* NULL when absent from that side */
  size_t na, nb, ra, rb;
  double med_a, med_b, ratio, p;
  int exact;
} cmp_line;

static const char *sig_mark(double p) {
  return isnan(p) ? "" : p < 0.01 ? "**" : p < 0.05 ? "*" : "";
}

static void fmt_sec(char *buf, size_t n, double x) {
  if (isnan(x)) snprintf(buf, n, "—");
  else if (isinf(x)) snprintf(buf, n, "∞");
  else snprintf(buf, n, "%.3g", x);
}

static void csv_text(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static void csv_number(FILE *f, double x, const char *fmt) {
  if (isnan(x)) return;
  if (isinf(x)) fputs(x > 0 ? "inf" : "-inf", f);
  else fprintf(f, fmt, x);
}

static void render_md(FILE *f, const side *A, const side *B, const cmp_line *L, size_t n,
                      int by_setting) {
  fprintf(f, "# Compare `%s` (A) with `%s` (B)\n\n", A->s.dir, B->s.dir);
  fprintf(f,
          "Time to target per model: median seconds over seeds in A and in B (an unreached "
          "target counts as ∞), their ratio B/A (above 1: B is slower), and a two-sided "
          "Mann–Whitney U test of the per-seed times (exact for up to %d seeds a side without "
          "ties, else the normal approximation with tie correction); sig: `*` p < 0.05, `**` "
          "p < 0.01. %s\n\n",
          LNB_MWU_EXACT_MAX,
          by_setting ? "Every tuned setting is matched by problem, model and tuned labels."
                     : "Models are matched by problem and model label, each at the best tuned "
                       "setting of its own set (`select.best_by`), as in the head-to-head table.");
  if (!A->s.has_target || !B->s.has_target)
    fprintf(f, "_%s has no target gap (`stop.target_gap`): every time to target is ∞._\n\n",
            !A->s.has_target && !B->s.has_target ? "Neither set" : !A->s.has_target ? "A" : "B");
  size_t both = 0;
  const char *last_problem = NULL;
  for (size_t i = 0; i < n; i++) {
    if (!L[i].a || !L[i].b) continue;
    if (!last_problem || strcmp(L[i].a->problem, last_problem) != 0) {
      last_problem = L[i].a->problem;
      if (both) fputc('\n', f);
      fprintf(f, "## Problem `%s`\n\n", L[i].a->problem);
      fputs("| model | tuned A | tuned B | n_A | n_B | reached A | reached B | median s A | "
            "median s B | B/A | p | sig |\n",
            f);
      fputs("|---|---|---|---|---|---|---|---|---|---|---|---|\n", f);
    }
    both++;
    char sa[32], sb[32], ratio[32], p[32];
    fmt_sec(sa, sizeof sa, L[i].med_a);
    fmt_sec(sb, sizeof sb, L[i].med_b);
    if (isnan(L[i].ratio)) snprintf(ratio, sizeof ratio, "—");
    else if (isinf(L[i].ratio)) snprintf(ratio, sizeof ratio, "∞");
    else snprintf(ratio, sizeof ratio, "%.2f", L[i].ratio);
    if (isnan(L[i].p)) snprintf(p, sizeof p, "—");
    else snprintf(p, sizeof p, "%.2g%s", L[i].p, L[i].exact ? "" : " (normal)");
    fprintf(f, "| `%s` | %s | %s | %zu | %zu | %zu | %zu | %s | %s | %s | %s | %s |\n",
            L[i].a->model, L[i].a->tuned[0] ? L[i].a->tuned : "—",
            L[i].b->tuned[0] ? L[i].b->tuned : "—", L[i].na, L[i].nb, L[i].ra, L[i].rb, sa, sb,
            ratio, p, sig_mark(L[i].p));
  }
  if (!both) fputs("_No model is present in both sets._\n", f);
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

static void render_csv(FILE *f, const cmp_line *L, size_t n) {
  fputs("problem,model,tuned_a,tuned_b,present,n_a,n_b,reached_a,reached_b,"
        "median_seconds_to_target_a,median_seconds_to_target_b,ratio_b_over_a,p_value,exact,"
        "significance\n",
        f);
  for (size_t i = 0; i < n; i++) {
    const cmp_key *k = L[i].a ? L[i].a : L[i].b;
    csv_text(f, k->problem);
    fputc(',', f);
    csv_text(f, k->model);
    fputc(',', f);
    if (L[i].a) csv_text(f, L[i].a->tuned);
    fputc(',', f);
    if (L[i].b) csv_text(f, L[i].b->tuned);
    fprintf(f, ",%s,", L[i].a && L[i].b ? "both" : L[i].a ? "A" : "B");
    if (!L[i].a || !L[i].b) {
      fputs(",,,,,,,,,\n", f);
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
    fprintf(f, ",%d,%s\n", L[i].exact, sig_mark(L[i].p));
  }
}

int lnb_compare_dirs(const char *dir_a, const char *dir_b, lnb_table_format fmt, int by_setting,
                     FILE *out, lnb_error *err) {
  if (fmt != LNB_TABLE_MD && fmt != LNB_TABLE_CSV)
    return lnb__error(err, LNB_EINVAL, "compare: --format: expected md or csv");
  side A = {0}, B = {0};
  cmp_line *L = NULL;
  double *va = NULL, *vb = NULL;
  size_t n = 0;
  int rc = lnb_rset_load(&A.s, dir_a, err);
  if (rc == LNB_OK) rc = lnb_rset_load(&B.s, dir_b, err);
  if (rc == LNB_OK) rc = side_keys(&A, by_setting, err);
  if (rc == LNB_OK) rc = side_keys(&B, by_setting, err);
  if (rc != LNB_OK) goto out;
  L = calloc(A.nkeys + B.nkeys + 1, sizeof *L);
  va = malloc((A.s.nrows + 1) * sizeof *va);
  vb = malloc((B.s.nrows + 1) * sizeof *vb);
  if (!L || !va || !vb) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < A.nkeys; i++) {
    cmp_line *l = &L[n++];
    l->a = &A.keys[i];
    long j = side_find(&B, l->a, by_setting);
    if (j < 0) continue;
    l->b = &B.keys[j];
    l->na = samples(&A.s, l->a, va, &l->ra);
    l->nb = samples(&B.s, l->b, vb, &l->rb);
    l->med_a = median_of(va, l->na);
    l->med_b = median_of(vb, l->nb);
    if (isinf(l->med_a) && isinf(l->med_b)) l->ratio = NAN;
    else if (l->med_a == 0) l->ratio = l->med_b == 0 ? 1.0 : INFINITY;
    else l->ratio = l->med_b / l->med_a;
    l->p = lnb_mann_whitney(va, l->na, vb, l->nb, NULL, &l->exact);
  }
  for (size_t i = 0; i < B.nkeys; i++)
    if (side_find(&A, &B.keys[i], by_setting) < 0) L[n++].b = &B.keys[i];
  if (fmt == LNB_TABLE_CSV) render_csv(out, L, n);
  else render_md(out, &A, &B, L, n, by_setting);
out:
  free(L), free(va), free(vb);
  free(A.keys), free(B.keys);
  lnb_rset_free(&A.s);
  lnb_rset_free(&B.s);
  return rc;
}
