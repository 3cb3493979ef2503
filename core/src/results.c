/* results.c — the files a sweep leaves behind.
 *
 * summary.csv and trajectories.csv are appended and flushed as each run ends,
 * so an interrupted sweep keeps every finished run. summary.md and
 * manifest.json are rewritten atomically (temp file + rename). */
#define _POSIX_C_SOURCE 200809L
#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "csv.h"
#include "host.h"
#include "profile.h"
#include "ecdf.h"
#include "wire.h"

/* ------------------------------------------------------------ utilities */

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* CSV field: quoted when it holds a comma, quote or newline */
static void csv_str(FILE *f, const char *s) {
  if (!s) return;
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (const char *p = s; *p; p++) {
    if (*p == '"') fputc('"', f);
    fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
  }
  fputc('"', f);
}

static void csv_real(FILE *f, double x) {
  if (isnan(x)) return; /* empty field = not available */
  if (isinf(x)) {
    fputs(x > 0 ? "inf" : "-inf", f);
    return;
  }
  fprintf(f, "%.17g", x);
}

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
      if (*p < 0x20) fprintf(f, "\\u%04x", *p);
      else fputc(*p, f);
    }
  }
  fputc('"', f);
}

static int in_list(const char *s, char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(s, list[i]) == 0) return 1;
  return 0;
}

char *lnb_cell_label(const lnb_cell *c, char *const *skip, size_t nskip) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  fputs(c->plugin->plugin->name, f);
  int first = 1;
  for (size_t j = 0; j < c->params->n; j++) {
    const lnb_value *v = &c->params->v[j];
    const char *name = c->plugin->plugin->params[j].name;
    if (!v->given || !v->text || in_list(name, skip, nskip)) continue;
    fprintf(f, "%s%s=%s", first ? "(" : ",", name, v->text);
    first = 0;
  }
  static const char *const host_keys[] = LNB_CELL_HOST_KEYS;
  for (size_t q = 0; q < LNB_CELL_NHOST_KEYS; q++) {
    char text[LNB_CELL_HOST_TEXT_MAX];
    if (!lnb_cell_host_text(c, host_keys[q], text, sizeof text) ||
        in_list(host_keys[q], skip, nskip))
      continue;
    fprintf(f, "%s%s=%s", first ? "(" : ",", host_keys[q], text);
    first = 0;
  }
  if (!first) fputc(')', f);
  fclose(f);
  return buf;
}

static const char *kind_prefix(lnb_kind k) {
  return k == LNB_PROBLEM ? "problem" : k == LNB_ARCHITECTURE ? "arch" : "opt";
}

/* close the memstream f (holding *buf) and write it atomically to dir/name */
static int flush_to_file(const char *dir, const char *name, FILE *f, char **buf, size_t *len,
                         lnb_error *err) {
  if (fclose(f) != 0) {
    free(*buf);
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  size_t n = strlen(dir) + strlen(name) + 2;
  char *path = malloc(n);
  int rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  if (path) {
    snprintf(path, n, "%s/%s", dir, name);
    rc = lnb_write_atomic(path, *buf, *len, err);
  }
  free(path);
  free(*buf);
  return rc;
}

/* ------------------------------------------------------------ manifest */

static const char *manifest_value(const char *json, const char *key);
static size_t *id_ranges(const char *json, const char *key, size_t *n);
static int in_ranges(const size_t *ex, size_t n, size_t id);
static int cmp_size(const void *a, const void *b);

/* ids[n] (ascending) as ranges "1-4,9" */
static void put_ranges(FILE *f, const size_t *ids, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && ids[j + 1] == ids[j] + 1) j++;
    fprintf(f, "%s%zu", i ? "," : "", ids[i]);
    if (j > i) fprintf(f, "-%zu", ids[j]);
    i = j + 1;
  }
}

/* manifest.json's "history" entries, one walk: the array starts a line of
 * its own and each entry is a line "    {...}" of it; no text inside a
 * string value can look like either (a newline in a value is escaped). */
void lnb_results_history_begin(const char *json, lnb_history_iter *it) {
  const char *h = json ? strstr(json, "\n  \"history\": [") : NULL;
  it->at = h ? h + 1 : NULL;
  it->end = h ? strstr(h + 1, "\n  ]") : NULL;
}

int lnb_results_history_next(lnb_history_iter *it, char *out, size_t n) {
  /* plain loops, each byte looked at once over the whole walk (a strstr
   * from each entry may measure the rest of the file every time) */
  const char *e = it->at;
  while (e && *e && (!it->end || e < it->end) && strncmp(e, "\n    {", 6) != 0) e++;
  if (!e || !*e || (it->end && e >= it->end)) {
    it->at = NULL;
    return -1;
  }
  const char *nl = e + 1;
  while (*nl && *nl != '\n') nl++;
  size_t len = (size_t)(nl - e - 5);
  it->at = e + 5;
  if (len + 1 > n) {
    it->at = NULL;
    return -1;
  }
  memcpy(out, e + 5, len);
  out[len] = '\0';
  return 0;
}

/* One invocation of a history, re-emitted field by field from text (an
 * entry, or the top of an earlier manifest): the file is untrusted, so no
 * JSON text is copied through. Its run ids (under idkey, a string of
 * ranges; null or absent: not recorded) are kept only where summary.csv
 * still has them (ids[nids], ascending) and no earlier entry took them
 * (claimed[]): an entry lists the runs it finished, each run in one entry.
 * A state of "running" is an invocation that died (the lock is ours now):
 * "killed", its duration unknown (the manifest was written at its start). */
static void put_invocation(FILE *f, const char *text, const char *idkey, const size_t *ids,
                           size_t nids, unsigned char *claimed) {
  char v[8192];
  static const char *const strs[] = {"command", "git_commit", "date_utc"};
  for (size_t i = 0; i < 3; i++) {
    lnb_results_manifest_field(text, strs[i], v, sizeof v);
    fprintf(f, "%s\"%s\": ", i ? ", " : "{", strs[i]);
    json_str(f, v);
  }
  lnb_results_manifest_field(text, "git_dirty", v, sizeof v);
  fprintf(f, ", \"git_dirty\": %s",
          strcmp(v, "true") == 0 ? "true" : strcmp(v, "false") == 0 ? "false" : "null");
  lnb_results_manifest_field(text, "state", v, sizeof v);
  const char *st = strcmp(v, "running") == 0 || strcmp(v, "killed") == 0 ? "killed"
                   : strcmp(v, "complete") == 0                       ? "complete"
                   : strcmp(v, "interrupted") == 0                    ? "interrupted"
                                                                      : "unknown";
  lnb_results_manifest_field(text, "wall_seconds", v, sizeof v);
  char *e = NULL;
  double d = v[0] ? strtod(v, &e) : NAN;
  if (strcmp(st, "killed") != 0 && e && *e == '\0' && isfinite(d) && d >= 0)
    fprintf(f, ", \"wall_seconds\": %.3f", d);
  else
    fputs(", \"wall_seconds\": null", f);
  fprintf(f, ", \"state\": \"%s\", \"run_ids\": ", st);
  const char *val = manifest_value(text, idkey);
  if (!val || *val != '"') {
    fputs("null}", f); /* not recorded (an older lnnbench) */
    return;
  }
  size_t nr = 0, k = 0;
  size_t *r = id_ranges(text, idkey, &nr);
  size_t *in = malloc((nids ? nids : 1) * sizeof *in);
  /* each range's ids present in summary.csv: from the first id >= its
   * start; the ranges ascend, so the walk never goes back */
  for (size_t q = 0, i = 0; in && q < nr; q++) {
    size_t lo = i, hi = nids;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (ids[mid] < r[2 * q]) lo = mid + 1;
      else hi = mid;
    }
    for (i = lo; i < nids && ids[i] <= r[2 * q + 1]; i++)
      if (!claimed[i]) claimed[i] = 1, in[k++] = ids[i];
  }
  fputc('"', f);
  put_ranges(f, in, k);
  fputs("\"}", f);
  free(in);
  free(r);
}

/* the most earlier invocations a manifest keeps (the oldest go first) */
#define LNB_HISTORY_MAX 1000

/* manifest.json's "history" for a sweep resumed in dir: the invocations its
 * manifest lists, then the one that wrote it, as JSON lines joined by
 * ",\n"; ids[nids] (ascending) are the run ids summary.csv holds. Linear
 * in the manifest's size. NULL when there is no readable manifest (or out
 * of memory). */
static char *history_build(const char *dir, const size_t *ids, size_t nids) {
  lnb_error e;
  memset(&e, 0, sizeof e);
  char *json = lnb_results_read_manifest(dir, &e);
  if (!json) {
    lnb__log(1, "%s; the earlier invocations' provenance (manifest \"history\") starts anew",
             e.msg);
    return NULL;
  }
  char *ct = strstr(json, "\n  \"config_text\": "); /* the config's own text: not searched */
  if (ct) *ct = '\0';
  char *buf = NULL, *entry = NULL;
  size_t len = 0, nent = 0, first = 0, k = 0;
  size_t esize = strlen(json) + 1;
  unsigned char *claimed = calloc(nids ? nids : 1, 1);
  FILE *f = claimed ? open_memstream(&buf, &len) : NULL;
  int ok = f && (entry = malloc(esize)) != NULL;
  if (ok) {
    lnb_history_iter it;
    lnb_results_history_begin(json, &it);
    while (lnb_results_history_next(&it, entry, esize) == 0) nent++;
    if (nent >= LNB_HISTORY_MAX) first = nent - (LNB_HISTORY_MAX - 1);
    lnb_results_history_begin(json, &it);
    while (lnb_results_history_next(&it, entry, esize) == 0) {
      if (k++ < first) continue;
      fputs(k > first + 1 ? ",\n    " : "    ", f);
      put_invocation(f, entry, "run_ids", ids, nids, claimed);
    }
    /* the top-level fields come before the history */
    char *h = strstr(json, "\n  \"history\": [");
    if (h) *h = '\0';
    fputs(nent > first ? ",\n    " : "    ", f);
    put_invocation(f, json, "invocation_run_ids", ids, nids, claimed);
  }
  free(entry);
  free(json);
  free(claimed);
  if (!f || fclose(f) != 0 || !ok) {
    free(buf);
    lnb__log(1, "%s/manifest.json: out of memory; the earlier invocations' provenance "
                "(manifest \"history\") starts anew", dir);
    return NULL;
  }
  return buf;
}

