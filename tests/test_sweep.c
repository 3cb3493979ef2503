/* test_sweep.c — isolated runs: a plugin that segfaults, aborts, exits or
 * hangs marks only its own run (crashed / timeout, with the signal and the
 * last checkpoint) and the sweep goes on; --jobs gives the same results as a
 * sequential sweep; SIGINT writes the tables of what finished and exits 1. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_shell_util.h"

#define PLUGINS LNB_TEST_PLUGIN_DIR ":" LNB_TEST_FIXTURE_DIR "/misbehave"

static char tmpdir[256];

/* the summary.csv line of run id, or NULL */
static char *row_of(const char *csv, int id) {
  char key[32];
  snprintf(key, sizeof key, "\n%d,", id);
  const char *p = strstr(csv, key);
  if (!p) return NULL;
  p++;
  const char *e = strchr(p, '\n');
  size_t n = e ? (size_t)(e - p) : strlen(p);
  char *r = malloc(n + 1);
  memcpy(r, p, n);
  r[n] = '\0';
  return r;
}

static int setup(void **state) {
  (void)state;
  return sh_make_tmpdir(tmpdir, sizeof tmpdir, "sweep");
}

static int teardown(void **state) {
  (void)state;
  return sh_remove_dir(tmpdir);
}

static const char *crash_cfg =
    "name: crashy\n"
    "problem: {plugin: lsq, m: 20, d: 5}\n"
    "architectures: [{plugin: linear}]\n"
    "optimizers:\n"
    "  - {plugin: gd, lr: 0.1}\n"
    "  - {plugin: misbehave, mode: [segv, abort, exit, hang, ok], at_step: 40}\n"
    "stop: {max_iters: 200, max_seconds: 0.5}\n"
    "record: {every: 10}\n";

static void check_crash_rows(const char *outdir) {
  char path[600];
  snprintf(path, sizeof path, "%s/summary.csv", outdir);
  char *csv = read_file(path);
  assert_non_null(csv);
  /* runs: 1 gd, 2 segv, 3 abort, 4 exit, 5 hang, 6 ok */
  char *r1 = row_of(csv, 1), *r2 = row_of(csv, 2), *r3 = row_of(csv, 3), *r4 = row_of(csv, 4),
       *r5 = row_of(csv, 5), *r6 = row_of(csv, 6);
  assert_non_null(r1 && r2 && r3 && r4 && r5 && r6);
  assert_non_null(strstr(r1, ",max_iters,200,"));
  assert_non_null(strstr(r2, ",crashed,"));
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer turns a SIGSEGV into a report and exit(1) */
  assert_true(strstr(r2, "killed by signal 11") || strstr(r2, "exited with status 1"));
#else
  assert_non_null(strstr(r2, "killed by signal 11"));
#endif
  /* the last checkpoint before step 40 is iteration 39 (record.every 10 gives
   * 30; log spacing gives 32 and the last log point below 40 is 32) */
  assert_non_null(strstr(r2, "last checkpoint: iteration"));
  assert_non_null(strstr(r3, ",crashed,"));
  assert_non_null(strstr(r3, "killed by signal 6"));
  assert_non_null(strstr(r4, ",crashed,"));
  assert_non_null(strstr(r4, "exited with status 7"));
  assert_non_null(strstr(r5, ",timeout,"));
  assert_non_null(strstr(r5, "hard timeout"));
  assert_non_null(strstr(r6, ",max_iters,200,"));
  free(r1), free(r2), free(r3), free(r4), free(r5), free(r6);
  free(csv);
  snprintf(path, sizeof path, "%s/summary.md", outdir);
  char *md = read_file(path);
  assert_non_null(md);
  assert_non_null(strstr(md, "crashed 3"));
  free(md);
}

static void test_crashes_are_isolated(void **state) {
  (void)state;
  char cfg[512], outdir[512], cmd[2048];
  snprintf(cfg, sizeof cfg, "%s/crash.yaml", tmpdir);
  write_file(cfg, crash_cfg);
  snprintf(outdir, sizeof outdir, "%s/seq", tmpdir);
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --plugin-path %s --grace 1 --quiet",
           LNB_TEST_BINARY, cfg, outdir, PLUGINS);
  char *out;
  assert_int_equal(sh(cmd, &out), 1); /* some runs failed */
  assert_non_null(strstr(out, "run 2 crashed"));
  free(out);
  check_crash_rows(outdir);

  /* two at a time: the same outcome per run */
  snprintf(outdir, sizeof outdir, "%s/par", tmpdir);
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --plugin-path %s --grace 1 --jobs 2 --quiet",
           LNB_TEST_BINARY, cfg, outdir, PLUGINS);
  assert_int_equal(sh(cmd, NULL), 1);
  check_crash_rows(outdir);
}

