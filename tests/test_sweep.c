/* test_sweep.c — isolated runs: a plugin that segfaults, aborts, exits or
 * hangs marks only its own run (crashed / timeout, with the signal and the
 * last checkpoint) and the sweep goes on; --jobs gives the same results as a
 * sequential sweep; SIGINT writes the tables of what finished and exits 1. */
#define _DEFAULT_SOURCE /* wait4 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

/* the run ids of a summary.csv's rows as manifest ranges ("1-3,5") */
static void csv_id_ranges(const char *csv, char *out, size_t n) {
  int has[64] = {0};
  const char *p = strchr(csv, '\n');
  while (p && p[1]) {
    int id = atoi(p + 1);
    if (id > 0 && id < 64) has[id] = 1;
    p = strchr(p + 1, '\n');
  }
  out[0] = '\0';
  for (int i = 1; i < 64; i++) {
    if (!has[i]) continue;
    int j = i;
    while (j + 1 < 64 && has[j + 1]) j++;
    size_t k = strlen(out);
    if (j > i) snprintf(out + k, n - k, "%s%d-%d", k ? "," : "", i, j);
    else snprintf(out + k, n - k, "%s%d", k ? "," : "", i);
    i = j;
  }
}

/* the k-th invocation of manifest.json's history, or NULL (caller frees) */
static char *history_entry(const char *man, int k) {
  const char *h = strstr(man, "\n  \"history\": [");
  if (!h) return NULL;
  const char *end = strstr(h, "\n  ]");
  const char *e = h;
  for (int i = 0; i <= k; i++)
    if (!(e = strstr(e + 1, "\n    {")) || (end && e > end)) return NULL;
  const char *nl = strchr(e + 1, '\n');
  return strndup(e + 5, (size_t)(nl - e - 5));
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
  /* provenance across invocations: this one ran id 4; the earlier three
   * (first sweep, empty resume, grown grid) are its history, each with the
   * runs it finished */
  assert_non_null(strstr(man, "\"invocation_run_ids\": \"4\""));
  static const char *const ran[] = {"\"run_ids\": \"1-3\"}", "\"run_ids\": \"\"}",
                                    "\"run_ids\": \"5\"}"};
  for (int k = 0; k < 4; k++) {
    char *e = history_entry(man, k);
    if (k == 3) {
      assert_null(e);
      break;
    }
    assert_non_null(e);
    assert_non_null(strstr(e, ran[k]));
    assert_non_null(strstr(e, "\"state\": \"complete\""));
    assert_non_null(strstr(e, k ? "--resume" : "--quiet"));
    assert_non_null(strstr(e, "\"git_commit\": "));
    free(e);
  }
  free(man);
  /* and the report lists them */
  snprintf(cmd, sizeof cmd, "%s report %s --quiet && grep -c '<tr><td>.*</td><td>complete</td>"
           "<td>[0-9.]*</td><td>\\(1-3\\|—\\|5\\)</td>' %s/report.html | grep -qx 3",
           LNB_TEST_BINARY, outdir, outdir);
  assert_int_equal(sh(cmd, NULL), 0);
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

  /* a config that gives fewer parameters resumes too: its row is written
   * in the file's columns, empty where it gives nothing (opt.lr) */
  write_file(cfg, "name: res\nproblem: {plugin: lsq, m: 20, d: 6}\n"
                  "architectures: [{plugin: linear}]\noptimizers: [{plugin: gd}]\n");
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --resume", LNB_TEST_BINARY, cfg, outdir);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "1 to run"));
  free(out);
  snprintf(path, sizeof path, "%s/summary.csv", outdir);
  csv = read_file(path);
  assert_non_null(strstr(csv, "\"lsq(m=20,d=6)\",linear,gd,0,linear+gd,,20,6,,,,"));
  free(csv);
}