static int cmp_datafile(const void *a, const void *b) {
  const lnb_datafile *x = *(const lnb_datafile *const *)a, *y = *(const lnb_datafile *const *)b;
  int c = strcmp(x->path, y->path);
  return c ? c : x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* every data file the cells of cfg read, each (path, hash) once, sorted by
 * path; NULL (and *n 0) when there are none or out of memory */
static const lnb_datafile **collect_datafiles(const lnb_config *cfg, size_t *n) {
  const lnb_cellset *sets[3] = {&cfg->problems, &cfg->architectures, &cfg->optimizers};
  size_t total = 0, k = 0;
  *n = 0;
  for (int s = 0; s < 3; s++)
    for (size_t i = 0; i < sets[s]->n; i++) total += sets[s]->cells[i].nfiles;
  if (!total) return NULL;
  const lnb_datafile **v = malloc(total * sizeof *v);
  if (!v) return NULL;
  for (int s = 0; s < 3; s++)
    for (size_t i = 0; i < sets[s]->n; i++)
      for (size_t q = 0; q < sets[s]->cells[i].nfiles; q++) v[k++] = &sets[s]->cells[i].files[q];
  qsort(v, total, sizeof *v, cmp_datafile);
  for (size_t i = 0; i < total; i++)
    if (!*n || cmp_datafile(&v[*n - 1], &v[i]) != 0) v[(*n)++] = v[i];
  return v;
}

static int write_manifest(lnb_results *w, int final, int interrupted, lnb_error *err) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return lnb__error(err, LNB_ENOMEM, "out of memory");
  const lnb_config *cfg = w->cfg;
  const lnb_provenance *p = &w->prov;
  fprintf(f, "{\n  \"lnnbench_version\": ");
  json_str(f, p->version);
  fprintf(f, ",\n  \"config_name\": ");
  json_str(f, cfg->name);
  fprintf(f, ",\n  \"config_path\": ");
  json_str(f, cfg->path);
  fprintf(f, ",\n  \"config_hash\": \"fnv1a64:%016llx\"", (unsigned long long)cfg->hash);
  fprintf(f, ",\n  \"command\": ");
  json_str(f, w->cmdline);
  fprintf(f, ",\n  \"git_commit\": ");
  json_str(f, p->git_commit);
  fprintf(f, ",\n  \"git_dirty\": %s",
          p->git_dirty < 0 ? "null" : p->git_dirty ? "true" : "false");
  fprintf(f, ",\n  \"compiler\": ");
  json_str(f, p->compiler);
  fprintf(f, ",\n  \"c_flags\": ");
  json_str(f, p->cflags);
  fprintf(f, ",\n  \"build_type\": ");
  json_str(f, p->build_type);
  fprintf(f, ",\n  \"blis_version\": ");
  json_str(f, p->blis_version);
  fprintf(f, ",\n  \"blis_threads\": %d", p->blis_threads);
  fprintf(f, ",\n  \"cpu_model\": ");
  json_str(f, p->cpu_model);
  fprintf(f, ",\n  \"cpu_count\": %d", p->cpu_count);
  if (isfinite(p->load1)) fprintf(f, ",\n  \"load_average_1min\": %.2f", p->load1);
  fprintf(f, ",\n  \"hostname\": ");
  json_str(f, p->hostname);
  fprintf(f, ",\n  \"date_utc\": ");
  json_str(f, p->date_utc);
  fprintf(f, ",\n  \"seeds\": [");
  for (size_t i = 0; i < cfg->nseeds; i++)
    fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)cfg->seeds[i]);
  fprintf(f, "],\n  \"stop\": {\"max_iters\": %lld, \"target_gap\": ",
          (long long)cfg->stop.max_iters);
  if (cfg->stop.has_target) fprintf(f, "%.17g", cfg->stop.target_gap);
  else fputs("null", f);
  fprintf(f, ", \"max_seconds\": ");
  if (cfg->stop.max_seconds > 0) fprintf(f, "%.17g", cfg->stop.max_seconds);
  else fputs("null", f);
  fprintf(f, ", \"max_epochs\": ");
  if (cfg->stop.max_epochs > 0) fprintf(f, "%.17g", cfg->stop.max_epochs);
  else fputs("null", f);
  fprintf(f, ", \"divergence_factor\": %.0e}", LNB_DIVERGENCE_FACTOR);
  fprintf(f, ",\n  \"plugins\": [");
  /* every plugin the config uses, with the file it came from */
  const lnb_cellset *sets[3] = {&cfg->problems, &cfg->architectures, &cfg->optimizers};
  int first = 1;
  /* plugins listed so far: O(cells x distinct plugins), not O(cells^2) */
  const lnb_loaded **listed =
      malloc((cfg->problems.n + cfg->architectures.n + cfg->optimizers.n + 1) * sizeof *listed);
  size_t nlisted = 0;
  if (!listed) {
    fclose(f);
    free(buf);
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  for (int s = 0; s < 3; s++)
    for (size_t i = 0; i < sets[s]->n; i++) {
      const lnb_loaded *lp = sets[s]->cells[i].plugin;
      size_t j = 0;
      while (j < nlisted && listed[j] != lp) j++;
      if (j < nlisted) continue;
      listed[nlisted++] = lp;
      fprintf(f, "%s\n    {\"kind\": \"%s\", \"name\": ", first ? "" : ",",
              lnb_kind_name(lp->plugin->kind));
      json_str(f, lp->plugin->name);
      fprintf(f, ", \"abi\": \"%u.%u\", \"path\": ", lp->plugin->abi_major,
              lp->plugin->abi_minor);
      json_str(f, lp->path);
      fprintf(f, ", \"hash\": \"fnv1a64:%016llx\"}", (unsigned long long)lp->hash);
      first = 0;
    }
  free(listed);
  /* the data files the problems read (path and content hash), each once */
  fprintf(f, "\n  ],\n  \"data_files\": [");
  size_t nall = 0;
  const lnb_datafile **all = collect_datafiles(cfg, &nall);
  for (size_t i = 0; i < nall; i++) {
    fprintf(f, "%s\n    {\"path\": ", i ? "," : "");
    json_str(f, all[i]->path);
    fprintf(f, ", \"hash\": \"fnv1a64:%016llx\"}", (unsigned long long)all[i]->hash);
  }
  free(all);
  /* spec hashes include plugin and data file contents (older manifests lack
   * this key: their runs are all rerun by --resume) */
  fprintf(f, "\n  ],\n  \"run_identity\": \"spec+plugin files+data files\"");
  fprintf(f, ",\n  \"select_best_by\": ");
  json_str(f, cfg->select.best_by);
  fprintf(f, ",\n  \"report_baseline\": ");
  if (cfg->report.baseline) json_str(f, cfg->report.baseline);
  else fputs("null", f);
  fprintf(f, ",\n  \"runs_total\": %zu", lnb_config_run_count(cfg));
  fprintf(f, ",\n  \"runs_finished\": %zu", w->nrows);
  fprintf(f, ",\n  \"runs_resumed\": %zu", w->resumed);
  /* rows of summary.csv outside this sweep's tables, as ranges "1-4,9" */
  fprintf(f, ",\n  \"excluded_run_ids\": \"");
  put_ranges(f, w->excluded, w->nexcluded);
  fputc('"', f);
  /* the runs this invocation runs (those it finished are in summary.csv;
   * a later --resume records them in "history") */
  fprintf(f, ",\n  \"invocation_run_ids\": \"");
  put_ranges(f, w->todo_ids, w->ntodo_ids);
  fputc('"', f);
  fprintf(f, ",\n  \"jobs\": %d, \"isolate\": %s", w->jobs, w->isolate ? "true" : "false");
  if (w->mpi_ranks > 0) fprintf(f, ", \"mpi_ranks\": %d", w->mpi_ranks);
  fprintf(f, ",\n  \"status_counts\": {");
  for (int s = 0; s < LNB_RUN_STATUS_COUNT; s++)
    fprintf(f, "%s\"%s\": %zu", s ? ", " : "", lnb_run_status_name((lnb_run_status)s),
            w->counts[s]);
  fprintf(f, "},\n  \"state\": \"%s\"",
          !final ? "running" : interrupted ? "interrupted" : "complete");
  fprintf(f, ",\n  \"wall_seconds\": %.3f", lnb__now() - w->wall_start);
  /* what each recorded metric measures (one line: the plot axes read it) */
  fprintf(f, ",\n  \"metric_help\": {");
  for (size_t i = 0, k = 0; i < cfg->record.nmetrics; i++) {
    const char *h = lnb_metric_help(cfg, cfg->record.metrics[i]);
    if (!h) continue;
    fputs(k++ ? ", " : "", f);
    json_str(f, cfg->record.metrics[i]);
    fputs(": ", f);
    json_str(f, h);
  }
  fputc('}', f);
  /* the earlier invocations of a resumed directory, oldest first */
  fprintf(f, ",\n  \"history\": [");
  if (w->history && w->history[0]) fprintf(f, "\n%s\n  ", w->history);
  fputc(']', f);
  fprintf(f, ",\n  \"config_text\": ");
  json_str(f, cfg->text);
  fprintf(f, "\n}\n");
  int rc = flush_to_file(w->dir, "manifest.json", f, &buf, &len, err);
  return rc;
}

/* ---------------------------------------------------------------- open */

static int add_col(lnb_results *w, lnb_kind kind, const char *param) {
  for (size_t i = 0; i < w->ncols; i++)
    if (w->cols[i].kind == kind && strcmp(w->cols[i].param, param) == 0) return 0;
  void *t = realloc(w->cols, (w->ncols + 1) * sizeof *w->cols);
  if (!t) return -1;
  w->cols = t;
  size_t n = strlen(param) + 16;
  char *h = malloc(n);
  char *pp = xstrdup(param);
  if (!h || !pp) {
    free(h);
    free(pp);
    return -1;
  }
  snprintf(h, n, "%s.%s", kind_prefix(kind), param);
  w->cols[w->ncols].kind = kind;
  w->cols[w->ncols].param = pp;
  w->cols[w->ncols].header = h;
  w->ncols++;
  return 0;
}

/* Append text[len] to fd as part of a unit that started at unit_start: on a
 * short or failed write (disk full, file size limit) cut the file back to
 * unit_start, so the file only ever holds whole rows. 0 ok, else -1 with
 * errno. */
static int append_unit(int fd, const char *text, size_t len, off_t unit_start) {
  size_t done = 0;
  while (done < len) {
    ssize_t k = write(fd, text + done, len - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      int e = k < 0 ? errno : ENOSPC;
      if (unit_start >= 0 && ftruncate(fd, unit_start) != 0) { /* keep the first error */
      }
      errno = e;
      return -1;
    }
    done += (size_t)k;
  }
  return 0;
}

static int append_all(int fd, const char *text, size_t len) {
  return append_unit(fd, text, len, lseek(fd, 0, SEEK_END));
}

/* the header lines of summary.csv and trajectories.csv (with newline) */
static char *summary_header(const lnb_results *w) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  fputs("run_id,spec_hash,problem,architecture,optimizer,seed,model,tuned", f);
  for (size_t i = 0; i < w->ncols; i++) fprintf(f, ",%s", w->cols[i].header);
  fputs(",status,iterations,initial_loss,final_loss,final_gap,lstar,iters_to_target,"
        "seconds_to_target,seconds_total,seconds_per_iter",
        f);
  if (w->batches) fputs(",epochs", f);
  /* the last recorded value of every metric column */
  for (size_t i = 0, nc = lnb_metric_ncols(w->cfg); i < nc; i++) {
    char name[256];
    lnb_metric_colname(w->cfg, i, name, sizeof name);
    fprintf(f, ",final_%s", name);
  }
  fputs(",message\n", f);
  fclose(f);
  return buf;
}

static char *traj_header(const lnb_config *cfg) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  fputs("run_id,iteration,seconds,loss,gap", f);
  size_t ncols = lnb_metric_ncols(cfg);
  for (size_t i = 0; i < ncols; i++) {
    char name[256];
    lnb_metric_colname(cfg, i, name, sizeof name);
    fprintf(f, ",%s", name);
  }
  fputc('\n', f);
  fclose(f);
  return buf;
}

