/* test_bad_input.c — the bad-input catalogue. Each entry is a config (plus
 * data files) a user could plausibly write, the exit status lnnbench must
 * give, and the words its one message must contain. Config-time mistakes
 * exit 2 before any run starts and write nothing; faults that only show
 * inside a run mark that run `error` (exit 1) while the other runs go on. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_shell_util.h"

static char tmpdir[256];

static void write_in(const char *dir, const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  write_file(path, text);
}

typedef struct bad_case {
  const char *name;
  const char *file, *file_text; /* optional data file beside the config */
  const char *config;
  int exit_code;
  const char *expect[3]; /* substrings of the output */
} bad_case;

#define TAIL "architectures: [{plugin: linear}]\noptimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n"

static const bad_case cases[] = {
    {"malformed YAML", NULL, NULL, "name: x\nproblem: {plugin: lsq\n" TAIL, 2,
     {"c.yaml:3:", "YAML syntax error"}},
    {"unknown key", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
     "optimizers: [{plugin: gd, lrr: 0.1}]\n",
     2, {"c.yaml:4:27:", "unknown parameter 'lrr'", "did you mean 'lr'"}},
    {"unknown top-level key", NULL, NULL, "name: x\nproblem: {plugin: lsq}\n" TAIL "stopp: {}\n",
     2, {"c.yaml:6:1:", "stopp", "did you mean 'stop'"}},
    {"wrong type", NULL, NULL, "name: x\nproblem: {plugin: lsq, m: {a: 1}}\n" TAIL, 2,
     {"c.yaml:2:27:", "wrong type", "expected int"}},
    {"not a number", NULL, NULL, "name: x\nproblem: {plugin: lsq, m: 1e-3x}\n" TAIL, 2,
     {"c.yaml:2:27:", "trailing characters"}},
    {"nan", NULL, NULL, "name: x\nproblem: {plugin: lsq, noise: nan}\n" TAIL, 2,
     {"c.yaml:2:31:", "finite"}},
    {"lr <= 0", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
     "optimizers: [{plugin: gd, lr: 0}]\n",
     2, {"c.yaml:4:31:", "out of range", "(0, inf)"}},
    {"negative lr in a grid", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
     "optimizers: [{plugin: gd, lr: [0.1, -0.1]}]\n",
     2, {"c.yaml:4:37:", "out of range"}},
    {"depth 0", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\narchitectures: [{plugin: deep_linear, depth: 0}]\n"
     "optimizers: [{plugin: gd}]\n",
     2, {"c.yaml:3:46:", "depth", "out of range"}},
    {"odd p", NULL, NULL, "name: x\nproblem: {plugin: lp_regression, p: 3}\n" TAIL, 2,
     {"c.yaml:2:10:", "p = 3", "even"}},
    {"rank > min(n1, n2)", NULL, NULL,
     "name: x\nproblem: {plugin: matrix_sensing, k: 3, d: 4, rank: 5}\n" TAIL, 2,
     {"c.yaml:2:10:", "rank = 5"}},
    {"more observations than entries", NULL, NULL,
     "name: x\nproblem: {plugin: matrix_sensing, mode: completion, k: 3, d: 3, rank: 1, m: 10}\n" TAIL,
     2, {"c.yaml:2:10:", "m = 10", "9"}},
    {"perturbation_shape without perturbed_range", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\n"
     "architectures: [{plugin: deep_linear, init: gaussian, perturbation_shape: full}]\n"
     "optimizers: [{plugin: gd}]\n",
     2, {"c.yaml:3:17:", "perturbation_shape is only used by init: perturbed_range"}},
    {"nuclear_tol 0", NULL, NULL,
     "name: x\nproblem: {plugin: matrix_sensing, nuclear_reference: true, nuclear_tol: 0}\n" TAIL,
     2, {"c.yaml:2:", "nuclear_tol", "out of range"}},
    {"empty grid", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
     "optimizers: [{plugin: gd, lr: []}]\n",
     2, {"c.yaml:4:31:", "empty grid axis"}},
    {"empty architecture list", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\narchitectures: []\noptimizers: [{plugin: gd}]\n", 2,
     {"c.yaml:3:"}},
    {"missing data file", NULL, NULL, "name: x\nproblem: {plugin: lsq, path: nope.csv}\n" TAIL, 2,
     {"c.yaml:2:10:", "nope.csv"}},
    {"data path is a directory", "adir/keep", "", "name: x\nproblem: {plugin: lsq, path: adir}\n" TAIL,
     2, {"c.yaml:2:10:", "adir", "Is a directory"}},
    {"ragged CSV", "d.csv", "1,2,3\n4,5\n", "name: x\nproblem: {plugin: lsq, path: d.csv}\n" TAIL,
     2, {"d.csv:2:", "2 fields, expected 3"}},
    {"non-numeric CSV", "d.csv", "a,b,y\n1,2,3\n4,x,6\n",
     "name: x\nproblem: {plugin: lsq, path: d.csv}\n" TAIL, 2, {"d.csv:3:", "'x'", "not a number"}},
    {"NaN in CSV", "d.csv", "1,2,3\n4,nan,6\n", "name: x\nproblem: {plugin: lsq, path: d.csv}\n" TAIL,
     2, {"d.csv:2:", "nan", "finite"}},
    {"Inf in CSV", "d.csv", "1,2,3\n4,5,inf\n", "name: x\nproblem: {plugin: lsq, path: d.csv}\n" TAIL,
     2, {"d.csv:2:", "inf", "finite"}},
    {"empty CSV", "d.csv", "", "name: x\nproblem: {plugin: lsq, path: d.csv}\n" TAIL, 2,
     {"d.csv", "no data rows"}},
    {"LIBSVM index out of order", "d.svm", "1 1:0.5 3:1\n-1 3:1 2:2\n",
     "name: x\nproblem: {plugin: lp_regression, p: 2, path: d.svm, format: libsvm}\n" TAIL, 2,
     {"d.svm:2", "order"}},
    {"inline A and b disagree", NULL, NULL,
     "name: x\nproblem: {plugin: lsq, A: [[1, 2], [3, 4]], b: [1, 2, 3]}\n" TAIL, 2,
     {"c.yaml:2:10:", "b"}},
    {"unknown plugin", NULL, NULL, "name: x\nproblem: {plugin: lsqq}\n" TAIL, 2,
     {"c.yaml:2:19:", "unknown problem 'lsqq'", "did you mean 'lsq'"}},
    {"plugin given as a path", NULL, NULL, "name: x\nproblem: {plugin: ./lsq.so}\n" TAIL, 2,
     {"c.yaml:2:19:", "not a plugin name"}},
    {"unknown metric", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\n" TAIL "record: {metrics: [grad_nrom]}\n", 2,
     {"c.yaml:6:20:", "did you mean 'grad_norm'"}},
    /* issue 13: hostile configs */
    {"YAML merge key", NULL, NULL, "name: x\nproblem: {<<: {plugin: lsq}, m: 3}\n" TAIL, 2,
     {"c.yaml:2:11:", "merge keys ('<<') are not supported"}},
    {"terminal escape in a key", NULL, NULL,
     "name: x\nproblem: {plugin: lsq, \"\\e]0;owned\\a\": 1}\n" TAIL, 2,
     {"c.yaml:2:24:", "'\\x1B]0;owned\\x07'"}},
    {"the same optimizer block twice", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
     "optimizers: [{plugin: gd, lr: 0.1}, {plugin: gd, lr: 0.1}]\n",
     2, {"c.yaml:4:37:", "'gd(lr=0.1)' is given twice", "line 4, column 14"}},
    {"report.baseline typo", NULL, NULL,
     "name: x\nproblem: {plugin: lsq}\n" TAIL "report: {baseline: linear+gdd}\n", 2,
     {"c.yaml:6:20:", "unknown report.baseline 'linear+gdd'", "did you mean 'linear+gd'"}},
    {"recursive alias", NULL, NULL, "name: x\nproblem: &p [*p]\n" TAIL, 2,
     {"c.yaml:2:10:", "contains itself through an alias"}},
    {"data file is a character device", NULL, NULL,
     "name: x\nproblem: {plugin: lsq, path: /dev/zero}\n" TAIL, 2,
     {"c.yaml:2:10:", "/dev/zero", "character device"}},
    {"LIBSVM file is /dev/urandom", NULL, NULL,
     "name: x\nproblem: {plugin: lp_regression, p: 2, path: /dev/urandom, format: libsvm}\n" TAIL,
     2, {"c.yaml:2:10:", "/dev/urandom", "character device"}},
    {"batch larger than the training set", NULL, NULL,
     "name: x\nproblem: {plugin: lsq, m: 20, d: 3}\narchitectures: [{plugin: linear}]\n"
     "optimizers:\n  - {plugin: gd, batch_size: 8}\n  - {plugin: adam, batch_size: [4, 21]}\n"
     "stop: {max_iters: 5}\n",
     2, {"c.yaml:6:5:", "batch_size 21 exceeds the 20 training samples", "'lsq'"}},
    /* step transforms of an optimizer block (ABI 1.5) */
#define TF_HEAD "name: x\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
    {"unknown schedule kind", NULL, NULL,
     TF_HEAD "optimizers: [{plugin: adam, schedule: {kind: cosin}}]\nstop: {max_iters: 5}\n", 2,
     {"c.yaml:4:46:", "unknown schedule kind 'cosin'", "did you mean 'cosine'"}},
    {"negative warmup", NULL, NULL,
     TF_HEAD "optimizers: [{plugin: adam, schedule: {kind: cosine, warmup: -3}}]\n"
     "stop: {max_iters: 5}\n",
     2, {"c.yaml:4:62:", "schedule.warmup", "out of range"}},
    {"warmup longer than the budget", NULL, NULL,
     TF_HEAD "optimizers: [{plugin: adam, schedule: {kind: linear, warmup: 50}}]\n"
     "stop: {max_iters: 20}\n",
     2, {"c.yaml:4:62:", "50 steps exceed", "stop.max_iters 20"}},
    {"clip <= 0", NULL, NULL,
     TF_HEAD "optimizers: [{plugin: gd, clip: {global_norm: 0}}]\nstop: {max_iters: 5}\n", 2,
     {"c.yaml:4:47:", "clip.global_norm", "(0, inf)"}},
    {"clip by value < 0 in a grid", NULL, NULL,
     TF_HEAD "optimizers: [{plugin: gd, clip: [{value: 1}, {value: -1}]}]\n"
     "stop: {max_iters: 5}\n",
     2, {"c.yaml:4:54:", "clip.value", "out of range"}},
    {"decoupled decay on an optimizer without an lr", NULL, NULL,
     "name: x\nproblem: {plugin: target, d: 2, kind: rotation, angle_deg: 30}\n"
     "architectures: [{plugin: deep_linear, depth: 2, width: 2}]\n"
     "optimizers: [{plugin: riemannian_qr, decoupled_weight_decay: 0.1}]\n"
     "stop: {max_iters: 5}\n",
     2, {"c.yaml:4:38:", "riemannian_qr", "decoupled weight decay"}},
    {"schedule on power_projection (projection step)", NULL, NULL,
     "name: x\nproblem: {plugin: target, d: 2, kind: rotation, angle_deg: 30}\n"
     "architectures: [{plugin: deep_linear, depth: 2, width: 2}]\n"
     "optimizers: [{plugin: power_projection, schedule: {kind: cosine}}]\n"
     "stop: {max_iters: 5}\n",
     2, {"c.yaml:4:41:", "'power_projection' does not accept a learning-rate schedule",
         "projection"}},
    {"schedule key not of its kind", NULL, NULL,
     TF_HEAD "optimizers: [{plugin: adam, schedule: {kind: cosine, gamma: 0.5}}]\n"
     "stop: {max_iters: 5}\n",
     2, {"c.yaml:4:54:", "'gamma' does not apply to kind cosine"}},
#undef TF_HEAD
    /* predictor architectures (ABI 1.5): refused at the architecture block */
    {"predictor architecture on an end-to-end problem", NULL, NULL,
     "name: x\nproblem: {plugin: target, d: 2, kind: rotation, angle_deg: 30}\n"
     "architectures: [{plugin: linear}, {plugin: mlp, widths: [4]}]\n"
     "optimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n",
     2, {"c.yaml:3:35:", "architecture 'mlp'", "problem 'target' has only an end-to-end form"}},
    {"predictor architecture on matrix sensing", NULL, NULL,
     "name: x\nproblem: {plugin: matrix_sensing}\n"
     "architectures: [{plugin: mlp}]\noptimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n",
     2, {"c.yaml:3:", "problem 'matrix_sensing' has only an end-to-end form"}},
    {"mlp input width differs from the problem's d", NULL, NULL,
     "name: x\nproblem: {plugin: dataset, name: fashion_mnist, subset: 100}\n"
     "architectures: [{plugin: mlp, widths: [8], inputs: 100}]\n"
     "optimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n",
     2, {"c.yaml:3:17:", "inputs: 100", "d = 784"}},
    {"mlp output width differs from the problem's k", NULL, NULL,
     "name: x\nproblem: {plugin: dataset, name: fashion_mnist, subset: 100}\n"
     "architectures:\n  - {plugin: mlp, widths: [8], outputs: 5}\n"
     "optimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n",
     2, {"c.yaml:4:5:", "outputs: 5", "k = 10"}},
    {"mlp hidden width 0", NULL, NULL,
     "name: x\nproblem: {plugin: dataset, name: fashion_mnist, subset: 100}\n"
     "architectures: [{plugin: mlp, widths: [8, 0]}]\n"
     "optimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n",
     2, {"c.yaml:3:", "widths", "out of range"}},
    {"mlp unknown activation", NULL, NULL,
     "name: x\nproblem: {plugin: dataset, name: fashion_mnist, subset: 100}\n"
     "architectures: [{plugin: mlp, activation: sigmoid}]\n"
     "optimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n",
     2, {"c.yaml:3:", "sigmoid", "relu|tanh|gelu|linear"}},
    /* faults that show inside a run: that run is marked, the rest go on */
    {"dimension mismatch problem/architecture", NULL, NULL,
     "name: x\nproblem: {plugin: lsq, d: 3}\n"
     "architectures: [{plugin: linear, init: given, init_matrix: [[1, 2]]}, {plugin: linear}]\n"
     "optimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n",
     1, {"run 1 error", "1 x 2", "1 x 3"}},
    {"optimizer needs a hook the architecture lacks", NULL, NULL,
     "name: x\nproblem: {plugin: target, d: 2, kind: rotation, angle_deg: 30}\n"
     "architectures: [{plugin: linear}, {plugin: deep_linear, depth: 2, width: 2}]\n"
     "optimizers: [{plugin: power_projection}]\nstop: {max_iters: 5}\n",
     1, {"run 1 error", "power_projection", "'linear'"}},
    {"architecture needs what the problem lacks", NULL, NULL,
     "name: x\nproblem: {plugin: lsq, k: 2}\narchitectures: [{plugin: stiefel_linear}]\n"
     "optimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n",
     1, {"run 1 error", "k = 2"}},
};

