/* test_plot_style.c — `lnnbench plot`'s figure design (issue 16): one
 * colour and dash type per model in every figure of a results directory,
 * also when --models keeps a subset; legend labels that are unique; the
 * target line; iteration 0 on a log axis; 2-D trajectory axes from the
 * runs that did not diverge; --format and --x; bad flags exit 2. */
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
#include "plot_style.h"

static char tmp[256];

static int setup(void **state) {
  (void)state;
  return sh_make_tmpdir(tmp, sizeof tmp, "plotstyle");
}

static int teardown(void **state) {
  (void)state;
  return sh_remove_dir(tmp);
}

/* Labels that read the same once cut: the cut would lose the part that
 * differs (the learning rate at the end), so they keep their full text;
 * a long label that stays unique when cut is cut. */
static void test_labels_never_identical(void **state) {
  (void)state;
  const char *in[] = {
      "deep_linear(init=controlled,scale=1,target_solution=[10,-10],x=1)+gd(lr=0.1)",
      "deep_linear(init=controlled,scale=1,target_solution=[10,-10],x=1)+gd(lr=0.99)",
      "deep_linear(init=controlled,scale=1,target_solution=[10,-10],x=1)+gd(lr=1.01)",
      "deep_linear(init=gaussian,scale=2,target_solution=[1,1],x=2)+gd(lr=0.1)"};
  char **out = lnb_plot_short_labels(in, 4, 40);
  assert_non_null(out);
  for (size_t i = 0; i < 3; i++) assert_string_equal(out[i], in[i]);
  assert_int_equal(strlen(out[3]), 40);
  assert_non_null(strstr(out[3], "..."));
  for (size_t i = 0; i < 4; i++)
    for (size_t j = i + 1; j < 4; j++) assert_string_not_equal(out[i], out[j]);
  for (size_t i = 0; i < 4; i++) free(out[i]);
  free(out);
}

/* styles: distinct (colour, dash) pairs for the first LNB_PLOT_NSTYLES
 * models; the index of a label is its place among the distinct labels */
static void test_style_table(void **state) {
  (void)state;
  for (size_t i = 0; i < LNB_PLOT_NSTYLES; i++)
    for (size_t j = i + 1; j < LNB_PLOT_NSTYLES; j++)
      assert_false(strcmp(lnb_plot_color(i), lnb_plot_color(j)) == 0 &&
                   lnb_plot_dash(i) == lnb_plot_dash(j));
  assert_string_equal(lnb_plot_color(0), "#0072B2"); /* Okabe–Ito blue */
  const char *l[] = {"a", "b", "a", "c"};
  assert_int_equal(lnb_plot_style_index(l, 4, "a"), 0);
  assert_int_equal(lnb_plot_style_index(l, 4, "b"), 1);
  assert_int_equal(lnb_plot_style_index(l, 4, "c"), 2);
  assert_int_equal(lnb_plot_style_index(l, 4, "d"), 4);
}

static const char fixture_yaml[] =
    "name: plot_style\n"
    "seeds: [0, 1]\n"
    "problem: { plugin: lsq, m: 30, d: [2, 5], k: 1, condition: 5, noise: 0.1, seed: 3 }\n"
    "architectures:\n"
    "  - { plugin: linear }\n"
    "  - { plugin: deep_linear, depth: 2, width: 4, init: gaussian, init_std: 0.3 }\n"
    "  - { plugin: deep_linear, depth: 3, width: 4, init: gaussian, init_std: 0.3 }\n"
    "optimizers:\n"
    "  - { plugin: gd, lr: 0.1 }\n"
    "  - { plugin: gd, lr: 5.0, weight_decay: 1.0e-4 }\n" /* diverges: models of their own */
    "stop: { max_iters: 2000, target_gap: 1.0e-6, max_seconds: 10 }\n"
    "record: { per_decade: 10, metrics: [grad_norm, projection_2d] }\n";