/* common part of a fresh and a resumed sweep: lock, provenance, columns */
static int results_init(lnb_results *w, const char *dir, const lnb_config *cfg,
                        const char *cmdline, size_t nruns, lnb_error *err) {
  memset(w, 0, sizeof *w);
  w->summary = w->traj = w->lock_fd = -1;
  w->cfg = cfg;
  w->wall_start = lnb__now();
  w->dir = xstrdup(dir);
  w->cmdline = xstrdup(cmdline ? cmdline : "");
  w->nruns = nruns;
  w->run_ids = calloc(nruns ? nruns : 1, sizeof *w->run_ids);
  if (!w->dir || !w->cmdline || !w->run_ids) return lnb__error(err, LNB_ENOMEM, "out of memory");
  if ((w->lock_fd = lnb_outdir_lock(dir, 1, err)) < 0) return err->code;
  lnb_provenance_collect(&w->prov);
  /* columns: every parameter given explicitly in any cell */
  const lnb_cellset *sets[3] = {&cfg->problems, &cfg->architectures, &cfg->optimizers};
  for (int s = 0; s < 3; s++)
    for (size_t i = 0; i < sets[s]->n; i++) {
      const lnb_cell *c = &sets[s]->cells[i];
      for (size_t j = 0; j < c->params->n; j++)
        if (c->params->v[j].given &&
            add_col(w, c->plugin->plugin->kind, c->plugin->plugin->params[j].name) != 0)
          return lnb__error(err, LNB_ENOMEM, "out of memory");
      /* the host keys of optimizer cells (mini-batches), where given */
      if (((c->given & LNB_GIVEN_BATCH_SIZE) && add_col(w, LNB_OPTIMIZER, "batch_size") != 0) ||
          ((c->given & LNB_GIVEN_SAMPLING) && add_col(w, LNB_OPTIMIZER, "sampling") != 0))
        return lnb__error(err, LNB_ENOMEM, "out of memory");
      /* and their step transforms (1.5), where given */
      static const char *const host_keys[] = LNB_CELL_HOST_KEYS;
      for (size_t q = 2; q < LNB_CELL_NHOST_KEYS; q++)
        if ((c->given & (LNB_GIVEN_SCHEDULE << (q - 2))) &&
            add_col(w, LNB_OPTIMIZER, host_keys[q]) != 0)
          return lnb__error(err, LNB_ENOMEM, "out of memory");
      if (c->batch_size) w->batches = 1;
    }
  return LNB_OK;
}

/* the run ids of the runs this invocation runs (todo[i], or all when
 * todo is NULL), ascending */
static int set_todo_ids(lnb_results *w, const unsigned char *todo) {
  w->todo_ids = malloc((w->nruns ? w->nruns : 1) * sizeof *w->todo_ids);
  if (!w->todo_ids) return -1;
  w->ntodo_ids = 0;
  for (size_t i = 0; i < w->nruns; i++)
    if (!todo || todo[i]) w->todo_ids[w->ntodo_ids++] = w->run_ids[i];
  qsort(w->todo_ids, w->ntodo_ids, sizeof *w->todo_ids, cmp_size);
  return 0;
}

/* a fresh sweep in a directory that holds none: new CSVs with their headers */
static int results_fresh(lnb_results *w, lnb_error *err) {
  for (size_t i = 0; i < w->nruns; i++) w->run_ids[i] = i + 1;
  char *sh = summary_header(w), *th = traj_header(w->cfg);
  int rc = LNB_OK;
  if (!sh || !th) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  else if ((w->summary = lnb_open_plain(w->dir, "summary.csv",
                                        O_WRONLY | O_CREAT | O_EXCL | O_APPEND, err)) < 0 ||
           (w->traj = lnb_open_plain(w->dir, "trajectories.csv",
                                     O_WRONLY | O_CREAT | O_EXCL | O_APPEND, err)) < 0)
    rc = err->code;
  else if (append_all(w->summary, sh, strlen(sh)) != 0 || append_all(w->traj, th, strlen(th)) != 0)
    rc = lnb__error(err, LNB_EIO, "%s: write failed: %s", w->dir, strerror(errno));
  free(sh), free(th);
  if (rc == LNB_OK && set_todo_ids(w, NULL) != 0) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  return rc != LNB_OK ? rc : write_manifest(w, 0, 0, err);
}

static int results_resume(lnb_results *w, const lnb_run_spec *runs, size_t nruns,
                          int retry_failed, unsigned char *todo, lnb_error *err);

/* refuse what mode may not write into; LNB_OK when dir may be used */
static int check_state(const char *dir, lnb_out_mode mode, lnb_outdir_state *state,
                       lnb_error *err) {
  int rc = lnb_outdir_state_of(dir, state, err);
  if (rc != LNB_OK) return rc;
  if (*state == LNB_OUTDIR_FOREIGN)
    return lnb__error(err, LNB_EINVAL,
                      "%s: not empty and not an lnnbench results directory; choose another "
                      "--out directory",
                      dir);
  if (*state == LNB_OUTDIR_RESULTS && mode == LNB_OUT_NEW)
    return lnb__error(err, LNB_EINVAL,
                      "%s: holds the results of an earlier sweep; --resume adds the missing "
                      "runs to them, --move-aside keeps them in %s/" LNB_OUTDIR_PREVIOUS
                      "<time>/ and starts afresh",
                      dir, dir);
  return LNB_OK;
}

int lnb_results_start(lnb_results *w, const char *dir, const lnb_config *cfg,
                      const char *cmdline, const lnb_run_spec *runs, size_t nruns,
                      lnb_out_mode mode, int retry_failed, unsigned char *todo, lnb_error *err) {
  for (size_t i = 0; i < nruns; i++) todo[i] = 1;
  lnb_outdir_state state;
  memset(w, 0, sizeof *w);
  w->summary = w->traj = w->lock_fd = -1;
  if (!*dir) return lnb__error(err, LNB_EINVAL, "the output directory is empty ('')");
  /* once before anything is written (a refused directory gets no lock file),
   * once more under the lock */
  int rc = check_state(dir, mode, &state, err);
  if (rc == LNB_OK) rc = results_init(w, dir, cfg, cmdline, nruns, err);
  if (rc == LNB_OK) rc = check_state(dir, mode, &state, err);
  if (rc != LNB_OK) return rc;
  if (state == LNB_OUTDIR_RESULTS && mode == LNB_OUT_MOVE_ASIDE) {
    if ((rc = lnb_outdir_move_aside(dir, w->moved_to, sizeof w->moved_to, err)) != LNB_OK)
      return rc;
    state = LNB_OUTDIR_EMPTY;
  }
  if (state == LNB_OUTDIR_RESULTS) return results_resume(w, runs, nruns, retry_failed, todo, err);
  return results_fresh(w, err);
}

/* --------------------------------------------------------------- append */

static const lnb_value *cell_value(const lnb_cell *c, const char *param) {
  long j = lnb__spec_find(c->plugin->plugin->params, param);
  return j < 0 ? NULL : &c->params->v[j];
}

static char *tuned_text(const lnb_config *cfg, const lnb_cell *a, const lnb_cell *o) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  int first = 1;
  for (size_t t = 0; t < cfg->select.ntune; t++) {
    const lnb_cell *cells[2] = {a, o};
    for (int k = 0; k < 2; k++) {
      const lnb_value *v = cell_value(cells[k], cfg->select.tune[t]);
      char host[LNB_CELL_HOST_TEXT_MAX];
      const char *text = v && v->given ? v->text
                                       : lnb_cell_host_text(cells[k], cfg->select.tune[t], host,
                                                            sizeof host);
      if (text) {
        fprintf(f, "%s%s=%s", first ? "" : ",", cfg->select.tune[t], text);
        first = 0;
      }
    }
  }
  fclose(f);
  return buf;
}

/* labels of a run as the tables show them */
typedef struct run_labels {
  char *problem, *arch, *opt, *model, *tuned;
} run_labels;

static void labels_free(run_labels *l) {
  free(l->problem), free(l->arch), free(l->opt), free(l->model), free(l->tuned);
  memset(l, 0, sizeof *l);
}

static int labels_make(const lnb_config *cfg, const lnb_run_spec *spec, run_labels *l) {
  memset(l, 0, sizeof *l);
  l->problem = lnb_cell_label(spec->problem, NULL, 0);
  l->arch = lnb_cell_label(spec->architecture, NULL, 0);
  l->opt = lnb_cell_label(spec->optimizer, NULL, 0);
  char *amodel = lnb_cell_label(spec->architecture, cfg->select.tune, cfg->select.ntune);
  char *omodel = lnb_cell_label(spec->optimizer, cfg->select.tune, cfg->select.ntune);
  l->tuned = tuned_text(cfg, spec->architecture, spec->optimizer);
  if (amodel && omodel) {
    size_t n = strlen(amodel) + strlen(omodel) + 2;
    if ((l->model = malloc(n))) snprintf(l->model, n, "%s+%s", amodel, omodel);
  }
  free(amodel);
  free(omodel);
  if (!l->problem || !l->arch || !l->opt || !l->tuned || !l->model) {
    labels_free(l);
    return -1;
  }
  return 0;
}

/* the metric column called name under cfg, or -1 */
static long metric_col(const lnb_config *cfg, const char *name) {
  for (size_t i = 0, nc = lnb_metric_ncols(cfg); i < nc; i++) {
    char col[256];
    lnb_metric_colname(cfg, i, col, sizeof col);
    if (strcmp(col, name) == 0) return (long)i;
  }
  return -1;
}

/* keep the run for the head-to-head table; takes the labels */
static int add_row(lnb_results *w, const lnb_run_spec *spec, const lnb_run_result *res,
                   run_labels *l) {
  if (w->nrows == w->caprows) {
    size_t cap = w->caprows ? 2 * w->caprows : 64;
    lnb_row *t = realloc(w->rows, cap * sizeof *t);
    if (!t) return -1;
    w->rows = t;
    w->caprows = cap;
  }
  lnb_row *r = &w->rows[w->nrows++];
  memset(r, 0, sizeof *r);
  r->run_id = w->run_ids[spec->index];
  r->problem = l->problem;
  r->model = l->model;
  r->tuned = l->tuned;
  l->problem = l->model = l->tuned = NULL;
  r->arch_plugin = xstrdup(spec->architecture->plugin->plugin->name);
  r->opt_plugin = xstrdup(spec->optimizer->plugin->plugin->name);
  r->seed = spec->seed;
  r->status = res->status;
  r->iterations = res->iterations;
  r->iters_to_target = res->iters_to_target;
  r->seconds_to_target = res->seconds_to_target;
  r->final_loss = res->final_loss;
  r->final_gap = res->final_gap;
  r->seconds_per_iter = res->seconds_per_iter;
  r->test_accuracy = NAN;
  long acc = metric_col(w->cfg, "test_accuracy");
  if (acc >= 0 && res->ncheckpoints)
    r->test_accuracy = res->checkpoints[res->ncheckpoints - 1].metrics[acc];
  w->counts[res->status]++;
  return 0;
}

