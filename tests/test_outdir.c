/* test_outdir.c — the output directory is never clobbered and never trusted
 * (issue 13): a directory holding results is refused unless --resume or
 * --move-aside, a foreign one always, a second sweep is locked out; --resume
 * only appends (a narrower config keeps every row), repairs what a kill left
 * (partial line, checkpoints without a summary row) and refuses corrupt run
 * ids naming path:line; planted symbolic links and temporary names are
 * never followed. */
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_shell_util.h"

#define PLUGINS LNB_TEST_PLUGIN_DIR ":" LNB_TEST_FIXTURE_DIR "/misbehave"

static char tmpdir[256];
static char cfg[512];

static int setup(void **state) {
  (void)state;
  if (sh_make_tmpdir(tmpdir, sizeof tmpdir, "outdir") != 0) return -1;
  snprintf(cfg, sizeof cfg, "%s/c.yaml", tmpdir);
  write_file(cfg, "name: c\n"
                  "problem: {plugin: lsq, m: 20, d: 5}\n"
                  "architectures: [{plugin: linear}]\n"
                  "optimizers: [{plugin: gd, lr: [0.1, 0.2, 0.3]}]\n"
                  "stop: {max_iters: 30}\n");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  return sh_remove_dir(tmpdir);
}

/* lnnbench run cfg --out tmpdir/name EXTRA; exit status, output in *out */
static int run_into(const char *name, const char *extra, char **out) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "%s run %s --out %s/%s --plugin-path %s --quiet %s", LNB_TEST_BINARY,
           cfg, tmpdir, name, PLUGINS, extra);
  return sh(cmd, out);
}

static char *file_in(const char *name, const char *file) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s/%s", tmpdir, name, file);
  return read_file(path);
}

static void put_file_in(const char *name, const char *file, const char *text) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s/%s", tmpdir, name, file);
  write_file(path, text);
}

/* a finished 3-run sweep in tmpdir/name */
static void fresh_sweep(const char *name) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "rm -rf %s/%s", tmpdir, name);
  assert_int_equal(system(cmd), 0);
  assert_int_equal(run_into(name, "", NULL), 0);
}

/* A directory with results is refused as it is; --move-aside keeps them
 * whole in previous-<time>/; --move-aside with --resume is refused. */
static void test_refuse_and_move_aside(void **state) {
  (void)state;
  fresh_sweep("a");
  char *sum = file_in("a", "summary.csv"), *traj = file_in("a", "trajectories.csv");
  char *out;
  assert_int_equal(run_into("a", "", &out), 2);
  assert_non_null(strstr(out, "holds the results of an earlier sweep"));
  assert_non_null(strstr(out, "--move-aside"));
  free(out);
  char *again = file_in("a", "summary.csv");
  assert_string_equal(again, sum); /* untouched */
  free(again);

  assert_int_equal(run_into("a", "--move-aside --resume", &out), 2);
  assert_non_null(strstr(out, "choose one"));
  free(out);

  assert_int_equal(run_into("a", "--move-aside", &out), 0);
  free(out);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "ls -d %s/a/previous-*", tmpdir);
  char *prev;
  assert_int_equal(sh(cmd, &prev), 0);
  prev[strcspn(prev, "\n")] = '\0';
  char path[1024];
  snprintf(path, sizeof path, "%s/summary.csv", prev);
  char *moved = read_file(path);
  assert_non_null(moved);
  assert_string_equal(moved, sum);
  snprintf(path, sizeof path, "%s/trajectories.csv", prev);
  char *movedt = read_file(path);
  assert_string_equal(movedt, traj);
  free(moved), free(movedt), free(prev);
  char *now = file_in("a", "summary.csv");
  assert_int_equal(count_lines(now), 1 + 3); /* a fresh sweep beside it */
  free(now), free(sum), free(traj);
}

/* A non-empty directory that is not a results directory: refused in every
 * mode, and nothing (not even the lock file) is written into it. */
static void test_foreign_directory(void **state) {
  (void)state;
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "mkdir -p %s/f && echo mine > %s/f/notes.txt", tmpdir, tmpdir);
  assert_int_equal(system(cmd), 0);
  const char *modes[] = {"", "--resume", "--move-aside"};
  for (int m = 0; m < 3; m++) {
    char *out;
    assert_int_equal(run_into("f", modes[m], &out), 2);
    assert_non_null(strstr(out, "not an lnnbench results directory"));
    free(out);
  }
  snprintf(cmd, sizeof cmd, "test \"$(ls -A %s/f)\" = notes.txt", tmpdir);
  assert_int_equal(system(cmd), 0);
}