/* label -> "colour dash" of every titled line of a .gp file, as
 * "label\tcolour dash\n" lines */
static char *styles_of(const char *gp) {
  size_t cap = strlen(gp) + 1, len = 0;
  char *o = calloc(cap, 1);
  assert_non_null(o);
  for (const char *p = gp; (p = strstr(p, " lc rgb '")); p++) {
    const char *eol = strchr(p, '\n');
    const char *t = strstr(p, " title '");
    if (!t || (eol && t > eol)) continue;
    const char *col = p + 9, *dt = strstr(p, " dt ");
    const char *lab = t + 8, *end = strchr(lab, '\'');
    assert_non_null(end);
    len += (size_t)snprintf(o + len, cap - len, "%.*s\t%.7s %c\n", (int)(end - lab), lab, col,
                            dt && dt < t ? dt[4] : '?');
  }
  return o;
}

static char *plotfile(const char *dir, const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/plots/%s", dir, name);
  char *s = read_file(path);
  if (!s) print_message("missing: %s\n", path);
  assert_non_null(s);
  return s;
}

/* every line of a (a "label\tstyle" list) whose label is in b has b's style */
static size_t same_styles(const char *a, const char *b) {
  size_t shared = 0;
  for (const char *p = a; *p;) {
    const char *tab = strchr(p, '\t'), *eol = strchr(p, '\n');
    assert_non_null(tab);
    assert_non_null(eol);
    if (!tab || !eol || tab > eol) break; /* every style line is "label\t...\n" */
    char key[512];
    size_t klen = (size_t)(tab - p) < sizeof key - 2 ? (size_t)(tab - p) : sizeof key - 2;
    memcpy(key, p, klen);
    key[klen] = '\t';
    key[klen + 1] = '\0';
    const char *q = strstr(b, key);
    if (q && (q == b || q[-1] == '\n')) {
      const char *qe = strchr(q, '\n');
      assert_int_equal(qe - q, eol - p);
      if (strncmp(q, p, (size_t)(eol - p)) != 0)
        print_message("style differs:\n%.*s\n%.*s\n", (int)(eol - p), p, (int)(qe - q), q);
      assert_true(strncmp(q, p, (size_t)(eol - p)) == 0);
      shared++;
    }
    p = eol + 1;
  }
  return shared;
}

static void assert_unique_labels(const char *styles) {
  for (const char *p = styles; *p; p = strchr(p, '\n') + 1) {
    const char *tab = strchr(p, '\t');
    char key[512];
    snprintf(key, sizeof key, "\n%.*s\t", (int)(tab - p), p);
    const char *again = strstr(p, key);
    if (again) print_message("label twice: %s\n", key + 1);
    assert_null(again);
  }
}

static void skip_without_gnuplot(void) {
  char *gp = lnb_plot_find_gnuplot();
  if (!gp) {
    fprintf(stdout, "SKIP: gnuplot is not installed (apt-get install gnuplot-nox)\n");
    skip();
  }
  free(gp);
}

