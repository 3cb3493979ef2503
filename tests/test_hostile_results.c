/* test_hostile_results.c — a catalogue of hostile results directories for
 * `lnnbench plot`, `table` and `compare`: everything read back from a
 * results directory is untrusted (issue 13).
 *
 *  - a newline and a gnuplot command (system("touch ...")) in each kind of
 *    text field — problem label, model label, tuned label, metric column
 *    name, and the directory's own name — must not run: `lnnbench plot`
 *    draws with gnuplot for real and the planted file must not appear;
 *  - labels and metric names with "../" stay file names inside DIR/plots;
 *  - terminal escape sequences (ESC, other C0 and C1 controls) in fields, in
 *    error messages quoting them and in config keys reach neither the
 *    terminal nor summary.md raw;
 *  - a NUL byte starting a row, a truncated trajectories.csv or summary.csv
 *    and a truncated or NUL-carrying manifest.json are errors naming the
 *    file (and line), exit 2, nothing written (summary.md untouched, no
 *    plots/ directory) — for every command that reads the file (table and
 *    compare do not read trajectories.csv). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_shell_util.h"

#include "plot.h"

static char tmp[256];

static int setup(void **state) {
  (void)state;
  return sh_make_tmpdir(tmp, sizeof tmp, "hostile");
}

static int teardown(void **state) {
  (void)state;
  return sh_remove_dir(tmp);
}

static void write_bytes(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* s as a quoted CSV field appended to b */
static void csvq(char *b, size_t n, const char *s) {
  size_t k = strlen(b);
  if (k + 1 < n) b[k++] = '"';
  for (; *s && k + 2 < n; s++) {
    if (*s == '"') b[k++] = '"';
    b[k++] = *s;
  }
  if (k + 1 < n) b[k++] = '"';
  b[k] = '\0';
}

typedef struct fields {
  const char *problem, *model, *tuned, *metric, *status;
} fields;

static const fields plain = {"lsq(m=9,d=2)", "linear+gd", "lr=0.1", "grad_norm", "converged"};

static const char manifest_ok[] =
    "{\n  \"lnnbench_version\": \"0.1.0\",\n  \"config_name\": \"hostile\",\n"
    "  \"stop\": {\"max_iters\": 100, \"target_gap\": 1e-06, \"max_seconds\": null},\n"
    "  \"select_best_by\": \"seconds_to_target\",\n  \"report_baseline\": null,\n"
    "  \"runs_total\": 2,\n  \"state\": \"complete\"\n}\n";

/* the summary.csv, trajectories.csv and manifest.json of 2 problems (f's
 * and a plain one) x 1 model x 1 seed; dir is created */
static void make_results(const char *dir, const fields *f) {
  assert_int_equal(mkdir(dir, 0755), 0);
  char path[1024], b[8192];
  snprintf(b, sizeof b, "run_id,problem,architecture,optimizer,seed,model,tuned,status,"
                        "iterations,final_loss,final_gap,iters_to_target,seconds_to_target,"
                        "seconds_per_iter,message\n");
  const char *probs[2] = {f->problem, "lp_regression(p=4)"};
  for (int r = 0; r < 2; r++) {
    snprintf(b + strlen(b), sizeof b - strlen(b), "%d,", r + 1);
    csvq(b, sizeof b, probs[r]);
    strcat(b, ",linear,gd(lr=0.1),0,");
    csvq(b, sizeof b, f->model);
    strcat(b, ",");
    csvq(b, sizeof b, f->tuned);
    strcat(b, ",");
    csvq(b, sizeof b, f->status);
    strcat(b, r ? ",100,0.01,1e-07,100,0.9,0.009,\n" : ",100,0.01,1e-07,100,0.5,0.005,\n");
  }
  snprintf(path, sizeof path, "%s/summary.csv", dir);
  write_bytes(path, b, strlen(b));
  snprintf(b, sizeof b, "run_id,iteration,seconds,loss,gap,");
  csvq(b, sizeof b, f->metric);
  strcat(b, ",projection_2d_1,projection_2d_2\n");
  for (int r = 1; r <= 2; r++)
    snprintf(b + strlen(b), sizeof b - strlen(b),
             "%d,0,0,1,1,3,0.1,0.2\n%d,10,0.1,0.1,0.01,2,0.3,0.4\n"
             "%d,100,0.5,0.01,1e-07,1,0.5,0.6\n",
             r, r, r);
  snprintf(path, sizeof path, "%s/trajectories.csv", dir);
  write_bytes(path, b, strlen(b));
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  write_bytes(path, manifest_ok, strlen(manifest_ok));
}

