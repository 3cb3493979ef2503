/* profile.c — cross-problem performance profiles (see profile.h). */
#define _POSIX_C_SOURCE 200809L
#include "profile.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const double lnb_profile_taus[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
const size_t lnb_profile_ntaus = sizeof lnb_profile_taus / sizeof *lnb_profile_taus;

static long find(const char **v, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], s) == 0) return (long)i;
  return -1;
}

int lnb_profile_compute(const lnb_row *rows, size_t n, const char *best_by, lnb_profile *p) {
  memset(p, 0, sizeof *p);
  lnb_table_opts o = {.best_by = best_by, .baseline = NULL, .has_target = 1};
  lnb_table t;
  if (lnb_table_compute(rows, n, &o, &t) != 0) return -1;
  p->models = malloc((t.n ? t.n : 1) * sizeof *p->models);
  p->problems = malloc((t.n ? t.n : 1) * sizeof *p->problems);
  if (!p->models || !p->problems) goto oom;
  for (size_t i = 0; i < t.n; i++) {
    if (find(p->models, p->nmodels, t.entries[i].model) < 0)
      p->models[p->nmodels++] = t.entries[i].model;
    if (find(p->problems, p->nprob, t.entries[i].problem) < 0)
      p->problems[p->nprob++] = t.entries[i].problem;
  }
  size_t cells = p->nmodels * p->nprob;
  p->time = malloc((cells ? cells : 1) * sizeof *p->time);
  p->ratio = malloc((cells ? cells : 1) * sizeof *p->ratio);
  if (!p->time || !p->ratio) goto oom;
  for (size_t c = 0; c < cells; c++) p->time[c] = INFINITY;
  for (size_t i = 0; i < t.n; i++) {
    size_t m = (size_t)find(p->models, p->nmodels, t.entries[i].model);
    size_t q = (size_t)find(p->problems, p->nprob, t.entries[i].problem);
    double s = lnb_table_quantity(&t.entries[i], best_by);
    p->time[m * p->nprob + q] = isnan(s) ? INFINITY : s;
  }
  for (size_t q = 0; q < p->nprob; q++) {
    double best = INFINITY;
    for (size_t m = 0; m < p->nmodels; m++)
      if (p->time[m * p->nprob + q] < best) best = p->time[m * p->nprob + q];
    for (size_t m = 0; m < p->nmodels; m++) {
      double s = p->time[m * p->nprob + q], *r = &p->ratio[m * p->nprob + q];
      if (!isfinite(s)) *r = INFINITY;
      else if (best > 0) *r = s / best;
      else *r = s == 0 ? 1.0 : DBL_MAX; /* solved, but no finite ratio to the fastest */
    }
  }
  lnb_table_free(&t);
  return 0;
oom:
  lnb_table_free(&t);
  lnb_profile_free(p);
  return -1;
}

double lnb_profile_rho(const lnb_profile *p, size_t model, double tau) {
  if (p->nprob == 0 || model >= p->nmodels) return NAN;
  size_t k = 0;
  for (size_t q = 0; q < p->nprob; q++) {
    double r = p->ratio[model * p->nprob + q];
    k += isinf(tau) ? isfinite(r) : r <= tau;
  }
  return (double)k / (double)p->nprob;
}

void lnb_profile_free(lnb_profile *p) {
  free(p->models);
  free(p->problems);
  free(p->time);
  free(p->ratio);
  memset(p, 0, sizeof *p);
}

void lnb_profile_summary_md(FILE *f, const lnb_row *rows, size_t n, const char *best_by,
                            int has_target) {
  size_t nprob = 0;
  for (size_t i = 0; i < n && nprob < 2; i++) {
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) seen = strcmp(rows[j].problem, rows[i].problem) == 0;
    nprob += !seen;
  }
  if (nprob < 2) return;
  fputs("## Performance profile\n\n", f);
  if (!has_target && lnb_quantity_needs_target(best_by)) {
    fputs("_No target gap (`stop.target_gap`): no time to target, so no performance "
          "profile._\n\n",
          f);
    return;
  }
  lnb_profile p;
  if (lnb_profile_compute(rows, n, best_by, &p) != 0) {
    fputs("(out of memory computing the profile)\n\n", f);
    return;
  }
  const char *q = lnb_quantity_label(best_by);
  if (lnb_quantity_needs_target(best_by))
    fprintf(f,
            "Quantity: **%s** (`select.best_by`). Fraction of the %zu problems on which each "
            "model, at its best tuned setting, reaches the target within τ times the best "
            "model's median %s on that problem (Dolan and Moré 2002; one target per problem, "
            "`stop.target_gap`). τ = ∞ counts the problems it solves at all (median seed "
            "reaches the target).\n\n",
            q, p.nprob, q);
  else
    fprintf(f,
            "Quantity: **%s** (`select.best_by`). Fraction of the %zu problems on which each "
            "model's median %s, at its best tuned setting, is within τ times the lowest "
            "model's on that problem (Dolan and Moré 2002, with the final value as the cost). "
            "τ = ∞ counts the problems with a finite value.\n\n",
            q, p.nprob, q);
  fputs("| model |", f);
  for (size_t k = 0; k < lnb_profile_ntaus; k++) fprintf(f, " τ ≤ %g |", lnb_profile_taus[k]);
  fputs(" τ = ∞ |\n|---|", f);
  for (size_t k = 0; k <= lnb_profile_ntaus; k++) fputs("---|", f);
  fputc('\n', f);
  for (size_t m = 0; m < p.nmodels; m++) {
    fprintf(f, "| `%s` |", p.models[m]);
    for (size_t k = 0; k <= lnb_profile_ntaus; k++)
      fprintf(f, " %.2f |",
              lnb_profile_rho(&p, m, k < lnb_profile_ntaus ? lnb_profile_taus[k] : INFINITY));
    fputc('\n', f);
  }
  fputc('\n', f);
  lnb_profile_free(&p);
}