static int setup(void **state) {
  (void)state;
  return sh_make_tmpdir(tmpdir, sizeof tmpdir, "bad");
}

static int teardown(void **state) {
  (void)state;
  return sh_remove_dir(tmpdir);
}

static void test_catalogue(void **state) {
  (void)state;
  int failures = 0;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const bad_case *c = &cases[i];
    char dir[512], cmd[2048];
    snprintf(dir, sizeof dir, "%s/case%zu", tmpdir, i);
    mkdir(dir, 0777);
    if (c->file) {
      char sub[512];
      snprintf(sub, sizeof sub, "%s/%s", dir, c->file);
      char *slash = strrchr(sub, '/');
      *slash = '\0';
      mkdir(sub, 0777);
      write_in(dir, c->file, c->file_text);
    }
    write_in(dir, "c.yaml", c->config);
    snprintf(cmd, sizeof cmd, "cd %s && %s run c.yaml --out out --quiet", dir, LNB_TEST_BINARY);
    char *out;
    int rc = sh(cmd, &out);
    int ok = rc == c->exit_code;
    for (int k = 0; k < 3 && c->expect[k]; k++) ok &= strstr(out, c->expect[k]) != NULL;
    /* config-time refusals write nothing */
    struct stat st;
    char outdir[600];
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    if (c->exit_code == 2 && stat(outdir, &st) == 0) ok = 0;
    if (!ok) {
      fprintf(stderr, "bad-input case '%s': exit %d (want %d), output:\n%s\n", c->name, rc,
              c->exit_code, out);
      failures++;
    }
    free(out);
  }
  assert_int_equal(failures, 0);
}