/* Growing a sweep: "I have the baselines; add my new optimizer". A block
 * with a parameter no earlier block gave (a new column), and blocks merely
 * reordered, resume: the columns become the union, old rows are rewritten
 * with empty cells in the new columns and keep their run ids, the new runs
 * are appended in the file's column order. (Refused before: "cannot
 * resume: its columns differ".) */
static void test_resume_grows_columns(void **state) {
  (void)state;
  char cfg[512], outdir[512], cmd[2048], path[600];
  snprintf(cfg, sizeof cfg, "%s/grow.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/grow", tmpdir);
  snprintf(path, sizeof path, "%s/summary.csv", outdir);
  write_file(cfg, "name: grow\nproblem: {plugin: lsq, m: 20, d: 3}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers:\n"
                  "  - {plugin: gd, lr: [0.1, 0.2]}\n"
                  "  - {plugin: adagrad, lr: 0.1}\n"
                  "stop: {max_iters: 40}\n");
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet", LNB_TEST_BINARY, cfg, outdir);
  assert_int_equal(sh(cmd, NULL), 0);
  char *before = read_file(path);
  assert_non_null(strstr(before, "problem.m,problem.d,opt.lr,status"));

  /* reordered blocks: nothing to run, nothing rewritten */
  write_file(cfg, "name: grow\nproblem: {plugin: lsq, m: 20, d: 3}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers:\n"
                  "  - {plugin: adagrad, lr: 0.1}\n"
                  "  - {plugin: gd, lr: [0.1, 0.2]}\n"
                  "stop: {max_iters: 40}\n");
  char *out;
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --resume", LNB_TEST_BINARY, cfg, outdir);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "3 runs already recorded"));
  assert_non_null(strstr(out, "0 to run"));
  free(out);
  char *csv = read_file(path);
  assert_string_equal(csv, before);
  free(csv);

  /* a new block first, with a new parameter (momentum) */
  write_file(cfg, "name: grow\nproblem: {plugin: lsq, m: 20, d: 3}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers:\n"
                  "  - {plugin: momentum, lr: 0.1, momentum: 0.5}\n"
                  "  - {plugin: adagrad, lr: 0.1}\n"
                  "  - {plugin: gd, lr: [0.1, 0.2]}\n"
                  "stop: {max_iters: 40}\n");
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "3 runs already recorded"));
  assert_non_null(strstr(out, "1 to run"));
  free(out);
  csv = read_file(path);
  assert_int_equal(count_lines(csv), 1 + 4);
  assert_non_null(strstr(csv, "problem.m,problem.d,opt.lr,opt.momentum,status"));
  /* old rows: same run ids, an empty momentum cell; the new row has it */
  for (int id = 1; id <= 5; id++) { /* the new run's own id (1) is taken: 5 */
    char *r = row_of(csv, id);
    if (id == 4) {
      assert_null(r);
      continue;
    }
    assert_non_null(r);
    if (id <= 3) assert_non_null(strstr(r, ",20,3,0.") && strstr(r, ",,"));
    else assert_non_null(strstr(r, ",20,3,0.1,0.5,"));
    free(r);
  }
  free(csv);
  free(before);
  /* the tables read it: four models' rows */
  snprintf(cmd, sizeof cmd, "%s table %s", LNB_TEST_BINARY, outdir);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "4 of 4 runs"));
  assert_non_null(strstr(out, "momentum(momentum=0.5)"));
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
  char finished[256];
  csv_id_ranges(before, finished, sizeof finished);

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
  /* the killed invocation is the history's one entry: state killed, with the
   * runs it finished; this one ran the rest */
  snprintf(path, sizeof path, "%s/manifest.json", outdir);
  char *man = read_file(path), *e = history_entry(man, 0), want[300];
  assert_non_null(e);
  assert_null(history_entry(man, 1));
  assert_non_null(strstr(e, "\"state\": \"killed\""));
  /* its manifest was written at its start: the duration is unknown */
  assert_non_null(strstr(e, "\"wall_seconds\": null"));
  snprintf(want, sizeof want, "\"run_ids\": \"%s\"}", finished);
  if (!strstr(e, want)) print_message("want %s in\n%s\n", want, e);
  assert_non_null(strstr(e, want));
  assert_non_null(strstr(man, "\"state\": \"complete\""));
  free(e);
  free(man);
  /* trajectories: each run's checkpoints exactly once */
  snprintf(cmd, sizeof cmd,
           "test $(cut -d, -f1,2 %s/trajectories.csv | sort | uniq -d | wc -l) -eq 0 && "
           "test $(tail -n +2 %s/trajectories.csv | cut -d, -f1 | sort -u | wc -l) -eq 20 && "
           "test $(tail -n +2 %s/trajectories.csv | wc -l) -eq $((20 * $(tail -n +2 "
           "%s/trajectories.csv | grep -c '^1,')))",
           outdir, outdir, outdir, outdir);
  assert_int_equal(sh(cmd, NULL), 0);
}