/* one row of trajectories.csv */
static void put_checkpoint_row(FILE *f, size_t run_id, const lnb_checkpoint *cp, size_t nm) {
  fprintf(f, "%zu,%llu,", run_id, (unsigned long long)cp->iteration);
  csv_real(f, cp->seconds);
  fputc(',', f);
  csv_real(f, cp->loss);
  fputc(',', f);
  csv_real(f, cp->gap);
  for (size_t m = 0; m < nm; m++) {
    fputc(',', f);
    csv_real(f, cp->metrics[m]);
  }
  fputc('\n', f);
}

/* Append the checkpoints a run's spool file holds (sweep.c) to
 * trajectories.csv, a block at a time, as part of the unit that started at
 * tstart. */
static int append_spooled(lnb_results *w, size_t run_id, const lnb_run_result *res, off_t tstart,
                          lnb_error *err) {
  enum { BLOCK = 4096 };
  size_t nm = lnb_metric_ncols(w->cfg), cs = lnb_wire_checkpoint_size(nm);
  unsigned char *buf = malloc(BLOCK * cs);
  lnb_run_result scratch;
  lnb_wire_result_init(&scratch);
  int rc = buf ? LNB_OK : lnb__error(err, LNB_ENOMEM, "out of memory");
  for (size_t done = 0; rc == LNB_OK && done < res->nspooled;) {
    size_t k = res->nspooled - done < BLOCK ? res->nspooled - done : BLOCK;
    size_t got = 0;
    while (got < k * cs) {
      ssize_t r = pread(res->spool_fd, buf + got, k * cs - got, (off_t)(done * cs + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += (size_t)r;
    }
    if (got != k * cs) {
      rc = lnb__error(err, LNB_EIO, "%s: reading a run's spooled checkpoints failed", w->dir);
      break;
    }
    int have = 0, bad = 0;
    scratch.ncheckpoints = 0;
    lnb_wire_parse(buf, k * cs, nm, &scratch, &have, &bad);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
      rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      break;
    }
    for (size_t i = 0; i < scratch.ncheckpoints; i++)
      put_checkpoint_row(f, run_id, &scratch.checkpoints[i], nm);
    if (fclose(f) != 0) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    else if (append_unit(w->traj, text, len, tstart) != 0)
      rc = lnb__error(err, LNB_EIO, "%s/trajectories.csv: write failed: %s", w->dir,
                      strerror(errno));
    free(text);
    done += k;
  }
  lnb_run_result_free(&scratch);
  free(buf);
  return rc;
}

static char *permute_row(const lnb_results *w, const char *row, size_t len, size_t *outlen);

int lnb_results_append(lnb_results *w, const lnb_run_spec *spec, const lnb_run_result *res,
                       lnb_error *err) {
  const lnb_config *cfg = w->cfg;
  run_labels l;
  if (labels_make(cfg, spec, &l) != 0) return lnb__error(err, LNB_ENOMEM, "out of memory");
  size_t run_id = w->run_ids[spec->index];
  /* Both rows are built in memory and written as single units, trajectories
   * first: a summary row on disk always has its checkpoints complete (what
   * --resume relies on after a kill -9), and a failed write leaves no partial
   * row behind. */
  char *tbuf = NULL, *sbuf = NULL, *pbuf = NULL; /* pbuf: sbuf in the file's column order */
  size_t tlen = 0, slen = 0, plen = 0;
  FILE *tf = open_memstream(&tbuf, &tlen);
  FILE *f = tf ? open_memstream(&sbuf, &slen) : NULL;
  if (!tf || !f) {
    if (tf) fclose(tf), free(tbuf);
    labels_free(&l);
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < res->ncheckpoints; i++)
    put_checkpoint_row(tf, run_id, &res->checkpoints[i], lnb_metric_ncols(cfg));
  fprintf(f, "%zu,%016llx,", run_id, (unsigned long long)lnb_run_spec_hash(cfg, spec));
  csv_str(f, l.problem);
  fputc(',', f);
  csv_str(f, l.arch);
  fputc(',', f);
  csv_str(f, l.opt);
  fprintf(f, ",%llu,", (unsigned long long)spec->seed);
  csv_str(f, l.model);
  fputc(',', f);
  csv_str(f, l.tuned);
  for (size_t i = 0; i < w->ncols; i++) {
    const lnb_cell *c = w->cols[i].kind == LNB_PROBLEM        ? spec->problem
                        : w->cols[i].kind == LNB_ARCHITECTURE ? spec->architecture
                                                              : spec->optimizer;
    const lnb_value *v = cell_value(c, w->cols[i].param);
    char host[LNB_CELL_HOST_TEXT_MAX];
    const char *text = v ? (v->set ? v->text : NULL)
                         : lnb_cell_host_text(c, w->cols[i].param, host, sizeof host);
    fputc(',', f);
    if (text) csv_str(f, text);
  }
  fprintf(f, ",%s,%llu,", lnb_run_status_name(res->status),
          (unsigned long long)res->iterations);
  csv_real(f, res->initial_loss);
  fputc(',', f);
  csv_real(f, res->final_loss);
  fputc(',', f);
  csv_real(f, res->final_gap);
  fputc(',', f);
  csv_real(f, res->lstar_known ? res->lstar : NAN);
  fputc(',', f);
  if (res->iters_to_target >= 0) fprintf(f, "%lld", (long long)res->iters_to_target);
  fputc(',', f);
  csv_real(f, res->seconds_to_target);
  fputc(',', f);
  csv_real(f, res->seconds_total);
  fputc(',', f);
  csv_real(f, res->seconds_per_iter);
  if (w->batches) {
    fputc(',', f);
    csv_real(f, res->epochs);
  }
  const lnb_checkpoint *last = res->ncheckpoints ? &res->checkpoints[res->ncheckpoints - 1] : NULL;
  for (size_t i = 0, nc = lnb_metric_ncols(cfg); i < nc; i++) {
    fputc(',', f);
    if (last) csv_real(f, last->metrics[i]);
  }
  fputc(',', f);
  csv_str(f, res->message);
  fputc('\n', f);

  int rc = LNB_OK;
  int bad = fclose(tf) != 0;
  bad |= fclose(f) != 0;
  off_t tstart = lseek(w->traj, 0, SEEK_END);
  if (bad) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  else if (res->spooled && (rc = append_spooled(w, run_id, res, tstart, err)) != LNB_OK) {
  } else if (append_unit(w->traj, tbuf, tlen, tstart) != 0)
    rc = lnb__error(err, LNB_EIO, "%s/trajectories.csv: write failed: %s", w->dir,
                    strerror(errno));
  else if (w->fmap && !(pbuf = permute_row(w, sbuf, slen, &plen)))
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  else if (append_all(w->summary, pbuf ? pbuf : sbuf, pbuf ? plen : slen) != 0) {
    rc = lnb__error(err, LNB_EIO, "%s/summary.csv: write failed: %s", w->dir, strerror(errno));
    /* checkpoints without their summary row would be dropped by --resume
     * anyway; cut them now */
    if (tstart >= 0 && ftruncate(w->traj, tstart) != 0) {
    }
  } else if (add_row(w, spec, res, &l) != 0)
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  free(tbuf);
  free(sbuf);
  free(pbuf);
  labels_free(&l);
  return rc;
}

/* --------------------------------------------------------------- resume */

static void csv_write_row(FILE *f, char **fields, size_t n) {
  for (size_t j = 0; j < n; j++) {
    if (j) fputc(',', f);
    csv_str(f, fields[j]);
  }
  fputc('\n', f);
}

static double field_real(const char *s) {
  if (!s || !*s) return NAN;
  if (strcmp(s, "inf") == 0) return INFINITY;
  if (strcmp(s, "-inf") == 0) return -INFINITY;
  return strtod(s, NULL);
}

/* A run id as written in the CSVs: a whole number from 1 to
 * LNB_RUN_ID_MAX in plain decimal. */
static int parse_run_id(const char *s, size_t len, size_t *id) {
  if (len == 0 || len > 16) return -1;
  unsigned long long v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (unsigned long long)(s[i] - '0');
  }
  if (v == 0 || v > LNB_RUN_ID_MAX) return -1;
  *id = (size_t)v;
  return 0;
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

static int id_in(const size_t *ids, size_t n, size_t id) {
  return bsearch(&id, ids, n, sizeof *ids, cmp_size) != NULL;
}

/* Cut what follows the last newline of fd (a row cut short by a kill);
 * *cut says whether there was any. */
static int cut_partial_line(int fd, int *cut) {
  *cut = 0;
  off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0) return size < 0 ? -1 : 0;
  char buf[4096];
  off_t end = size;
  while (end > 0) {
    size_t n = end < (off_t)sizeof buf ? (size_t)end : sizeof buf;
    if (pread(fd, buf, n, end - (off_t)n) != (ssize_t)n) return -1;
    for (size_t i = n; i-- > 0;)
      if (buf[i] == '\n') {
        off_t keep = end - (off_t)n + (off_t)i + 1;
        if (keep == size) return 0;
        *cut = 1;
        return ftruncate(fd, keep);
      }
    end -= (off_t)n;
  }
  *cut = 1;
  return ftruncate(fd, 0);
}

/* A file of the results directory opened for appending, its partial last
 * line cut and, when empty, its header written. */
static int open_for_resume(lnb_results *w, const char *name, const char *header, int *cut,
                           lnb_error *err) {
  int fd = lnb_open_plain(w->dir, name, O_RDWR | O_CREAT | O_APPEND, err);
  if (fd < 0) return -1;
  if (cut_partial_line(fd, cut) != 0 ||
      (lseek(fd, 0, SEEK_END) == 0 && append_all(fd, header, strlen(header)) != 0)) {
    lnb__error(err, LNB_EIO, "%s/%s: cannot repair: %s", w->dir, name, strerror(errno));
    close(fd);
    return -1;
  }
  if (*cut)
    lnb__log(1, "%s/%s: dropped an unfinished last line (an earlier sweep was killed mid-write)",
             w->dir, name);
  return fd;
}

/* Walk trajectories.csv (open as fd): check its header and run ids, cut the
 * checkpoints at its end that belong to no summary row (written just before
 * a summary row that a kill prevented), and list the run ids it still uses
 * (*used, sorted, may repeat). */