/* A run marked `error` does not stop the sweep: with the dimension-mismatch
 * case the second architecture still runs to max_iters. */
static void test_marked_run_sweep_goes_on(void **state) {
  (void)state;
  char dir[512], cmd[2048], path[600];
  snprintf(dir, sizeof dir, "%s/goes_on", tmpdir);
  mkdir(dir, 0777);
  write_in(dir, "c.yaml", cases[sizeof cases / sizeof *cases - 3].config);
  snprintf(cmd, sizeof cmd, "cd %s && %s run c.yaml --out out --quiet", dir, LNB_TEST_BINARY);
  assert_int_equal(sh(cmd, NULL), 1);
  snprintf(path, sizeof path, "grep -c ',error,' %s/out/summary.csv | grep -qx 1 && "
                              "grep -c ',max_iters,' %s/out/summary.csv | grep -qx 1",
           dir, dir);
  assert_int_equal(sh(path, NULL), 0);
}

/* Output directory that cannot be written, and a full disk (file size limit):
 * one message naming the file, and never a truncated results row. */
static void test_unwritable_and_full(void **state) {
  (void)state;
  char dir[512], cmd[4096];
  snprintf(dir, sizeof dir, "%s/full", tmpdir);
  mkdir(dir, 0777);
  write_in(dir, "c.yaml",
             "name: full\nseeds: [0, 1, 2, 3]\nproblem: {plugin: lsq, m: 30, d: 8}\n"
             "architectures: [{plugin: linear}]\noptimizers: [{plugin: gd, lr: [0.01, 0.02]}]\n"
             "stop: {max_iters: 2000}\nrecord: {every: 20}\n");
  char *out;
  snprintf(cmd, sizeof cmd, "cd %s && %s run c.yaml --out /proc/no/such --quiet", dir,
           LNB_TEST_BINARY);
  assert_int_equal(sh(cmd, &out), 2);
  assert_non_null(strstr(out, "/proc/no/such"));
  free(out);
  /* 16 KiB file size limit: trajectories.csv overflows after a few runs */
  snprintf(cmd, sizeof cmd, "cd %s && bash -c 'ulimit -f 16; exec %s run c.yaml --out out --quiet'",
           dir, LNB_TEST_BINARY);
  int rc = sh(cmd, &out);
  assert_int_not_equal(rc, 0);
  assert_non_null(strstr(out, "File too large"));
  free(out);
  /* every line of both CSVs is whole: same field count as the header and a
   * final newline */
  snprintf(cmd, sizeof cmd,
           "cd %s/out && for f in summary.csv trajectories.csv; do "
           "test \"$(tail -c 1 $f | od -An -c | tr -d ' ')\" = '\\n' || exit 1; done && "
           "test $(awk -F, '{print NF}' trajectories.csv | sort -u | wc -l) -eq 1 && "
           "grep -q '\"state\": \"interrupted\"' manifest.json && test -s summary.md",
           dir);
  assert_int_equal(sh(cmd, &out), 0);
  free(out);
  /* and --resume completes the sweep once the limit is gone */
  snprintf(cmd, sizeof cmd, "cd %s && %s run c.yaml --out out --quiet --resume && "
                            "test $(tail -n +2 out/summary.csv | wc -l) -eq 8",
           dir, LNB_TEST_BINARY);
  assert_int_equal(sh(cmd, NULL), 0);
}