/* Two sweeps into one directory: the second is refused naming the first's
 * pid, and the first finishes with every row once. */
static void test_second_sweep_locked_out(void **state) {
  (void)state;
  char slow[512];
  snprintf(slow, sizeof slow, "%s/slow.yaml", tmpdir);
  write_file(slow, "name: slow\n"
                   "problem: {plugin: lsq, m: 20, d: 5}\n"
                   "architectures: [{plugin: linear}]\n"
                   "optimizers: [{plugin: misbehave, mode: hang, at_step: 3}]\n"
                   "stop: {max_iters: 30, max_seconds: 1.5}\n");
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "%s run %s --out %s/l --plugin-path %s --quiet --grace 0.2",
           LNB_TEST_BINARY, slow, tmpdir, PLUGINS);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  char lockpath[600];
  snprintf(lockpath, sizeof lockpath, "%s/l/.lnnbench.lock", tmpdir);
  for (int i = 0; i < 500; i++) { /* until the first holds the lock (pid written) */
    char *t = read_file(lockpath);
    int ready = t && *t;
    free(t);
    if (ready) break;
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
  }
  const char *modes[] = {"--resume", "--move-aside"};
  for (int m = 0; m < 2; m++) {
    char *out;
    snprintf(cmd, sizeof cmd, "%s run %s --out %s/l --plugin-path %s %s", LNB_TEST_BINARY, slow,
             tmpdir, PLUGINS, modes[m]);
    assert_int_equal(sh(cmd, &out), 2);
    assert_non_null(strstr(out, "in use by another lnnbench (pid "));
    free(out);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0); /* the harness's own timeout is not a failure */
  char *sum = file_in("l", "summary.csv");
  assert_int_equal(count_lines(sum), 1 + 1);
  free(sum);
}

/* Corrupt run ids are refused by --resume and by `table`, naming
 * path:line, and nothing is written. */