/* `lnnbench <cmd>` (args already shell-quoted); output folded */
static int lnb(const char *args, char **out) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' %s", LNB_TEST_BINARY, args);
  return sh(cmd, out);
}

static int has_gnuplot(void) {
  char *g = lnb_plot_find_gnuplot();
  free(g);
  return g != NULL;
}

/* ------------------------------------------------------ code injection */

/* A planted gnuplot command after a newline in each kind of text field,
 * and in the directory's name: gnuplot runs from DIR/plots, so a command
 * that ran would leave DIR/plots/pwned_<field> (relative: no '/' needed). */
static void test_plot_injection(void **state) {
  (void)state;
  if (!has_gnuplot()) skip();
  static const char *const kinds[] = {"problem", "model", "tuned", "metric", "dir"};
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
    char payload[256], dir[1024];
    /* end a comment or a string whichever way: newline, CR, quote; and end
     * in a backslash, which would continue a comment onto the next line */
    snprintf(payload, sizeof payload,
             "x\\\n'\"\nsystem(\"touch pwned_%s\")\r\nsystem('touch pwned_%s')\n#\\",
             kinds[k], kinds[k]);
    fields f = plain;
    if (k == 0) f.problem = payload;
    if (k == 1) f.model = payload;
    if (k == 2) f.tuned = payload;
    if (k == 3) f.metric = payload;
    if (k == 4) snprintf(dir, sizeof dir, "%s/d\nsystem(\"touch pwned_dir\")\n", tmp);
    else snprintf(dir, sizeof dir, "%s/%s", tmp, kinds[k]);
    make_results(dir, &f);
    char args[2048], *out = NULL;
    snprintf(args, sizeof args, "plot '%s'", dir);
    int rc = lnb(args, &out);
    char pwned[1200];
    snprintf(pwned, sizeof pwned, "%s/plots/pwned_%s", dir, kinds[k]);
    if (rc != 0 || exists(pwned)) print_message("%s: rc %d\n%s\n", kinds[k], rc, out);
    assert_false(exists(pwned));
    assert_int_equal(rc, 0); /* the plots are drawn, the text shown escaped */
    free(out);
    /* every .gp line is a comment, a command lnnbench writes, or plot data */
    snprintf(args, sizeof args,
             "cat '%s'/plots/*.gp | grep -v -e '^#' -e '^set ' -e '^plot ' -e \"^  '\"", dir);
    assert_int_equal(sh(args, &out), 1); /* grep: no other line */
    free(out);
    /* and no comment line continues onto the next */
    snprintf(args, sizeof args, "cat '%s'/plots/*.gp '%s'/plots/*.dat | grep '^#.*\\\\$'", dir,
             dir);
    assert_int_equal(sh(args, &out), 1);
    free(out);
  }
}

/* Six models whose labels are ~2900 characters and differ in every token
 * (so the legend keeps them whole): each 2-D trajectory panel's title
 * keeps every token of its label — it wraps inside a panel of at most
 * 1600 px instead of widening the panel and losing what does not fit a
 * line's buffer (the defect: pieces cut at 511 bytes). */