static int scan_trajectories(lnb_results *w, int fd, const char *th, const size_t *sum_ids,
                             size_t nsum, size_t **used, size_t *nused, lnb_error *err) {
  *used = NULL, *nused = 0;
  char *path = lnb_path_join(w->dir, "trajectories.csv");
  int dupfd = dup(fd);
  FILE *f = dupfd >= 0 && path ? fdopen(dupfd, "r") : NULL;
  if (!f) {
    if (dupfd >= 0) close(dupfd);
    free(path);
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  rewind(f);
  char *line = NULL;
  size_t cap = 0, lineno = 0, ncap = 0;
  off_t pos = 0, good_end = 0;
  size_t orphans = 0, nused_good = 0; /* ids used before the orphans at the end */
  int rc = LNB_OK;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) > 0) {
    lineno++;
    pos += len;
    if (lineno == 1) {
      if (strcmp(line, th) != 0)
        rc = lnb__error(err, LNB_EINVAL,
                        "%s: cannot resume: its columns differ from what this config writes "
                        "(record.metrics changed); use another --out directory or --move-aside",
                        path);
      good_end = pos;
      if (rc != LNB_OK) break;
      continue;
    }
    size_t id;
    if (parse_run_id(line, strcspn(line, ","), &id) != 0) {
      rc = lnb__error(err, LNB_EPARSE, "%s:%zu: '%.*s' is not a run id (1 to %llu)", path, lineno,
                      (int)(strcspn(line, ",\n") < 40 ? strcspn(line, ",\n") : 40), line,
                      (unsigned long long)LNB_RUN_ID_MAX);
      break;
    }
    if (id_in(sum_ids, nsum, id)) {
      good_end = pos;
      orphans = 0;
      nused_good = *nused;
      continue;
    }
    orphans++;
    if (*nused == 0 || (*used)[*nused - 1] != id) {
      if (*nused == ncap) {
        ncap = ncap ? 2 * ncap : 64;
        size_t *t = realloc(*used, ncap * sizeof *t);
        if (!t) {
          rc = lnb__error(err, LNB_ENOMEM, "out of memory");
          break;
        }
        *used = t;
      }
      (*used)[(*nused)++] = id;
    }
  }
  free(line);
  fclose(f);
  if (rc == LNB_OK && orphans && good_end < pos) {
    if (ftruncate(fd, good_end) != 0) {
      rc = lnb__error(err, LNB_EIO, "%s: cannot cut: %s", path, strerror(errno));
    } else {
      *nused = nused_good; /* the ids of the rows cut are free again */
      lnb__log(1, "%s: dropped %zu checkpoint rows of a run with no summary row (an earlier "
                  "sweep was killed between the two)", path, orphans);
    }
  }
  if (rc == LNB_OK && *nused) qsort(*used, *nused, sizeof **used, cmp_size);
  free(path);
  return rc;
}

typedef struct hash_row {
  uint64_t hash;
  size_t row;
} hash_row;

/* What an earlier manifest.json (before this --resume) recorded about file
 * contents, for the explanation of reruns: the text of its "plugins" and
 * "data_files" arrays (bounded copies, so a search never walks the config
 * text), whether its run identity had contents at all, and memos (runs come
 * cell by cell, so each plugin and cell is looked up once). Only
 * lnnbench's own layout is recognized; anything else only loses the
 * explanation. */
typedef struct old_manifest {
  int known, identity;
  char *plugins, *files;
  const lnb_loaded *pl[32];
  int pl_changed[32];
  size_t npl;
  const lnb_cell *cell[3]; /* the last cell of each kind looked at ... */
  long cell_file[3];       /* ... and its changed data file (-1: none) */
} old_manifest;

static char *old_section(const char *json, const char *section) {
  const char *p = strstr(json, section);
  if (!p) return NULL;
  const char *e = strstr(p, "\n  ]");
  size_t n = e ? (size_t)(e - p) : strlen(p);
  char *t = malloc(n + 1);
  if (t) memcpy(t, p, n), t[n] = '\0';
  return t;
}

static void old_manifest_read(old_manifest *om, const char *dir) {
  memset(om, 0, sizeof *om);
  lnb_error e;
  memset(&e, 0, sizeof e);
  char *json = lnb_results_read_manifest(dir, &e);
  if (!json) return;
  om->known = 1;
  char *cfgtext = strstr(json, "\"config_text\": "); /* the config's own text: not searched */
  if (cfgtext) *cfgtext = '\0';
  om->identity = strstr(json, "\"run_identity\": ") != NULL;
  om->plugins = old_section(json, "\"plugins\": [");
  om->files = old_section(json, "\"data_files\": [");
  free(json);
}

/* the hash recorded after `want` (an entry's first field as JSON text) in a
 * section: 1 and *h, else 0 */
static int old_hash(const char *sec, const char *want, uint64_t *h) {
  static const char hk[] = "\"hash\": \"fnv1a64:";
  for (const char *q = sec; q && (q = strstr(q, want)); q++) {
    const char *close = strchr(q, '}'), *hp = strstr(q, hk);
    if (!hp || (close && hp > close)) continue;
    hp += sizeof hk - 1;
    if (strspn(hp, "0123456789abcdef") < 16) continue;
    char hex[17];
    memcpy(hex, hp, 16);
    hex[16] = '\0';
    *h = strtoull(hex, NULL, 16);
    return 1;
  }
  return 0;
}

static int plugin_changed(old_manifest *om, const lnb_loaded *pl) {
  for (size_t i = 0; i < om->npl; i++)
    if (om->pl[i] == pl) return om->pl_changed[i];
  char want[256];
  uint64_t h;
  snprintf(want, sizeof want, "\"name\": \"%s\"", pl->plugin->name);
  int changed = old_hash(om->plugins, want, &h) && h != pl->hash;
  if (om->npl < sizeof om->pl / sizeof *om->pl) {
    om->pl[om->npl] = pl;
    om->pl_changed[om->npl++] = changed;
  }
  return changed;
}

/* the index of a data file of cell whose content changed, or -1 */
static long file_changed(old_manifest *om, int kind, const lnb_cell *cell) {
  if (om->cell[kind] == cell) return om->cell_file[kind];
  long found = -1;
  for (size_t q = 0; q < cell->nfiles && found < 0; q++) {
    char *esc = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&esc, &len);
    if (!m) continue;
    fputs("{\"path\": ", m);
    json_str(m, cell->files[q].path);
    fclose(m);
    uint64_t h;
    if (esc && old_hash(om->files, esc, &h) && h != cell->files[q].hash) found = (long)q;
    free(esc);
  }
  om->cell[kind] = cell;
  om->cell_file[kind] = found;
  return found;
}

/* Why a run of this config is to run although its directory holds results
 * (--resume): its reason into buf. retried: a failed row of it was recorded
 * and --retry-failed asked for it again. */
static void rerun_reason(old_manifest *om, const lnb_run_spec *spec, int retried, char *buf,
                         size_t n) {
  if (retried) {
    snprintf(buf, n, "failed before (--retry-failed)");
    return;
  }
  const lnb_cell *cells[3] = {spec->problem, spec->architecture, spec->optimizer};
  for (int k = 0; k < 3; k++)
    if (plugin_changed(om, cells[k]->plugin)) {
      snprintf(buf, n, "plugin %s changed (its file's content hash differs)",
               cells[k]->plugin->plugin->name);
      return;
    }
  for (int k = 0; k < 3; k++) {
    long q = file_changed(om, k, cells[k]);
    if (q >= 0) {
      char *shown = lnb__text_dup(cells[k]->files[q].path, NULL);
      snprintf(buf, n, "data file %s changed", shown ? shown : "?");
      free(shown);
      return;
    }
  }
  if (om->known && !om->identity)
    snprintf(buf, n, "recorded by an older lnnbench, whose run identity left out the "
                     "plugin and data file contents");
  else
    snprintf(buf, n, "not recorded (a new or edited cell, or a run that never finished)");
}

/* ------------------------------------------ growing the summary's columns */

/* the names of a header line (with newline) as csv_str wrote them: our
 * column names hold no comma or quote, so a split on ',' */
static char **header_names(const char *line, size_t *n) {
  *n = 0;
  size_t cap = 1;
  for (const char *p = line; *p; p++) cap += *p == ',';
  char **v = calloc(cap, sizeof *v);
  if (!v) return NULL;
  for (const char *p = line;;) {
    size_t k = strcspn(p, ",\n");
    if (!(v[*n] = malloc(k + 1))) break;
    memcpy(v[*n], p, k);
    v[(*n)++][k] = '\0';
    if (p[k] != ',') return v;
    p += k + 1;
  }
  for (size_t i = 0; i < *n; i++) free(v[i]);
  free(v);
  *n = 0;
  return NULL;
}

static long name_at(char *const *v, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], name) == 0) return (long)i;
  return -1;
}

/* Resuming into a summary.csv whose columns (old[nold]) differ from what
 * this config writes (the natural header sh): the file's columns become
 * the union — the old ones in their order, then the new parameter columns
 * after the last parameter column, other new columns before "message" — and
 * w->fmap maps each to its natural column (-1: written empty). The order of
 * blocks does not matter: a reordered grid only permutes. Refused (the file
 * is not a summary.csv lnnbench wrote) when a fixed column is missing. */
static int union_columns(lnb_results *w, char *const *old, size_t nold, const char *sh,
                         const char *spath, lnb_error *err) {
  size_t nnat = 0;
  char **nat = header_names(sh, &nnat);
  if (!nat) return lnb__error(err, LNB_ENOMEM, "out of memory");
  static const char *fixed[] = {"run_id", "spec_hash", "problem", "architecture", "optimizer",
                                "seed", "model", "tuned", "status", "message"};
  int rc = LNB_OK;
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed && rc == LNB_OK; i++)
    if (name_at(old, nold, fixed[i]) < 0)
      rc = lnb__error(err, LNB_EINVAL, "%s: cannot resume: no column '%s' (not a summary.csv "
                      "this lnnbench wrote); use another --out directory or --move-aside",
                      spath, fixed[i]);
  w->fcols = calloc(nold + nnat, sizeof *w->fcols);
  w->fmap = calloc(nold + nnat, sizeof *w->fmap);
  if (rc == LNB_OK && (!w->fcols || !w->fmap)) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  long st = name_at(old, nold, "status"), msg = name_at(old, nold, "message");
  for (size_t i = 0; rc == LNB_OK && i <= nold; i++) {
    /* before old column i: the new columns that go there */
    if ((long)i == st || (long)i == msg)
      for (size_t k = 0; k < nnat; k++) {
        int param = strchr(nat[k], '.') != NULL; /* problem.x, arch.x, opt.x */
        if (name_at(old, nold, nat[k]) >= 0 || param != ((long)i == st)) continue;
        w->fmap[w->nfcols] = (long)k;
        if (!(w->fcols[w->nfcols++] = xstrdup(nat[k]))) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      }
    if (i == nold || rc != LNB_OK) break;
    w->fmap[w->nfcols] = name_at(nat, nnat, old[i]);
    if (!(w->fcols[w->nfcols++] = xstrdup(old[i]))) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  for (size_t k = 0; k < nnat; k++) free(nat[k]);
  free(nat);
  return rc;
}

/* a natural-order row (one line, as lnb_results_append builds it) in the
 * file's column order (w->fmap); NULL when out of memory */