/* run cmd in dir under `timeout 120` (a FIFO or an endless file would hang);
 * the exit status, the output in *out, the seconds it took in *secs */
static int timed_run(const char *dir, const char *args, char **out, double *secs) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cd %s && timeout 120 %s %s", dir, LNB_TEST_BINARY, args);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  int rc = sh(cmd, out);
  clock_gettime(CLOCK_MONOTONIC, &b);
  *secs = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
  return rc;
}

/* "refused fast": status 2, every needle in the output, nothing written, and
 * under 20 s (loose: these took a minute or more, or never ended; a quiet
 * machine refuses each in under a second, but a sanitizer build on two
 * shared cores at load 12 was seen at 6 s) */
static int refused_fast(const char *dir, const char *what, const char *args,
                        const char *const *needles) {
  char *out;
  double secs;
  int rc = timed_run(dir, args, &out, &secs);
  int ok = rc == 2 && secs < 20.0;
  for (; *needles; needles++) ok &= strstr(out, *needles) != NULL;
  char outdir[600];
  struct stat st;
  snprintf(outdir, sizeof outdir, "%s/out", dir);
  if (stat(outdir, &st) == 0) ok = 0;
  if (!ok)
    fprintf(stderr, "hostile case '%s': exit %d in %.2f s, output:\n%.2000s\n", what, rc, secs,
            out);
  free(out);
  return ok;
}