static void test_corrupt_run_ids(void **state) {
  (void)state;
  static const char *const bad[] = {"18446744073709551615", "-5", "abc", "0", "1e3", ""};
  for (size_t k = 0; k < sizeof bad / sizeof *bad + 1; k++) {
    fresh_sweep("b");
    char *sum = file_in("b", "summary.csv");
    char *md = file_in("b", "summary.md");
    /* row 2 gets the bad id, or (last case) run 1's id: a duplicate */
    char *row2 = strchr(strchr(sum, '\n') + 1, '\n') + 1;
    size_t idlen = strcspn(row2, ",");
    const char *id = k < sizeof bad / sizeof *bad ? bad[k] : "1";
    size_t n = strlen(sum) + 64;
    char *edited = malloc(n);
    snprintf(edited, n, "%.*s%s%s", (int)(row2 - sum), sum, id, row2 + idlen);
    put_file_in("b", "summary.csv", edited);
    char *out;
    assert_int_equal(run_into("b", "--resume", &out), 2);
    assert_non_null(strstr(out, k < sizeof bad / sizeof *bad ? "/b/summary.csv:3: run_id"
                                                              : "/b/summary.csv:3: run_id 1"));
    free(out);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s table %s/b", LNB_TEST_BINARY, tmpdir);
    assert_int_equal(sh(cmd, &out), 2);
    assert_non_null(strstr(out, "summary.csv:3: run_id"));
    free(out);
    char *after = file_in("b", "summary.csv"), *mdafter = file_in("b", "summary.md");
    assert_string_equal(after, edited);
    assert_string_equal(mdafter, md);
    free(after), free(mdafter), free(edited), free(sum), free(md);
  }
  /* a hostile excluded_run_ids range costs nothing (it was expanded id by
   * id): every row is left out, at once */
  fresh_sweep("b");
  {
    char *man = file_in("b", "manifest.json");
    char *at = strstr(man, "\"excluded_run_ids\": \"\"");
    assert_non_null(at);
    size_t mn = strlen(man) + 64;
    char *edited = malloc(mn);
    snprintf(edited, mn, "%.*s\"excluded_run_ids\": \"1-1000000000000000\"%s", (int)(at - man),
             man, at + strlen("\"excluded_run_ids\": \"\""));
    put_file_in("b", "manifest.json", edited);
    char cmd[1024], *out;
    snprintf(cmd, sizeof cmd, "timeout 20 %s table %s/b", LNB_TEST_BINARY, tmpdir);
    assert_int_equal(sh(cmd, &out), 0);
    assert_non_null(strstr(out, "0 of 3 runs"));
    free(out), free(edited), free(man);
  }
  /* a hostile history (resume reads it back): 3000 entries, each a command
   * that spoofs a state, a run-id range up to 10^15, an infinite duration
   * and an unknown state. The resumed manifest keeps the newest 999 and
   * adds the invocation that wrote it, each re-emitted field by field: the
   * spoof stays inside the command, the range is cut to the rows present,
   * each run is credited to one invocation only (the first that claims it),
   * and that costs nothing */
  fresh_sweep("b");
  {
    char *man = file_in("b", "manifest.json");
    char *at = strstr(man, "\"history\": []");
    assert_non_null(at);
    static const char entry[] =
        "    {\"command\": \"x\\\", \\\"state\\\": \\\"complete\", \"run_ids\": "
        "\"1-1000000000000000\", \"state\": \"bogus\", \"wall_seconds\": 1e999}";
    size_t mn = strlen(man) + 3000 * (sizeof entry + 2) + 64;
    char *edited = malloc(mn);
    size_t k = (size_t)snprintf(edited, mn, "%.*s\"history\": [\n", (int)(at - man), man);
    for (int i = 0; i < 3000; i++)
      k += (size_t)snprintf(edited + k, mn - k, "%s%s", i ? ",\n" : "", entry);
    snprintf(edited + k, mn - k, "\n  ]%s", at + strlen("\"history\": []"));
    put_file_in("b", "manifest.json", edited);
    char *out;
    assert_int_equal(run_into("b", "--resume", &out), 0);
    free(out);
    char *after = file_in("b", "manifest.json");
    size_t nent = 0;
    for (char *e = after; (e = strstr(e, "\n    {\"command\": ")) != NULL; e++) {
      nent++;
      char *nl = strchr(e + 1, '\n');
      assert_non_null(nl);
      *nl = '\0';
      if (nent < 1000) {
        assert_non_null(strstr(e, "{\"command\": \"x\\\", \\\"state\\\": \\\"complete\", "));
        assert_non_null(strstr(e, nent == 1 ? "\"state\": \"unknown\", \"run_ids\": \"1-3\"}"
                                             : "\"state\": \"unknown\", \"run_ids\": \"\"}"));
        assert_non_null(strstr(e, "\"wall_seconds\": null"));
      } else {
        assert_non_null(strstr(e, "\"state\": \"complete\", \"run_ids\": \"\"}"));
      }
      *nl = '\n';
    }
    assert_int_equal(nent, 1000);
    free(after), free(edited), free(man);
  }
  /* a history of 300000 empty entries (2.4 MB) is read in one walk (the
   * defect: each entry found by a walk from the top, quadratic: hours) */
  fresh_sweep("b");
  {
    char *man = file_in("b", "manifest.json");
    char *at = strstr(man, "\"history\": []");
    assert_non_null(at);
    size_t mn = strlen(man) + 300000 * 8 + 64;
    char *edited = malloc(mn);
    size_t k = (size_t)snprintf(edited, mn, "%.*s\"history\": [", (int)(at - man), man);
    for (int i = 0; i < 300000; i++) {
      const char *piece = i ? ",\n    {}" : "\n    {}";
      memcpy(edited + k, piece, strlen(piece));
      k += strlen(piece);
    }
    snprintf(edited + k, mn - k, "\n  ]%s", at + strlen("\"history\": []"));
    put_file_in("b", "manifest.json", edited);
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "timeout 20 %s run %s --out %s/b --plugin-path %s --quiet --resume",
             LNB_TEST_BINARY, cfg, tmpdir, PLUGINS);
    assert_int_equal(sh(cmd, &out), 0);
    free(out);
    snprintf(cmd, sizeof cmd, "timeout 20 %s report %s/b", LNB_TEST_BINARY, tmpdir);
    assert_int_equal(sh(cmd, &out), 0);
    free(out);
    char *after = file_in("b", "manifest.json"), *html = file_in("b", "report.html");
    size_t nent = 0;
    for (char *e = after; (e = strstr(e, "\n    {\"command\": ")) != NULL; e++) nent++;
    assert_int_equal(nent, 1000);
    assert_null(strstr(html, "(more than 1000 listed")); /* the writer's own cap */
    free(after), free(html), free(edited), free(man);
  }
  /* an entry whose run ids were not recorded (null) stays null through two
   * resumes (the defect: the second made it "", "finished nothing"), and a
   * field cut at its length limit stays valid UTF-8 */
  fresh_sweep("b");
  {
    char *man = file_in("b", "manifest.json");
    char *at = strstr(man, "\"history\": []");
    assert_non_null(at);
    size_t mn = strlen(man) + 16384;
    char *edited = malloc(mn);
    size_t k = (size_t)snprintf(edited, mn,
                                "%.*s\"history\": [\n    {\"command\": \"\\t", (int)(at - man),
                                man);
    for (int i = 0; i < 5000; i++) k += (size_t)snprintf(edited + k, mn - k, "\xC3\xA9");
    snprintf(edited + k, mn - k, "\", \"run_ids\": null, \"state\": \"complete\"}\n  ]%s",
             at + strlen("\"history\": []"));
    put_file_in("b", "manifest.json", edited);
    char *out;
    assert_int_equal(run_into("b", "--resume", &out), 0);
    free(out);
    assert_int_equal(run_into("b", "--resume", &out), 0);
    free(out);
    char *after = file_in("b", "manifest.json");
    char *first = strstr(after, "\n    {\"command\": ");
    assert_non_null(first);
    char *nl = strchr(first + 1, '\n');
    *nl = '\0';
    assert_non_null(strstr(first, "\"state\": \"complete\", \"run_ids\": null}"));
    *nl = '\n';
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "iconv -f UTF-8 -t UTF-8 %s/b/manifest.json > /dev/null", tmpdir);
    assert_int_equal(sh(cmd, NULL), 0);
    free(after), free(edited), free(man);
  }
  /* a run id in trajectories.csv that is no number */
  fresh_sweep("b");
  char *traj = file_in("b", "trajectories.csv");
  size_t n = strlen(traj) + 64;
  char *edited = malloc(n);
  snprintf(edited, n, "%sx9,1,0,1,1\n", traj);
  put_file_in("b", "trajectories.csv", edited);
  char *out;
  assert_int_equal(run_into("b", "--resume", &out), 2);
  assert_non_null(strstr(out, "trajectories.csv:"));
  assert_non_null(strstr(out, "is not a run id"));
  free(out), free(edited), free(traj);
}

