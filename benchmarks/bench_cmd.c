/* bench_cmd.c — `lnnbench bench CONFIG.yaml`: time one optimizer step of
 * every model of a config through Google Benchmark (lnb_bench.h).
 *
 * One benchmark per (problem cell, model), a model being an architecture cell
 * with an optimizer cell up to the tuned parameters (select.tune; the first
 * tuned value is used), at the config's first seed. One benchmark iteration
 * is exactly one iteration of the harness's timed loop (lnb_run_ctx_iterate:
 * optimizer step, then loss and gradient at the new iterate). A model whose
 * loss becomes non-finite or exceeds LNB_DIVERGENCE_FACTOR x its initial
 * loss is rebuilt from its initial point with the clock paused ("resets").
 *
 * Flops of one step: each plugin's declared estimate (the optional `flops`
 * ops, ABI 1.2) where it has one, else what the host's gemm and svd counted
 * (lnb_host_flops) while that part ran once; the step's own part of the
 * optimizer is separated from the model evaluations it makes by wrapping the
 * model's loss / loss_grad / set_end_to_end. */
#define _DEFAULT_SOURCE /* realpath */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"
#include "host.h"
#include "lnb_bench.h"
#include "lnb_peak.h"
#include "provenance.h"
#include "registry.h"
#include "results.h"

int lnb_cmd_bench(int argc, char **argv);

static const char bench_help[] =
    "usage: lnnbench bench CONFIG.yaml [--out DIR] [--plugin-path DIRS] [--quiet]\n"
    "                      [--benchmark_filter=REGEX] [--benchmark_min_time=S]\n"
    "                      [--benchmark_repetitions=N] [--benchmark_format=console|json|csv]\n"
    "                      [other Google Benchmark flags]\n"
    "\n"
    "Times ONE optimizer step of every model of the config (each problem cell x\n"
    "architecture cell x optimizer cell, tuned parameters at their first value, first\n"
    "seed): exactly one iteration of the harness's timed loop (optimizer step, then\n"
    "forward, loss gradient and backward at the new iterate), through Google Benchmark.\n"
    "Writes DIR/bench.json (Google Benchmark's JSON with its context block) and\n"
    "DIR/bench.md (seconds per step, GFLOP/s, fraction of the BLIS dgemm peak measured\n"
    "in the same process at the config's thread count). DIR defaults to\n"
    "results/<config name>-bench. Exit status 0, 1 when a model failed, 2 bad input.\n";

typedef struct bmodel {
  const lnb_config *cfg;
  lnb_run_spec spec;
  lnb_problem_inst *pi;
  char *problem, *model, *tuned, *name;
  lnb_run_ctx *ctx;
  uint64_t t;
  double div_limit;
  double flops;           /* per step */
  const char *flops_from; /* "plugins", "host count", "mixed" */
  double peak;
  long resets;
  int failed;
  char message[LNB_ERROR_MSG_MAX];
  /* results */
  int have;
  const char *agg; /* what the md row shows: "", "median", "mean" */
  double seconds, flops_rate, frac;
  int error;
  char error_message[256];
} bmodel;

/* ----------------------------------------------------------- flop counting */

typedef struct wrap {
  double (*loss)(lnb_model *);
  double (*loss_grad)(lnb_model *);
  int (*set_end_to_end)(lnb_model *, const double *, lnb_error *);
  long nloss, nloss_grad, nset;
  double inner; /* host-counted flops inside the wrapped calls */
} wrap;
static wrap W; /* one accounting at a time */

static double w_loss(lnb_model *m) {
  double f0 = lnb_host_flops();
  double l = W.loss(m);
  W.inner += lnb_host_flops() - f0;
  W.nloss++;
  return l;
}
static double w_loss_grad(lnb_model *m) {
  double f0 = lnb_host_flops();
  double l = W.loss_grad(m);
  W.inner += lnb_host_flops() - f0;
  W.nloss_grad++;
  return l;
}
static double set_flops;
static int w_set(lnb_model *m, const double *We, lnb_error *err) {
  double f0 = lnb_host_flops();
  int rc = W.set_end_to_end(m, We, err);
  double f = lnb_host_flops() - f0;
  W.inner += f;
  set_flops += f;
  W.nset++;
  return rc;
}