/* Generated hostile configs (issue 13): each used to cost minutes or
 * gigabytes before it said anything. */
static void test_hostile_configs_refused_fast(void **state) {
  (void)state;
  char dir[512], path[600];
  snprintf(dir, sizeof dir, "%s/hostile", tmpdir);
  mkdir(dir, 0777);
  size_t cap = (size_t)11 << 20;
  char *t = malloc(cap), *p;
  assert_non_null(t);
  if (!t) return;
  int failures = 0;
  /* 400 KB of nesting: quadratic inside libyaml (> 60 s) */
  p = t + sprintf(t, "name: x\nproblem: ");
  for (int i = 0; i < 200000; i++) *p++ = '[';
  for (int i = 0; i < 200000; i++) *p++ = ']';
  strcpy(p, "\n" TAIL);
  write_in(dir, "deep.yaml", t);
  failures += !refused_fast(dir, "400 KB nesting", "run deep.yaml --out out --quiet",
                            (const char *const[]){"deep.yaml:2:73:", "nested more than 64 deep",
                                                  NULL});
  /* a 10 MB config */
  p = t + sprintf(t, "name: x\nproblem: {plugin: lsq}\n" TAIL);
  memset(p, '#', (size_t)10 << 20);
  strcpy(p + ((size_t)10 << 20), "\n");
  write_in(dir, "big.yaml", t);
  failures += !refused_fast(dir, "10 MB config", "run big.yaml --out out --quiet",
                            (const char *const[]){"big.yaml:", "more than the 4 MiB limit", NULL});
  /* 10^8 runs: 10^4 seeds x 10^4 learning rates, refused before expanding */
  p = t + sprintf(t, "name: x\nseeds: [");
  for (int i = 0; i < 10000; i++) p += sprintf(p, "%s%d", i ? "," : "", i);
  p += sprintf(p, "]\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
                  "optimizers: [{plugin: gd, lr: [");
  for (int i = 0; i < 10000; i++) p += sprintf(p, "%s%de-9", i ? "," : "", i + 1);
  strcpy(p, "]}]\n");
  write_in(dir, "runs.yaml", t);
  failures += !refused_fast(dir, "10^8 runs", "run runs.yaml --out out --quiet",
                            (const char *const[]){"runs.yaml: the config expands to 100000000 runs",
                                                  "limit of 100000", NULL});
  /* a 10^6-cell block (1000 x 1000) */
  p = t + sprintf(t, "name: x\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
                     "optimizers: [{plugin: gd, lr: [");
  for (int i = 0; i < 1000; i++) p += sprintf(p, "%s%de-9", i ? "," : "", i + 1);
  p += sprintf(p, "], weight_decay: [");
  for (int i = 0; i < 1000; i++) p += sprintf(p, "%s%de-9", i ? "," : "", i + 1);
  strcpy(p, "]}]\n");
  write_in(dir, "cells.yaml", t);
  failures += !refused_fast(dir, "10^6 cells", "run cells.yaml --out out --quiet",
                            (const char *const[]){"cells.yaml:4:14:", "grid too large", NULL});
  /* 300000 grid values, the repeat at the end: pairwise checks took minutes */
  p = t + sprintf(t, "name: x\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
                     "optimizers: [{plugin: gd, lr: [");
  for (int i = 0; i < 300000; i++) p += sprintf(p, "%s%de-9", i ? "," : "", i + 1);
  strcpy(p, ",3e-9]}]\n");
  write_in(dir, "axis.yaml", t);
  failures += !refused_fast(dir, "300000-value axis", "run axis.yaml --out out --quiet",
                            (const char *const[]){"axis.yaml:4:", "appears twice", NULL});
  /* aliases: 10^10 values from a few hundred bytes */
  p = t + sprintf(t, "name: x\nstop: {max_iters: 5}\na0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
  for (int i = 1; i < 10; i++) {
    p += sprintf(p, "a%d: &a%d [", i, i);
    for (int k = 0; k < 10; k++) p += sprintf(p, "%s*a%d", k ? ", " : "", i - 1);
    p += sprintf(p, "]\n");
  }
  strcpy(p, "problem: {plugin: lsq, A: *a9}\narchitectures: [{plugin: linear}]\n"
            "optimizers: [{plugin: gd}]\n");
  write_in(dir, "laughs.yaml", t);
  failures += !refused_fast(dir, "alias bomb", "run laughs.yaml --out out --quiet",
                            (const char *const[]){"laughs.yaml:", "aliases expand", NULL});
  /* the config itself a FIFO: refused, not waited on */
  snprintf(path, sizeof path, "%s/fifo.yaml", dir);
  assert_int_equal(mkfifo(path, 0600), 0);
  failures += !refused_fast(dir, "config is a FIFO", "run fifo.yaml --out out --quiet",
                            (const char *const[]){"fifo.yaml: config is a FIFO", NULL});
  free(t);
  assert_int_equal(failures, 0);
}

/* A sweep at the run limit (10^5 runs, 1 iteration each, in-process) runs,
 * resumes and re-renders its table in time linear in the runs: the manifest's
 * plugin list, the table's grouping and the resume matching were O(runs^2)
 * (97 s for the sweep and 110 s for `table` before issue 13; about 2 s in
 * all after). The bound is loose: a regression test for a hang. */
static void test_largest_sweep_is_fast(void **state) {
  (void)state;
  char dir[512];
  snprintf(dir, sizeof dir, "%s/large", tmpdir);
  mkdir(dir, 0777);
  size_t n = 100000;
  char *t = malloc(n * 16 + 512), *p;
  assert_non_null(t);
  if (!t) return;
  p = t + sprintf(t, "name: large\nproblem: {plugin: lsq, m: 4, d: 2}\n"
                     "architectures: [{plugin: linear}]\noptimizers: [{plugin: gd, lr: [");
  for (size_t i = 0; i < n; i++) p += sprintf(p, "%s%zue-9", i ? "," : "", i + 1);
  strcpy(p, "]}]\nstop: {max_iters: 1}\nrecord: {per_decade: 0}\n");
  write_in(dir, "c.yaml", t);
  free(t);
  char *out;
  double secs, total = 0;
  static const char *const steps[] = {"run c.yaml --out out --quiet --isolate off",
                                      "run c.yaml --out out --quiet --isolate off --resume",
                                      "table out --format csv"};
  for (size_t k = 0; k < 3; k++) {
    int rc = timed_run(dir, steps[k], &out, &secs);
    total += secs;
    if (rc != 0) fprintf(stderr, "'%s': exit %d, output:\n%.2000s\n", steps[k], rc, out);
    assert_int_equal(rc, 0);
    if (k == 2) assert_non_null(strstr(out, "linear+gd,lr=")); /* one model, best lr */
    free(out);
  }
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "test $(wc -l < %s/out/summary.csv) -eq 100001 && "
                            "grep -q '\"runs_resumed\": 100000' %s/out/manifest.json", dir, dir);
  assert_int_equal(sh(cmd, NULL), 0);
  /* a guard against quadratic work (that took hours), not a benchmark:
   * under 60 s on a quiet machine, 76 s seen under ASan at load 12 */
  fprintf(stderr, "10^5 runs: run + resume + table in %.1f s\n", total);
  assert_true(total < 240.0);
}

