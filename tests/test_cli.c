/* test_cli.c — the lnnbench executable as a user drives it: exit codes,
 * messages, the files a sweep writes, and plugin path resolution. */
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

static int setup(void **state) {
  (void)state;
  return sh_make_tmpdir(tmpdir, sizeof tmpdir, "cli");
}

static int teardown(void **state) {
  (void)state;
  return sh_remove_dir(tmpdir);
}

static void test_help_and_version(void **state) {
  (void)state;
  char *out;
  assert_int_equal(sh(LNB_TEST_BINARY " --help", &out), 0);
  assert_non_null(strstr(out, "run CONFIG.yaml"));
  assert_non_null(strstr(out, "LNNBENCH_PLUGIN_PATH"));
  free(out);
  assert_int_equal(sh(LNB_TEST_BINARY " --version", &out), 0);
  assert_non_null(strstr(out, "lnnbench "));
  free(out);
  assert_int_equal(sh(LNB_TEST_BINARY " rnu x.yaml", &out), 2);
  assert_non_null(strstr(out, "did you mean 'run'"));
  free(out);
  assert_int_equal(sh(LNB_TEST_BINARY " run --help", &out), 0);
  assert_non_null(strstr(out, "diverged"));
  free(out);
  /* `help run` lists every flag `run` takes; `help bench` is bench's help;
   * `help nosuch` is bad input (before: every flag not listed, bench's and
   * nosuch's help the general text, exit 0) */
  assert_int_equal(sh(LNB_TEST_BINARY " help run", &out), 0);
  const char *flags[] = {"--out", "--jobs", "--isolate", "--grace", "--resume", "--retry-failed",
                         "--move-aside", "--plugin-path", "--smoke", "--quiet", "--verbose",
                         "--mpi"};
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
    char line[64];
    snprintf(line, sizeof line, "\n  %s", flags[i]);
    assert_true(strstr(out, line) || (strcmp(flags[i], "--verbose") == 0 &&
                                      strstr(out, "\n  --quiet, --verbose")));
  }
  free(out);
  assert_int_equal(sh(LNB_TEST_BINARY " help bench", &out), 0);
  assert_non_null(strstr(out, "bench"));
  assert_null(strstr(out, "usage: lnnbench <command>"));
  free(out);
  assert_int_equal(sh(LNB_TEST_BINARY " help nosuch", &out), 2);
  assert_non_null(strstr(out, "no command 'nosuch'"));
  free(out);
}

/* The default plugin path is found relative to the executable, without any
 * environment variable. */
static void test_list_and_describe(void **state) {
  (void)state;
  char *out;
  assert_int_equal(sh("env -u LNNBENCH_PLUGIN_PATH " LNB_TEST_BINARY " list", &out), 0);
  const char *names[] = {"lsq", "linear", "deep_linear", "gd"};
  for (size_t i = 0; i < 4; i++) assert_non_null(strstr(out, names[i]));
  assert_null(strstr(out, "failed to load"));
  free(out);
  assert_int_equal(sh(LNB_TEST_BINARY " describe deep_linear", &out), 0);
  assert_non_null(strstr(out, "depth (int"));
  assert_non_null(strstr(out, "init (enum"));
  free(out);
  /* an optimizer lists the step transforms it accepts (ABI 1.5) */
  assert_int_equal(sh(LNB_TEST_BINARY " describe adam", &out), 0);
  assert_non_null(strstr(out, "step transforms"));
  assert_non_null(strstr(out, "  schedule: accepted"));
  assert_non_null(strstr(out, "  decoupled_weight_decay: accepted"));
  free(out);
  assert_int_equal(sh(LNB_TEST_BINARY " describe power_projection", &out), 0);
  assert_non_null(strstr(out, "  schedule: refused"));
  assert_non_null(strstr(out, "projection onto H_gamma"));
  free(out);
  assert_int_equal(sh(LNB_TEST_BINARY " describe deep_linaer", &out), 2);
  assert_non_null(strstr(out, "did you mean 'deep_linear'"));
  free(out);
  /* --plugin-path replaces the default: the fixture dir has broken plugins,
   * which are listed with reasons while the good one loads */
  assert_int_equal(sh(LNB_TEST_BINARY " list --plugin-path " LNB_TEST_FIXTURE_DIR, &out), 0);
  assert_non_null(strstr(out, "failed to load"));
  assert_non_null(strstr(out, "no symbol 'lnb_plugin_entry'"));
  assert_null(strstr(out, "deep_linear"));
  free(out);
  /* a plugin file writable by other users is refused */
  char cmd[1024];
  snprintf(cmd, sizeof cmd,
           "d=$(mktemp -d) && cp %s/misbehave/misbehave.so $d/ && chmod 666 $d/misbehave.so && "
           "%s list --plugin-path $d; rc=$?; rm -rf $d; exit $rc",
           LNB_TEST_FIXTURE_DIR, LNB_TEST_BINARY);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "writable by other users"));
  assert_null(strstr(out, "misbehave   "));
  free(out);
  /* so does the environment variable */
  assert_int_equal(
      sh("LNNBENCH_PLUGIN_PATH=" LNB_TEST_FIXTURE_DIR " " LNB_TEST_BINARY " list", &out), 0);
  assert_non_null(strstr(out, "failed to load"));
  free(out);
}