/* flops of one step of b (its ctx freshly created); 0 ok, -1 with message */
static int account(bmodel *b) {
  const lnb_problem_ops *pops = b->spec.problem->plugin->plugin->ops;
  const lnb_arch_ops *aops = b->spec.architecture->plugin->plugin->ops;
  const lnb_optimizer_ops *oops = b->spec.optimizer->plugin->plugin->ops;
  void *pself = NULL, *aself = NULL, *oself = NULL;
  lnb_run_ctx_plugins(b->ctx, &pself, &aself, &oself);
  lnb_model *m = lnb_run_ctx_model(b->ctx);
  size_t kd = m->k * m->d;
  double *We = calloc(kd ? kd : 1, sizeof *We), *G = calloc(kd ? kd : 1, sizeof *G);
  if (!We || !G) {
    free(We);
    free(G);
    snprintf(b->message, sizeof b->message, "out of memory");
    return -1;
  }
  double (*pf)(const void *, int) = LNB_OPT_OP(lnb_problem_ops, pops, flops);
  double (*af)(const void *, int) = LNB_OPT_OP(lnb_arch_ops, aops, flops);
  double (*of)(const void *, const lnb_model *) = LNB_OPT_OP(lnb_optimizer_ops, oops, flops);
  double f0, fa[2], fp[2];
  /* counted by the host: end_to_end (+ backward), eval (with gradient); a
   * predictor architecture (ABI 1.5, no end_to_end): the model's loss and
   * loss_grad on the run's first batch (forward, loss on the outputs,
   * backward), counted by the host whole */
  int predictor = lnb_arch_is_predictor(aops);
  if (predictor) {
    (void)lnb_run_ctx_loss_grad(b->ctx); /* draws the first batch */
    for (int g = 0; g < 2; g++) {
      f0 = lnb_host_flops();
      (void)(g ? m->loss_grad(m) : m->loss(m));
      fp[g] = lnb_host_flops() - f0;
      fa[g] = 0.0;
    }
    pf = af = NULL;
  }
  for (int g = 0; g < 2 && !predictor; g++) {
    f0 = lnb_host_flops();
    aops->end_to_end(aself, We);
    if (g) aops->backward(aself, G);
    fa[g] = lnb_host_flops() - f0;
    f0 = lnb_host_flops();
    (void)pops->eval(pself, We, g ? G : NULL);
    fp[g] = lnb_host_flops() - f0;
    if (af) fa[g] = af(aself, g);
    if (pf) fp[g] = pf(pself, g);
  }
  /* A mini-batch step evaluates eval_rows on batch_size rows, not eval (whose
   * declared estimate may be of another form, e.g. the Gram one): the host's
   * count of eval_rows on a batch of that size. */
  double (*er)(void *, const double *, const size_t *, size_t, double *) =
      LNB_OPT_OP(lnb_problem_ops, pops, eval_rows);
  size_t batch = b->spec.optimizer->batch_size;
  size_t *rows = batch && er && !predictor ? malloc(batch * sizeof *rows) : NULL;
  if (rows) {
    for (size_t i = 0; i < batch; i++) rows[i] = i;
    for (int g = 0; g < 2; g++) {
      f0 = lnb_host_flops();
      (void)er(pself, We, rows, batch, g ? G : NULL);
      fp[g] = lnb_host_flops() - f0;
    }
    pf = NULL; /* counted, not declared */
    free(rows);
  }
  /* one harness iteration with the model's evaluations wrapped */
  memset(&W, 0, sizeof W);
  set_flops = 0.0;
  W.loss = m->loss;
  W.loss_grad = m->loss_grad;
  W.set_end_to_end = m->set_end_to_end;
  m->loss = w_loss;
  m->loss_grad = w_loss_grad;
  if (m->set_end_to_end) m->set_end_to_end = w_set;
  (void)lnb_run_ctx_loss_grad(b->ctx); /* grads of the current point again */
  W.inner = 0.0;
  W.nloss = W.nloss_grad = W.nset = 0;
  set_flops = 0.0;
  lnb_error err = {0};
  double loss = 0.0;
  f0 = lnb_host_flops();
  int rc = lnb_run_ctx_iterate(b->ctx, ++b->t, &loss, &err);
  double total = lnb_host_flops() - f0;
  m->loss = W.loss;
  m->loss_grad = W.loss_grad;
  m->set_end_to_end = W.set_end_to_end;
  free(We);
  free(G);
  if (rc != LNB_OK) {
    snprintf(b->message, sizeof b->message, "%s: %s", b->spec.optimizer->plugin->plugin->name,
             err.msg[0] ? err.msg : lnb_strerror(rc));
    return -1;
  }
  /* the step's own part: what the host counted outside the model calls and
   * outside the trailing loss_grad, unless the optimizer declares it */
  double trailing = fa[1] + fp[1];
  double own = of ? of(oself, m) : fmax(0.0, total - W.inner - trailing);
  if (!of && (af || pf)) { /* trailing counted by the host may differ from declared */
    f0 = lnb_host_flops();
    (void)lnb_run_ctx_loss_grad(b->ctx);
    own = fmax(0.0, total - W.inner - (lnb_host_flops() - f0));
  }
  b->flops = own + (double)W.nloss_grad * (fa[1] + fp[1]) + (double)W.nloss * (fa[0] + fp[0]) +
             set_flops + trailing;
  int declared = (pf != NULL) + (af != NULL) + (of != NULL);
  b->flops_from = declared == 3 ? "plugins" : declared == 0 ? "host count" : "mixed";
  return 0;
}

