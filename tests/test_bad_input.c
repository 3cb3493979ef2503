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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_catalogue),
      cmocka_unit_test(test_marked_run_sweep_goes_on),
      cmocka_unit_test(test_unwritable_and_full),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
