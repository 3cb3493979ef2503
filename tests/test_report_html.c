/* test_report_html.c — `lnnbench report DIR` (issue 16): DIR/report.html
 * holds every section (summary, one sortable table per problem, the
 * performance profile, one figure per plot, the runs of every model) and
 * nothing that reaches the network; hostile text in a results directory
 * (markup, script, attribute breaks) arrives escaped; a corrupt
 * trajectories.csv writes nothing (exit 2); a link planted at report.html is
 * replaced, not followed; `run --report` writes the page. */
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
  return sh_make_tmpdir(tmp, sizeof tmp, "reporthtml");
}

static int teardown(void **state) {
  (void)state;
  return sh_remove_dir(tmp);
}

static size_t count(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, needle)); p++) n++;
  return n;
}

static const char fixture_yaml[] =
    "name: report_html\n"
    "seeds: [0, 1]\n"
    "problem: { plugin: lsq, m: 30, d: [2, 5], k: 1, condition: 5, noise: 0.1, seed: 3 }\n"
    "architectures:\n"
    "  - { plugin: linear }\n"
    "  - { plugin: deep_linear, depth: 2, width: 4, init: gaussian, init_std: 0.3 }\n"
    "optimizers:\n"
    "  - { plugin: gd, lr: [0.1, 0.3] }\n"
    "stop: { max_iters: 2000, target_gap: 1.0e-6, max_seconds: 10 }\n"
    "record: { per_decade: 10, metrics: [grad_norm, projection_2d] }\n"
    "select: { best_by: iters_to_target }\n"
    "report: { baseline: linear+gd }\n";