static char *permute_row(const lnb_results *w, const char *row, size_t len, size_t *outlen) {
  size_t cap = 64, nf = 0;
  size_t *at = malloc(cap * sizeof *at), *ln = malloc(cap * sizeof *ln);
  char *buf = NULL;
  *outlen = 0;
  FILE *f = at && ln ? open_memstream(&buf, outlen) : NULL;
  if (!f) {
    free(at), free(ln);
    return NULL;
  }
  for (size_t i = 0;;) { /* field spans, quotes kept (csv_str writes no newline inside) */
    size_t j = i;
    if (j < len && row[j] == '"') {
      for (j++; j < len; j++)
        if (row[j] == '"') {
          if (j + 1 < len && row[j + 1] == '"') j++;
          else {
            j++;
            break;
          }
        }
    }
    while (j < len && row[j] != ',' && row[j] != '\n') j++;
    if (nf == cap) {
      cap *= 2;
      size_t *a = realloc(at, cap * sizeof *a), *b = a ? realloc(ln, cap * sizeof *b) : NULL;
      if (a) at = a;
      if (b) ln = b;
      if (!a || !b) break;
    }
    at[nf] = i, ln[nf++] = j - i;
    if (j >= len || row[j] != ',') break;
    i = j + 1;
  }
  for (size_t c = 0; c < w->nfcols; c++) {
    if (c) fputc(',', f);
    long k = w->fmap[c];
    if (k >= 0 && (size_t)k < nf) fwrite(row + at[k], 1, ln[k], f);
  }
  fputc('\n', f);
  fclose(f);
  free(at), free(ln);
  return buf;
}

/* summary.csv rewritten in the union's columns (atomically: a kill leaves
 * the old file or the new one), old rows with empty cells in the new
 * columns; w->summary reopened on the new file */
static int rewrite_summary(lnb_results *w, const lnb_csv *sum, const char *spath,
                           lnb_error *err) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return lnb__error(err, LNB_ENOMEM, "out of memory");
  long *src = malloc((w->nfcols ? w->nfcols : 1) * sizeof *src);
  for (size_t c = 0; src && c < w->nfcols; c++) {
    fprintf(f, "%s%s", c ? "," : "", w->fcols[c]);
    src[c] = lnb_csv_col(sum, w->fcols[c]);
  }
  fputc('\n', f);
  for (size_t r = 0; src && r < sum->nrows; r++) {
    for (size_t c = 0; c < w->nfcols; c++) {
      if (c) fputc(',', f);
      if (src[c] >= 0) csv_str(f, sum->rows[r][src[c]]);
    }
    fputc('\n', f);
  }
  int rc = fclose(f) != 0 || !src ? lnb__error(err, LNB_ENOMEM, "out of memory") : LNB_OK;
  free(src);
  if (rc == LNB_OK) rc = lnb_write_atomic(spath, text, len, err);
  free(text);
  if (rc != LNB_OK) return rc;
  close(w->summary);
  w->summary = lnb_open_plain(w->dir, "summary.csv", O_RDWR | O_APPEND, err);
  return w->summary < 0 ? err->code : LNB_OK;
}

static int cmp_hash_row(const void *a, const void *b) {
  const hash_row *x = a, *y = b;
  if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* Resume the sweep recorded in w->dir. Nothing recorded is deleted or
 * renumbered: the files are only appended to (after a partial last line is
 * cut), so a kill at any point leaves them consistent. A run of this config
 * whose spec hash is recorded keeps its row (the last one with that hash;
 * failed ones are run again when retry_failed) and run id; every other row
 * stays in the files but out of the tables (manifest.json's
 * "excluded_run_ids"). New runs take run id index + 1 when no recorded row
 * uses it, else ids above every used one. */
static int results_resume(lnb_results *w, const lnb_run_spec *runs, size_t nruns,
                          int retry_failed, unsigned char *todo, lnb_error *err) {
  const lnb_config *cfg = w->cfg;
  char *spath = lnb_path_join(w->dir, "summary.csv");
  char *sh = summary_header(w), *th = traj_header(cfg);
  lnb_csv sum = {0};
  size_t *sum_ids = NULL, *used = NULL, nused = 0;
  hash_row *hr = NULL;
  old_manifest om; /* manifest.json before this sweep */
  memset(&om, 0, sizeof om);
  unsigned char *kept = NULL;
  size_t *krow = NULL; /* per run of this config: its kept summary row */
  int rc = LNB_OK, cut = 0;
  if (!spath || !sh || !th) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  if ((w->summary = open_for_resume(w, "summary.csv", sh, &cut, err)) < 0 ||
      (w->traj = open_for_resume(w, "trajectories.csv", th, &cut, err)) < 0) {
    rc = err->code;
    goto out;
  }
  if ((rc = lnb_csv_read(spath, &sum, err)) != LNB_OK) goto out;
  /* the same columns, or the earlier sweep was of another config shape */
  {
    char *got = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&got, &len);
    if (m) {
      csv_write_row(m, sum.header, sum.ncols);
      fclose(m);
    }
    if (!got) {
      rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    int same = strcmp(got, sh) == 0;
    free(got);
    /* other columns (a block added or reordered): write in the union */
    if (!same && (rc = union_columns(w, sum.header, sum.ncols, sh, spath, err)) != LNB_OK)
      goto out;
  }
  long c_hash = lnb_csv_col(&sum, "spec_hash"), c_status = lnb_csv_col(&sum, "status");
  long c_id = lnb_csv_col(&sum, "run_id");
  size_t n = sum.nrows;
  sum_ids = malloc((n ? n : 1) * sizeof *sum_ids);
  hr = malloc((n ? n : 1) * sizeof *hr);
  kept = calloc(n ? n : 1, 1);
  krow = malloc((nruns ? nruns : 1) * sizeof *krow);
  if (!sum_ids || !hr || !kept || !krow) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  /* every row's run id, spec hash and status, checked */
  for (size_t r = 0; r < n; r++) {
    char **row = sum.rows[r];
    const char *h = row[c_hash];
    char *end = NULL;
    if (parse_run_id(row[c_id], strlen(row[c_id]), &sum_ids[r]) != 0) {
      rc = lnb__error(err, LNB_EPARSE, "%s:%zu: run_id '%.40s' is not a run id (1 to %llu)",
                      spath, sum.lines[r], row[c_id], (unsigned long long)LNB_RUN_ID_MAX);
      goto out;
    }
    hr[r].hash = strtoull(h, &end, 16);
    hr[r].row = r;
    if (strlen(h) != 16 || strspn(h, "0123456789abcdef") != 16) {
      rc = lnb__error(err, LNB_EPARSE, "%s:%zu: spec_hash '%.40s' is not 16 hex digits", spath,
                      sum.lines[r], h);
      goto out;
    }
    if (lnb_run_status_from_name(row[c_status]) < 0) {
      rc = lnb__error(err, LNB_EPARSE, "%s:%zu: unknown status '%.40s'", spath, sum.lines[r],
                      row[c_status]);
      goto out;
    }
  }
  {
    /* run ids are unique (sorted copy) */
    size_t *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted) {
      rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    memcpy(sorted, sum_ids, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_size);
    for (size_t r = 1; r < n; r++)
      if (sorted[r] == sorted[r - 1]) {
        size_t dup = sorted[r], first = 0, second = 0;
        for (size_t q = 0; q < n; q++)
          if (sum_ids[q] == dup) {
            if (!first) first = sum.lines[q];
            else if (!second) second = sum.lines[q];
          }
        free(sorted);
        rc = lnb__error(err, LNB_EPARSE, "%s:%zu: run_id %zu is also on line %zu", spath, second,
                        dup, first);
        goto out;
      }
    rc = scan_trajectories(w, w->traj, th, sorted, n, &used, &nused, err);
    if (rc == LNB_OK) { /* used = summary ids + ids that only trajectories.csv has */
      size_t *t = realloc(used, (nused + n + 1) * sizeof *t);
      if (!t) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      else {
        used = t;
        memcpy(used + nused, sorted, n * sizeof *used);
        nused += n;
        qsort(used, nused, sizeof *used, cmp_size);
      }
    }
    free(sorted);
    if (rc != LNB_OK) goto out;
  }
  /* every check passed: now the columns may grow (new ones only) */
  if (w->fcols) {
    int grows = w->nfcols != sum.ncols;
    if (grows && (rc = rewrite_summary(w, &sum, spath, err)) != LNB_OK) goto out;
  }
  /* each run of this config takes the last row with its spec hash */
  qsort(hr, n, sizeof *hr, cmp_hash_row);
  old_manifest_read(&om, w->dir);
  struct {
    char text[320];
    size_t n;
  } why[8];
  size_t nwhy = 0;
  size_t maxused = nused ? used[nused - 1] : 0;
  size_t next_free = (maxused > nruns ? maxused : nruns) + 1;
  for (size_t i = 0; i < nruns; i++) {
    uint64_t h = lnb_run_spec_hash(cfg, &runs[i]);
    size_t lo = 0, hi = n; /* first entry with hash > h */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (hr[mid].hash <= h) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && hr[lo - 1].hash == h && !kept[hr[lo - 1].row]) {
      size_t r = hr[lo - 1].row;
      int st = lnb_run_status_from_name(sum.rows[r][c_status]);
      if (!(retry_failed && lnb_run_status_failed((lnb_run_status)st))) {
        kept[r] = 1;
        todo[i] = 0;
        w->run_ids[i] = sum_ids[r];
        krow[i] = r;
        continue;
      }
    }
    w->run_ids[i] = id_in(used, nused, i + 1) ? next_free++ : i + 1;
    /* why it runs, counted by reason */
    char reason[320];
    rerun_reason(&om, &runs[i], lo > 0 && hr[lo - 1].hash == h, reason, sizeof reason);
    size_t k = 0;
    while (k < nwhy && strcmp(why[k].text, reason) != 0) k++;
    if (k == nwhy && nwhy < sizeof why / sizeof *why) {
      snprintf(why[nwhy].text, sizeof why[nwhy].text, "%s", reason);
      why[nwhy++].n = 0;
    }
    if (k < nwhy) why[k].n++;
  }
  {
    size_t o = 0;
    w->rerun_why[0] = '\0';
    for (size_t k = 0; k < nwhy && o + 1 < sizeof w->rerun_why; k++) {
      int q = snprintf(w->rerun_why + o, sizeof w->rerun_why - o, "%s%zu run%s to run: %s",
                       k ? "; " : "", why[k].n, why[k].n == 1 ? "" : "s", why[k].text);
      if (q < 0) break;
      o += (size_t)q;
    }
  }
  /* the kept runs, for the table; every other recorded row is excluded */
  for (size_t i = 0; i < nruns; i++) {
    if (todo[i]) continue;
    size_t r = krow[i];
    const lnb_run_spec *spec = &runs[i];
    lnb_run_result res;
    memset(&res, 0, sizeof res);
    res.status = (lnb_run_status)lnb_run_status_from_name(sum.rows[r][c_status]);
    res.iterations = strtoull(sum.rows[r][lnb_csv_col(&sum, "iterations")], NULL, 10);
    const char *itt = sum.rows[r][lnb_csv_col(&sum, "iters_to_target")];
    res.iters_to_target = *itt ? strtoll(itt, NULL, 10) : -1;
    res.seconds_to_target = field_real(sum.rows[r][lnb_csv_col(&sum, "seconds_to_target")]);
    res.final_loss = field_real(sum.rows[r][lnb_csv_col(&sum, "final_loss")]);
    res.final_gap = field_real(sum.rows[r][lnb_csv_col(&sum, "final_gap")]);
    res.seconds_per_iter = field_real(sum.rows[r][lnb_csv_col(&sum, "seconds_per_iter")]);
    run_labels l;
    if (labels_make(cfg, spec, &l) != 0 || add_row(w, spec, &res, &l) != 0) {
      labels_free(&l);
      rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    labels_free(&l);
    long c_acc = lnb_csv_col(&sum, "final_test_accuracy");
    if (c_acc >= 0) w->rows[w->nrows - 1].test_accuracy = field_real(sum.rows[r][c_acc]);
    w->resumed++;
  }
  w->excluded = malloc((n ? n : 1) * sizeof *w->excluded);
  if (!w->excluded) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t r = 0; r < n; r++)
    if (!kept[r]) w->excluded[w->nexcluded++] = sum_ids[r];
  qsort(w->excluded, w->nexcluded, sizeof *w->excluded, cmp_size);
  if (set_todo_ids(w, todo) != 0) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  /* the invocations before this one, with the runs each finished */
  {
    size_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (ids) {
      memcpy(ids, sum_ids, n * sizeof *ids);
      qsort(ids, n, sizeof *ids, cmp_size);
      w->history = history_build(w->dir, ids, n);
      free(ids);
    }
  }
  rc = write_manifest(w, 0, 0, err);
out:
  lnb_csv_free(&sum);
  free(sum_ids), free(used), free(hr), free(kept), free(krow);
  free(spath), free(sh), free(th), free(om.plugins), free(om.files);
  return rc;
}

