/* main.c — the lnnbench command line. */
#define _DEFAULT_SOURCE /* realpath */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "compare.h"
#include "config.h"
#include "harness.h"
#include "host.h"
#include "params.h"
#include "plot.h"
#include "report_html.h"
#include "provenance.h"
#include "registry.h"
#include "results.h"
#include "sweep.h"
#include "transforms.h"
#ifdef LNB_WITH_MPI
#include "mpi_sweep.h"
#endif

#ifndef LNB_VERSION
#define LNB_VERSION "0.0.0"
#endif
#ifndef LNB_PLUGIN_RELDIR
#define LNB_PLUGIN_RELDIR "../lib/lnnbench/plugins"
#endif

enum { EXIT_OK = 0, EXIT_RUNS_FAILED = 1, EXIT_BAD_INPUT = 2 };
/* `lnnbench bench` (benchmarks/bench_cmd.c, built with Google Benchmark) */
#ifdef LNB_HAVE_BENCHMARK
int lnb_cmd_bench(int argc, char **argv);
#endif
#define LNB_SMOKE_ITERS 20

/* An error message on stderr. It may quote config keys or text read back
 * from a results directory: control characters are shown escaped. */
static void print_error(const char *msg) {
  fputs("lnnbench: ", stderr);
  lnb__fput_text(stderr, msg, NULL);
  fputc('\n', stderr);
}

static const char usage_text[] =
    "usage: lnnbench <command> [options]\n"
    "\n"
    "Benchmark optimizers on linear neural networks: a YAML config names a grid of\n"
    "problem x architecture x optimizer x hyper-parameters x seeds; lnnbench runs every\n"
    "cell, times it and writes head-to-head tables.\n"
    "\n"
    "commands:\n"
    "  run CONFIG.yaml [--out DIR]   run every cell of the config; results go to DIR\n"
    "                                (default results/<config name>/): summary.csv,\n"
    "                                trajectories.csv, summary.md, manifest.json\n"
    "  list                          every plugin with its kind and summary, and any\n"
    "                                plugin file that failed to load, with the reason\n"
    "  describe NAME                 a plugin's parameters: type, default, range, help\n"
    "  check NAME|FILE.so            a plugin author's self-test: gradients by finite\n"
    "                                differences, no allocation, determinism, specs\n"
    "  table DIR [--format F]        rebuild the table of a results directory from its\n"
    "                                CSVs; F = md (rewrites DIR/summary.md), csv, latex\n"
    "  plot DIR                      SVG plots (and their gnuplot scripts and data) of a\n"
    "                                results directory in DIR/plots/; needs gnuplot\n"
    "  report DIR                    DIR/report.html: one self-contained page of a results\n"
    "                                directory (summary, tables, profile, plots, runs)\n"
    "  compare DIR_A DIR_B [--format md|csv] [--by-setting] [--metric M]\n"
    "                                the same models in two results directories:\n"
    "                                ratio B/A with a bootstrap CI, Mann-Whitney U test\n"
    "                                (Holm-adjusted), 'identical', manifest differences\n"
    "  bench CONFIG.yaml [--out DIR] time one optimizer step of every model through\n"
    "                                Google Benchmark: bench.json, bench.md (see\n"
    "                                `lnnbench bench --help`)\n"
    "  help [COMMAND]                this text, or a command's\n"
    "\n"
    "options:\n"
    "  --plugin-path DIRS   ':'-separated plugin directories (replaces the default);\n"
    "                       +DIRS: the default directory, then DIRS\n"
    "  --out DIR            output directory of `run`\n"
    "  --jobs N             run N cells at once, each in its own process (default 1)\n"
    "  --isolate on|off     run each cell in a child process (default on): a crash or\n"
    "                       hang marks that run and the sweep goes on; off = in-process,\n"
    "                       for debugging\n"
    "  --resume             keep the runs already recorded in the output directory\n"
    "                       (matched by a hash of each run's full spec) and run the\n"
    "                       rest; failed runs (error, crashed) are kept as recorded\n"
    "  --retry-failed       like --resume, but run failed runs again\n"
    "  --move-aside         the output directory holds results: move them to\n"
    "                       DIR/previous-<UTC time>/ and start afresh (without this,\n"
    "                       --resume or --retry-failed, such a directory is refused)\n"
    "  --smoke              a quick end-to-end check of a config: first seed only, at most\n"
    "                       20 iterations and 10 s per run (default out: results/NAME-smoke)\n"
    "  --mpi                under mpirun: one sweep across all MPI ranks; rank 0 writes\n"
    "                       the results (needs a build with -DLNB_WITH_MPI=ON)\n"
    "  --grace S            hard-kill a run S seconds after stop.max_seconds (default 10);\n"
    "                       also how long an interrupted sweep waits for running cells\n"
    "  --quiet              no progress lines\n"
    "  --verbose            also informational messages\n"
    "  --help, --version\n"
    "\n"
    "plugins are searched in --plugin-path (relative directories are taken against\n"
    "the current directory), else $LNNBENCH_PLUGIN_PATH (absolute directories only),\n"
    "else <directory of the lnnbench executable>/" LNB_PLUGIN_RELDIR ".\n"
    "A list that starts with '+' (--plugin-path +DIR, LNNBENCH_PLUGIN_PATH=+DIR) adds\n"
    "its directories after that default one instead of replacing it.\n"
    "A plugin file is refused unless it and its directory (and a link's target and\n"
    "its directory) are owned by root or you and writable by their owner only.\n"
    "\n"
    "exit status: 0 success, 1 some runs ended with status 'error' (or the sweep was\n"
    "interrupted), 2 bad input (config, plugin name, output directory) before any run.\n";