static void test_report_sections(void **state) {
  (void)state;
  char dir[512], cfg[600], cmd[2048], path[700], *out;
  snprintf(dir, sizeof dir, "%s/fx", tmp);
  snprintf(cfg, sizeof cfg, "%s/fx.yaml", tmp);
  write_file(cfg, fixture_yaml);
  /* run --report writes the page at the end */
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet --report", LNB_TEST_BINARY, cfg, dir);
  int rc = sh(cmd, &out);
  if (rc) print_message("%s\n", out);
  assert_int_equal(rc, 0);
  assert_non_null(strstr(out, "report: "));
  free(out);
  snprintf(path, sizeof path, "%s/report.html", dir);
  char *h = read_file(path);
  assert_non_null(h);
  assert_non_null(strstr(h, "<!DOCTYPE html>"));
  assert_non_null(strstr(h, "</html>\n"));
  /* sections */
  assert_non_null(strstr(h, "<section id=\"summary\">"));
  assert_non_null(strstr(h, "converged: <b>"));
  assert_non_null(strstr(h, "<dt>git commit</dt>"));
  /* one table per problem, the profile, the ECDF, one per model (2 x 2) */
  assert_int_equal(count(h, "<table class=\"sortable\">"), 2 + 1 + 1 + 4);
  assert_non_null(strstr(h, "<section id=\"ecdf\">"));
  assert_non_null(strstr(h, "<th>ever</th>"));
  /* two values of lr searched: every best setting is on an edge of its grid,
   * flagged in the head-to-head table of both problems (2 x 2 models) */
  assert_int_equal(count(h, "<span class=\"edge\" title=\"the best lr is"), 4);
  assert_int_equal(count(h, "⚠ edge</span>"), 4);
  assert_non_null(strstr(h, "<code>linear+gd</code> (baseline)"));
  assert_non_null(strstr(h, "<th>speed-up</th>"));
  /* the speed-up is of select.best_by's quantity (it said seconds always) */
  assert_non_null(strstr(h, "baseline's median iterations to target over the model's"));
  assert_non_null(strstr(h, "<section id=\"profile\">"));
  /* a figure per plot: 2 problems x (2 gap + grad_norm + 2-D) + profile + 2 ECDF */
  char *gp = lnb_plot_find_gnuplot();
  if (gp) assert_int_equal(count(h, "<img alt=\"") , 11);
  else print_message("gnuplot absent: figures not checked\n");
  free(gp);
  assert_int_equal(count(h, "src=\"data:image/svg+xml;base64,"), count(h, "<img "));
  /* self-contained: nothing fetched, one script (ours, nonce-bound) */
  assert_null(strstr(h, "src=\"http"));
  assert_null(strstr(h, "href=\"http"));
  assert_null(strstr(h, "<link"));
  assert_int_equal(count(h, "<script"), 1);
  assert_non_null(strstr(h, "default-src 'none'"));
  assert_non_null(strstr(h, "<script nonce=\""));
  free(h);

  /* `report DIR` again gives the same page but for the nonce; a link planted
   * at report.html is replaced, its target untouched */
  char target[700];
  snprintf(target, sizeof target, "%s/victim.txt", tmp);
  write_file(target, "keep\n");
  unlink(path);
  assert_int_equal(symlink(target, path), 0);
  snprintf(cmd, sizeof cmd, "%s report %s", LNB_TEST_BINARY, dir);
  assert_int_equal(sh(cmd, &out), 0);
  free(out);
  char *v = read_file(target);
  assert_string_equal(v, "keep\n");
  free(v);
  struct stat st;
  assert_int_equal(lstat(path, &st), 0);
  assert_true(S_ISREG(st.st_mode));

  /* bad input: no DIR, a DIR that is not a results directory, a corrupt
   * trajectories.csv (exit 2, the file named, nothing written) */
  snprintf(cmd, sizeof cmd, "%s report", LNB_TEST_BINARY);
  assert_int_equal(sh(cmd, &out), 2);
  free(out);
  snprintf(cmd, sizeof cmd, "%s report %s/nothing", LNB_TEST_BINARY, tmp);
  assert_int_equal(sh(cmd, &out), 2);
  free(out);
  snprintf(cmd, sizeof cmd, "%s/nothing/report.html", tmp);
  assert_int_not_equal(stat(cmd, &st), 0);
  unlink(path);
  snprintf(cmd, sizeof cmd, "printf '1,5,0.1,xx\\n' >> %s/trajectories.csv", dir);
  assert_int_equal(system(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s report %s", LNB_TEST_BINARY, dir);
  rc = sh(cmd, &out);
  if (rc != 2 || !strstr(out, "trajectories.csv")) print_message("%s\n", out);
  assert_int_equal(rc, 2);
  assert_non_null(strstr(out, "trajectories.csv"));
  free(out);
  assert_int_not_equal(lstat(path, &st), 0);
}

static void write_bytes(const char *path, const char *data) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(data, f);
  assert_int_equal(fclose(f), 0);
}

/* Markup in every text of a results directory: problem, model, tuned and
 * message fields, the config name and the directory's own name. The page
 * holds it escaped: no second <script>, no attribute broken out of, no
 * element of the attacker's. */
static void test_report_hostile(void **state) {
  (void)state;
  char dir[512], path[700], cmd[1024], *out;
  snprintf(dir, sizeof dir, "%s/d<script>alert(1)\"&", tmp);
  assert_int_equal(mkdir(dir, 0755), 0);
  static const char sum[] =
      "run_id,problem,architecture,optimizer,seed,model,tuned,status,iterations,final_loss,"
      "final_gap,iters_to_target,seconds_to_target,seconds_per_iter,message\n"
      "1,\"lsq(m=<script>alert('p')</script>)\",linear,gd(lr=0.1),0,"
      "\"linear\"\"><img src=x onerror=alert(2)>+gd\",\"lr=<u>1</u>\",error,3,1,1,,,"
      "0.001,\"</td></tr></table><script>alert(3)</script>&amp;\"\n"
      "2,lp_regression(p=4),linear,gd(lr=0.1),0,linear+gd,lr=0.1,converged,100,0.01,1e-07,"
      "100,0.9,0.009,\n";
  snprintf(path, sizeof path, "%s/summary.csv", dir);
  write_bytes(path, sum);
  static const char man[] =
      "{\n  \"lnnbench_version\": \"0.1.0\",\n"
      "  \"config_name\": \"</title><script>alert(4)</script>\",\n"
      "  \"git_commit\": \"<iframe src=//evil>\",\n"
      "  \"stop\": {\"max_iters\": 100, \"target_gap\": 1e-06, \"max_seconds\": null},\n"
      "  \"select_best_by\": \"seconds_to_target\",\n  \"report_baseline\": null,\n"
      "  \"runs_total\": 2,\n  \"state\": \"complete\",\n"
      "  \"config_text\": \"name: x\\n</pre><script>alert(5)</script>\"\n}\n";
  snprintf(path, sizeof path, "%s/manifest.json", dir);
  write_bytes(path, man);
  snprintf(cmd, sizeof cmd, "'%s' report '%s'", LNB_TEST_BINARY, dir);
  int rc = sh(cmd, &out);
  if (rc) print_message("%s\n", out);
  assert_int_equal(rc, 0);
  free(out);
  snprintf(path, sizeof path, "%s/report.html", dir);
  char *h = read_file(path);
  assert_non_null(h);
  assert_int_equal(count(h, "<script"), 1);
  assert_null(strstr(h, "<img src=x"));
  assert_null(strstr(h, "<iframe"));
  assert_null(strstr(h, "<u>"));
  assert_non_null(strstr(h, "lr=&lt;u&gt;1&lt;/u&gt;"));
  assert_null(strstr(h, "\"><img"));
  assert_non_null(strstr(h, "&lt;script&gt;alert(3)&lt;/script&gt;&amp;amp;"));
  assert_non_null(strstr(h, "&lt;/pre&gt;&lt;script&gt;alert(5)"));
  assert_non_null(strstr(h, "linear&quot;&gt;&lt;img src=x onerror=alert(2)&gt;+gd"));
  assert_non_null(strstr(h, "<td class=\"bad\">error</td>"));
  /* the page says why there are no plots: no trajectories.csv */
  assert_non_null(strstr(h, "trajectories.csv is absent"));
  free(h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_report_sections, setup, teardown),
      cmocka_unit_test_setup_teardown(test_report_hostile, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