/* ---------------------------------------------- hostile runs (issue 13) */

/* the pid a fixture run wrote into pidfile, or 0 */
static pid_t read_pid(const char *pidfile) {
  char *t = read_file(pidfile);
  pid_t pid = t ? (pid_t)atol(t) : 0;
  free(t);
  return pid;
}

/* is pid gone (or a zombie nobody reaps: dead all the same)? */
static int process_gone(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
  char *st = read_file(path);
  if (!st) return 1;
  const char *p = strrchr(st, ')');
  int gone = p && p[1] == ' ' && p[2] == 'Z';
  free(st);
  return gone;
}

static int wait_gone(pid_t pid, double seconds) {
  for (int i = 0; i < (int)(seconds * 100); i++) {
    if (process_gone(pid)) return 1;
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
  }
  return process_gone(pid);
}

/* run a one-optimizer config of the misbehave fixture (MODE at step 3),
 * beside a healthy gd cell, under `timeout 60` (exit 124 = the sweep hung);
 * exit status, output in *out, summary.csv in *csv */
static int run_misbehave(const char *name, const char *mode, const char *stop, const char *extra,
                         char **out, char **csv) {
  char cfg[512], outdir[512], cmd[2048], text[1024], path[600];
  snprintf(cfg, sizeof cfg, "%s/%s.yaml", tmpdir, name);
  snprintf(outdir, sizeof outdir, "%s/%s", tmpdir, name);
  snprintf(text, sizeof text,
           "name: %s\n"
           "problem: {plugin: lsq, m: 20, d: 5}\n"
           "architectures: [{plugin: linear}]\n"
           "optimizers:\n"
           "  - {plugin: gd, lr: 0.1}\n"
           "  - {plugin: misbehave, mode: %s, at_step: 3}\n"
           "stop: %s\n",
           name, mode, stop);
  write_file(cfg, text);
  snprintf(cmd, sizeof cmd,
           "LNB_FX_PIDFILE=%s/%s.pid timeout 60 %s run %s --out %s --plugin-path %s --quiet %s",
           tmpdir, name, LNB_TEST_BINARY, cfg, outdir, PLUGINS, extra);
  int rc = sh(cmd, out);
  snprintf(path, sizeof path, "%s/summary.csv", outdir);
  *csv = read_file(path);
  return rc;
}

/* A run that closes its result pipe (every descriptor above 2) and lives on,
 * with no stop.max_seconds: the sweep neither hangs nor waits for it long —
 * it is killed as crashed and the rest of the sweep is recorded, at
 * --jobs 1 and 2. */