/* Data and results files that are not regular files, or are too large
 * (issue 13): a FIFO blocked, /dev/urandom never ended, /dev/zero ate
 * memory. The large file is sparse (no disk used). */
static void test_hostile_data_files(void **state) {
  (void)state;
  char dir[512], path[600], cmd[1024];
  snprintf(dir, sizeof dir, "%s/data", tmpdir);
  mkdir(dir, 0777);
  int failures = 0;
  snprintf(path, sizeof path, "%s/fifo.csv", dir);
  assert_int_equal(mkfifo(path, 0600), 0);
  write_in(dir, "fifo.yaml", "name: x\nproblem: {plugin: lsq, path: fifo.csv}\n" TAIL);
  failures += !refused_fast(dir, "data file is a FIFO", "run fifo.yaml --out out --quiet",
                            (const char *const[]){"fifo.yaml:2:10:", "fifo.csv: data file is a FIFO",
                                                  NULL});
  snprintf(cmd, sizeof cmd, "truncate -s 17G %s/huge.svm", dir);
  if (sh(cmd, NULL) == 0) {
    write_in(dir, "huge.yaml",
             "name: x\nproblem: {plugin: lp_regression, p: 2, path: huge.svm, format: libsvm}\n"
             TAIL);
    failures += !refused_fast(dir, "17 GiB data file", "run huge.yaml --out out --quiet",
                              (const char *const[]){"huge.svm: data file of 18253611008 bytes",
                                                    "16 GiB limit", NULL});
  }
  /* results directory readers share the check */
  snprintf(cmd, sizeof cmd, "mkdir %s/res && cd %s/res && mkfifo summary.csv && "
                            "echo '{\"runs_total\": 1}' > manifest.json", dir, dir);
  assert_int_equal(sh(cmd, NULL), 0);
  failures += !refused_fast(dir, "summary.csv is a FIFO", "table res",
                            (const char *const[]){"summary.csv: results file is a FIFO", NULL});
  failures += !refused_fast(dir, "plot: summary.csv is a FIFO", "plot res",
                            (const char *const[]){"summary.csv: results file is a FIFO", NULL});
  assert_int_equal(failures, 0);
}