/* What a kill -9 can leave — a partial last line in either file, and the
 * checkpoints of a run whose summary row was never written — is repaired
 * by --resume: that run runs again under its own id and every run has its
 * checkpoints exactly once. */
static void test_resume_repairs_a_kill(void **state) {
  (void)state;
  fresh_sweep("k");
  char *sum = file_in("k", "summary.csv");
  /* drop run 3's summary row (its checkpoints stay, at the end) and leave
   * half a row instead */
  char *last = strstr(sum, "\n3,");
  assert_non_null(last);
  last[1] = '\0';
  size_t n = strlen(sum) + 16;
  char *cut = malloc(n);
  snprintf(cut, n, "%s3,abc", sum);
  put_file_in("k", "summary.csv", cut);
  char *traj = file_in("k", "trajectories.csv");
  size_t tn = strlen(traj) + 16;
  char *tcut = malloc(tn);
  snprintf(tcut, tn, "%s3,99,0.1", traj); /* a partial checkpoint row too */
  put_file_in("k", "trajectories.csv", tcut);
  char *out;
  assert_int_equal(run_into("k", "--resume", &out), 0);
  free(out);
  char *sum2 = file_in("k", "summary.csv");
  assert_int_equal(count_lines(sum2), 1 + 3);
  assert_non_null(strstr(sum2, "\n3,"));
  char *traj2 = file_in("k", "trajectories.csv");
  assert_int_equal(count_lines(traj2), count_lines(traj)); /* run 3's checkpoints: once */
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "cut -d, -f1,2 %s/k/trajectories.csv | sort | uniq -d | wc -l | grep -qx 0",
           tmpdir);
  assert_int_equal(system(cmd), 0);
  free(sum), free(cut), free(traj), free(tcut), free(sum2), free(traj2);
}

/* Symbolic links planted in a results directory are not followed: the CSVs
 * are refused, summary.md and a predictable temporary name are replaced
 * (the link), never written through. */