static void test_plot_long_labels(void **state) {
  (void)state;
  if (!has_gnuplot()) skip();
  enum { NM = 6, NT = 40 };
  char dir[512], path[1024], args[1200], *out = NULL;
  snprintf(dir, sizeof dir, "%s/long", tmp);
  assert_int_equal(mkdir(dir, 0755), 0);
  static char label[NM][NT * 80 + 64];
  for (int k = 0; k < NM; k++) {
    strcpy(label[k], "deep_linear(");
    for (int t = 0; t < NT; t++)
      snprintf(label[k] + strlen(label[k]), sizeof label[k] - strlen(label[k]),
               "%sp%04d=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_m%d",
               t ? "," : "", t, k);
    strcat(label[k], ")+gd");
  }
  static char b[NM * (NT * 80 + 256) + 1024];
  snprintf(b, sizeof b, "run_id,problem,architecture,optimizer,seed,model,tuned,status,"
                        "iterations,final_loss,final_gap,iters_to_target,seconds_to_target,"
                        "seconds_per_iter,message\n");
  for (int k = 0; k < NM; k++) {
    snprintf(b + strlen(b), sizeof b - strlen(b), "%d,", k + 1);
    strcat(b, "lsq(m=9),deep_linear,gd,0,");
    csvq(b, sizeof b, label[k]);
    strcat(b, ",\"-\",converged,100,0.01,1e-07,100,0.5,0.005,\n");
  }
  snprintf(path, sizeof path, "%s/summary.csv", dir);
  write_bytes(path, b, strlen(b));
  snprintf(b, sizeof b, "run_id,iteration,seconds,loss,gap,projection_2d_1,projection_2d_2\n");
  for (int r = 1; r <= NM; r++)
    snprintf(b + strlen(b), sizeof b - strlen(b),
             "%d,0,0,1,1,0.1,0.2\n%d,10,0.1,0.1,0.01,0.3,0.4\n%d,100,0.5,0.01,1e-07,0.5,0.6\n",
             r, r, r);
  snprintf(path, sizeof path, "%s/trajectories.csv", dir);
  write_bytes(path, b, strlen(b));
  char manifest[sizeof manifest_ok];
  strcpy(manifest, manifest_ok);
  memcpy(strstr(manifest, "\"runs_total\": 2"), "\"runs_total\": 6", 15);
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  write_bytes(path, manifest, strlen(manifest));
  snprintf(args, sizeof args, "plot '%s'", dir);
  int rc = lnb(args, &out);
  if (rc != 0) print_message("%s\n", out);
  assert_int_equal(rc, 0);
  free(out);
  /* the 2-D figure's panel titles (the plot lines' titles, unused with
   * the key off, quote the labels whole) */
  snprintf(args, sizeof args, "cat '%s'/plots/*trajectory_2d.gp | grep \"^set title 'deep\"",
           dir);
  assert_int_equal(sh(args, &out), 0);
  for (int k = 0; k < NM; k++)
    for (int t = 0; t < NT; t++) {
      char tok[32];
      snprintf(tok, sizeof tok, "p%04d=", t);
      /* token t of model k: its name, then its value up to "_m<k>" */
      char *at = out;
      int found = 0;
      while (!found && (at = strstr(at, tok)) != NULL) {
        at += strlen(tok);
        char want[16];
        snprintf(want, sizeof want, "_m%d", k);
        found = strncmp(at + 56, want, strlen(want)) == 0;
      }
      if (!found) print_message("model %d: token p%04d lost\n", k, t);
      assert_true(found);
    }
  /* panels no wider than 1600 px */
  free(out);
  snprintf(args, sizeof args, "grep -h '^set terminal svg size ' '%s'/plots/*trajectory_2d.gp",
           dir);
  assert_int_equal(sh(args, &out), 0);
  assert_true(strtol(out + strlen("set terminal svg size "), NULL, 10) <= 1600);
  free(out);
}

/* Labels and metric names with "../" and "/" are file names in DIR/plots:
 * no file is written anywhere else. */
static void test_plot_file_names(void **state) {
  (void)state;
  if (!has_gnuplot()) skip();
  char dir[512], args[1024], *out = NULL;
  snprintf(dir, sizeof dir, "%s/names", tmp);
  fields f = plain;
  f.problem = "../../../evil(m=1)";
  f.metric = "../../evil_metric";
  make_results(dir, &f);
  snprintf(args, sizeof args, "plot '%s'", dir);
  assert_int_equal(lnb(args, &out), 0);
  free(out);
  /* the only files under tmp are the three inputs and DIR/plots/<safe stem>.* */
  snprintf(args, sizeof args,
           "find '%s' -type f ! -path '%s/plots/*' ! -name summary.csv ! -name "
           "trajectories.csv ! -name manifest.json",
           tmp, dir);
  assert_int_equal(sh(args, &out), 0);
  assert_string_equal(out, "");
  free(out);
  snprintf(args, sizeof args, "ls '%s/plots' | grep -v '^[A-Za-z0-9_]*\\.\\(gp\\|dat\\|svg\\)$'",
           dir);
  assert_int_equal(sh(args, &out), 1);
  free(out);
}

/* -------------------------------------------------- terminal escapes */

static void assert_no_controls(const char *what, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    int bad = (*p < 0x20 && *p != '\n') || *p == 0x7f || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0);
    if (bad) print_message("%s: control byte 0x%02x at %zu in:\n%s\n", what, *p,
                           (size_t)(p - (const unsigned char *)s), s);
    assert_false(bad);
  }
}