static void test_closed_pipe_does_not_hang(void **state) {
  (void)state;
  const char *jobs[] = {"--jobs 1 --grace 0.5", "--jobs 2 --grace 0.5"};
  for (int k = 0; k < 2; k++) {
    char name[32], *out, *csv, path[600];
    snprintf(name, sizeof name, "closefds%d", k);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = run_misbehave(name, "closefds", "{max_iters: 50}", jobs[k], &out, &csv);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(rc, 1); /* 124: timed out, the sweep hung */
    assert_non_null(csv);
    assert_int_equal(count_lines(csv), 1 + 2);
    assert_non_null(strstr(csv, ",crashed,"));
    assert_non_null(strstr(csv, "closed its result pipe"));
    assert_non_null(strstr(csv, ",max_iters,")); /* the gd cell */
    double sec = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_true(sec < 20.0); /* killed after min(grace, 1 s), not at some later deadline */
    snprintf(path, sizeof path, "%s/%s.pid", tmpdir, name);
    pid_t pid = read_pid(path);
    assert_true(pid > 0);
    assert_true(wait_gone(pid, 2.0));
    free(out), free(csv);
  }
}

/* A plugin that forks a long-lived child (which inherits the result pipe):
 * the run is recorded with its own status as soon as it ends — not as a
 * timeout, no hang without max_seconds — and the child dies with the run's
 * process group. */
static void test_forked_child_is_reaped(void **state) {
  (void)state;
  char *out, *csv, path[600];
  int rc = run_misbehave("forker", "fork", "{max_iters: 50}", "", &out, &csv);
  assert_int_equal(rc, 0);
  assert_non_null(csv);
  assert_int_equal(count_lines(csv), 1 + 2);
  assert_null(strstr(csv, ",crashed,"));
  assert_null(strstr(csv, ",timeout,"));
  snprintf(path, sizeof path, "%s/forker.pid", tmpdir);
  pid_t pid = read_pid(path);
  assert_true(pid > 0);
  assert_true(wait_gone(pid, 2.0));
  free(out), free(csv);
}

/* kill -9 of lnnbench: its run processes die with it (PR_SET_PDEATHSIG),
 * none is left spinning. */
static void test_kill9_leaves_no_run(void **state) {
  (void)state;
  char cfg[512], outdir[512], pidfile[512];
  snprintf(cfg, sizeof cfg, "%s/orphan.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/orphan", tmpdir);
  snprintf(pidfile, sizeof pidfile, "%s/orphan.pid", tmpdir);
  write_file(cfg, "name: orphan\n"
                  "problem: {plugin: lsq, m: 20, d: 5}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers: [{plugin: misbehave, mode: hang, at_step: 3}]\n"
                  "stop: {max_iters: 50}\n");
  setenv("LNB_FX_PIDFILE", pidfile, 1);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 1), dup2(fd, 2);
    execl(LNB_TEST_BINARY, LNB_TEST_BINARY, "run", cfg, "--out", outdir, "--plugin-path",
          PLUGINS, (char *)NULL);
    _exit(127);
  }
  unsetenv("LNB_FX_PIDFILE");
  pid_t run = 0;
  for (int i = 0; i < 1000 && !run; i++) { /* until the run hangs in its step */
    run = read_pid(pidfile);
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
  }
  assert_true(run > 0);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  int gone = wait_gone(run, 5.0);
  if (!gone) kill(run, SIGKILL); /* do not leave it behind in any case */
  assert_true(gone);
}

/* What a plugin prints on stdout does not reach lnnbench's stdout, where it
 * could pass for lnnbench's own lines (it goes to stderr). */
static void test_run_output_cannot_forge(void **state) {
  (void)state;
  char cfg[512], outdir[512], cmd[2048];
  snprintf(cfg, sizeof cfg, "%s/forge.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/forge", tmpdir);
  write_file(cfg, "name: forge\n"
                  "problem: {plugin: lsq, m: 20, d: 5}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers: [{plugin: misbehave, mode: print, at_step: 3}]\n"
                  "stop: {max_iters: 10}\n");
  char *out;
  /* sh folds stderr into what it captures: keep stdout alone */
  snprintf(cmd, sizeof cmd, "{ %s run %s --out %s --plugin-path %s --quiet 2>%s.err; } | cat",
           LNB_TEST_BINARY, cfg, outdir, PLUGINS, outdir);
  assert_int_equal(sh(cmd, &out), 0);
  assert_null(strstr(out, "/forged/"));
  assert_non_null(strstr(out, "summary: "));
  free(out);
  snprintf(cmd, sizeof cmd, "grep -q /forged/ %s.err", outdir);
  assert_int_equal(system(cmd), 0); /* on stderr, where it belongs */
}

