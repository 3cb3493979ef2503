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

/* ------------------------------------------------------------ utilities */

int lnb_mkdirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
      struct stat st;
      if (stat(buf, &st) != 0) return -1;
      if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
      }
      buf[i] = c;
    }
  }
  return 0;
}

int lnb_write_atomic(const char *path, const char *text, size_t len, lnb_error *err) {
  size_t n = strlen(path) + 16;
  char *tmp = malloc(n);
  if (!tmp) return lnb__error(err, LNB_ENOMEM, "out of memory");
  snprintf(tmp, n, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    int e = errno;
    free(tmp);
    return lnb__error(err, LNB_EIO, "%s: cannot write: %s", path, strerror(e));
  }
  size_t w = fwrite(text, 1, len, f);
  int bad = w != len || fflush(f) != 0 || fsync(fileno(f)) != 0;
  int e = errno;
  if (fclose(f) != 0 && !bad) bad = 1, e = errno;
  if (bad || rename(tmp, path) != 0) {
    if (!bad) e = errno;
    unlink(tmp);
    free(tmp);
    return lnb__error(err, LNB_EIO, "%s: write failed: %s", path, strerror(e));
  }
  free(tmp);
  return LNB_OK;
}

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
      fputc('}', f);
      first = 0;
    }
  free(listed);
  fprintf(f, "\n  ],\n  \"select_best_by\": ");
  json_str(f, cfg->select.best_by);
  fprintf(f, ",\n  \"report_baseline\": ");
  if (cfg->report.baseline) json_str(f, cfg->report.baseline);
  else fputs("null", f);
  fprintf(f, ",\n  \"runs_total\": %zu", lnb_config_run_count(cfg));
  fprintf(f, ",\n  \"runs_finished\": %zu", w->nrows);
  fprintf(f, ",\n  \"runs_resumed\": %zu", w->resumed);
  fprintf(f, ",\n  \"jobs\": %d, \"isolate\": %s", w->jobs, w->isolate ? "true" : "false");
  if (w->mpi_ranks > 0) fprintf(f, ", \"mpi_ranks\": %d", w->mpi_ranks);
  fprintf(f, ",\n  \"status_counts\": {");
  for (int s = 0; s < LNB_RUN_STATUS_COUNT; s++)
    fprintf(f, "%s\"%s\": %zu", s ? ", " : "", lnb_run_status_name((lnb_run_status)s),
            w->counts[s]);
  fprintf(f, "},\n  \"state\": \"%s\"",
          !final ? "running" : interrupted ? "interrupted" : "complete");
  fprintf(f, ",\n  \"wall_seconds\": %.3f", lnb__now() - w->wall_start);
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

static char *path_in(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *path = malloc(n);
  if (path) snprintf(path, n, "%s/%s", dir, name);
  return path;
}

/* open dir/name for appending whole rows (truncate = start afresh); -1 on error */
static int open_in(const char *dir, const char *name, int truncate, lnb_error *err) {
  char *path = path_in(dir, name);
  if (!path) return lnb__error(err, LNB_ENOMEM, "out of memory"), -1;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0666);
  if (fd < 0) lnb__error(err, LNB_EIO, "%s: cannot write: %s", path, strerror(errno));
  free(path);
  return fd;
}

/* Append text[len] to fd as one unit: on a short or failed write (disk full,
 * file size limit) cut the file back to where it was, so the file only ever
 * holds whole rows. 0 ok, else -1 with errno. */
static int append_all(int fd, const char *text, size_t len) {
  off_t start = lseek(fd, 0, SEEK_END);
  size_t done = 0;
  while (done < len) {
    ssize_t k = write(fd, text + done, len - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      int e = k < 0 ? errno : ENOSPC;
      if (start >= 0 && ftruncate(fd, start) != 0) { /* keep the first error */
      }
      errno = e;
      return -1;
    }
    done += (size_t)k;
  }
  return 0;
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
        "seconds_to_target,seconds_total,seconds_per_iter,message\n",
        f);
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