/* ------------------------------------------------------------ the models */

static int model_open(bmodel *b) {
  lnb_run_result res;
  lnb_problem_inst_prepare(b->pi, b->spec.problem, b->spec.seed);
  if (lnb_run_ctx_create(b->cfg, &b->spec, b->pi, &b->ctx, &res) != LNB_OK || !b->ctx) {
    snprintf(b->message, sizeof b->message, "%s", res.message);
    lnb_run_result_free(&res);
    b->ctx = NULL;
    return -1;
  }
  lnb_run_result_free(&res);
  b->t = 0;
  double l0 = lnb_run_ctx_loss_grad(b->ctx);
  b->div_limit = LNB_DIVERGENCE_FACTOR * fmax(fabs(l0), 1e-300);
  if (!isfinite(l0)) b->div_limit = INFINITY;
  return 0;
}

static void model_close(bmodel *b) {
  lnb_run_ctx_destroy(b->ctx);
  b->ctx = NULL;
}

static void bm_step(lnb_bench_state *st, void *user) {
  bmodel *b = user;
  if (!b->ctx && !b->failed) {
    if (model_open(b) != 0 || account(b) != 0) {
      b->failed = 1;
      model_close(b);
    }
  }
  if (b->failed) {
    lnb_bench_skip_with_error(st, b->message);
    return;
  }
  lnb_error err = {0};
  double loss = 0.0;
  long resets = 0;
  while (lnb_bench_keep_running(st)) {
    int rc = lnb_run_ctx_iterate(b->ctx, ++b->t, &loss, &err);
    if (rc != LNB_OK) {
      snprintf(b->message, sizeof b->message, "%s: %s", b->spec.optimizer->plugin->plugin->name,
               err.msg[0] ? err.msg : lnb_strerror(rc));
      b->failed = 1;
      lnb_bench_skip_with_error(st, b->message);
      break;
    }
    if (!(loss <= b->div_limit)) { /* diverged: start again, off the clock */
      lnb_bench_pause(st);
      model_close(b);
      if (model_open(b) != 0) {
        b->failed = 1;
        lnb_bench_skip_with_error(st, b->message);
        lnb_bench_resume(st);
        break;
      }
      resets++;
      lnb_bench_resume(st);
    }
  }
  if (b->failed) return;
  b->resets += resets;
  lnb_bench_counter(st, "flops_per_step", b->flops, LNB_BENCH_PLAIN);
  lnb_bench_counter(st, "FLOPS", b->flops, LNB_BENCH_ITER_RATE);
  if (b->peak > 0)
    lnb_bench_counter(st, "frac_of_peak", b->flops / b->peak, LNB_BENCH_ITER_RATE);
  lnb_bench_counter(st, "resets", (double)resets, LNB_BENCH_PLAIN);
  lnb_bench_label(st, b->flops_from);
}