/* ESC sequences (OSC title, CSI colour/clear), BEL, CR and a C1 CSI in
 * every text field: plot, table (all formats) and compare print them
 * escaped (\x1B), summary.md holds them escaped. */
static void test_terminal_escapes(void **state) {
  (void)state;
  char dir[512], args[1024], path[600], *out = NULL;
  snprintf(dir, sizeof dir, "%s/esc", tmp);
  fields f = {"lsq(m=\x1b]0;pwned\x07)", "linear+\x1b[31mgd\r", "lr=\x1b[2J",
              "grad\xc2\x9b" "1m_norm\x7f", "converged"};
  make_results(dir, &f);
  static const char *const cmds[] = {"table '%s'", "table '%s' --format csv",
                                     "table '%s' --format latex", "compare '%s' '%s'",
                                     "compare '%s' '%s' --format csv", "plot '%s'"};
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    if (i == 5 && !has_gnuplot()) continue;
    char fmt[256];
    snprintf(fmt, sizeof fmt, cmds[i], dir, dir);
    snprintf(args, sizeof args, "%s", fmt);
    int rc = lnb(args, &out);
    if (rc != 0) print_message("%s: rc %d\n%s\n", args, rc, out);
    assert_int_equal(rc, 0);
    assert_no_controls(args, out);
    if (i < 5) assert_non_null(strstr(out, i == 2 ? "\\textbackslash{}x1B" : "\\x1B"));
    free(out);
  }
  snprintf(path, sizeof path, "%s/summary.md", dir);
  char *md = read_file(path);
  assert_non_null(md);
  assert_no_controls("summary.md", md);
  assert_non_null(strstr(md, "linear+\\x1B[31mgd\\x0D"));
  free(md);
  /* an error message quoting a field: an unknown status */
  snprintf(dir, sizeof dir, "%s/esc_status", tmp);
  f = plain;
  f.status = "\x1b[2Jbogus";
  make_results(dir, &f);
  snprintf(args, sizeof args, "table '%s'", dir);
  assert_int_equal(lnb(args, &out), 2);
  assert_no_controls(args, out);
  assert_non_null(strstr(out, "summary.csv:2: unknown status '\\x1B[2Jbogus'"));
  free(out);
}

/* A config key with an ESC sequence: the error message quoting it is
 * printed escaped (exit 2). */
static void test_config_key_escape(void **state) {
  (void)state;
  char path[512], args[1024], *out = NULL;
  snprintf(path, sizeof path, "%s/esc.yaml", tmp);
  write_file(path, "name: esc\nseeds: [0]\nproblem: { plugin: lsq, m: 8, d: 2 }\n"
                   "architectures: [ { plugin: linear } ]\n"
                   "optimizers: [ { plugin: gd, \"\\e]0;pwned\\a\\e[31mlr\": 0.1 } ]\n"
                   "stop: { max_iters: 3 }\n");
  snprintf(args, sizeof args, "run '%s' --out '%s/esc_out' --plugin-path '%s'", path, tmp,
           LNB_TEST_PLUGIN_DIR);
  assert_int_equal(lnb(args, &out), 2);
  assert_no_controls(args, out);
  assert_non_null(strstr(out, "\\x1B]0;pwned\\x07\\x1B[31mlr"));
  free(out);
}

/* ------------------------------------------------- corrupt and truncated */

/* replace the file name in dir with data[0..len) */
static void put(const char *dir, const char *name, const char *data, size_t len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  write_bytes(path, data, len);
}

static char *get(const char *dir, const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *s = read_file(path);
  assert_non_null(s);
  return s;
}

/* table, plot and compare on dir all exit 2 with a message holding want
 * (plot_only: a trajectories.csv, which only plot reads); summary.md keeps
 * its text and no plots/ directory appears */
static void assert_refused(const char *dir, const char *want, int plot_only) {
  static const char *const cmds[] = {"table '%s'", "table '%s' --format csv", "plot '%s'",
                                     "compare '%s' '%s'"};
  static const char good_md[] = "# a good summary.md\n";
  put(dir, "summary.md", good_md, strlen(good_md));
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    if (plot_only && i != 2) continue;
    char args[2048], *out = NULL;
    snprintf(args, sizeof args, cmds[i], dir, dir);
    int rc = lnb(args, &out);
    if (rc != 2 || !strstr(out, want))
      print_message("%s: rc %d, expected 2 and '%s':\n%s\n", args, rc, want, out);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, want));
    free(out);
    char *md = get(dir, "summary.md");
    assert_string_equal(md, good_md);
    free(md);
    char plots[1100];
    snprintf(plots, sizeof plots, "%s/plots", dir);
    assert_false(exists(plots));
  }
}