/* --------------------------------------------------------------- finish */

/* What summary.md says around its tables; filled from the live sweep or,
 * for `lnnbench table`, from manifest.json. */
typedef struct summary_meta {
  const char *name, *best_by, *baseline;
  size_t runs_total, nseeds;
  int interrupted, has_target;
  double target_gap, max_seconds, max_epochs;
  long long max_iters;
  const char *footer; /* provenance line */
  const char *dir;    /* the results directory (its trajectories.csv feeds the ECDF) */
} summary_meta;

static void write_summary_md(FILE *f, const summary_meta *m, const lnb_row *rows, size_t n) {
  size_t counts[LNB_RUN_STATUS_COUNT] = {0};
  for (size_t i = 0; i < n; i++) counts[rows[i].status]++;
  fprintf(f, "# %s\n\n", m->name);
  fprintf(f, "%zu of %zu runs%s — converged %zu, max_iters %zu, timeout %zu, diverged %zu, "
             "error %zu, crashed %zu. Seeds: %zu. ",
          n, m->runs_total, m->interrupted ? " (interrupted)" : "", counts[LNB_RUN_CONVERGED],
          counts[LNB_RUN_MAX_ITERS], counts[LNB_RUN_TIMEOUT], counts[LNB_RUN_DIVERGED],
          counts[LNB_RUN_ERROR], counts[LNB_RUN_CRASHED], m->nseeds);
  if (m->has_target)
    fprintf(f, "Target: gap l − l* ≤ %g within %lld iterations", m->target_gap, m->max_iters);
  else fprintf(f, "No target gap: every run goes to %lld iterations", m->max_iters);
  if (m->max_epochs > 0) fprintf(f, " or %g epochs", m->max_epochs);
  if (m->max_seconds > 0) fprintf(f, " or %g s", m->max_seconds);
  fprintf(f, ".\n\nEach row is one model at the tuned setting that `select.best_by: %s` picks "
             "(median over seeds; unreached targets count as ∞). `reached` counts seeds that "
             "hit the target. Times exclude checkpoint evaluation.\n\n",
          m->best_by);
  lnb_table_opts o = {.best_by = m->best_by, .baseline = m->baseline, .has_target = m->has_target};
  lnb_table t;
  if (lnb_table_compute(rows, n, &o, &t) == 0) {
    lnb_table_render(f, &t, &o, LNB_TABLE_MD);
    fputc('\n', f);
  } else fputs("(out of memory rendering the table)\n\n", f);
  lnb_table_free(&t);
  lnb_profile_summary_md(f, rows, n, m->best_by, m->has_target); /* >= 2 problems only */
  lnb_ecdf_summary_md(f, m->dir, rows, n, m->best_by, m->has_target, m->target_gap);
  fprintf(f, "---\n%s\n", m->footer);
}

static void provenance_line(const lnb_provenance *p, char *buf, size_t n) {
  snprintf(buf, n, "lnnbench %s, commit %.12s%s, %s, BLIS %s (%d thread%s), %s, %s.", p->version,
           p->git_commit, p->git_dirty == 1 ? " (dirty)" : "", p->compiler, p->blis_version,
           p->blis_threads, p->blis_threads == 1 ? "" : "s", p->cpu_model, p->date_utc);
}

int lnb_results_finish(lnb_results *w, int interrupted, lnb_error *err) {
  const lnb_config *cfg = w->cfg;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return lnb__error(err, LNB_ENOMEM, "out of memory");
  char footer[1024];
  provenance_line(&w->prov, footer, sizeof footer);
  summary_meta m = {.name = cfg->name,
                    .best_by = cfg->select.best_by,
                    .baseline = cfg->report.baseline,
                    .runs_total = lnb_config_run_count(cfg),
                    .nseeds = cfg->nseeds,
                    .interrupted = interrupted,
                    .has_target = cfg->stop.has_target,
                    .target_gap = cfg->stop.target_gap,
                    .max_seconds = cfg->stop.max_seconds,
                    .max_iters = (long long)cfg->stop.max_iters,
                    .max_epochs = cfg->stop.max_epochs,
                    .footer = footer,
                    .dir = w->dir};
  write_summary_md(f, &m, w->rows, w->nrows);
  int rc = flush_to_file(w->dir, "summary.md", f, &buf, &len, err);
  if (rc != LNB_OK) return rc;
  return write_manifest(w, 1, interrupted, err);
}

/* ------------------------------------------------- reading a results dir */

/* The reading side of the files above, shared by `lnnbench table` (below)
 * and the reporting tools (report.c), so both accept the same files and
 * say the same thing about a bad one. */

/* Whether s[0..len) is one whole JSON object: strings closed (no raw
 * control character in them), brackets matched, nothing after the closing
 * brace. The grammar in between is not checked; a manifest cut short by a
 * crash or a full disk, or with a NUL byte in it, fails. */
static int json_object_whole(const char *s, size_t len) {
  size_t i = 0;
  while (i < len && strchr(" \t\r\n", s[i]) && s[i]) i++;
  if (i == len || s[i] != '{') return 0;
  char close[16]; /* lnnbench's manifest nests 3 deep */
  size_t depth = 0;
  for (; i < len; i++) {
    char ch = s[i];
    if (ch == '\0') return 0;
    if (ch == '"') {
      for (i++; i < len && s[i] != '"'; i++) {
        if ((unsigned char)s[i] < 0x20) return 0;
        if (s[i] == '\\') i++;
      }
      if (i >= len) return 0;
    } else if (ch == '{' || ch == '[') {
      if (depth == sizeof close) return 0;
      close[depth++] = ch == '{' ? '}' : ']';
    } else if (ch == '}' || ch == ']') {
      if (depth == 0 || close[--depth] != ch) return 0;
      if (depth == 0) break;
    }
  }
  if (i >= len) return 0;
  for (i++; i < len; i++)
    if (!strchr(" \t\r\n", s[i]) || !s[i]) return 0;
  return 1;
}

char *lnb_results_read_manifest(const char *dir, lnb_error *err) {
  char *path = lnb_path_join(dir, "manifest.json");
  if (!path) {
    lnb__error(err, LNB_ENOMEM, "out of memory");
    return NULL;
  }
  /* a regular file of bounded size (no FIFO, no device), as the CSVs */
  size_t len = 0;
  char *json = lnb_read_file(path, LNB_MAX_RESULTS_FILE, "results file", &len, err);
  if (!json && err && err->code == LNB_EIO) {
    size_t k = strlen(err->msg);
    snprintf(err->msg + k, sizeof err->msg - k, " (is %s a results directory?)", dir);
  }
  if (!json) {
    free(path);
    return NULL;
  }
  int whole = json_object_whole(json, len);
  char total[32] = "";
  if (whole) lnb_results_manifest_field(json, "runs_total", total, sizeof total);
  if (!whole)
    lnb__error(err, LNB_EPARSE, "%s: not one whole JSON object (truncated or corrupt file?)",
               path);
  else if (!total[0] || strspn(total, "0123456789") != strlen(total))
    lnb__error(err, LNB_EPARSE, "%s: no \"runs_total\" count (not written by this lnnbench?)",
               path);
  else {
    free(path);
    return json;
  }
  free(json);
  free(path);
  return NULL;
}

/* value text of "key": in our own manifest.json ("" if absent); strings are
 * unescaped, numbers and literals copied */
/* where the value of "key" starts in lnnbench's manifest.json layout, or
 * NULL: the first "key": that is a key, not text inside a string value
 * (there every quote is escaped, so a match follows a backslash) */
static const char *manifest_value(const char *json, const char *key) {
  char pat[128];
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  for (const char *p = json; (p = strstr(p, pat)) != NULL; p++)
    if (p == json || p[-1] != '\\') return p + strlen(pat);
  return NULL;
}