/* --jobs 2 and --isolate off give the same losses as the default */
static void test_jobs_match_sequential(void **state) {
  (void)state;
  char cfg[512], cmd[2048], path[600];
  snprintf(cfg, sizeof cfg, "%s/det.yaml", tmpdir);
  write_file(cfg, "name: det\n"
                  "seeds: [0, 1]\n"
                  "problem: {plugin: lsq, m: 30, d: 8}\n"
                  "architectures: [{plugin: deep_linear, depth: [2, 3], width: 5, init_std: 0.3}]\n"
                  "optimizers: [{plugin: gd, lr: [0.05, 0.1]}]\n"
                  "stop: {max_iters: 300}\n");
  const char *modes[3] = {"", "--jobs 2", "--isolate off"};
  char *traj[3];
  for (int i = 0; i < 3; i++) {
    snprintf(cmd, sizeof cmd, "%s run %s --out %s/det%d --quiet %s", LNB_TEST_BINARY, cfg,
             tmpdir, i, modes[i]);
    assert_int_equal(sh(cmd, NULL), 0);
    snprintf(path, sizeof path, "%s/det%d/trajectories.csv", tmpdir, i);
    traj[i] = read_file(path);
    assert_non_null(traj[i]);
  }
  /* rows may come in another order with --jobs; compare sorted by run and
   * iteration via sort(1) on the loss columns (drop the seconds column) */
  for (int i = 0; i < 3; i++) {
    snprintf(cmd, sizeof cmd,
             "cut -d, -f1,2,4,5 %s/det%d/trajectories.csv | sort > %s/det%d.sorted", tmpdir, i,
             tmpdir, i);
    assert_int_equal(sh(cmd, NULL), 0);
  }
  snprintf(cmd, sizeof cmd, "cmp %s/det0.sorted %s/det1.sorted && cmp %s/det0.sorted %s/det2.sorted",
           tmpdir, tmpdir, tmpdir, tmpdir);
  assert_int_equal(sh(cmd, NULL), 0);
  for (int i = 0; i < 3; i++) free(traj[i]);
}

/* SIGINT: stop launching, kill the hanging run after --grace, write the
 * tables of what finished (state "interrupted"), exit 1. */
static void test_sigint_writes_tables(void **state) {
  (void)state;
  char cfg[512], outdir[512];
  snprintf(cfg, sizeof cfg, "%s/int.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/int", tmpdir);
  write_file(cfg, "name: int\n"
                  "problem: {plugin: lsq, m: 20, d: 5}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers:\n"
                  "  - {plugin: gd, lr: 0.1}\n"
                  "  - {plugin: misbehave, mode: hang, at_step: 3}\n"
                  "  - {plugin: gd, lr: 0.2}\n"
                  "stop: {max_iters: 100}\n");
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int fd = open("/dev/null", 1);
    dup2(fd, 1), dup2(fd, 2);
    execl(LNB_TEST_BINARY, LNB_TEST_BINARY, "run", cfg, "--out", outdir, "--plugin-path",
          PLUGINS, "--grace", "0.5", (char *)NULL);
    _exit(127);
  }
  struct timespec ts = {1, 0};
  nanosleep(&ts, NULL); /* run 1 is done, run 2 hangs */
  kill(pid, SIGINT);
  int st = 0;
  waitpid(pid, &st, 0);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 1);
  char path[600];
  snprintf(path, sizeof path, "%s/manifest.json", outdir);
  char *man = read_file(path);
  assert_non_null(man);
  assert_non_null(strstr(man, "\"state\": \"interrupted\""));
  assert_non_null(strstr(man, "\"runs_finished\": 1"));
  free(man);
  snprintf(path, sizeof path, "%s/summary.md", outdir);
  char *md = read_file(path);
  assert_non_null(md);
  assert_non_null(strstr(md, "1 of 3 runs (interrupted)"));
  free(md);
}

/* --resume keeps recorded runs (matched by spec hash) and runs the rest;
 * --retry-failed runs failed ones again; run ids stay unique. */