static const char run_help[] =
    "usage: lnnbench run CONFIG.yaml [--out DIR] [--jobs N] [--isolate on|off] [--grace S]\n"
    "                    [--resume | --retry-failed | --move-aside] [--plugin-path DIRS]\n"
    "                    [--smoke] [--quiet] [--verbose] [--mpi] [--report]\n"
    "\n"
    "  --out DIR            the output directory (default results/<config name>/)\n"
    "  --jobs N             N runs at a time, each in its own process (default 1)\n"
    "  --isolate on|off     each run in a child process (default on); off: in-process\n"
    "  --grace S            kill a run S seconds past stop.max_seconds (default 10)\n"
    "  --resume             keep the runs recorded in DIR (matched by a hash of each\n"
    "                       run's spec and of its plugin and data files' contents), run\n"
    "                       the rest and say how many and why (manifest.json's\n"
    "                       history keeps each earlier invocation and its runs)\n"
    "  --retry-failed       like --resume, but run failed runs (error, crashed) again\n"
    "  --move-aside         move earlier results to DIR/previous-<UTC time>/ first\n"
    "  --plugin-path DIRS   ':'-separated plugin directories (+DIRS: after the default)\n"
    "  --smoke              first seed only, at most 20 iterations and 10 s per run\n"
    "  --quiet, --verbose   no progress lines; also informational messages\n"
    "  --mpi                one sweep across the ranks of mpirun (see below)\n"
    "  --report             write DIR/report.html at the end (see lnnbench help report)\n"
    "\n"
    "Runs every cell of the config's grid in order (problem, seed, architecture,\n"
    "optimizer). Each run stops at stop.max_iters, when l - l* <= stop.target_gap\n"
    "(converged), when stop.max_seconds of timed work are spent (timeout), or when\n"
    "the loss is non-finite or above 1e10 x its initial value (diverged). Rows of\n"
    "summary.csv and trajectories.csv are flushed as each run ends; summary.md and\n"
    "manifest.json are written atomically at the end. Config errors are reported\n"
    "as file:line:column before any run starts (exit 2).\n"
    "\n"
    "Each run executes in a child process (unless --isolate off): a run whose process\n"
    "dies is recorded as 'crashed' with the signal and its last checkpoint; one still\n"
    "running at stop.max_seconds + --grace is killed and recorded as 'timeout'.\n"
    "SIGINT/SIGTERM stop launching runs, wait up to --grace seconds for running ones,\n"
    "write the tables for what finished, and exit 1.\n"
    "\n"
    "--mpi (under mpirun, in a build with -DLNB_WITH_MPI=ON): every rank loads the\n"
    "config; rank 0 orders the cells largest first (stop.max_iters x problem m*d*k x\n"
    "architecture depth*width), runs --jobs at a time itself, hands the others out to\n"
    "the ranks as they ask for work (--jobs each), and alone writes the results: the\n"
    "same files as a local run. SIGINT to rank 0 stops all ranks as above.\n";

static const char list_help[] =
    "usage: lnnbench list [--plugin-path DIRS]\n"
    "\nLists the loaded plugins by kind, each with the start of its file's content\n"
    "hash (FNV-1a 64; manifest.json has it whole), then plugin files that were\n"
    "refused, with the reason.\n";

static const char describe_help[] =
    "usage: lnnbench describe NAME [--plugin-path DIRS]\n"
    "\nShows a plugin's summary, description and declared parameters.\n";

static const char check_help[] =
    "usage: lnnbench check NAME|FILE.so [--plugin-path DIRS]\n"
    "\nThe plugin author's self-test: every plugin named NAME on the plugin path, or\n"
    "every plugin of the file FILE.so (an argument with a '/' or ending in .so), at its\n"
    "default parameters and at each other choice of its enum parameters. One line per\n"
    "check, ok, skip (a setting its validate or create refuses) or FAIL, with numbers:\n"
    "  - describe: summary and help texts present; parameter specs and defaults parse;\n"
    "    some setting passes validate and create\n"
    "  - problems: eval's gradient against central differences (h = 1e-5 max(1,|x|),\n"
    "    2 random points, up to 16 coordinates each; relative error\n"
    "    |fd - g| / max(|fd|, |g|, 1e-3 max|g|) <= 1e-5); loss_outputs' dZ likewise;\n"
    "    eval_rows over all rows = eval\n"
    "  - architectures: backward (backward_outputs) as the gradient of <G, end_to_end>\n"
    "    (<G, forward(X)>), same tolerance; set_end_to_end round trip (1e-9 relative);\n"
    "    created for a run that uses no hook, the same model\n"
    "  - optimizers, on a check model (one 2 x 3 tensor, a smooth loss): steps stay\n"
    "    finite; a declared `uses` is honoured; declared transforms have lr, set_lr_scale\n"
    "  - no allocation through the host table (host->alloc/free, the allocator plugins\n"
    "    must use) in eval, eval_rows, inputs, loss_outputs, metric, end_to_end, backward,\n"
    "    forward, backward_outputs, set_end_to_end, step\n"
    "  - determinism: two instances of one seed give bitwise equal results\n"
    "\nexit status: 0 every check passed (skips allowed), 1 a check failed, 2 bad input\n"
    "(no plugin of that name, a file that does not load).\n";

static const char table_help[] =
    "usage: lnnbench table DIR [--format md|csv|latex]\n"
    "\nRebuilds the head-to-head table of a results directory from its summary.csv and\n"
    "manifest.json, without rerunning anything. md (default) rewrites DIR/summary.md\n"
    "and prints it; csv and latex print one row per model (best tuned setting, medians\n"
    "over seeds, speed-up against the baseline).\n";