static void on_result(const lnb_bench_result *r, void *ctx) {
  bmodel *models = ((bmodel **)ctx)[0];
  size_t n = (size_t)((bmodel **)ctx)[1];
  for (size_t i = 0; i < n; i++) {
    bmodel *b = &models[i];
    if (strcmp(r->family, b->name) != 0) continue;
    /* preference: median aggregate > mean aggregate > a plain run */
    int rank = strcmp(r->aggregate, "median") == 0 ? 3 : strcmp(r->aggregate, "mean") == 0 ? 2
               : r->aggregate[0] == '\0'                                                   ? 1
                                                                                           : 0;
    int have = !b->have ? 0 : strcmp(b->agg, "median") == 0 ? 3 : strcmp(b->agg, "mean") == 0 ? 2 : 1;
    if (rank == 0 || rank < have) return;
    b->have = 1;
    b->agg = rank == 3 ? "median" : rank == 2 ? "mean" : "";
    b->error = r->error;
    snprintf(b->error_message, sizeof b->error_message, "%s", r->error ? r->error_message : "");
    b->seconds = r->real_seconds;
    b->flops_rate = b->frac = NAN;
    for (size_t j = 0; j < r->ncounters; j++) {
      if (strcmp(r->counter_names[j], "FLOPS") == 0) b->flops_rate = r->counter_values[j];
      if (strcmp(r->counter_names[j], "frac_of_peak") == 0) b->frac = r->counter_values[j];
    }
    return;
  }
}

/* --------------------------------------------------------------- helpers */

/* markdown-safe: '|' would split a table cell */
static void md_cell(FILE *f, const char *s) {
  for (; s && *s; s++) {
    if (*s == '|') fputs("\\|", f);
    else fputc(*s, f);
  }
}

static int write_md(const char *dir, const lnb_config *cfg, const bmodel *m, size_t n,
                    double peak, size_t peak_n, const lnb_provenance *prov, lnb_error *err) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return lnb__error(err, LNB_ENOMEM, "out of memory");
  fprintf(f, "# lnnbench bench: %s\n\n", cfg->name);
  fprintf(f, "One optimizer step per benchmark iteration (optimizer step, then forward, loss "
             "gradient and backward at the new iterate: one iteration of the harness's timed "
             "loop), timed by Google Benchmark (wall clock).\n\n");
  fprintf(f, "- config: `%s`\n", cfg->path);
  fprintf(f, "- BLIS threads: %d; CPU: %s (%d logical); %s; lnnbench %s (%s%s), %s build\n",
          cfg->threads > 0 ? cfg->threads : 1, prov->cpu_model, prov->cpu_count,
          prov->date_utc, prov->version, prov->git_commit,
          prov->git_dirty == 1 ? ", dirty" : "", prov->build_type);
  fprintf(f, "- dgemm peak: %.2f GFLOP/s (reached at n = %zu). %s.\n", peak * 1e-9, peak_n,
          LNB_PEAK_METHOD);
  fprintf(f, "- flops per step: each plugin's declared estimate where it has one "
             "(`plugins`), else the host's count of its gemm (2mnk) and svd calls during "
             "one step (`host count`: elementwise work and direct BLAS/LAPACK calls of a "
             "plugin are not counted), `mixed` when both.\n");
  const char *agg = NULL;
  for (size_t i = 0; i < n && !agg; i++)
    if (m[i].have) agg = m[i].agg;
  fprintf(f, "- s/step: wall clock per step, %s.\n\n",
          agg && strcmp(agg, "median") == 0 ? "median over the repetitions"
          : agg && strcmp(agg, "mean") == 0 ? "mean over the repetitions"
                                             : "one run (--benchmark_repetitions=N gives medians)");
  fprintf(f, "| problem | model | tuned | s/step | GFLOP/s | %% of peak | flops/step | flops "
             "from | resets |\n");
  fprintf(f, "|---|---|---|---:|---:|---:|---:|---|---:|\n");
  for (size_t i = 0; i < n; i++) {
    const bmodel *b = &m[i];
    if (!b->have) continue; /* filtered out */
    fputs("| ", f);
    md_cell(f, b->problem);
    fputs(" | ", f);
    md_cell(f, b->model);
    fputs(" | ", f);
    md_cell(f, b->tuned[0] ? b->tuned : "-");
    if (b->error) {
      fputs(" | error: ", f);
      md_cell(f, b->error_message);
      fputs(" | | | | | |\n", f);
      continue;
    }
    fprintf(f, " | %.3e | %.3f | %.1f | %.4g | %s | %ld |\n", b->seconds, b->flops_rate * 1e-9,
            100.0 * b->frac, b->flops, b->flops_from, b->resets);
  }
  if (fclose(f) != 0) {
    free(buf);
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/bench.md", dir);
  int rc = lnb_write_atomic(path, buf, len, err);
  free(buf);
  return rc;
}

