/* ecdf.c — multi-target runtime ECDFs (see ecdf.h). */
#define _POSIX_C_SOURCE 200809L
#include "ecdf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "host.h"
#include "outdir.h"

const double lnb_ecdf_targets[] = {1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8};
const size_t lnb_ecdf_ntargets = sizeof lnb_ecdf_targets / sizeof *lnb_ecdf_targets;

static long find(const char **v, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], s) == 0) return (long)i;
  return -1;
}

static void hits_init(lnb_ecdf_hits *h, size_t run_id) {
  h->run_id = run_id;
  h->gmin = INFINITY;
  for (size_t k = 0; k < lnb_ecdf_ntargets; k++) h->iter[k] = h->seconds[k] = INFINITY;
}

/* one checkpoint (iteration, seconds, gap) of h's run, in file order */
static void hits_add(lnb_ecdf_hits *h, double iter, double sec, double gap) {
  if (!(gap <= h->gmin)) return; /* NaN, or no new target can be hit */
  h->gmin = gap;
  for (size_t k = 0; k < lnb_ecdf_ntargets; k++)
    if (gap <= lnb_ecdf_targets[k] && isinf(h->iter[k])) h->iter[k] = iter, h->seconds[k] = sec;
}

static int cmp_hits(const void *a, const void *b) {
  size_t x = ((const lnb_ecdf_hits *)a)->run_id, y = ((const lnb_ecdf_hits *)b)->run_id;
  return (x > y) - (x < y);
}

static lnb_ecdf_hits *hits_push(lnb_ecdf_hits **v, size_t *n, size_t *cap, size_t run_id) {
  if (*n == *cap) {
    size_t nc = *cap ? 2 * *cap : 64;
    lnb_ecdf_hits *nv = realloc(*v, nc * sizeof *nv);
    if (!nv) return NULL;
    *v = nv, *cap = nc;
  }
  hits_init(&(*v)[*n], run_id);
  return &(*v)[(*n)++];
}

int lnb_ecdf_hits_from(const lnb_rtrajs *tr, lnb_ecdf_hits **hits, size_t *n) {
  *hits = NULL, *n = 0;
  size_t cap = 0;
  for (size_t r = 0; r < tr->nruns; r++) {
    const lnb_rtraj *tj = &tr->runs[r];
    lnb_ecdf_hits *h = hits_push(hits, n, &cap, tj->run_id);
    if (!h) {
      free(*hits), *hits = NULL, *n = 0;
      return -1;
    }
    for (size_t q = 0; q < tj->n; q++) hits_add(h, tj->iter[q], tj->seconds[q], tj->gap[q]);
  }
  return 0; /* tr->runs is sorted by run_id */
}

int lnb_ecdf_hits_read(const char *dir, lnb_ecdf_hits **hits, size_t *n, lnb_error *err) {
  *hits = NULL, *n = 0;
  char *path = lnb_path_join(dir, "trajectories.csv"), *line = NULL;
  if (!path) return lnb__error(err, LNB_ENOMEM, "out of memory");
  FILE *f = fopen(path, "r");
  int rc = LNB_OK;
  if (!f) {
    rc = lnb__error(err, errno == ENOENT ? LNB_ENOENT : LNB_EIO, "%s: %s", path, strerror(errno));
    free(path);
    return rc;
  }
  size_t lcap = 0, cap = 0, lineno = 0;
  ssize_t len;
  while ((len = getline(&line, &lcap, f)) >= 0) {
    lineno++;
    if (lineno == 1) {
      if (strncmp(line, "run_id,iteration,seconds,loss,gap", 33) != 0 ||
          (line[33] != ',' && line[33] != '\n' && line[33] != '\r')) {
        rc = lnb__error(err, LNB_EPARSE, "%s:1: not the header of a trajectories.csv written "
                        "by lnnbench", path);
        goto out;
      }
      continue;
    }
    /* run_id,iteration,seconds,loss,gap: five numbers before any metric */
    double v[5];
    char *p = line, *end;
    for (size_t j = 0; j < 5; j++) {
      int empty = *p == ',' || *p == '\n' || *p == '\r' || !*p;
      v[j] = empty ? NAN : strtod(p, &end);
      if (!empty && end == p) {
        rc = lnb__error(err, LNB_EPARSE, "%s:%zu: field %zu is not a number", path, lineno, j + 1);
        goto out;
      }
      if (!empty) p = end;
      if (j < 4 && *p++ != ',') {
        rc = lnb__error(err, LNB_EPARSE, "%s:%zu: fewer than five fields", path, lineno);
        goto out;
      }
    }
    if (!(v[0] >= 0 && v[0] < 1e15 && v[0] == floor(v[0])) || line[len - 1] != '\n') {
      rc = lnb__error(err, LNB_EPARSE, "%s:%zu: not a checkpoint row (cut short?)", path, lineno);
      goto out;
    }
    size_t id = (size_t)v[0];
    lnb_ecdf_hits *h = *n && (*hits)[*n - 1].run_id == id ? &(*hits)[*n - 1]
                                                          : hits_push(hits, n, &cap, id);
    if (!h) {
      rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    hits_add(h, v[1], v[2], v[4]);
  }
  qsort(*hits, *n, sizeof **hits, cmp_hits);
out:
  free(line);
  fclose(f);
  free(path);
  if (rc != LNB_OK) free(*hits), *hits = NULL, *n = 0;
  return rc;
}

static const lnb_ecdf_hits *hits_find(const lnb_ecdf_hits *h, size_t n, size_t run_id) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (h[mid].run_id < run_id) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && h[lo].run_id == run_id ? &h[lo] : NULL;
}