static const char plot_help[] =
    "usage: lnnbench plot DIR [--models REGEX] [--format svg|png|pdf]\n"
    "                         [--x iteration|seconds|epoch]\n"
    "\nDraws SVG plots of a results directory with gnuplot (Debian: gnuplot-nox) into\n"
    "DIR/plots/, each with the gnuplot script (NAME.gp) and data (NAME.dat) it was drawn\n"
    "from, to restyle. Per problem pN: loss gap against iteration and against seconds,\n"
    "every recorded metric against iteration, and 2-D trajectories when projection_2d\n"
    "was recorded; perf_profile.svg across problems when there are two or more. One\n"
    "line per model at its best tuned setting (as in the table): the median over seeds,\n"
    "with a min-max band (up to 6 models). Seeds are aligned on the union of their\n"
    "checkpoints; a seed that stopped early carries its last value forward. Each\n"
    "model keeps one colour (Okabe-Ito palette) and dash type in every figure; the\n"
    "loss-gap plots draw a line at stop.target_gap; a log iteration axis plots\n"
    "iteration + 1, so that the start shows; 2-D trajectory axes span the runs that\n"
    "did not diverge; long titles and axis labels wrap.\n"
    "  --models REGEX   only the models whose label matches (POSIX extended regex)\n"
    "  --format F       svg (default), png or pdf\n"
    "  --x X            the x axis: iteration, seconds or epoch (mini-batch runs:\n"
    "                   summary.csv's epochs per iteration; full batch: 1 per step);\n"
    "                   default: the gap against iteration and against seconds\n";

static const char report_help[] =
    "usage: lnnbench report DIR\n"
    "\nWrites DIR/report.html, one self-contained page (no network, no external files)\n"
    "of a results directory: what ran (manifest: config, command, commit, host, date,\n"
    "status counts, config text, earlier invocations of a resumed directory), each\n"
    "problem's head-to-head table (sortable; the baseline's speed-up when\n"
    "report.baseline is set), the performance profile, every\n"
    "plot (drawn first as `lnnbench plot DIR`; without trajectories.csv or gnuplot,\n"
    "the SVG files already in DIR/plots/), and per model every run: tuned setting,\n"
    "seed, status, failure message. `lnnbench run --report` writes it at the end.\n";

static const char compare_help[] =
    "usage: lnnbench compare DIR_A DIR_B [--format md|csv] [--by-setting]\n"
    "                        [--metric iters|seconds|final_loss|METRIC]\n"
    "\nFor each model present in both results directories (matched by problem and\n"
    "model label, each at the best tuned setting of its own set; --by-setting: every\n"
    "tuned setting, matched by problem, model and tuned labels): the median over seeds\n"
    "in A and in B of the compared value, the ratio B/A with a 95% bootstrap\n"
    "confidence interval (2000 resamples, fixed seed), and a two-sided Mann-Whitney U\n"
    "test over seeds (exact without ties for up to 25 seeds a side, else normal\n"
    "approximation with tie correction), Holm-adjusted across the models: * p < 0.05,\n"
    "** p < 0.01; 'identical' when the values are equal seed by seed (no test).\n"
    "--metric: iters (iterations to target, unreached = inf; the default when both\n"
    "sets ran with one BLIS thread), seconds (seconds to target; the default\n"
    "otherwise), final_loss (the default without stop.target_gap) or a metric of\n"
    "record.metrics (its final value). Every manifest difference between the sets\n"
    "(commit, build, plugin and data file hashes, jobs, threads, CPU, host, load) is\n"
    "listed above the table (on stderr with --format csv). Models present in one set\n"
    "only are listed separately.\n";

static volatile sig_atomic_t interrupted = 0;
static void on_signal(int sig) {
  (void)sig;
  interrupted = 1;
}

static void print_failures(const lnb_registry *reg, FILE *f) {
  for (size_t i = 0; i < reg->nfail; i++)
    fprintf(f, "lnnbench: warning: %s\n", reg->failures[i].reason);
}

/* a plugin file's content hash as 16 hex digits in buf[17] */
static const char *hash_hex(const lnb_loaded *l, char *buf) {
  snprintf(buf, 17, "%016llx", (unsigned long long)l->hash);
  return buf;
}

static int cmd_list(const lnb_registry *reg, const char *path) {
  static const lnb_kind kinds[] = {LNB_PROBLEM, LNB_ARCHITECTURE, LNB_OPTIMIZER};
  char hex[17];
  printf("plugin path: %s\n", path);
  for (size_t k = 0; k < 3; k++) {
    printf("\n%ss:\n", lnb_kind_name(kinds[k]));
    int any = 0;
    for (size_t i = 0; i < reg->n; i++) {
      const lnb_plugin *p = reg->items[i].plugin;
      if (p->kind != kinds[k]) continue;
      printf("  %-20s %s  [%.8s]\n", p->name, p->summary, hash_hex(&reg->items[i], hex));
      any = 1;
    }
    if (!any) printf("  (none)\n");
  }
  printf("\ncore metrics (record.metrics; plugins add their own, see describe):\n");
  for (size_t i = 0; i < lnb_core_metric_count(); i++)
    printf("  %-20s %s\n", lnb_core_metric_name(i), lnb_core_metric_help(i));
  if (reg->nfail) {
    printf("\nfailed to load:\n");
    for (size_t i = 0; i < reg->nfail; i++) printf("  %s\n", reg->failures[i].reason);
  }
  return EXIT_OK;
}

static void print_wrapped(const char *text, const char *indent) {
  /* print text wrapped at ~78 columns, keeping explicit newlines */
  size_t ind = strlen(indent), col = ind;
  const char *p = text;
  fputs(indent, stdout);
  while (*p) {
    if (*p == '\n') {
      fputc('\n', stdout);
      fputs(indent, stdout);
      col = ind;
      p++;
      continue;
    }
    if (*p == ' ') {
      p++;
      continue;
    }
    size_t w = strcspn(p, " \n");
    if (col > ind && col + 1 + w > 78) {
      fputc('\n', stdout);
      fputs(indent, stdout);
      col = ind;
    } else if (col > ind) {
      fputc(' ', stdout);
      col++;
    }
    fwrite(p, 1, w, stdout);
    col += w;
    p += w;
  }
  fputc('\n', stdout);
}