/* Command-line limits (issue 13): an empty --out, and more --jobs than
 * open files allow (refused before anything runs, naming the limit; a soft
 * limit below what is needed is raised instead). */
static void test_cli_limits(void **state) {
  (void)state;
  char dir[512];
  snprintf(dir, sizeof dir, "%s/cli", tmpdir);
  mkdir(dir, 0777);
  write_in(dir, "c.yaml", "name: x\nproblem: {plugin: lsq, m: 20, d: 4}\n"
                          "architectures: [{plugin: linear}]\n"
                          "optimizers: [{plugin: gd, lr: [0.01, 0.02, 0.03]}]\n"
                          "stop: {max_iters: 5}\n");
  int failures = 0;
  failures += !refused_fast(dir, "--out ''", "run c.yaml --out '' --quiet",
                            (const char *const[]){"--out '': empty output directory", NULL});
  char cmd[1024], *out;
  snprintf(cmd, sizeof cmd, "cd %s && ulimit -n 64 && %s run c.yaml --out out --quiet --jobs 1024",
           dir, LNB_TEST_BINARY);
  int rc = sh(cmd, &out);
  struct stat st;
  char outdir[600];
  snprintf(outdir, sizeof outdir, "%s/out", dir);
  if (rc != 2 || !strstr(out, "--jobs 1024 needs about") || !strstr(out, "is 64") ||
      stat(outdir, &st) == 0) {
    fprintf(stderr, "--jobs 1024 with ulimit -n 64: exit %d, output:\n%s\n", rc, out);
    failures++;
  }
  free(out);
  snprintf(cmd, sizeof cmd, "cd %s && ulimit -Sn 64 && %s run c.yaml --out out --quiet --jobs 100",
           dir, LNB_TEST_BINARY);
  rc = sh(cmd, &out);
  if (rc != 0) {
    fprintf(stderr, "--jobs 100 with a soft limit of 64: exit %d, output:\n%s\n", rc, out);
    failures++;
  }
  free(out);
  assert_int_equal(failures, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_marked_run_sweep_goes_on),
      cmocka_unit_test(test_unwritable_and_full),
      cmocka_unit_test(test_hostile_configs_refused_fast),
      cmocka_unit_test(test_hostile_data_files),
      cmocka_unit_test(test_cli_limits),
      cmocka_unit_test(test_largest_sweep_is_fast),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