static void test_resume(void **state) {
  (void)state;
  char cfg[512], outdir[512], cmd[2048], path[600];
  snprintf(cfg, sizeof cfg, "%s/res.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/res", tmpdir);
  const char *base = "name: res\n"
                     "problem: {plugin: lsq, m: 20, d: 5}\n"
                     "architectures: [{plugin: linear}]\n"
                     "optimizers:\n"
                     "  - {plugin: gd, lr: %s}\n"
                     "  - {plugin: misbehave, mode: segv, at_step: 3}\n"
                     "stop: {max_iters: 50}\n";
  char text[1024];
  snprintf(text, sizeof text, base, "[0.1, 0.2]");
  write_file(cfg, text);
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --plugin-path %s --quiet", LNB_TEST_BINARY, cfg,
           outdir, PLUGINS);
  assert_int_equal(sh(cmd, NULL), 1);
  snprintf(path, sizeof path, "%s/summary.csv", outdir);
  char *csv = read_file(path);
  assert_int_equal(count_lines(csv), 1 + 3);
  free(csv);

  /* nothing to run; the recorded crash still makes the exit status 1 */
  char *out;
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --plugin-path %s --resume", LNB_TEST_BINARY, cfg,
           outdir, PLUGINS);
  assert_int_equal(sh(cmd, &out), 1);
  assert_non_null(strstr(out, "3 runs already recorded"));
  assert_non_null(strstr(out, "0 to run"));
  free(out);
  csv = read_file(path);
  assert_int_equal(count_lines(csv), 1 + 3);
  free(csv);

  /* a grown grid: only the new cell runs. Recorded rows keep their run ids
   * (1 lr=0.1, 2 lr=0.2, 3 the crash); the new cell's own id (index + 1 = 3)
   * is taken, so it gets the first id above every used one and the run count */
  snprintf(text, sizeof text, base, "[0.1, 0.2, 0.3]");
  write_file(cfg, text);
  char *before = read_file(path);
  assert_int_equal(sh(cmd, &out), 1);
  assert_non_null(strstr(out, "3 runs already recorded"));
  assert_non_null(strstr(out, "1 to run"));
  free(out);
  csv = read_file(path);
  assert_int_equal(count_lines(csv), 1 + 4);
  assert_int_equal(strncmp(csv, before, strlen(before)), 0); /* appended, nothing rewritten */
  free(before);
  for (int id = 1; id <= 5; id++) {
    char *r = row_of(csv, id);
    if (id == 4) assert_null(r);
    else assert_non_null(r);
    if (id == 5) assert_non_null(strstr(r, ",0.3,"));
    free(r);
  }
  free(csv);

  /* --retry-failed runs the crashed cell again: its old row stays in the
   * file (nothing recorded is deleted) but leaves the tables */
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --plugin-path %s --retry-failed",
           LNB_TEST_BINARY, cfg, outdir, PLUGINS);
  assert_int_equal(sh(cmd, &out), 1);
  assert_non_null(strstr(out, "3 runs already recorded"));
  assert_non_null(strstr(out, "1 to run"));
  free(out);
  csv = read_file(path);
  assert_int_equal(count_lines(csv), 1 + 5);
  assert_non_null(strstr(csv, ",crashed,"));
  free(csv);
  snprintf(path, sizeof path, "%s/manifest.json", outdir);
  char *man = read_file(path);
  assert_non_null(strstr(man, "\"excluded_run_ids\": \"3\""));
  free(man);
  snprintf(path, sizeof path, "%s/summary.md", outdir);
  char *md = read_file(path);
  assert_non_null(strstr(md, "4 of 4 runs"));
  free(md);
  /* `lnnbench table` agrees: the superseded row is not counted */
  snprintf(cmd, sizeof cmd, "%s table %s", LNB_TEST_BINARY, outdir);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "4 of 4 runs"));
  free(out);
  snprintf(path, sizeof path, "%s/summary.csv", outdir);
  /* every run has its trajectory rows, once */
  snprintf(cmd, sizeof cmd,
           "cut -d, -f1,2 %s/trajectories.csv | sort | uniq -d | wc -l | grep -qx 0 && "
           "test $(cut -d, -f1 %s/trajectories.csv | sort -u | wc -l) -eq 6",
           outdir, outdir);
  assert_int_equal(sh(cmd, NULL), 0);

  /* a narrower config: nothing runs, nothing is deleted; the rows it does
   * not name stay in the files and leave its tables */
  snprintf(text, sizeof text, base, "[0.2]");
  write_file(cfg, text);
  before = read_file(path);
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --plugin-path %s --resume", LNB_TEST_BINARY, cfg,
           outdir, PLUGINS);
  assert_int_equal(sh(cmd, &out), 1); /* the recorded crash of misbehave */
  assert_non_null(strstr(out, "2 runs already recorded"));
  assert_non_null(strstr(out, "0 to run"));
  assert_non_null(strstr(out, "3 recorded rows outside"));
  free(out);
  csv = read_file(path);
  assert_string_equal(csv, before);
  free(csv), free(before);
  snprintf(path, sizeof path, "%s/summary.md", outdir);
  md = read_file(path);
  assert_non_null(strstr(md, "2 of 2 runs"));
  free(md);

  /* a config whose columns differ cannot resume into this directory */
  write_file(cfg, "name: res\nproblem: {plugin: lsq, m: 20, d: 6}\n"
                  "architectures: [{plugin: linear}]\noptimizers: [{plugin: gd}]\n");
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --resume", LNB_TEST_BINARY, cfg, outdir);
  assert_int_equal(sh(cmd, &out), 2);
  assert_non_null(strstr(out, "cannot resume"));
  free(out);
}