/* the host's step transforms an optimizer accepts (ABI 1.5) */
static void describe_transforms(const lnb_plugin *p) {
  static const struct {
    uint32_t flag;
    const char *key, *help;
  } tf[] = {
      {LNB_TF_SCHEDULE, "schedule", "{kind: constant|step|exponential|cosine|linear|"
                                    "inverse_sqrt, warmup: N, ...}: lr times s_t at step t"},
      {LNB_TF_CLIP, "clip", "{global_norm: c} or {value: c}: the gradients, before the step"},
      {LNB_TF_WEIGHT_DECAY, "weight_decay", "L2: grad + weight_decay w, after clipping"},
      {LNB_TF_DECOUPLED, "decoupled_weight_decay",
       "w <- w (1 - lr s_t decoupled_weight_decay) before the step (AdamW-style)"},
  };
  uint32_t acc = lnb_optimizer_transforms(p);
  const lnb_optimizer_ops *o = p->ops;
  const char *note = LNB_OPT_OP(lnb_optimizer_ops, o, transforms_note);
  printf("\nstep transforms (host keys of its block; README, \"Step transforms\"):\n");
  for (size_t j = 0; j < sizeof tf / sizeof *tf; j++) {
    int plugin_own = lnb__spec_find(p->params, tf[j].key) >= 0;
    printf("  %s: %s\n", tf[j].key,
           plugin_own ? "the plugin's own parameter (above)"
           : (acc & tf[j].flag) ? "accepted"
                                : "refused");
    if (!plugin_own && (acc & tf[j].flag)) print_wrapped(tf[j].help, "      ");
  }
  if (note) print_wrapped(note, "  ");
  double (*lr)(const void *) = LNB_OPT_OP(lnb_optimizer_ops, o, lr);
  if (!(acc & LNB_TF_SCHEDULE) && !note && !lr)
    print_wrapped("it declares no step size to the host (plugins for ABI 1.4 or older, or "
                  "`transforms` left 0): schedule and decoupled_weight_decay are refused",
                  "  ");
}

static int cmd_describe(const lnb_registry *reg, const char *name) {
  int found = 0;
  for (size_t i = 0; i < reg->n; i++) {
    const lnb_plugin *p = reg->items[i].plugin;
    if (strcmp(p->name, name) != 0) continue;
    if (found) printf("\n");
    found = 1;
    printf("%s %s — %s\n", lnb_kind_name(p->kind), p->name, p->summary);
    char hex[17];
    printf("  file: %s (ABI %u.%u, fnv1a64:%s)\n", reg->items[i].path, p->abi_major,
           p->abi_minor, hash_hex(&reg->items[i], hex));
    if (p->struct_size > offsetof(lnb_plugin, description) && p->description) {
      printf("\n");
      print_wrapped(p->description, "  ");
    }
    printf("\nparameters:\n");
    if (!p->params || !p->params[0].name) printf("  (none)\n");
    for (size_t j = 0; p->params && p->params[j].name; j++) {
      const lnb_param_spec *s = &p->params[j];
      printf("  %s (%s", s->name, lnb__type_label(s->type));
      if (s->type == LNB_T_ENUM && s->choices) printf(": %s", s->choices);
      if (s->range) printf(", in %s", s->range);
      if (s->default_value) printf(", default %s", s->default_value);
      else if (s->flags & LNB_P_REQUIRED) printf(", required");
      else printf(", optional");
      printf(")\n");
      print_wrapped(s->help, "      ");
    }
    const lnb_metric_spec *ms = NULL;
    if (p->kind == LNB_PROBLEM)
      ms = LNB_OPT_OP(lnb_problem_ops, (const lnb_problem_ops *)p->ops, metrics);
    else if (p->kind == LNB_ARCHITECTURE)
      ms = LNB_OPT_OP(lnb_arch_ops, (const lnb_arch_ops *)p->ops, metrics);
    if (ms && ms[0].name) {
      printf("\nmetrics (for record.metrics):\n");
      for (size_t j = 0; ms[j].name; j++) {
        printf("  %s\n", ms[j].name);
        print_wrapped(ms[j].help, "      ");
      }
    }
    if (p->kind == LNB_OPTIMIZER) describe_transforms(p);
    const char *gnote = p->kind == LNB_ARCHITECTURE
                            ? LNB_OPT_OP(lnb_arch_ops, (const lnb_arch_ops *)p->ops, gradient_note)
                            : NULL;
    if (gnote) {
      printf("\ngradient note (backward is not the partial derivatives):\n");
      print_wrapped(gnote, "  ");
    }
  }
  if (!found) {
    const char **names = NULL;
    size_t n = 0, total = 0;
    const char *all[512];
    for (int k = LNB_PROBLEM; k <= LNB_OPTIMIZER; k++) {
      names = lnb_registry_names(reg, (lnb_kind)k, &n);
      for (size_t i = 0; i < n && total < 512; i++) all[total++] = names[i];
      free(names);
    }
    const char *sugg = lnb__closest(name, all, total);
    fprintf(stderr, "lnnbench: no plugin named '%s'%s%s%s (see `lnnbench list`)\n", name,
            sugg ? "; did you mean '" : "", sugg ? sugg : "", sugg ? "'?" : "");
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}

/* `lnnbench check NAME|FILE.so` (check.c) */
static int cmd_check(const lnb_registry *reg, const char *arg) {
  size_t len = strlen(arg), nfail = 0;
  if (strchr(arg, '/') || (len > 3 && strcmp(arg + len - 3, ".so") == 0)) {
    char real[PATH_MAX];
    if (!realpath(arg, real)) {
      fprintf(stderr, "lnnbench: check: %s: %s\n", arg, strerror(errno));
      return EXIT_BAD_INPUT;
    }
    lnb_registry one;
    memset(&one, 0, sizeof one);
    if (lnb_registry_load_file(&one, real) != 0 || one.n == 0) {
      if (one.nfail) print_failures(&one, stderr);
      else fprintf(stderr, "lnnbench: check: %s: no plugins in the file\n", arg);
      lnb_registry_free(&one);
      return EXIT_BAD_INPUT;
    }
    lnb_check(&one, NULL, stdout, &nfail);
    lnb_registry_free(&one);
    return nfail ? EXIT_RUNS_FAILED : EXIT_OK;
  }
  int found = 0;
  for (size_t i = 0; i < reg->n && !found; i++) found = strcmp(reg->items[i].plugin->name, arg) == 0;
  if (!found) return cmd_describe(reg, arg); /* its message, with a suggestion; exit 2 */
  lnb_check(reg, arg, stdout, &nfail);
  return nfail ? EXIT_RUNS_FAILED : EXIT_OK;
}

typedef struct run_opts {
  int jobs, isolate;
  double grace;
  int resume, retry_failed;
  int move_aside; /* --move-aside: earlier results go to OUT/previous-<time>/ */
  int smoke; /* --smoke: one seed, at most LNB_SMOKE_ITERS iterations */
  int mpi, rank, nranks; /* --mpi: this process is rank `rank` of nranks */
  int report; /* --report: DIR/report.html at the end */
} run_opts;

/* --mpi: may every rank start (collective, see lnb_mpi_agree)? Locally:
 * whether fail is NULL. */
static int mpi_agree(const run_opts *ro, const char *fail, const lnb_config *cfg,
                     const lnb_run_spec *runs, size_t nruns) {
#ifdef LNB_WITH_MPI
  if (ro->mpi) return lnb_mpi_agree(fail, cfg, runs, nruns);
#else
  (void)ro, (void)cfg, (void)runs, (void)nruns;
#endif
  return fail == NULL;
}

/* Open files a sweep uses besides one pipe per running job: stdio, the two
 * CSVs, a pipe being created, manifest and summary temp files, MPI. */
#define LNB_BASE_OPEN_FILES 32

/* --jobs N keeps N pipes open: raise the soft RLIMIT_NOFILE to what that
 * needs when the hard limit allows, else refuse before anything runs (the
 * sweep would otherwise fail mid-way with "Too many open files"). */
static int ensure_open_files(rlim_t need, int jobs) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
    return 0;
  if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) {
    rl.rlim_cur = need;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0) return 0;
  }
  fprintf(stderr,
          "lnnbench: --jobs %d needs about %llu open files, but the limit on open files is "
          "%llu (hard limit %llu; see `ulimit -n`): use fewer jobs or raise the limit\n",
          jobs, (unsigned long long)need, (unsigned long long)rl.rlim_cur,
          (unsigned long long)rl.rlim_max);
  return -1;
}