/* "lr=0.03" etc.: the tuned parameters of the chosen cell, or "" */
static char *tuned_of(const lnb_config *cfg, const lnb_run_spec *s) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  const lnb_cell *cells[2] = {s->architecture, s->optimizer};
  int first = 1;
  for (int c = 0; c < 2; c++)
    for (size_t j = 0; j < cells[c]->params->n; j++) {
      const lnb_value *v = &cells[c]->params->v[j];
      const char *name = cells[c]->plugin->plugin->params[j].name;
      int tuned = 0;
      for (size_t q = 0; q < cfg->select.ntune; q++)
        tuned = tuned || strcmp(cfg->select.tune[q], name) == 0;
      if (!tuned || !v->given || !v->text) continue;
      fprintf(f, "%s%s=%s", first ? "" : ",", name, v->text);
      first = 0;
    }
  fclose(f);
  return buf;
}

/* ------------------------------------------------------------ the command */

int lnb_cmd_bench(int argc, char **argv) {
  const char *config = NULL, *out = NULL, *plugin_path = NULL;
  int quiet = 0;
  /* argv[0] is "bench"; Google Benchmark's flags are passed on */
  char **gb = calloc((size_t)argc + 4, sizeof *gb);
  int ngb = 0;
  if (!gb) return 2;
  gb[ngb++] = "lnnbench bench";
  int user_out = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--benchmark_", 12) == 0 || strncmp(a, "--v=", 4) == 0) {
      if (strncmp(a, "--benchmark_out=", 16) == 0) user_out = 1;
      gb[ngb++] = argv[i];
    } else if (strcmp(a, "--out") == 0 || strcmp(a, "--plugin-path") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "lnnbench: %s needs a value\n", a);
        free(gb);
        return 2;
      }
      if (strcmp(a, "--out") == 0) out = argv[++i];
      else plugin_path = argv[++i];
    } else if (strncmp(a, "--out=", 6) == 0) out = a + 6;
    else if (strncmp(a, "--plugin-path=", 14) == 0) plugin_path = a + 14;
    else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) quiet = 1;
    else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(bench_help, stdout);
      free(gb);
      return 0;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "lnnbench: bench: unknown option '%s' (see `lnnbench bench --help`)\n",
              a);
      free(gb);
      return 2;
    } else if (!config) config = a;
    else {
      fprintf(stderr, "lnnbench: bench: one config expected, got '%s' too\n", a);
      free(gb);
      return 2;
    }
  }
  if (!config) {
    fputs(bench_help, stderr);
    free(gb);
    return 2;
  }
  char why[PATH_MAX + 256];
  char *defpath = lnb_registry_plugin_path(plugin_path, getenv("LNNBENCH_PLUGIN_PATH"), why,
                                           sizeof why);
  if (!defpath) {
    fprintf(stderr, "lnnbench: %s\n", why);
    free(gb);
    return 2;
  }
  plugin_path = defpath;
  lnb_registry reg;
  memset(&reg, 0, sizeof reg);
  lnb_registry_load_path(&reg, plugin_path);
  lnb_config cfg;
  lnb_error err = {0};
  int status = 2;
  bmodel *models = NULL;
  size_t nmodels = 0, nruns = 0;
  lnb_problem_inst *pis = NULL;
  lnb_run_spec *runs = NULL;
  char outdir[PATH_MAX], jsonarg[PATH_MAX + 32];
  if (lnb_config_load(config, &reg, &cfg, &err) != LNB_OK) {
    fputs("lnnbench: ", stderr);
    lnb__fput_text(stderr, err.msg, NULL); /* it may quote a config key */
    fputc('\n', stderr);
    for (size_t i = 0; i < reg.nfail; i++)
      fprintf(stderr, "lnnbench: warning: %s\n", reg.failures[i].reason);
    goto done_cfg;
  }
  if (out) snprintf(outdir, sizeof outdir, "%s", out);
  else snprintf(outdir, sizeof outdir, "results/%s-bench", cfg.name);
  if (lnb_mkdirs(outdir) != 0) {
    fprintf(stderr, "lnnbench: cannot create the output directory '%s'\n", outdir);
    goto done;
  }
  int threads = cfg.threads > 0 ? cfg.threads : 1;
  lnb_blas_set_threads(threads);

  runs = lnb_expand_runs(&cfg, &nruns);
  models = calloc(nruns ? nruns : 1, sizeof *models);
  pis = calloc(cfg.problems.n ? cfg.problems.n : 1, sizeof *pis);
  if (!runs || !models || !pis) {
    fprintf(stderr, "lnnbench: %s: the grid expands to no runs (or out of memory)\n", cfg.path);
    goto done;
  }
  for (size_t r = 0; r < nruns; r++) {
    const lnb_run_spec *s = &runs[r];
    if (s->seed != cfg.seeds[0]) continue;
    char *problem = lnb_cell_label(s->problem, NULL, 0);
    char *am = lnb_cell_label(s->architecture, cfg.select.tune, cfg.select.ntune);
    char *om = lnb_cell_label(s->optimizer, cfg.select.tune, cfg.select.ntune);
    char *model = NULL;
    if (am && om && (model = malloc(strlen(am) + strlen(om) + 2)))
      sprintf(model, "%s+%s", am, om);
    free(am);
    free(om);
    int dup = !problem || !model;
    for (size_t i = 0; i < nmodels && !dup; i++)
      dup = models[i].spec.problem == s->problem && strcmp(models[i].model, model) == 0;
    if (dup) {
      free(problem);
      free(model);
      continue;
    }
    bmodel *b = &models[nmodels++];
    b->cfg = &cfg;
    b->spec = *s;
    b->pi = &pis[s->problem - cfg.problems.cells];
    b->problem = problem;
    b->model = model;
    b->tuned = tuned_of(&cfg, s);
    b->name = malloc(strlen(problem) + strlen(model) + 8);
    if (!b->tuned || !b->name) {
      fprintf(stderr, "lnnbench: out of memory\n");
      goto done;
    }
    sprintf(b->name, "step/%s/%s", problem, model);
  }

  lnb_provenance prov;
  lnb_provenance_collect(&prov);
  size_t peak_n = 0;
  if (!quiet) fprintf(stderr, "lnnbench: measuring the dgemm peak (%d thread%s) ...\n", threads,
                      threads == 1 ? "" : "s");
  double peak = lnb_dgemm_peak(&peak_n);
  char text[512];
  lnb_bench_add_context("lnnbench_config", cfg.path);
  snprintf(text, sizeof text, "%s (%s%s)", prov.version, prov.git_commit,
           prov.git_dirty == 1 ? ", dirty" : "");
  lnb_bench_add_context("lnnbench_version", text);
  lnb_bench_add_context("lnnbench_build_type", prov.build_type);
  lnb_bench_add_context("blis_version", prov.blis_version);
  snprintf(text, sizeof text, "%d", threads);
  lnb_bench_add_context("blis_threads", text);
  snprintf(text, sizeof text, "%.6g", peak);
  lnb_bench_add_context("dgemm_peak_flops", text);
  snprintf(text, sizeof text, "%zu", peak_n);
  lnb_bench_add_context("dgemm_peak_n", text);
  lnb_bench_add_context("dgemm_peak_method", LNB_PEAK_METHOD);
  lnb_bench_add_context("step",
                        "one iteration of the harness loop: optimizer step, then end_to_end, "
                        "problem eval with gradient, backward (lnb_run_ctx_iterate)");
  lnb_bench_add_context("counters",
                        "flops_per_step: estimated flops of one step; FLOPS: flops_per_step "
                        "per second; frac_of_peak: FLOPS / dgemm_peak_flops; resets: rebuilds "
                        "after divergence (untimed)");

  for (size_t i = 0; i < nmodels; i++) {
    models[i].peak = peak;
    lnb_bench *h = lnb_bench_register(models[i].name, bm_step, &models[i]);
    if (!h) {
      fprintf(stderr, "lnnbench: could not register benchmark '%s'\n", models[i].name);
      goto done;
    }
    lnb_bench_use_real_time(h);
    lnb_bench_set_unit(h, LNB_BENCH_US);
  }
  if (!user_out) {
    snprintf(jsonarg, sizeof jsonarg, "--benchmark_out=%s/bench.json", outdir);
    /* ours first: a later flag of the user's wins */
    memmove(gb + 3, gb + 1, (size_t)(ngb - 1) * sizeof *gb);
    gb[1] = jsonarg;
    gb[2] = "--benchmark_out_format=json";
    ngb += 2;
  }
  gb[ngb] = NULL;
  lnb_bench_init(&ngb, gb);
  if (ngb > 1) {
    fprintf(stderr, "lnnbench: bench: unrecognized benchmark flag '%s'\n", gb[1]);
    goto done;
  }
  void *ctx[2] = {models, (void *)nmodels};
  size_t matched = lnb_bench_run(on_result, ctx);
  lnb_bench_shutdown();
  if (matched == 0) { /* a filter that matches nothing, or no valid regular expression */
    fprintf(stderr, "lnnbench: bench: no benchmark ran: --benchmark_filter matches no model or "
                    "is not a valid regular expression (Google Benchmark says which above); "
                    "nothing written\n");
    if (!user_out) unlink(jsonarg + strlen("--benchmark_out="));
    goto done;
  }
  if (write_md(outdir, &cfg, models, nmodels, peak, peak_n, &prov, &err) != LNB_OK) {
    fprintf(stderr, "lnnbench: %s\n", err.msg);
    goto done;
  }
  status = 0;
  for (size_t i = 0; i < nmodels; i++)
    if (models[i].have && models[i].error) status = 1;
  if (!quiet)
    fprintf(stderr, "lnnbench: wrote %s/bench.md and %s\n", outdir,
            user_out ? "the --benchmark_out file" : "bench.json");

done:
  for (size_t i = 0; i < nmodels; i++) {
    model_close(&models[i]);
    free(models[i].problem);
    free(models[i].model);
    free(models[i].tuned);
    free(models[i].name);
  }
  for (size_t i = 0; pis && i < cfg.problems.n; i++) lnb_problem_inst_release(&pis[i]);
  free(pis);
  free(models);
  free(runs);
done_cfg:
  lnb_config_free(&cfg);
  lnb_registry_free(&reg);
  free(defpath);
  free(gb);
  return status;
}