static void test_plot_design(void **state) {
  (void)state;
  skip_without_gnuplot();
  char dir[512], cfg[600], cmd[2048], *out;
  snprintf(dir, sizeof dir, "%s/fx", tmp);
  snprintf(cfg, sizeof cfg, "%s/fx.yaml", tmp);
  write_file(cfg, fixture_yaml);
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet", LNB_TEST_BINARY, cfg, dir);
  int rc = sh(cmd, &out);
  free(out);
  assert_true(rc == 0 || rc == 1); /* lr = 5 diverges */
  snprintf(cmd, sizeof cmd, "%s plot %s", LNB_TEST_BINARY, dir);
  rc = sh(cmd, &out);
  if (rc) print_message("%s\n", out);
  assert_int_equal(rc, 0);
  free(out);

  /* one model, one style, in every figure of the directory */
  char *gi = plotfile(dir, "p1_lsq_gap_vs_iteration.gp");
  char *gm = plotfile(dir, "p1_lsq_metric_grad_norm.gp");
  char *g2 = plotfile(dir, "p2_lsq_gap_vs_iteration.gp");
  char *si = styles_of(gi), *sm = styles_of(gm), *s2 = styles_of(g2);
  assert_int_equal(count_lines(si), 7); /* 6 models + the target line */
  assert_unique_labels(si);
  assert_true(same_styles(si, sm) >= 3);
  assert_int_equal(same_styles(si, s2), 7);
  /* the target line, at stop.target_gap */
  assert_non_null(strstr(si, "target  (stop.target_gap = 1e-06)\t#555555 3"));
  assert_null(strstr(gm, "target_gap ="));
  char *dt = plotfile(dir, "p1_lsq_gap_vs_iteration.dat");
  assert_non_null(strstr(dt, " 1e-06\n")); /* the target block */
  free(dt);
  /* iteration 0 is drawn: the data starts at 0 and the log axis plots x + 1 */
  assert_non_null(strstr(gi, "set logscale x 10"));
  assert_non_null(strstr(gi, "using ($1+1):2 with lines"));
  assert_non_null(strstr(gi, "iteration + 1"));
  /* and ends at the data, not at the next decade */
  assert_non_null(strstr(gi, "set logscale x 10\nset autoscale xfix\n"));
  char *di = plotfile(dir, "p1_lsq_gap_vs_iteration.dat");
  assert_non_null(strstr(di, "seeds\n0 "));
  free(di);
  /* 6 models: each line has its min-max band */
  assert_non_null(strstr(gi, "with filledcurves"));
  /* legend outside the axes, columns as they fit */
  assert_non_null(strstr(gi, "set key outside below"));
  assert_non_null(strstr(gi, "maxcols auto"));

  /* 2-D trajectories: lr = 5 diverges; the axes span the other runs */
  char *gt = plotfile(dir, "p1_lsq_trajectory_2d.gp");
  assert_non_null(strstr(gt, "set xrange ["));
  assert_non_null(strstr(gt, "diverged]"));
  /* 6 models: one panel each, on the same axes; a cross per diverged run */
  assert_non_null(strstr(gt, "set multiplot layout "));
  assert_non_null(strstr(gt, "x: where a diverged run left the axes"));
  assert_int_equal(count_lines(gt) > 0, 1);
  size_t npanel = 0;
  for (const char *q = gt; (q = strstr(q, "\nplot \\")); q++) npanel++;
  assert_int_equal(npanel, 6);
  double x0, x1;
  const char *xr = strstr(gt, "set xrange [");
  assert_int_equal(sscanf(xr, "set xrange [%lf:%lf]", &x0, &x1), 2);
  assert_true(x1 - x0 < 100); /* a diverged run reaches 1e10 and beyond */
  free(gt);

  /* --models keeps a subset; each kept model keeps its style */
  snprintf(cmd, sizeof cmd, "%s plot %s --models '^deep_linear\\(depth=3.*\\+gd$' --format png",
           LNB_TEST_BINARY, dir);
  rc = sh(cmd, &out);
  if (rc) print_message("%s\n", out);
  assert_int_equal(rc, 0);
  assert_non_null(strstr(out, "PNG files"));
  free(out);
  char *gi3 = plotfile(dir, "p1_lsq_gap_vs_iteration.gp");
  char *si3 = styles_of(gi3);
  assert_int_equal(count_lines(si3), 2); /* one model + the target */
  assert_non_null(strstr(gi3, "set terminal pngcairo"));
  /* its style is the one it had among all three (its label is shorter now:
   * compare by the style in the comment listing the full labels) */
  const char *c3 = strstr(gi3, "(style ");
  assert_non_null(c3);
  char want[64];
  snprintf(want, sizeof want, "(style 4: %s, dash %d)", lnb_plot_color(4), lnb_plot_dash(4));
  assert_non_null(strstr(gi3, want));
  assert_non_null(strstr(gi, want));
  snprintf(cmd, sizeof cmd, "%s/plots/p1_lsq_gap_vs_iteration.png", dir);
  struct stat st;
  assert_int_equal(stat(cmd, &st), 0);
  assert_true(st.st_size > 1000);
  free(gi3), free(si3);
  /* one model: a single plot with a key, the crosses in it */
  char *gt1 = plotfile(dir, "p1_lsq_trajectory_2d.gp");
  assert_null(strstr(gt1, "multiplot"));
  assert_non_null(strstr(gt1, "set key outside below"));
  free(gt1);
  /* a diverging model alone: the crosses get their key entry */
  snprintf(cmd, sizeof cmd, "%s plot %s --models '^linear\\+gd\\(weight'", LNB_TEST_BINARY, dir);
  assert_int_equal(sh(cmd, &out), 0);
  free(out);
  gt1 = plotfile(dir, "p1_lsq_trajectory_2d.gp");
  assert_non_null(strstr(gt1, "title 'diverged: last point inside the axes'"));
  assert_non_null(strstr(gt1, "[2/2 diverged]"));
  free(gt1);

  /* --x epoch: the gap against epochs (full batch: one per step) */
  snprintf(cmd, sizeof cmd, "%s plot %s --x epoch", LNB_TEST_BINARY, dir);
  assert_int_equal(sh(cmd, &out), 0);
  free(out);
  char *ge = plotfile(dir, "p1_lsq_gap_vs_epoch.gp");
  assert_non_null(strstr(ge, "epoch"));
  free(ge);

  /* every script line is a comment, a set, a plot or a data source line
   * (what the hostile-results tests and the fuzz harness allow) */
  snprintf(cmd, sizeof cmd, "%s plot %s", LNB_TEST_BINARY, dir);
  assert_int_equal(sh(cmd, &out), 0);
  free(out);
  snprintf(cmd, sizeof cmd,
           "cat '%s'/plots/*.gp | grep -v -e '^#' -e '^set ' -e '^plot ' -e \"^  '\"", dir);
  assert_int_equal(sh(cmd, &out), 1);
  free(out);
  free(gi), free(gm), free(g2), free(si), free(sm), free(s2);
}