/* A sweep with a diverging cell: exit 0, every file written, one CSV row per
 * run, the table names every model. */
static void test_run_writes_results(void **state) {
  (void)state;
  char cfg[512], outdir[512], cmd[2048], path[600];
  snprintf(cfg, sizeof cfg, "%s/sweep.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/out", tmpdir);
  write_file(cfg, "name: sweep\n"
                  "seeds: [0, 1]\n"
                  "problem: {plugin: lsq, m: 30, d: 8, noise: 0.1}\n"
                  "architectures:\n"
                  "  - {plugin: linear}\n"
                  "  - {plugin: deep_linear, depth: [2, 3], width: 4, init: gaussian, init_std: 0.5}\n"
                  "optimizers:\n"
                  "  - {plugin: gd, lr: [0.05, 1000.0]}\n"
                  "stop: {max_iters: 3000, target_gap: 1.0e-6}\n"
                  "report: {baseline: linear+gd}\n");
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet", LNB_TEST_BINARY, cfg, outdir);
  char *out;
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "summary.md"));
  free(out);
  snprintf(path, sizeof path, "%s/summary.csv", outdir);
  char *csv = read_file(path);
  assert_non_null(csv);
  assert_int_equal(count_lines(csv), 1 + 3 * 2 * 2); /* header + runs */
  assert_non_null(strstr(csv, "opt.lr"));
  assert_non_null(strstr(csv, "arch.depth"));
  assert_non_null(strstr(csv, ",diverged,"));
  assert_non_null(strstr(csv, ",converged,"));
  free(csv);
  snprintf(path, sizeof path, "%s/trajectories.csv", outdir);
  char *traj = read_file(path);
  assert_non_null(traj);
  assert_true(count_lines(traj) > 12);
  free(traj);
  snprintf(path, sizeof path, "%s/summary.md", outdir);
  char *md = read_file(path);
  assert_non_null(md);
  assert_non_null(strstr(md, "`linear+gd` (baseline)"));
  assert_non_null(strstr(md, "deep_linear(depth=3,width=4,init=gaussian,init_std=0.5)+gd"));
  assert_non_null(strstr(md, "lr=0.05"));
  free(md);
  snprintf(path, sizeof path, "%s/manifest.json", outdir);
  char *man = read_file(path);
  assert_non_null(man);
  assert_non_null(strstr(man, "\"config_hash\": \"fnv1a64:"));
  assert_non_null(strstr(man, "\"blis_threads\": 1"));
  assert_non_null(strstr(man, "\"state\": \"complete\""));
  assert_non_null(strstr(man, "\"git_commit\""));
  /* each plugin file with its content hash, the one `describe` shows */
  assert_int_equal(sh(LNB_TEST_BINARY " describe gd", &out), 0);
  const char *h = strstr(out, "fnv1a64:");
  assert_non_null(h);
  char want[128];
  snprintf(want, sizeof want, "gd.so\", \"hash\": \"%.24s\"}", h);
  assert_non_null(strstr(man, want));
  free(out);
  free(man);

  /* `table` rebuilds summary.md from the CSVs: the same text up to the
   * provenance footer */
  snprintf(cmd, sizeof cmd, "cp %s/summary.md %s/first.md && %s table %s >/dev/null && "
           "diff <(head -n -1 %s/first.md) <(head -n -1 %s/summary.md)",
           outdir, outdir, LNB_TEST_BINARY, outdir, outdir, outdir);
  char bcmd[4096];
  snprintf(bcmd, sizeof bcmd, "bash -c '%s'", cmd);
  assert_int_equal(sh(bcmd, &out), 0);
  free(out);
  snprintf(cmd, sizeof cmd, "%s table %s --format csv", LNB_TEST_BINARY, outdir);
  assert_int_equal(sh(cmd, &out), 0);
  assert_int_equal(count_lines(out), 1 + 3); /* header + one row per model */
  assert_non_null(strstr(out, "linear+gd,lr=0.05,1,2,2,0,0,"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s table %s --format latex", LNB_TEST_BINARY, outdir);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "\\begin{tabular}"));
  assert_non_null(strstr(out, "deep\\_linear"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s table %s/nope", LNB_TEST_BINARY, tmpdir);
  assert_int_equal(sh(cmd, &out), 2);
  assert_non_null(strstr(out, "manifest.json"));
  free(out);
}

/* Bad input exits 2 before any run, with file:line:column. */
/* A sweep bounded by stop.max_epochs says so in summary.md, in the table
 * re-rendered from the CSV, and in the manifest (it said "every run goes to
 * 1000000 iterations" for runs that stopped after 2 epochs). */
static void test_epoch_budget_stated(void **state) {
  (void)state;
  char cfg[512], outdir[512], cmd[2048], path[600];
  snprintf(cfg, sizeof cfg, "%s/epochs.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/epochs", tmpdir);
  write_file(cfg, "name: epochs\nseeds: [0]\nproblem: {plugin: lsq, m: 40, d: 4}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers: [{plugin: gd, lr: 0.1, batch_size: 10}]\n"
                  "stop: {max_iters: 1000000, max_epochs: 2}\n");
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet", LNB_TEST_BINARY, cfg, outdir);
  char *out;
  assert_int_equal(sh(cmd, &out), 0);
  free(out);
  snprintf(path, sizeof path, "%s/summary.md", outdir);
  char *md = read_file(path);
  assert_non_null(md);
  assert_non_null(strstr(md, "every run goes to 1000000 iterations or 2 epochs."));
  free(md);
  snprintf(path, sizeof path, "%s/manifest.json", outdir);
  char *js = read_file(path);
  assert_non_null(js);
  assert_non_null(strstr(js, "\"max_epochs\": 2,"));
  free(js);
  snprintf(cmd, sizeof cmd, "%s table %s", LNB_TEST_BINARY, outdir);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "or 2 epochs."));
  free(out);
}

static void test_bad_config_exit_2(void **state) {
  (void)state;
  char cfg[512], cmd[2048], outdir[512];
  snprintf(cfg, sizeof cfg, "%s/bad.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/bad_out", tmpdir);
  write_file(cfg, "name: bad\n"
                  "problem: {plugin: lsq}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers:\n"
                  "  - {plugin: gd, lrr: 0.1}\n");
  snprintf(cmd, sizeof cmd, "%s run %s --out %s", LNB_TEST_BINARY, cfg, outdir);
  char *out;
  assert_int_equal(sh(cmd, &out), 2);
  assert_non_null(strstr(out, "bad.yaml:5:"));
  assert_non_null(strstr(out, "did you mean 'lr'"));
  free(out);
  struct stat st;
  assert_int_not_equal(stat(outdir, &st), 0); /* nothing written */

  snprintf(cmd, sizeof cmd, "%s run %s/missing.yaml", LNB_TEST_BINARY, tmpdir);
  assert_int_equal(sh(cmd, &out), 2);
  assert_non_null(strstr(out, "missing.yaml"));
  free(out);

  /* output directory that cannot be created */
  write_file(cfg, "name: ok\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
                  "optimizers: [{plugin: gd}]\nstop: {max_iters: 5}\n");
  snprintf(cmd, sizeof cmd, "%s run %s --out /proc/nope/out", LNB_TEST_BINARY, cfg);
  assert_int_equal(sh(cmd, &out), 2);
  assert_non_null(strstr(out, "/proc/nope/out"));
  free(out);
}

/* Plugin path entries: a relative one in $LNNBENCH_PLUGIN_PATH is bad input
 * (it would be looked up in whatever directory lnnbench runs in), one given
 * on the command line is taken against the current directory. `list` shows
 * each plugin's content hash, `describe` the whole of it. */
static void test_relative_plugin_path(void **state) {
  (void)state;
  char *out;
  assert_int_equal(sh("cd " LNB_TEST_FIXTURE_DIR "/.. && LNNBENCH_PLUGIN_PATH=fixtures "
                      LNB_TEST_BINARY " list", &out), 2);
  assert_non_null(strstr(out, "LNNBENCH_PLUGIN_PATH: 'fixtures' is a relative directory"));
  assert_null(strstr(out, "fixture_gd"));
  free(out);
  assert_int_equal(sh("cd " LNB_TEST_FIXTURE_DIR "/.. && " LNB_TEST_BINARY
                      " list --plugin-path fixtures/misbehave", &out), 0);
  assert_non_null(strstr(out, "plugin path: /"));
  assert_non_null(strstr(out, "/fixtures/misbehave\n"));
  assert_non_null(strstr(out, "misbehave  "));
  assert_non_null(strstr(out, "]\n")); /* [hash] ends the line */
  free(out);
  assert_int_equal(sh(LNB_TEST_BINARY " describe gd", &out), 0);
  assert_non_null(strstr(out, ", fnv1a64:"));
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help_and_version),
      cmocka_unit_test(test_list_and_describe),
      cmocka_unit_test(test_run_writes_results),
      cmocka_unit_test(test_epoch_budget_stated),
      cmocka_unit_test(test_bad_config_exit_2),
      cmocka_unit_test(test_relative_plugin_path),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