/* Neither a stopped run (SIGSTOP for 1.5 s, then SIGCONT) nor a slow
 * set-up (1.5 s in create) is killed by the hard timeout of
 * stop.max_seconds 0.3 + grace 0.7: pause time and set-up are not timed
 * work. */
static void test_pause_and_setup_not_timed(void **state) {
  (void)state;
  const char *modes[] = {"pause", "slow_setup"};
  for (int k = 0; k < 2; k++) {
    char *out, *csv;
    int rc = run_misbehave(modes[k], modes[k], "{max_iters: 50, max_seconds: 0.3}", "--grace 0.7",
                           &out, &csv);
    assert_non_null(csv);
    assert_null(strstr(csv, "hard timeout"));
    assert_null(strstr(csv, ",crashed,"));
    assert_int_equal(rc, 0);
    free(out), free(csv);
  }
}

/* record.every: 1 over 10^6 iterations: the checkpoints stream to disk, so
 * the sweep's peak memory stays small (before: 175 MB) and every checkpoint
 * is in trajectories.csv. */
static void test_checkpoints_stream(void **state) {
  (void)state;
  char cfg[512], outdir[512], path[600];
  snprintf(cfg, sizeof cfg, "%s/stream.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/stream", tmpdir);
  write_file(cfg, "name: stream\n"
                  "problem: {plugin: lsq, m: 4, d: 2}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers: [{plugin: gd, lr: 0.001}]\n"
                  "stop: {max_iters: 1000000}\n"
                  "record: {every: 1}\n");
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int fd = open("/dev/null", O_WRONLY);
    dup2(fd, 1);
    execl(LNB_TEST_BINARY, LNB_TEST_BINARY, "run", cfg, "--out", outdir, "--quiet",
          (char *)NULL);
    _exit(127);
  }
  int st = 0;
  struct rusage ru;
  assert_int_equal(wait4(pid, &st, 0, &ru), pid);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0);
  /* ru_maxrss (KiB): lnnbench and its run process; 10^6 checkpoints held in
   * memory are 40 MB and more */
#if !defined(__SANITIZE_ADDRESS__)
  assert_true(ru.ru_maxrss < 40 * 1024); /* (AddressSanitizer's own memory would not fit) */
#endif
  snprintf(path, sizeof path, "%s/trajectories.csv", outdir);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "test $(wc -l < %s) -eq 1000002 && tail -n 1 %s | grep -q '^1,1000000,'",
           path, path);
  assert_int_equal(system(cmd), 0);
}


/* A run's identity includes the content of its plugin files and data
 * files: after the optimizer's file is rebuilt with another update rule, or
 * the CSV a problem reads is edited, --resume reruns exactly the runs that
 * use it and says why (before, it ran nothing and kept the stale rows). */