/* 20 models in one figure (issue 16: "readable with up to 20 models"):
 * twenty distinct styles, none of them yellow; labels that keep only what
 * differs (depth and width); no min-max bands, which would bury the lines;
 * a figure tall enough for the legend rows, so the axes keep their height */
static void test_plot_twenty_models(void **state) {
  (void)state;
  skip_without_gnuplot();
  char dir[512], cfg[600], cmd[2048], *out;
  snprintf(dir, sizeof dir, "%s/twenty", tmp);
  snprintf(cfg, sizeof cfg, "%s/twenty.yaml", tmp);
  write_file(cfg, "name: twenty\n"
                  "seeds: [0]\n"
                  /* a long problem label: the title must wrap, not leave the figure */
                  "problem: { plugin: target, kind: symmetric, seed: 1, eigenvalues:\n"
                  "  [0.1001, 0.2002, 0.3003, 0.4004, 0.5005, 0.6006, 0.7007, 0.8008,\n"
                  "   0.9009, 1.0101, 1.1111, 1.2121, 1.3131, 1.4141, 1.5151, 1.6161] }\n"
                  "architectures:\n"
                  "  - { plugin: deep_linear, depth: [2, 3, 4, 5, 6], width: [2, 3, 4, 5],\n"
                  "      init: gaussian, init_std: 0.3 }\n"
                  "optimizers:\n"
                  "  - { plugin: gd, lr: 0.05 }\n"
                  "stop: { max_iters: 100, target_gap: 1.0e-6 }\n"
                  "record: { per_decade: 5 }\n");
  snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet && %s plot %s", LNB_TEST_BINARY, cfg, dir,
           LNB_TEST_BINARY, dir);
  int rc = sh(cmd, &out);
  if (rc) print_message("%s\n", out);
  free(out);
  assert_true(rc == 0 || rc == 1);
  char *gi = plotfile(dir, "p1_target_gap_vs_iteration.gp");
  char *si = styles_of(gi);
  assert_int_equal(count_lines(si), 21);
  /* the title: two or more quoted pieces joined by newlines, none wider than
   * the figure (960 px at about 8 px per character) */
  const char *tt = strstr(gi, "\nset title '");
  assert_non_null(tt);
  const char *te = strchr(tt + 1, '\n');
  assert_non_null(strstr(tt, "' . \"\\n\" . '"));
  assert_true(strstr(tt, "' . \"\\n\" . '") < te);
  for (const char *q = tt + 12; q < te;) {
    const char *qe = strchr(q, '\'');
    assert_true(qe - q <= 115);
    const char *nx = strstr(qe, ". '");
    if (!nx || nx > te) break;
    q = nx + 3;
  } /* 20 models + the target line */
  assert_unique_labels(si);
  /* twenty distinct (colour, dash) pairs */
  char pairs[21][16];
  size_t np = 0;
  for (const char *p = si; *p && np < 21; p = strchr(p, '\n') + 1) {
    const char *tab = strchr(p, '\t');
    snprintf(pairs[np], sizeof pairs[np], "%.9s", tab + 1);
    for (size_t j = 0; j < np; j++) assert_string_not_equal(pairs[j], pairs[np]);
    np++;
  }
  assert_null(strstr(gi, "#F0E442"));
  /* labels: what differs only (init and init_std are shared) */
  assert_non_null(strstr(si, "deep_linear(depth=4,width=3)+gd @ lr=0.05\t"));
  assert_null(strstr(si, "init_std"));
  /* lines only, and the .gp says why */
  assert_null(strstr(gi, "filledcurves"));
  assert_non_null(strstr(gi, "no min-max bands: 20 models"));
  size_t w = 0, h = 0;
  const char *t = strstr(gi, "set terminal svg size ");
  assert_non_null(t);
  assert_int_equal(sscanf(t, "set terminal svg size %zu,%zu", &w, &h), 2);
  assert_true(h >= 540 + 20 * 7); /* at least 7 legend rows below 540 px of axes */
  free(gi), free(si);
}