int lnb_ecdf_compute(const lnb_row *rows, size_t n, const char *best_by, int has_target,
                     double target_gap, const lnb_ecdf_hits *hits, size_t nhits, lnb_ecdf *e) {
  memset(e, 0, sizeof *e);
  lnb_table_opts o = {.best_by = best_by, .baseline = NULL, .has_target = has_target};
  lnb_table t;
  if (lnb_table_compute(rows, n, &o, &t) != 0) return -1;
  size_t cap = t.n ? t.n : 1, pcap = cap * lnb_ecdf_ntargets;
  double *gmin = malloc(cap * sizeof *gmin), *hi = malloc((n ? n : 1) * sizeof *hi),
         *hs = malloc((n ? n : 1) * sizeof *hs);
  size_t *tk = malloc(pcap * sizeof *tk); /* the pair's index into lnb_ecdf_targets */
  e->models = malloc(cap * sizeof *e->models);
  e->problems = malloc(cap * sizeof *e->problems);
  e->target = malloc(pcap * sizeof *e->target);
  e->prob = malloc(pcap * sizeof *e->prob);
  if (!gmin || !hi || !hs || !tk || !e->models || !e->problems || !e->target || !e->prob)
    goto oom;
  for (size_t i = 0; i < t.n; i++) {
    if (find(e->models, e->nmodels, t.entries[i].model) < 0)
      e->models[e->nmodels++] = t.entries[i].model;
    if (find(e->problems, e->nprob, t.entries[i].problem) < 0)
      e->problems[e->nprob++] = t.entries[i].problem;
  }
  /* the smallest gap any run of each problem recorded */
  for (size_t q = 0; q < e->nprob; q++) gmin[q] = INFINITY;
  for (size_t r = 0; r < n; r++) {
    long q = find(e->problems, e->nprob, rows[r].problem);
    const lnb_ecdf_hits *h = q >= 0 ? hits_find(hits, nhits, rows[r].run_id) : NULL;
    if (h && h->gmin < gmin[q]) gmin[q] = h->gmin;
  }
  for (size_t q = 0; q < e->nprob; q++)
    for (size_t k = 0; k < lnb_ecdf_ntargets; k++) {
      double T = lnb_ecdf_targets[k];
      if (T < gmin[q] || (has_target && T < target_gap * (1 - 1e-12))) continue;
      tk[e->npairs] = k;
      e->target[e->npairs] = T;
      e->prob[e->npairs++] = q;
    }
  size_t cells = e->nmodels * e->npairs;
  e->iters = malloc((cells ? cells : 1) * sizeof *e->iters);
  e->seconds = malloc((cells ? cells : 1) * sizeof *e->seconds);
  if (!e->iters || !e->seconds) goto oom;
  for (size_t c = 0; c < cells; c++) e->iters[c] = e->seconds[c] = INFINITY;
  for (size_t i = 0; i < t.n; i++) {
    const lnb_table_entry *en = &t.entries[i];
    size_t m = (size_t)find(e->models, e->nmodels, en->model);
    size_t q = (size_t)find(e->problems, e->nprob, en->problem);
    for (size_t j = 0; j < e->npairs; j++) {
      if (e->prob[j] != q) continue;
      size_t k = 0;
      for (size_t r = 0; r < n; r++) {
        if (strcmp(rows[r].problem, en->problem) || strcmp(rows[r].model, en->model) ||
            strcmp(rows[r].tuned, en->tuned))
          continue;
        const lnb_ecdf_hits *h = hits_find(hits, nhits, rows[r].run_id);
        hi[k] = h ? h->iter[tk[j]] : INFINITY;
        hs[k++] = h ? h->seconds[tk[j]] : INFINITY;
      }
      double mi = lnb_table_median(hi, k), ms = lnb_table_median(hs, k);
      e->iters[m * e->npairs + j] = isnan(mi) ? INFINITY : mi;
      e->seconds[m * e->npairs + j] = isnan(ms) ? INFINITY : ms;
    }
  }
  free(gmin), free(hi), free(hs), free(tk);
  lnb_table_free(&t);
  return 0;
oom:
  free(gmin), free(hi), free(hs), free(tk);
  lnb_table_free(&t);
  lnb_ecdf_free(e);
  return -1;
}