static int cmd_run(const lnb_registry *reg, const char *config_path, const char *out,
                   int quiet, const char *cmdline, const run_opts *ro) {
  lnb_config cfg;
  lnb_error err = {0};
  int rc = lnb_config_load(config_path, reg, &cfg, &err);
  if (rc != LNB_OK) {
    mpi_agree(ro, err.msg, NULL, NULL, 0); /* other ranks say so with their rank */
    if (ro->rank == 0) {
      print_error(err.msg);
      if (reg->nfail) print_failures(reg, stderr);
    }
    lnb_config_free(&cfg);
    return EXIT_BAD_INPUT;
  }
  if (ro->smoke) { /* a quick check that the config runs end to end */
    if (cfg.stop.max_iters > LNB_SMOKE_ITERS) cfg.stop.max_iters = LNB_SMOKE_ITERS;
    if (cfg.stop.max_seconds <= 0 || cfg.stop.max_seconds > 10) cfg.stop.max_seconds = 10;
    cfg.nseeds = 1;
    for (size_t o = 0; o < cfg.optimizers.n; o++) { /* warmups within the shorter budget */
      lnb_schedule *sc = &cfg.optimizers.cells[o].tf.sched;
      if (sc->warmup > cfg.stop.max_iters) sc->warmup = cfg.stop.max_iters;
    }
  }
  lnb_blas_set_threads(cfg.threads > 0 ? cfg.threads : 1);
  if (lnb_check_batch_sizes(&cfg, &err) != LNB_OK) {
    mpi_agree(ro, err.msg, NULL, NULL, 0);
    if (ro->rank == 0) print_error(err.msg);
    lnb_config_free(&cfg);
    return EXIT_BAD_INPUT;
  }

  char defdir[PATH_MAX];
  if (!out) {
    snprintf(defdir, sizeof defdir, "results/%s%s", cfg.name, ro->smoke ? "-smoke" : "");
    out = defdir;
  }
  size_t nruns = 0;
  lnb_run_spec *runs = lnb_expand_runs(&cfg, &nruns);
  if (!runs) {
    char why[LNB_ERROR_MSG_MAX + 64];
    snprintf(why, sizeof why, "%s: the grid expands to no runs", cfg.path);
    mpi_agree(ro, why, NULL, NULL, 0);
    if (ro->rank == 0) print_error(why);
    lnb_config_free(&cfg);
    return EXIT_BAD_INPUT;
  }
  if (!mpi_agree(ro, NULL, &cfg, runs, nruns)) {
    free(runs);
    lnb_config_free(&cfg);
    return EXIT_BAD_INPUT;
  }
  /* rank 0 (every local run) keeps the results directory */
  lnb_results w;
  memset(&w, 0, sizeof w);
  unsigned char *todo = NULL;
  rc = LNB_OK;
  if (ro->rank == 0) {
    todo = calloc(nruns, 1);
    if (!todo) rc = lnb__error(&err, LNB_ENOMEM, "out of memory");
    else
      rc = lnb_results_start(&w, out, &cfg, cmdline, runs, nruns,
                             ro->resume       ? LNB_OUT_RESUME
                             : ro->move_aside ? LNB_OUT_MOVE_ASIDE
                                              : LNB_OUT_NEW,
                             ro->retry_failed, todo, &err);
    w.jobs = ro->jobs;
    w.isolate = ro->isolate;
    w.mpi_ranks = ro->mpi ? ro->nranks : 0;
  }
  int root_ok = rc == LNB_OK;
#ifdef LNB_WITH_MPI
  if (ro->mpi) root_ok = lnb_mpi_root_ok(root_ok);
#endif
  if (!root_ok) {
    if (ro->rank == 0) {
      print_error(err.msg);
      if (todo) lnb_results_close(&w);
    }
    free(todo);
    free(runs);
    lnb_config_free(&cfg);
    return EXIT_BAD_INPUT;
  }
  if (!quiet && ro->rank == 0 && ro->resume)
    fprintf(stderr,
            "lnnbench: resuming: %zu runs already recorded in %s/, %zu to run; %zu recorded "
            "rows outside this sweep's tables (kept in the files)\n",
            w.resumed, out, nruns - w.resumed, w.nexcluded);
  if (!quiet && ro->rank == 0 && ro->resume && w.rerun_why[0])
    fprintf(stderr, "lnnbench: %s\n", w.rerun_why);
  if (!quiet && ro->rank == 0 && w.moved_to[0])
    fprintf(stderr, "lnnbench: the earlier results of %s/ are now in %s/\n", out, w.moved_to);
  if (!quiet && ro->rank == 0) {
    fprintf(stderr, "lnnbench: %s: %zu runs (%zu problems x %zu architectures x %zu optimizers x %zu seeds) -> %s/",
            cfg.name, nruns, cfg.problems.n, cfg.architectures.n, cfg.optimizers.n,
            cfg.nseeds, out);
    if (ro->mpi)
      fprintf(stderr, " on %d MPI rank%s, %d job%s each, largest first", ro->nranks,
              ro->nranks == 1 ? "" : "s", ro->jobs, ro->jobs == 1 ? "" : "s");
    fputc('\n', stderr);
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGXFSZ, SIG_IGN); /* a file size limit is a write error, not a kill */

  lnb_sweep_opts so = {.jobs = ro->jobs,
                       .isolate = ro->isolate,
                       .grace_seconds = ro->grace,
                       .quiet = quiet,
                       .progress_tty = isatty(STDERR_FILENO),
                       .interrupted = &interrupted,
                       .child_close = {ro->rank == 0 ? w.lock_fd : -1,
                                       ro->rank == 0 ? w.summary : -1,
                                       ro->rank == 0 ? w.traj : -1}};
  lnb_sweep_stats st;
#ifdef LNB_WITH_MPI
  if (ro->mpi) lnb_mpi_sweep(&cfg, runs, nruns, todo, &so, ro->rank == 0 ? &w : NULL, &st);
  else
#endif
    lnb_sweep(&cfg, runs, nruns, todo, &so, &w, &st);
  free(todo);
  if (ro->rank != 0) { /* an MPI worker: rank 0 writes and reports */
    free(runs);
    lnb_config_free(&cfg);
    return EXIT_OK;
  }
  size_t done = st.done + w.resumed;
  size_t failed = w.counts[LNB_RUN_ERROR] + w.counts[LNB_RUN_CRASHED]; /* incl. resumed */
  int write_failed = st.write_failed;
  int was_interrupted = interrupted || done < nruns;
  if (lnb_results_finish(&w, was_interrupted, &err) != LNB_OK) {
    print_error(err.msg);
    write_failed = 1;
  }
  if (!write_failed) printf("summary: %s/summary.md\n", out);
  if (!write_failed && ro->report) { /* after the tables: the report reads them back */
    lnb_error rerr = {0};
    fflush(stdout);
    if (lnb_report_html(out, stdout, &rerr) != LNB_OK) {
      print_error(rerr.msg);
      write_failed = 1;
    }
  }
  lnb_results_close(&w);
  free(runs);
  lnb_config_free(&cfg);
  if (write_failed) return EXIT_BAD_INPUT;
  if (was_interrupted) { /* under MPI also: a rank left with runs unfinished */
    fprintf(stderr, "lnnbench: interrupted after %zu of %zu runs\n", done, nruns);
    return EXIT_RUNS_FAILED;
  }
  return failed ? EXIT_RUNS_FAILED : EXIT_OK;
}