/* bad flags: exit 2 with a message naming the flag, nothing drawn */
static void test_plot_bad_flags(void **state) {
  (void)state;
  static const struct {
    const char *args, *msg;
  } bad[] = {
      {"plot DIR --format gif", "--format 'gif': expected svg, png or pdf"},
      {"plot DIR --x epochs", "--x 'epochs': expected iteration, seconds or epoch"},
      {"plot DIR --models '('", "--models '(': not a regular expression"},
      {"table DIR --x seconds", "--x applies to `plot` only"},
      {"table DIR --models a", "--models applies to `plot` only"},
      {"table DIR --format svg", "--format 'svg': expected md, csv or latex"},
  };
  char cmd[2048], *out;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char args[512];
    const char *d = strstr(bad[i].args, "DIR");
    snprintf(args, sizeof args, "%.*s%s/none%s", (int)(d - bad[i].args), bad[i].args, tmp, d + 3);
    snprintf(cmd, sizeof cmd, "%s %s", LNB_TEST_BINARY, args);
    int rc = sh(cmd, &out);
    if (rc != 2 || !strstr(out, bad[i].msg)) print_message("%s: rc %d\n%s\n", args, rc, out);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, bad[i].msg));
    free(out);
  }
  char path[512];
  snprintf(path, sizeof path, "%s/none", tmp);
  struct stat st;
  assert_int_not_equal(stat(path, &st), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_labels_never_identical),
      cmocka_unit_test(test_style_table),
      cmocka_unit_test_setup_teardown(test_plot_design, setup, teardown),
      cmocka_unit_test_setup_teardown(test_plot_twenty_models, setup, teardown),
      cmocka_unit_test_setup_teardown(test_plot_bad_flags, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