static void test_resume_content_change(void **state) {
  (void)state;
  char cfg[512], outdir[512], plug[512], csvp[512], cmd[4096], path[600];
  snprintf(cfg, sizeof cfg, "%s/content.yaml", tmpdir);
  snprintf(outdir, sizeof outdir, "%s/content", tmpdir);
  snprintf(plug, sizeof plug, "%s/plug", tmpdir);
  snprintf(csvp, sizeof csvp, "%s/data.csv", tmpdir);
  write_file(csvp, "1,2,3\n2,1,1\n0,1,2\n3,1,0\n1,1,1\n2,0,1\n");
  snprintf(cmd, sizeof cmd, "mkdir -p %s && chmod 755 %s && cp %s/rebuild_a/rebuild.so %s/ && "
           "chmod 644 %s/rebuild.so", plug, plug, LNB_TEST_FIXTURE_DIR, plug, plug);
  assert_int_equal(sh(cmd, NULL), 0);
  write_file(cfg, "name: content\n"
                  "problem:\n"
                  "  - {plugin: dataset, name: csv, path: data.csv}\n"
                  "  - {plugin: lsq, m: 20, d: 2}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers:\n"
                  "  - {plugin: fixture_gd, lr: 0.1}\n"
                  "  - {plugin: gd, lr: 0.1}\n"
                  "stop: {max_iters: 30}\n");
  char run[2048];
  snprintf(run, sizeof run, "%s run %s --out %s --plugin-path %s:%s", LNB_TEST_BINARY, cfg,
           outdir, LNB_TEST_PLUGIN_DIR, plug);
  snprintf(cmd, sizeof cmd, "%s --quiet", run);
  assert_int_equal(sh(cmd, NULL), 0);
  snprintf(path, sizeof path, "%s/manifest.json", outdir);
  char *man = read_file(path);
  assert_non_null(strstr(man, "\"data_files\": [\n    {\"path\": "));
  assert_non_null(strstr(man, "data.csv\", \"hash\": \"fnv1a64:"));
  free(man);

  /* unchanged: nothing to run */
  char *out;
  snprintf(cmd, sizeof cmd, "%s --resume", run);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "4 runs already recorded"));
  assert_non_null(strstr(out, "0 to run"));
  free(out);

  /* the optimizer's file rebuilt: its 2 runs (one per problem) run again */
  snprintf(cmd, sizeof cmd, "cp %s/rebuild_b/rebuild.so %s/rebuild.so.new && "
           "chmod 644 %s/rebuild.so.new && mv %s/rebuild.so.new %s/rebuild.so && %s --resume",
           LNB_TEST_FIXTURE_DIR, plug, plug, plug, plug, run);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "2 runs already recorded"));
  assert_non_null(strstr(out, "2 to run"));
  assert_non_null(strstr(out, "2 runs to run: plugin fixture_gd changed"));
  free(out);
  snprintf(path, sizeof path, "%s/summary.csv", outdir);
  char *csv = read_file(path);
  assert_int_equal(count_lines(csv), 1 + 6);
  free(csv);

  /* the CSV edited: the dataset problem's 2 runs run again */
  write_file(csvp, "1,2,3\n2,1,1\n0,1,2\n3,1,0\n1,1,1\n2,0,2\n");
  snprintf(cmd, sizeof cmd, "%s --resume", run);
  assert_int_equal(sh(cmd, &out), 0);
  assert_non_null(strstr(out, "2 runs already recorded"));
  assert_non_null(strstr(out, "2 runs to run: data file "));
  assert_non_null(strstr(out, "data.csv changed"));
  free(out);
  csv = read_file(path);
  assert_int_equal(count_lines(csv), 1 + 8);
  free(csv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crashes_are_isolated),
      cmocka_unit_test(test_jobs_match_sequential),
      cmocka_unit_test(test_sigint_writes_tables),
      cmocka_unit_test(test_resume),
      cmocka_unit_test(test_resume_after_kill9),
      cmocka_unit_test(test_closed_pipe_does_not_hang),
      cmocka_unit_test(test_forked_child_is_reaped),
      cmocka_unit_test(test_kill9_leaves_no_run),
      cmocka_unit_test(test_run_output_cannot_forge),
      cmocka_unit_test(test_pause_and_setup_not_timed),
      cmocka_unit_test(test_checkpoints_stream),
      cmocka_unit_test(test_resume_content_change),
      cmocka_unit_test(test_resume_grows_columns),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