/* a row starting with a NUL byte, in summary.csv and in trajectories.csv */
static void test_nul_row(void **state) {
  (void)state;
  const char *files[] = {"summary.csv", "trajectories.csv"};
  for (int k = 0; k < 2; k++) {
    char dir[512], want[600];
    snprintf(dir, sizeof dir, "%s/nul%d", tmp, k);
    make_results(dir, &plain);
    char *s = get(dir, files[k]);
    size_t len = strlen(s);
    char *nl = strchr(strchr(s, '\n') + 1, '\n'); /* end of line 2 */
    nl[1] = '\0';                                 /* a NUL starts line 3 */
    put(dir, files[k], s, len);
    free(s);
    snprintf(want, sizeof want, "%s/%s:3: a NUL byte", dir, files[k]);
    assert_refused(dir, want, k == 1);
  }
}

/* trajectories.csv and summary.csv cut inside their last number (the
 * field count still matches), and without their last newline */
static void test_truncated_csv(void **state) {
  (void)state;
  const char *files[] = {"trajectories.csv", "summary.csv"};
  const size_t lines[] = {7, 3};
  for (int k = 0; k < 2; k++)
    for (int cut = 1; cut <= 2; cut++) {
      char dir[512], want[600];
      snprintf(dir, sizeof dir, "%s/trunc%d_%d", tmp, k, cut);
      make_results(dir, &plain);
      char *s = get(dir, files[k]);
      size_t len = strlen(s) - (k == 0 ? (cut == 1 ? 2 : 1) : (cut == 1 ? 4 : 1));
      put(dir, files[k], s, len);
      free(s);
      snprintf(want, sizeof want, "%s/%s:%zu: the last line has no newline", dir, files[k],
               lines[k]);
      assert_refused(dir, want, k == 0);
    }
}

/* manifest.json cut short (the case that wrote "12 of 0 runs"), with a NUL
 * byte, empty, or without runs_total */
static void test_bad_manifest(void **state) {
  (void)state;
  const size_t n = strlen(manifest_ok);
  struct {
    const char *data;
    size_t len;
    const char *why;
  } cases[] = {
      {manifest_ok, n / 2, "not one whole JSON object"},
      {manifest_ok, n - 3, "not one whole JSON object"}, /* only the closing brace lost */
      {"", 0, "not one whole JSON object"},
      {"{\"config_name\": \"x\"}\n", 21, "no \"runs_total\" count"},
      {"{\"runs_total\": 2}\n{", 19, "not one whole JSON object"},
  };
  char nul[sizeof manifest_ok];
  memcpy(nul, manifest_ok, sizeof nul);
  nul[40] = '\0';
  for (size_t i = 0; i <= sizeof cases / sizeof *cases; i++) {
    char dir[512], want[700];
    snprintf(dir, sizeof dir, "%s/manifest%zu", tmp, i);
    make_results(dir, &plain);
    int last = i == sizeof cases / sizeof *cases;
    if (last) put(dir, "manifest.json", nul, n);
    else put(dir, "manifest.json", cases[i].data, cases[i].len);
    snprintf(want, sizeof want, "%s/manifest.json: %s", dir,
             last ? "not one whole JSON object" : cases[i].why);
    assert_refused(dir, want, 0);
  }
  /* the intact set is accepted, and table writes summary.md */
  char dir[512], args[1024], *out = NULL;
  snprintf(dir, sizeof dir, "%s/manifest_ok", tmp);
  make_results(dir, &plain);
  snprintf(args, sizeof args, "table '%s'", dir);
  assert_int_equal(lnb(args, &out), 0);
  assert_non_null(strstr(out, "2 of 2 runs"));
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_plot_injection, setup, teardown),
      cmocka_unit_test_setup_teardown(test_plot_long_labels, setup, teardown),
      cmocka_unit_test_setup_teardown(test_plot_file_names, setup, teardown),
      cmocka_unit_test_setup_teardown(test_terminal_escapes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_config_key_escape, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nul_row, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncated_csv, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_manifest, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