void lnb_results_manifest_field(const char *json, const char *key, char *out, size_t n) {
  out[0] = '\0';
  const char *p = manifest_value(json, key);
  if (!p) return;
  size_t k = 0;
  if (*p == '"') {
    for (p++; *p && *p != '"' && k + 1 < n; p++) {
      if (*p == '\\' && p[1]) {
        p++;
        out[k++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
      } else out[k++] = *p;
    }
  } else if (*p == '[') { /* a flat array: copy through the closing bracket */
    while (*p && *p != ']' && k + 2 < n) out[k++] = *p++;
    if (*p == ']') out[k++] = ']';
  } else {
    while (*p && *p != ',' && *p != '}' && *p != '\n' && k + 1 < n) out[k++] = *p++;
  }
  out[k] = '\0';
  char *safe = lnb__text_dup(out, NULL); /* printed, and written into summary.md */
  size_t sl = safe ? strlen(safe) : 0;
  if (sl > n - 1) { /* cut between whole UTF-8 characters */
    sl = n - 1;
    while (sl > 0 && ((unsigned char)safe[sl] & 0xC0) == 0x80) sl--;
  }
  if (safe) memcpy(out, safe, sl);
  out[sl] = '\0';
  free(safe);
}

/* a run-id list of manifest.json ("1-4,9", the value of key) as ranges:
 * ex[2k] to ex[2k+1], *n ranges, in the order written (ascending, not
 * overlapping: how lnnbench writes them; anything else only misses ids).
 * Parsing stops at the first malformed range. */
static size_t *id_ranges(const char *json, const char *key, size_t *n) {
  *n = 0;
  const char *p = json ? manifest_value(json, key) : NULL;
  if (!p || *p++ != '"') return NULL;
  size_t cap = 0, *ex = NULL;
  while (*p && *p != '"') {
    size_t a, b, la = strspn(p, "0123456789");
    if (parse_run_id(p, la, &a) != 0) break;
    p += la;
    b = a;
    if (*p == '-') {
      size_t lb = strspn(p + 1, "0123456789");
      if (parse_run_id(p + 1, lb, &b) != 0 || b < a) break;
      p += 1 + lb;
    }
    if (*n && a <= ex[2 * *n - 1]) break; /* not ascending */
    if (*n == cap) {
      cap = cap ? 2 * cap : 16;
      size_t *t = realloc(ex, 2 * cap * sizeof *t);
      if (!t) break;
      ex = t;
    }
    ex[2 * *n] = a, ex[2 * *n + 1] = b;
    (*n)++;
    if (*p != ',') break;
    p++;
  }
  return ex;
}

static int in_ranges(const size_t *ex, size_t n, size_t id) {
  size_t lo = 0, hi = n; /* first range whose end is >= id */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ex[2 * mid + 1] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && ex[2 * lo] <= id;
}

int lnb_results_read_summary(const char *path, const char *json, double (*real)(const char *),
                             lnb_csv *sum, lnb_row **rows, size_t *nrows, lnb_error *err) {
  *rows = NULL;
  *nrows = 0;
  int rc = lnb_csv_read(path, sum, err);
  if (rc != LNB_OK) return rc;
  /* every text escaped once here (lnb__text_dup): labels reach terminals,
   * summary.md and gnuplot scripts */
  for (size_t i = 0; i <= sum->nrows; i++) {
    char **r = i < sum->nrows ? sum->rows[i] : sum->header;
    for (size_t j = 0; j < sum->ncols; j++) {
      char *safe = lnb__text_dup(r[j], NULL);
      if (!safe) return lnb__error(err, LNB_ENOMEM, "out of memory");
      free(r[j]);
      r[j] = safe;
    }
  }
  static const char *const need[] = {"run_id", "problem", "architecture", "optimizer", "seed",
                                     "model", "tuned", "status", "iterations", "final_loss",
                                     "final_gap", "iters_to_target", "seconds_to_target",
                                     "seconds_per_iter"};
  long col[sizeof need / sizeof *need];
  for (size_t j = 0; j < sizeof need / sizeof *need; j++)
    if ((col[j] = lnb_csv_col(sum, need[j])) < 0)
      return lnb__error(err, LNB_EPARSE, "%s: no column '%s' (not written by this lnnbench?)",
                        path, need[j]);
  *rows = calloc(sum->nrows ? sum->nrows : 1, sizeof **rows);
  if (!*rows) return lnb__error(err, LNB_ENOMEM, "out of memory");
  long c_acc = lnb_csv_col(sum, "final_test_accuracy"); /* optional */
  /* every run id checked, each once */
  size_t *ids = malloc((sum->nrows ? sum->nrows : 1) * sizeof *ids), nex = 0;
  size_t *ex = id_ranges(json, "excluded_run_ids", &nex);
  if (!ids) {
    free(ex);
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < sum->nrows; i++) {
    const char *t = sum->rows[i][col[0]];
    if (parse_run_id(t, strlen(t), &ids[i]) != 0) {
      free(ids), free(ex);
      return lnb__error(err, LNB_EPARSE, "%s:%zu: run_id '%.40s' is not a run id (1 to %llu)",
                        path, sum->lines[i], t, (unsigned long long)LNB_RUN_ID_MAX);
    }
  }
  {
    size_t *sorted = malloc((sum->nrows ? sum->nrows : 1) * sizeof *sorted);
    if (!sorted) {
      free(ids), free(ex);
      return lnb__error(err, LNB_ENOMEM, "out of memory");
    }
    memcpy(sorted, ids, sum->nrows * sizeof *ids);
    qsort(sorted, sum->nrows, sizeof *sorted, cmp_size);
    for (size_t i = 1; i < sum->nrows; i++)
      if (sorted[i] == sorted[i - 1]) {
        size_t dup = sorted[i], line = 0;
        for (size_t q = sum->nrows; q-- > 0;)
          if (ids[q] == dup && !line) line = sum->lines[q];
        free(sorted), free(ids), free(ex);
        return lnb__error(err, LNB_EPARSE, "%s:%zu: run_id %zu appears twice", path, line, dup);
      }
    free(sorted);
  }
  for (size_t i = 0; i < sum->nrows; i++) {
    char **r = sum->rows[i];
    if (in_ranges(ex, nex, ids[i])) continue;
    lnb_row *row = &(*rows)[*nrows];
    int st = lnb_run_status_from_name(r[col[7]]);
    if (st < 0) {
      free(ids), free(ex);
      return lnb__error(err, LNB_EPARSE, "%s:%zu: unknown status '%s'", path, sum->lines[i],
                        r[col[7]]);
    }
    (*nrows)++;
    row->run_id = ids[i];
    row->problem = r[col[1]];
    row->arch_plugin = r[col[2]]; /* cut at '(' below: the plugin name */
    row->opt_plugin = r[col[3]];
    row->seed = strtoull(r[col[4]], NULL, 10);
    row->model = r[col[5]];
    row->tuned = r[col[6]];
    row->status = (lnb_run_status)st;
    row->iterations = strtoull(r[col[8]], NULL, 10);
    row->final_loss = real(r[col[9]]);
    row->final_gap = real(r[col[10]]);
    row->iters_to_target = *r[col[11]] ? strtoll(r[col[11]], NULL, 10) : -1;
    row->seconds_to_target = real(r[col[12]]);
    row->seconds_per_iter = real(r[col[13]]);
    row->test_accuracy = c_acc >= 0 ? real(r[c_acc]) : NAN;
    r[col[2]][strcspn(r[col[2]], "(")] = '\0';
    r[col[3]][strcspn(r[col[3]], "(")] = '\0';
  }
  free(ids), free(ex);
  return LNB_OK;
}

/* ------------------------------------------------------ re-render tables */

int lnb_results_rerender(const char *dir, lnb_table_format fmt, FILE *out, lnb_error *err) {
  char *spath = lnb_path_join(dir, "summary.csv");
  char *json = NULL;
  lnb_csv sum = {0};
  lnb_row *rows = NULL;
  size_t nrows = 0;
  int rc = LNB_OK;
  if (!spath) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  if (!(json = lnb_results_read_manifest(dir, err))) {
    rc = err->code;
    goto out;
  }
  /* field_real, as `lnnbench table` has always read numbers (text that is
   * not one reads as 0, where report.c's lnb_report_real gives NaN) */
  if ((rc = lnb_results_read_summary(spath, json, field_real, &sum, &rows, &nrows, err)) != LNB_OK)
    goto out;
  {
    char name[256], best_by[64], baseline[512], total[32], seeds_txt[4096], state[32],
        target[64], max_iters[32], max_seconds[64], max_epochs[64], footer[1024], version[32], commit[64],
        compiler[128], blis[64], threads[16], cpu[256], date[32], dirty[16];
    lnb_results_manifest_field(json, "config_name", name, sizeof name);
    lnb_results_manifest_field(json, "select_best_by", best_by, sizeof best_by);
    lnb_results_manifest_field(json, "report_baseline", baseline, sizeof baseline);
    lnb_results_manifest_field(json, "runs_total", total, sizeof total);
    lnb_results_manifest_field(json, "seeds", seeds_txt, sizeof seeds_txt);
    lnb_results_manifest_field(json, "state", state, sizeof state);
    lnb_results_manifest_field(json, "target_gap", target, sizeof target);
    lnb_results_manifest_field(json, "max_iters", max_iters, sizeof max_iters);
    lnb_results_manifest_field(json, "max_seconds", max_seconds, sizeof max_seconds);
    lnb_results_manifest_field(json, "max_epochs", max_epochs, sizeof max_epochs);
    lnb_results_manifest_field(json, "lnnbench_version", version, sizeof version);
    lnb_results_manifest_field(json, "git_commit", commit, sizeof commit);
    lnb_results_manifest_field(json, "git_dirty", dirty, sizeof dirty);
    lnb_results_manifest_field(json, "compiler", compiler, sizeof compiler);
    lnb_results_manifest_field(json, "blis_version", blis, sizeof blis);
    lnb_results_manifest_field(json, "blis_threads", threads, sizeof threads);
    lnb_results_manifest_field(json, "cpu_model", cpu, sizeof cpu);
    lnb_results_manifest_field(json, "date_utc", date, sizeof date);
    size_t nseeds = strcmp(seeds_txt, "[]") ? 1 : 0;
    for (const char *q = seeds_txt; *q && *q != ']'; q++) nseeds += *q == ',';
    snprintf(footer, sizeof footer,
             "lnnbench %s, commit %.12s%s, %s, BLIS %s (%s thread%s), %s, %s (re-rendered from "
             "summary.csv).",
             version, commit, strcmp(dirty, "true") == 0 ? " (dirty)" : "", compiler, blis,
             threads, strcmp(threads, "1") == 0 ? "" : "s", cpu, date);
    int has_target = *target && strcmp(target, "null") != 0;
    summary_meta m = {.name = name,
                      .best_by = *best_by ? best_by : "seconds_to_target",
                      .baseline = *baseline && strcmp(baseline, "null") ? baseline : NULL,
                      .runs_total = strtoull(total, NULL, 10),
                      .nseeds = nseeds,
                      .interrupted = strcmp(state, "complete") != 0,
                      .has_target = has_target,
                      .target_gap = has_target ? strtod(target, NULL) : 0,
                      .max_seconds = strcmp(max_seconds, "null") ? strtod(max_seconds, NULL) : 0,
                      .max_iters = strtoll(max_iters, NULL, 10),
                      .max_epochs = *max_epochs && strcmp(max_epochs, "null") ? strtod(max_epochs, NULL) : 0,
                      .footer = footer,
                      .dir = dir};
    lnb_table_opts o = {.best_by = m.best_by, .baseline = m.baseline, .has_target = has_target};
    if (fmt == LNB_TABLE_MD) {
      char *buf = NULL;
      size_t len = 0;
      FILE *f = open_memstream(&buf, &len);
      if (!f) {
        rc = lnb__error(err, LNB_ENOMEM, "out of memory");
        goto out;
      }
      write_summary_md(f, &m, rows, nrows);
      fflush(f);
      if (out) fwrite(buf, 1, len, out);
      rc = flush_to_file(dir, "summary.md", f, &buf, &len, err);
    } else {
      lnb_table t;
      if (lnb_table_compute(rows, nrows, &o, &t) != 0) {
        rc = lnb__error(err, LNB_ENOMEM, "out of memory");
        goto out;
      }
      lnb_table_render(out, &t, &o, fmt);
      lnb_table_free(&t);
    }
  }
out:
  free(rows);
  lnb_csv_free(&sum);
  free(json);
  free(spath);
  return rc;
}

void lnb_results_close(lnb_results *w) {
  if (w->summary >= 0) close(w->summary);
  if (w->traj >= 0) close(w->traj);
  if (w->lock_fd >= 0) close(w->lock_fd);
  free(w->run_ids);
  free(w->excluded);
  free(w->todo_ids);
  free(w->history);
  for (size_t i = 0; i < w->nrows; i++) {
    free(w->rows[i].problem);
    free(w->rows[i].model);
    free(w->rows[i].tuned);
    free(w->rows[i].arch_plugin);
    free(w->rows[i].opt_plugin);
  }
  free(w->rows);
  for (size_t i = 0; i < w->ncols; i++) {
    free(w->cols[i].param);
    free(w->cols[i].header);
  }
  free(w->cols);
  for (size_t i = 0; i < w->nfcols; i++) free(w->fcols[i]);
  free(w->fcols);
  free(w->fmap);
  free(w->dir);
  free(w->cmdline);
  memset(w, 0, sizeof *w);
  w->summary = w->traj = w->lock_fd = -1;
}