/* kill -9 of the whole sweep (parent and children), then --resume: no
 * finished run is lost, none is duplicated, every run ends recorded once. */
static void test_resume_after_kill9(void **state) {
  (void)state;
  char cfg[512], outdir[512], cmd[2048], path[600];
  snprintf(cfg, sizeof cfg, "%s/k9.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/k9", tmpdir);
  write_file(cfg, "name: k9\n"
                  "seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n"
                  "problem: {plugin: lsq, m: 200, d: 60}\n"
                  "architectures: [{plugin: deep_linear, depth: 3, width: 60, init_std: 0.2}]\n"
                  "optimizers: [{plugin: gd, lr: [0.01, 0.02]}]\n"
                  "stop: {max_iters: 3000}\n"
                  "record: {every: 50}\n");
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    setpgid(0, 0);
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 1), dup2(fd, 2);
    execl(LNB_TEST_BINARY, LNB_TEST_BINARY, "run", cfg, "--out", outdir, "--jobs", "2",
          (char *)NULL);
    _exit(127);
  }
  setpgid(pid, pid);
  /* wait until some runs are recorded, then kill everything at once */
  snprintf(path, sizeof path, "%s/summary.csv", outdir);
  for (int i = 0; i < 400; i++) {
    struct timespec ts = {0, 25000000};
    nanosleep(&ts, NULL);
    char *csv = read_file(path);
    size_t n = csv ? count_lines(csv) : 0;
    free(csv);
    if (n >= 4) break;
  }
  kill(-pid, SIGKILL);
  int st;
  waitpid(pid, &st, 0);
  char *before = read_file(path);
  assert_non_null(before);
  size_t nbefore = count_lines(before) - 1;
  assert_true(nbefore >= 3 && nbefore < 20); /* killed mid-sweep */

  char *out;
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --resume --jobs 2", LNB_TEST_BINARY, cfg,
           outdir);
  assert_int_equal(sh(cmd, &out), 0);
  char expect[64];
  snprintf(expect, sizeof expect, "%zu runs already recorded", nbefore);
  assert_non_null(strstr(out, expect));
  free(out);
  char *after = read_file(path);
  assert_int_equal(count_lines(after), 1 + 20);
  /* every row recorded before the kill is still there, byte for byte except
   * the run id (unchanged here: same config) */
  char *line = strtok(before, "\n");
  line = strtok(NULL, "\n"); /* skip header */
  while (line) {
    assert_non_null(strstr(after, line));
    line = strtok(NULL, "\n");
  }
  for (int id = 1; id <= 20; id++) {
    char *r = row_of(after, id);
    assert_non_null(r);
    free(r);
  }
  free(before);
  free(after);
  /* trajectories: each run's checkpoints exactly once */
  snprintf(cmd, sizeof cmd,
           "test $(cut -d, -f1,2 %s/trajectories.csv | sort | uniq -d | wc -l) -eq 0 && "
           "test $(tail -n +2 %s/trajectories.csv | cut -d, -f1 | sort -u | wc -l) -eq 20 && "
           "test $(tail -n +2 %s/trajectories.csv | wc -l) -eq $((20 * $(tail -n +2 "
           "%s/trajectories.csv | grep -c '^1,')))",
           outdir, outdir, outdir, outdir);
  assert_int_equal(sh(cmd, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crashes_are_isolated),
      cmocka_unit_test(test_jobs_match_sequential),
      cmocka_unit_test(test_sigint_writes_tables),
      cmocka_unit_test(test_resume),
      cmocka_unit_test(test_resume_after_kill9),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