double lnb_ecdf_frac(const lnb_ecdf *e, size_t model, int in_seconds, double budget) {
  if (e->npairs == 0 || model >= e->nmodels) return NAN;
  const double *h = (in_seconds ? e->seconds : e->iters) + model * e->npairs;
  size_t k = 0;
  for (size_t j = 0; j < e->npairs; j++) k += isinf(budget) ? isfinite(h[j]) : h[j] <= budget;
  return (double)k / (double)e->npairs;
}

size_t lnb_ecdf_budgets(const lnb_ecdf *e, int in_seconds, double *b, size_t max) {
  const double *h = in_seconds ? e->seconds : e->iters;
  double lo = INFINITY, hi = -INFINITY;
  for (size_t c = 0; c < e->nmodels * e->npairs; c++) {
    if (!isfinite(h[c])) continue;
    if (h[c] > 0 && h[c] < lo) lo = h[c];
    if (h[c] > hi) hi = h[c];
  }
  if (max == 0 || hi < 0) return 0; /* no finite hit */
  if (!isfinite(lo)) lo = hi > 0 ? hi : 1; /* every hit at 0 */
  int a = (int)floor(log10(lo)), z = (int)ceil(log10(hi > 0 ? hi : lo));
  if (z < a) z = a;
  size_t count = (size_t)(z - a) + 1, stride = (count + max - 1) / max, k = 0;
  /* from the largest down, so the decade that covers every hit is kept */
  for (int d = z; d >= a && k < max; d -= (int)stride) b[k++] = pow(10, d);
  for (size_t i = 0; i < k / 2; i++) {
    double x = b[i];
    b[i] = b[k - 1 - i], b[k - 1 - i] = x;
  }
  return k;
}

void lnb_ecdf_free(lnb_ecdf *e) {
  free(e->models);
  free(e->problems);
  free(e->target);
  free(e->prob);
  free(e->iters);
  free(e->seconds);
  memset(e, 0, sizeof *e);
}

static void md_table(FILE *f, const lnb_ecdf *e, int in_seconds) {
  double b[6];
  size_t nb = lnb_ecdf_budgets(e, in_seconds, b, 6);
  const char *unit = in_seconds ? "s" : "iters";
  fputs("| model |", f);
  for (size_t k = 0; k < nb; k++) fprintf(f, " ≤ %g %s |", b[k], unit);
  fputs(" ever |\n|---|", f);
  for (size_t k = 0; k <= nb; k++) fputs("---|", f);
  fputc('\n', f);
  for (size_t m = 0; m < e->nmodels; m++) {
    fprintf(f, "| `%s` |", e->models[m]);
    for (size_t k = 0; k <= nb; k++)
      fprintf(f, " %.2f |", lnb_ecdf_frac(e, m, in_seconds, k < nb ? b[k] : INFINITY));
    fputc('\n', f);
  }
  fputc('\n', f);
}

void lnb_ecdf_summary_md(FILE *f, const char *dir, const lnb_row *rows, size_t n,
                         const char *best_by, int has_target, double target_gap) {
  fputs("## ECDF over targets\n\n", f);
  lnb_ecdf_hits *hits;
  size_t nh;
  lnb_error err = {0};
  int rc = lnb_ecdf_hits_read(dir, &hits, &nh, &err);
  if (rc == LNB_ENOENT) {
    fputs("_No ECDF: the directory has no trajectories.csv, where the first checkpoint "
          "reaching each target is read from._\n\n",
          f);
    return;
  }
  if (rc != LNB_OK) {
    fputs("_No ECDF: trajectories.csv could not be read (`lnnbench plot` says why)._\n\n", f);
    return;
  }
  lnb_ecdf e;
  if (lnb_ecdf_compute(rows, n, best_by, has_target, target_gap, hits, nh, &e) != 0) {
    free(hits);
    fputs("(out of memory computing the ECDF)\n\n", f);
    return;
  }
  if (e.npairs == 0)
    fputs("_No ECDF: no run recorded a gap at or below 1e-1 (the gap l − l* needs a known "
          "optimum), so there is no (problem, target) pair._\n\n",
          f);
  else {
    fprintf(f,
            "Targets: the gaps 1e-1, 1e-2, …, 1e-8 at or above `stop.target_gap` and at or "
            "above the smallest gap any run of the problem recorded — %zu (problem, target) "
            "pairs over %zu problem%s. Each cell is the fraction of those pairs a model, at its "
            "best tuned setting, reaches within the budget: the median over seeds of the first "
            "checkpoint with gap ≤ target (COCO's runtime ECDF; resolution: the checkpoints of "
            "trajectories.csv). `ever` counts the pairs reached at all.\n\n",
            e.npairs, e.nprob, e.nprob == 1 ? "" : "s");
    md_table(f, &e, 0);
    md_table(f, &e, 1);
  }
  lnb_ecdf_free(&e);
  free(hits);
}