static void test_planted_symlinks(void **state) {
  (void)state;
  char victim[600], cmd[2048];
  snprintf(victim, sizeof victim, "%s/victim.txt", tmpdir);
  const char *names[] = {"summary.csv", "trajectories.csv"};
  for (int k = 0; k < 2; k++) {
    fresh_sweep("s");
    write_file(victim, "precious\n");
    snprintf(cmd, sizeof cmd, "cd %s/s && rm %s && ln -s %s %s", tmpdir, names[k], victim,
             names[k]);
    assert_int_equal(system(cmd), 0);
    char *out;
    assert_int_equal(run_into("s", "--resume", &out), 2);
    assert_non_null(strstr(out, "symbolic link"));
    free(out);
    char *v = read_file(victim);
    assert_string_equal(v, "precious\n");
    free(v);
  }
  /* summary.md and the old predictable temporary summary.md.tmp */
  fresh_sweep("s");
  write_file(victim, "precious\n");
  snprintf(cmd, sizeof cmd,
           "cd %s/s && rm summary.md && ln -s %s summary.md && ln -s %s summary.md.tmp && "
           "ln -s %s manifest.json.tmp",
           tmpdir, victim, victim, victim);
  assert_int_equal(system(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s table %s/s", LNB_TEST_BINARY, tmpdir);
  assert_int_equal(sh(cmd, NULL), 0);
  char *v = read_file(victim);
  assert_string_equal(v, "precious\n");
  free(v);
  char md[600];
  snprintf(md, sizeof md, "%s/s/summary.md", tmpdir);
  struct stat st;
  assert_int_equal(lstat(md, &st), 0);
  assert_true(S_ISREG(st.st_mode));
  /* plot: planted .gp/.svg links are replaced, a plots/ link is refused */
  snprintf(cmd, sizeof cmd,
           "mkdir %s/s/plots && ln -s %s %s/s/plots/p1_lsq_gap_vs_iteration.gp && "
           "ln -s %s %s/s/plots/p1_lsq_gap_vs_iteration.svg",
           tmpdir, victim, tmpdir, victim, tmpdir);
  assert_int_equal(system(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s plot %s/s", LNB_TEST_BINARY, tmpdir);
  assert_int_equal(sh(cmd, NULL), 0);
  v = read_file(victim);
  assert_string_equal(v, "precious\n");
  free(v);
  snprintf(cmd, sizeof cmd, "rm -rf %s/s/plots && ln -s %s %s/s/plots", tmpdir, tmpdir, tmpdir);
  assert_int_equal(system(cmd), 0);
  char *out;
  snprintf(cmd, sizeof cmd, "%s plot %s/s", LNB_TEST_BINARY, tmpdir);
  assert_int_equal(sh(cmd, &out), 2);
  assert_non_null(strstr(out, "symbolic link is not followed"));
  free(out);
  snprintf(cmd, sizeof cmd, "rm %s/s/plots", tmpdir);
  assert_int_equal(system(cmd), 0);
  /* a resumed sweep rewrites manifest.json the same way */
  assert_int_equal(run_into("s", "--resume", &out), 0);
  free(out);
  v = read_file(victim);
  assert_string_equal(v, "precious\n");
  free(v);
}

/* `plot` runs gnuplot from absolute PATH entries only: an empty or
 * relative entry cannot run a gnuplot planted in the current directory or
 * in the results directory's plots/ (where gnuplot is started). */
static void test_gnuplot_not_from_cwd(void **state) {
  (void)state;
  fresh_sweep("g");
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "cd %s/g && mkdir plots && "
           "printf '#!/bin/sh\\ntouch %s/g/planted_ran\\nexit 0\\n' > plots/gnuplot && "
           "chmod +x plots/gnuplot && cp plots/gnuplot gnuplot && PATH=:.:/usr/bin:/bin %s plot .",
           tmpdir, tmpdir, LNB_TEST_BINARY);
  char *out;
  sh(cmd, &out);
  free(out);
  char path[600];
  snprintf(path, sizeof path, "%s/g/planted_ran", tmpdir);
  assert_int_not_equal(access(path, F_OK), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_refuse_and_move_aside),
      cmocka_unit_test(test_foreign_directory),
      cmocka_unit_test(test_second_sweep_locked_out),
      cmocka_unit_test(test_corrupt_run_ids),
      cmocka_unit_test(test_resume_repairs_a_kill),
      cmocka_unit_test(test_planted_symlinks),
      cmocka_unit_test(test_gnuplot_not_from_cwd),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