/* common part of open and resume: directory, provenance, columns */
static int results_init(lnb_results *w, const char *dir, const lnb_config *cfg,
                        const char *cmdline, lnb_error *err) {
  memset(w, 0, sizeof *w);
  w->summary = w->traj = -1;
  w->cfg = cfg;
  w->wall_start = lnb__now();
  w->dir = xstrdup(dir);
  w->cmdline = xstrdup(cmdline ? cmdline : "");
  if (!w->dir || !w->cmdline) return lnb__error(err, LNB_ENOMEM, "out of memory");
  if (lnb_mkdirs(dir) != 0)
    return lnb__error(err, LNB_EIO, "%s: cannot create output directory: %s", dir,
                      strerror(errno));
  if (access(dir, W_OK) != 0)
    return lnb__error(err, LNB_EIO, "%s: output directory is not writable: %s", dir,
                      strerror(errno));
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
    }
  return LNB_OK;
}

int lnb_results_open(lnb_results *w, const char *dir, const lnb_config *cfg,
                     const char *cmdline, lnb_error *err) {
  int rc = results_init(w, dir, cfg, cmdline, err);
  if (rc != LNB_OK) return rc;
  char *sh = summary_header(w), *th = traj_header(cfg);
  if (!sh || !th) {
    free(sh), free(th);
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  if ((w->summary = open_in(dir, "summary.csv", 1, err)) >= 0 &&
      (w->traj = open_in(dir, "trajectories.csv", 1, err)) >= 0) {
    if (append_all(w->summary, sh, strlen(sh)) != 0 || append_all(w->traj, th, strlen(th)) != 0)
      rc = lnb__error(err, LNB_EIO, "%s: write failed: %s", dir, strerror(errno));
  } else {
    rc = err->code;
  }
  free(sh), free(th);
  return rc != LNB_OK ? rc : write_manifest(w, 0, 0, err);
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
      if (v && v->given && v->text) {
        fprintf(f, "%s%s=%s", first ? "" : ",", cfg->select.tune[t], v->text);
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
  r->run_id = spec->index + 1;
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
  w->counts[res->status]++;
  return 0;
}

int lnb_results_append(lnb_results *w, const lnb_run_spec *spec, const lnb_run_result *res,
                       lnb_error *err) {
  const lnb_config *cfg = w->cfg;
  run_labels l;
  if (labels_make(cfg, spec, &l) != 0) return lnb__error(err, LNB_ENOMEM, "out of memory");
  size_t run_id = spec->index + 1;
  /* Both rows are built in memory and written as single units, trajectories
   * first: a summary row on disk always has its checkpoints complete (what
   * --resume relies on after a kill -9), and a failed write leaves no partial
   * row behind. */
  char *tbuf = NULL, *sbuf = NULL;
  size_t tlen = 0, slen = 0;
  FILE *tf = open_memstream(&tbuf, &tlen);
  FILE *f = tf ? open_memstream(&sbuf, &slen) : NULL;
  if (!tf || !f) {
    if (tf) fclose(tf), free(tbuf);
    labels_free(&l);
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < res->ncheckpoints; i++) {
    const lnb_checkpoint *cp = &res->checkpoints[i];
    fprintf(tf, "%zu,%llu,", run_id, (unsigned long long)cp->iteration);
    csv_real(tf, cp->seconds);
    fputc(',', tf);
    csv_real(tf, cp->loss);
    fputc(',', tf);
    csv_real(tf, cp->gap);
    for (size_t m = 0, nc = lnb_metric_ncols(cfg); m < nc; m++) {
      fputc(',', tf);
      csv_real(tf, cp->metrics[m]);
    }
    fputc('\n', tf);
  }
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
    fputc(',', f);
    if (v && v->set && v->text) csv_str(f, v->text);
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
  fputc(',', f);
  csv_str(f, res->message);
  fputc('\n', f);

  int rc = LNB_OK;
  int bad = fclose(tf) != 0;
  bad |= fclose(f) != 0;
  off_t tstart = lseek(w->traj, 0, SEEK_END);
  if (bad) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  else if (append_all(w->traj, tbuf, tlen) != 0)
    rc = lnb__error(err, LNB_EIO, "%s/trajectories.csv: write failed: %s", w->dir,
                    strerror(errno));
  else if (append_all(w->summary, sbuf, slen) != 0) {
    rc = lnb__error(err, LNB_EIO, "%s/summary.csv: write failed: %s", w->dir, strerror(errno));
    /* checkpoints without their summary row would be dropped by --resume
     * anyway; cut them now */
    if (tstart >= 0 && ftruncate(w->traj, tstart) != 0) {
    }
  } else if (add_row(w, spec, res, &l) != 0)
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  free(tbuf);
  free(sbuf);
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

typedef struct hash_index {
  uint64_t hash;
  size_t index;
} hash_index;

static int cmp_hash_index(const void *a, const void *b) {
  const hash_index *x = a, *y = b;
  if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

int lnb_results_resume(lnb_results *w, const char *dir, const lnb_config *cfg,
                       const char *cmdline, const lnb_run_spec *runs, size_t nruns,
                       int retry_failed, unsigned char *todo, lnb_error *err) {
  for (size_t i = 0; i < nruns; i++) todo[i] = 1;
  int rc = results_init(w, dir, cfg, cmdline, err);
  if (rc != LNB_OK) return rc;
  char *spath = path_in(dir, "summary.csv"), *tpath = path_in(dir, "trajectories.csv");
  char *sh = summary_header(w), *th = traj_header(cfg);
  lnb_csv sum = {0}, tr = {0};
  uint64_t *hashes = calloc(nruns ? nruns : 1, sizeof *hashes);
  long *keep_as = NULL; /* per summary row: run index kept, or -1 */
  if (!spath || !tpath || !sh || !th || !hashes) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  if (access(spath, F_OK) != 0) { /* nothing to resume: a fresh sweep */
    free(spath), free(tpath), free(sh), free(th), free(hashes);
    lnb_results_close(w);
    return lnb_results_open(w, dir, cfg, cmdline, err);
  }
  int cut_s = 0, cut_t = 0;
  if ((rc = lnb_csv_read_tolerant(spath, &sum, &cut_s, err)) != LNB_OK) goto out;
  if ((rc = lnb_csv_read_tolerant(tpath, &tr, &cut_t, err)) != LNB_OK) goto out;
  if (cut_s || cut_t)
    lnb__log(1, "%s: dropped an unfinished last line (an earlier sweep was killed mid-write)",
             cut_s ? spath : tpath);
  /* the same columns, or the earlier sweep was of another config shape */
  {
    char *got = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&got, &len);
    if (m) {
      csv_write_row(m, sum.header, sum.ncols);
      fclose(m);
    }
    int same = got && strcmp(got, sh) == 0;
    free(got);
    if (!same) {
      rc = lnb__error(err, LNB_EINVAL,
                      "%s: cannot resume: its columns differ from what this config writes "
                      "(the grid changed); use another --out directory",
                      spath);
      goto out;
    }
  }
  long c_hash = lnb_csv_col(&sum, "spec_hash"), c_status = lnb_csv_col(&sum, "status");
  long c_id = lnb_csv_col(&sum, "run_id");
  for (size_t i = 0; i < nruns; i++) hashes[i] = lnb_run_spec_hash(cfg, &runs[i]);
  keep_as = malloc((sum.nrows ? sum.nrows : 1) * sizeof *keep_as);
  if (!keep_as) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  /* each row takes the first run (in run order) with its hash not yet taken:
   * runs sorted by (hash, index), and per group of equal hashes how many are
   * taken (always a prefix) — O((rows + runs) log runs), not rows x runs */
  hash_index *byhash = malloc((nruns ? nruns : 1) * sizeof *byhash);
  size_t *taken = calloc(nruns ? nruns : 1, sizeof *taken);
  if (!byhash || !taken) {
    free(byhash), free(taken);
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < nruns; i++) byhash[i] = (hash_index){hashes[i], i};
  qsort(byhash, nruns, sizeof *byhash, cmp_hash_index);
  for (size_t r = 0; r < sum.nrows; r++) {
    keep_as[r] = -1;
    uint64_t h = strtoull(sum.rows[r][c_hash], NULL, 16);
    int st = lnb_run_status_from_name(sum.rows[r][c_status]);
    if (st < 0) continue;
    size_t lo = 0, hi = nruns; /* first position with hash >= h */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (byhash[mid].hash < h) lo = mid + 1;
      else hi = mid;
    }
    size_t q = lo + taken[lo];
    if (q >= nruns || byhash[q].hash != h) continue;
    if (lnb_run_status_failed((lnb_run_status)st) && retry_failed) continue;
    taken[lo]++;
    todo[byhash[q].index] = 0;
    keep_as[r] = (long)byhash[q].index;
  }
  free(byhash);
  free(taken);
  /* rewrite both files with the kept runs (renumbered to this config's
   * run ids), atomically, then append to them */
  {
    char *sbuf = NULL, *tbuf = NULL;
    size_t slen = 0, tlen = 0;
    FILE *sm = open_memstream(&sbuf, &slen), *tm = open_memstream(&tbuf, &tlen);
    if (!sm || !tm) {
      if (sm) fclose(sm), free(sbuf);
      if (tm) fclose(tm), free(tbuf);
      rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    fputs(sh, sm);
    fputs(th, tm);
    /* old run id -> new run id (0 = dropped), for one pass over the trajectories */
    size_t maxid = 0;
    for (size_t r = 0; r < sum.nrows; r++) {
      size_t id = strtoull(sum.rows[r][c_id], NULL, 10);
      if (id > maxid) maxid = id;
    }
    size_t *newid = calloc(maxid + 1, sizeof *newid);
    if (!newid) {
      fclose(sm), fclose(tm), free(sbuf), free(tbuf);
      rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    for (size_t r = 0; r < sum.nrows; r++)
      if (keep_as[r] >= 0) newid[strtoull(sum.rows[r][c_id], NULL, 10)] = (size_t)keep_as[r] + 1;
    for (size_t q = 0; q < tr.nrows; q++) {
      size_t id = strtoull(tr.rows[q][0], NULL, 10);
      if (id > maxid || !newid[id]) continue;
      char idbuf[32], *tid = tr.rows[q][0];
      snprintf(idbuf, sizeof idbuf, "%zu", newid[id]);
      tr.rows[q][0] = idbuf;
      csv_write_row(tm, tr.rows[q], tr.ncols);
      tr.rows[q][0] = tid;
    }
    free(newid);
    for (size_t r = 0; r < sum.nrows; r++) {
      if (keep_as[r] < 0) continue;
      const lnb_run_spec *spec = &runs[keep_as[r]];
      char idbuf[32];
      snprintf(idbuf, sizeof idbuf, "%zu", spec->index + 1);
      char *old_id = sum.rows[r][c_id];
      sum.rows[r][c_id] = idbuf;
      csv_write_row(sm, sum.rows[r], sum.ncols);
      sum.rows[r][c_id] = old_id;
      /* the table needs the kept run too */
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
        fclose(sm), fclose(tm), free(sbuf), free(tbuf);
        rc = lnb__error(err, LNB_ENOMEM, "out of memory");
        goto out;
      }
      labels_free(&l);
      w->resumed++;
    }
    fclose(sm);
    fclose(tm);
    rc = lnb_write_atomic(spath, sbuf, slen, err);
    if (rc == LNB_OK) rc = lnb_write_atomic(tpath, tbuf, tlen, err);
    free(sbuf);
    free(tbuf);
    if (rc != LNB_OK) goto out;
  }
  if ((w->summary = open_in(dir, "summary.csv", 0, err)) < 0 ||
      (w->traj = open_in(dir, "trajectories.csv", 0, err)) < 0) {
    rc = err->code;
    goto out;
  }
  rc = write_manifest(w, 0, 0, err);
out:
  lnb_csv_free(&sum);
  lnb_csv_free(&tr);
  free(keep_as);
  free(hashes);
  free(spath), free(tpath), free(sh), free(th);
  return rc;
}

/* --------------------------------------------------------------- finish */

/* What summary.md says around its tables; filled from the live sweep or,
 * for `lnnbench table`, from manifest.json. */
typedef struct summary_meta {
  const char *name, *best_by, *baseline;
  size_t runs_total, nseeds;
  int interrupted, has_target;
  double target_gap, max_seconds;
  long long max_iters;
  const char *footer; /* provenance line */
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
                    .footer = footer};
  write_summary_md(f, &m, w->rows, w->nrows);
  int rc = flush_to_file(w->dir, "summary.md", f, &buf, &len, err);
  if (rc != LNB_OK) return rc;
  return write_manifest(w, 1, interrupted, err);
}

/* ------------------------------------------------- reading a results dir */

/* The reading side of the files above, shared by `lnnbench table` (below)
 * and the reporting tools (report.c), so both accept the same files and
 * say the same thing about a bad one. */

char *lnb_results_read_manifest(const char *dir, lnb_error *err) {
  char *path = path_in(dir, "manifest.json");
  if (!path) {
    lnb__error(err, LNB_ENOMEM, "out of memory");
    return NULL;
  }
  /* a regular file of bounded size (no FIFO, no device), as the CSVs */
  char *json = lnb_read_file(path, LNB_MAX_RESULTS_FILE, "results file", NULL, err);
  if (!json && err && err->code == LNB_EIO) {
    size_t k = strlen(err->msg);
    snprintf(err->msg + k, sizeof err->msg - k, " (is %s a results directory?)", dir);
  }
  free(path);
  return json;
}

/* value text of "key": in our own manifest.json ("" if absent); strings are
 * unescaped, numbers and literals copied */
void lnb_results_manifest_field(const char *json, const char *key, char *out, size_t n) {
  out[0] = '\0';
  char pat[128];
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  const char *p = strstr(json, pat);
  if (!p) return;
  p += strlen(pat);
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
}

int lnb_results_read_summary(const char *path, double (*real)(const char *), lnb_csv *sum,
                             lnb_row **rows, size_t *nrows, lnb_error *err) {
  *rows = NULL;
  *nrows = 0;
  int rc = lnb_csv_read(path, sum, err);
  if (rc != LNB_OK) return rc;
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
  for (size_t i = 0; i < sum->nrows; i++, (*nrows)++) {
    char **r = sum->rows[i];
    lnb_row *row = &(*rows)[i];
    int st = lnb_run_status_from_name(r[col[7]]);
    if (st < 0)
      return lnb__error(err, LNB_EPARSE, "%s:%zu: unknown status '%s'", path, sum->lines[i],
                        r[col[7]]);
    row->run_id = strtoull(r[col[0]], NULL, 10);
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
    r[col[2]][strcspn(r[col[2]], "(")] = '\0';
    r[col[3]][strcspn(r[col[3]], "(")] = '\0';
  }
  return LNB_OK;
}

/* ------------------------------------------------------ re-render tables */

int lnb_results_rerender(const char *dir, lnb_table_format fmt, FILE *out, lnb_error *err) {
  char *spath = path_in(dir, "summary.csv");
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
  if ((rc = lnb_results_read_summary(spath, field_real, &sum, &rows, &nrows, err)) != LNB_OK)
    goto out;
  {
    char name[256], best_by[64], baseline[512], total[32], seeds_txt[4096], state[32],
        target[64], max_iters[32], max_seconds[64], footer[1024], version[32], commit[64],
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
                      .footer = footer};
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
  free(w->dir);
  free(w->cmdline);
  memset(w, 0, sizeof *w);
  w->summary = w->traj = -1;
}