int main(int argc, char **argv) {
  lnb__memory_policy();
  if (argc > 1 && strcmp(argv[1], "bench") == 0) { /* its own flags (--benchmark_*) */
#ifdef LNB_HAVE_BENCHMARK
    return lnb_cmd_bench(argc - 1, argv + 1);
#else
    fputs("lnnbench: `bench` needs Google Benchmark: install the Debian package "
          "libbenchmark-dev and reconfigure (cmake -DLNB_WITH_BENCHMARK=ON)\n", stderr);
    return EXIT_BAD_INPUT;
#endif
  }
  const char *plugin_path = NULL, *out = NULL, *command = NULL;
  const char *positional[4];
  size_t npos = 0;
  int quiet = 0, want_help = 0;
  run_opts ro = {.jobs = 1, .isolate = 1, .grace = 10.0, .nranks = 1};
  lnb_table_format format = LNB_TABLE_MD;
  int by_setting = 0; /* compare --by-setting */
  const char *metric = NULL; /* compare --metric */
  const char *format_arg = NULL;
  lnb_plot_opts popts = {0}; /* plot --models --format --x */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    /* options taking a value: --opt VALUE or --opt=VALUE */
    static const char *const valued[] = {"--plugin-path", "--out", "--jobs", "--isolate",
                                         "--grace", "--format", "--metric", "--models", "--x"};
    const char *val = NULL, *opt = NULL;
    for (size_t k = 0; k < sizeof valued / sizeof *valued; k++) {
      size_t n = strlen(valued[k]);
      if (strncmp(a, valued[k], n) == 0 && (a[n] == '\0' || a[n] == '=')) {
        opt = valued[k];
        if (a[n] == '=') val = a + n + 1;
        else if (i + 1 < argc) val = argv[++i];
        else {
          fprintf(stderr, "lnnbench: %s needs a value\n", opt);
          return EXIT_BAD_INPUT;
        }
      }
    }
    if (opt) {
      const char *why = NULL;
      int64_t iv = 0;
      double dv = 0;
      if (strcmp(opt, "--plugin-path") == 0) plugin_path = val;
      else if (strcmp(opt, "--out") == 0) out = val;
      else if (strcmp(opt, "--metric") == 0) metric = val;
      else if (strcmp(opt, "--format") == 0) format_arg = val; /* checked per command below */
      else if (strcmp(opt, "--models") == 0) popts.models = val;
      else if (strcmp(opt, "--x") == 0) popts.x = val;
      else if (strcmp(opt, "--jobs") == 0) {
        if (lnb__parse_int(val, &iv, &why) != 0 || iv < 1 || iv > LNB_SWEEP_MAX_JOBS) {
          fprintf(stderr, "lnnbench: --jobs '%s': expected an integer in [1, %d]\n", val,
                  LNB_SWEEP_MAX_JOBS);
          return EXIT_BAD_INPUT;
        }
        ro.jobs = (int)iv;
      } else if (strcmp(opt, "--isolate") == 0) {
        if (strcmp(val, "on") == 0) ro.isolate = 1;
        else if (strcmp(val, "off") == 0) ro.isolate = 0;
        else {
          fprintf(stderr, "lnnbench: --isolate '%s': expected on or off\n", val);
          return EXIT_BAD_INPUT;
        }
      } else {
        if (lnb__parse_real(val, &dv, &why) != 0 || dv < 0) {
          fprintf(stderr, "lnnbench: --grace '%s': expected seconds >= 0\n", val);
          return EXIT_BAD_INPUT;
        }
        ro.grace = dv;
      }
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) want_help = 1;
    else if (strcmp(a, "--version") == 0) {
      printf("lnnbench %s (plugin ABI %d.%d)\n", LNB_VERSION, LNB_ABI_MAJOR, LNB_ABI_MINOR);
      return EXIT_OK;
    } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) quiet = 1;
    else if (strcmp(a, "--resume") == 0) ro.resume = 1;
    else if (strcmp(a, "--move-aside") == 0) ro.move_aside = 1;
    else if (strcmp(a, "--mpi") == 0) ro.mpi = 1;
    else if (strcmp(a, "--smoke") == 0) ro.smoke = 1;
    else if (strcmp(a, "--report") == 0) ro.report = 1;
    else if (strcmp(a, "--by-setting") == 0) by_setting = 1;
    else if (strcmp(a, "--retry-failed") == 0) ro.resume = ro.retry_failed = 1;
    else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) lnb_host_set_verbosity(2);
    else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "lnnbench: unknown option '%s' (see `lnnbench --help`)\n", a);
      return EXIT_BAD_INPUT;
    } else if (!command) command = a;
    else if (npos < 4) positional[npos++] = a;
    else {
      fprintf(stderr, "lnnbench: too many arguments\n");
      return EXIT_BAD_INPUT;
    }
  }
  int is_plot_cmd = command && strcmp(command, "plot") == 0;
  if (format_arg && is_plot_cmd) popts.format = format_arg;
  else if (format_arg) {
    if (strcmp(format_arg, "md") == 0) format = LNB_TABLE_MD;
    else if (strcmp(format_arg, "csv") == 0) format = LNB_TABLE_CSV;
    else if (strcmp(format_arg, "latex") == 0) format = LNB_TABLE_LATEX;
    else {
      fprintf(stderr, "lnnbench: --format '%s': expected md, csv or latex\n", format_arg);
      return EXIT_BAD_INPUT;
    }
  }
  if ((popts.models || popts.x) && !is_plot_cmd) {
    fprintf(stderr, "lnnbench: %s applies to `plot` only\n", popts.models ? "--models" : "--x");
    return EXIT_BAD_INPUT;
  }
  if (is_plot_cmd) {
    lnb_error perr = {0};
    if (lnb_plot_check_opts(&popts, &perr) != LNB_OK) {
      fprintf(stderr, "lnnbench: %s\n", perr.msg);
      return EXIT_BAD_INPUT;
    }
  }
  if (ro.move_aside && ro.resume) {
    fprintf(stderr, "lnnbench: --move-aside starts afresh and --resume keeps the recorded runs: "
                    "choose one\n");
    return EXIT_BAD_INPUT;
  }
  if (!ro.isolate && ro.jobs > 1) {
    fprintf(stderr, "lnnbench: --jobs %d needs isolated runs (drop --isolate off)\n", ro.jobs);
    return EXIT_BAD_INPUT;
  }
  if (ro.jobs > 1 && ensure_open_files((rlim_t)ro.jobs + LNB_BASE_OPEN_FILES, ro.jobs) != 0)
    return EXIT_BAD_INPUT;
  if (out && !*out) {
    fprintf(stderr, "lnnbench: --out '': empty output directory\n");
    return EXIT_BAD_INPUT;
  }
  if (!command || strcmp(command, "help") == 0) {
    const char *topic = command ? (npos ? positional[0] : NULL) : NULL;
    if (topic && strcmp(topic, "run") == 0) fputs(run_help, stdout);
    else if (topic && strcmp(topic, "list") == 0) fputs(list_help, stdout);
    else if (topic && strcmp(topic, "describe") == 0) fputs(describe_help, stdout);
    else if (topic && strcmp(topic, "check") == 0) fputs(check_help, stdout);
    else if (topic && strcmp(topic, "table") == 0) fputs(table_help, stdout);
    else if (topic && strcmp(topic, "plot") == 0) fputs(plot_help, stdout);
    else if (topic && strcmp(topic, "compare") == 0) fputs(compare_help, stdout);
    else if (topic && strcmp(topic, "bench") == 0) {
#ifdef LNB_HAVE_BENCHMARK
      char *av[] = {(char *)"bench", (char *)"--help", NULL};
      return lnb_cmd_bench(2, av);
#else
      fputs("usage: lnnbench bench CONFIG.yaml [--out DIR] [--benchmark_* flags]\n"
            "\nNot built into this lnnbench: it needs Google Benchmark (Debian "
            "libbenchmark-dev; cmake -DLNB_WITH_BENCHMARK=ON).\n", stdout);
#endif
    } else if (topic && strcmp(topic, "report") == 0) {
      fputs(report_help, stdout);
    } else if (topic && strcmp(topic, "help") != 0) {
      fprintf(stderr, "lnnbench: help: no command '%s' (commands: run, list, describe, check, "
                      "table, plot, report, compare, bench, help)\n", topic);
      return EXIT_BAD_INPUT;
    } else fputs(usage_text, command || want_help ? stdout : stderr);
    return command || want_help ? EXIT_OK : EXIT_BAD_INPUT;
  }
  if (want_help) {
    if (strcmp(command, "run") == 0) fputs(run_help, stdout);
    else if (strcmp(command, "list") == 0) fputs(list_help, stdout);
    else if (strcmp(command, "describe") == 0) fputs(describe_help, stdout);
    else if (strcmp(command, "check") == 0) fputs(check_help, stdout);
    else if (strcmp(command, "table") == 0) fputs(table_help, stdout);
    else if (strcmp(command, "plot") == 0) fputs(plot_help, stdout);
    else if (strcmp(command, "compare") == 0) fputs(compare_help, stdout);
    else if (strcmp(command, "report") == 0) fputs(report_help, stdout);
    else fputs(usage_text, stdout);
    return EXIT_OK;
  }
  if (ro.mpi) {
#ifndef LNB_WITH_MPI
    fprintf(stderr, "lnnbench: --mpi: this lnnbench was built without MPI; configure with "
                    "-DLNB_WITH_MPI=ON (Debian: libopenmpi-dev)\n");
    return EXIT_BAD_INPUT;
#endif
    if (strcmp(command, "run") != 0) {
      fprintf(stderr, "lnnbench: --mpi applies to `run` only\n");
      return EXIT_BAD_INPUT;
    }
    if (!ro.isolate) {
      fprintf(stderr, "lnnbench: --mpi needs isolated runs (drop --isolate off)\n");
      return EXIT_BAD_INPUT;
    }
  }
  if (strcmp(command, "table") == 0) {
    if (npos != 1) {
      fputs(table_help, stderr);
      return EXIT_BAD_INPUT;
    }
    lnb_error err = {0};
    if (lnb_results_rerender(positional[0], format, stdout, &err) != LNB_OK) {
      print_error(err.msg);
      return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
  }
  if (strcmp(command, "report") == 0) {
    if (npos != 1) {
      fputs(report_help, stderr);
      return EXIT_BAD_INPUT;
    }
    lnb_error err = {0};
    if (lnb_report_html(positional[0], stdout, &err) != LNB_OK) {
      print_error(err.msg);
      return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
  }
  if (strcmp(command, "plot") == 0 || strcmp(command, "compare") == 0) {
    int is_plot = strcmp(command, "plot") == 0;
    if (npos != (is_plot ? 1u : 2u)) {
      fputs(is_plot ? plot_help : compare_help, stderr);
      return EXIT_BAD_INPUT;
    }
    lnb_error err = {0};
    int rc = is_plot ? lnb_plot_dir_opts(positional[0], &popts, stdout, &err)
                     : lnb_compare_dirs(positional[0], positional[1], format, by_setting,
                                        metric, stdout, &err);
    if (rc != LNB_OK) {
      print_error(err.msg);
      return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
  }
  if (strcmp(command, "run") != 0 && strcmp(command, "list") != 0 &&
      strcmp(command, "describe") != 0 && strcmp(command, "check") != 0) {
    const char *cmds[] = {"run",  "list",  "describe", "table",  "plot",
                          "compare", "help", "bench", "report", "check"};
    const char *s = lnb__closest(command, cmds, 10);
    fprintf(stderr, "lnnbench: unknown command '%s'%s%s%s (see `lnnbench --help`)\n", command,
            s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
    return EXIT_BAD_INPUT;
  }

  char why[PATH_MAX + 256];
  char *defpath = lnb_registry_plugin_path(plugin_path, getenv("LNNBENCH_PLUGIN_PATH"), why,
                                           sizeof why);
  if (!defpath) {
    fprintf(stderr, "lnnbench: %s\n", why);
    return EXIT_BAD_INPUT;
  }
  plugin_path = defpath;
  lnb_registry reg;
  memset(&reg, 0, sizeof reg);
  lnb_registry_load_path(&reg, plugin_path);

  int rc;
  if (strcmp(command, "list") == 0) {
    rc = cmd_list(&reg, plugin_path);
  } else if (strcmp(command, "describe") == 0) {
    if (npos != 1) {
      fputs(describe_help, stderr);
      rc = EXIT_BAD_INPUT;
    } else rc = cmd_describe(&reg, positional[0]);
  } else if (strcmp(command, "check") == 0) {
    rc = npos != 1 ? (fputs(check_help, stderr), EXIT_BAD_INPUT) : cmd_check(&reg, positional[0]);
  } else {
    if (npos != 1) {
      fputs(run_help, stderr);
      rc = EXIT_BAD_INPUT;
    } else {
      char cmdline[4096];
      size_t len = 0;
      cmdline[0] = '\0';
      for (int i = 0; i < argc && len + 2 < sizeof cmdline; i++)
        len += (size_t)snprintf(cmdline + len, sizeof cmdline - len, "%s%s", i ? " " : "",
                                argv[i]);
#ifdef LNB_WITH_MPI
      if (ro.mpi) lnb_mpi_init(&argc, &argv, &ro.rank, &ro.nranks);
#endif
      rc = cmd_run(&reg, positional[0], out, quiet, cmdline, &ro);
#ifdef LNB_WITH_MPI
      if (ro.mpi) lnb_mpi_finalize();
#endif
    }
  }
  lnb_registry_free(&reg);
  free(defpath);
  return rc;
}
