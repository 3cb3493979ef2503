/* test_lsq — the least-squares problem plugin: loss and gradient, l* and
 * theta* (paper 000's 2x3 system), synthetic data, CSV and inline loading,
 * validation. */
#include "test_plugin_util.h"

#include <float.h>
#include <unistd.h>

static const double A23[6] = {5, -3, 1, 3, 1, -1};
static const double b2[2] = {6, 4};

static lnb_params *lsq_params(void) { return tp_params(tp_plugin(LNB_PROBLEM, "lsq")); }

/* theta* = A^T (A A^T)^{-1} b for a 2 x d full-row-rank A, in closed form */
static void min_norm_2xd(const double *A, const double *b, size_t d, double *theta) {
  double g00 = 0, g01 = 0, g11 = 0;
  for (size_t j = 0; j < d; j++) {
    g00 += A[j] * A[j];
    g01 += A[j] * A[d + j];
    g11 += A[d + j] * A[d + j];
  }
  double det = g00 * g11 - g01 * g01;
  double v0 = (g11 * b[0] - g01 * b[1]) / det, v1 = (-g01 * b[0] + g00 * b[1]) / det;
  for (size_t j = 0; j < d; j++) theta[j] = A[j] * v0 + A[d + j] * v1;
}

/* paper 000, Sec. 5.2: A = [[5,-3,1],[3,1,-1]], b = [6,4];
 * theta* = A^T (A A^T)^{-1} b = [83/66, 1/33, -13/66], l* = 0 */
static void check_paper_example(const char *reduction, int b_as_column) {
  lnb_params *p = lsq_params();
  tp_set_reals(p, "A", A23, 2, 3);
  if (b_as_column)
    tp_set_reals(p, "b", b2, 2, 1);
  else
    tp_set_reals(p, "b", b2, 1, 2);
  tp_set(p, "reduction", reduction);
  tp_problem P = tp_problem_create(p, 0);
  assert_int_equal(P.k, 1);
  assert_int_equal(P.d, 3);

  double theta[3], exact[3] = {83.0 / 66.0, 1.0 / 33.0, -13.0 / 66.0};
  min_norm_2xd(A23, b2, 3, theta);
  assert_true(tp_max_abs_diff(theta, exact, 3) < 1e-14); /* the test's own formula */

  double lstar = -1;
  assert_int_equal(P.ops->optimum(P.self, &lstar), 1);
  assert_true(lstar == 0.0); /* full row rank: exactly zero */
  const double *ref = P.ops->reference(P.self);
  assert_non_null(ref);
  double err = tp_max_abs_diff(ref, theta, 3) / tp_norm(theta, 3);
  print_message("  [%s, b %s] |theta_ref - theta*|_max / |theta*| = %.3g (tol 1e-12)\n",
                reduction, b_as_column ? "2x1" : "flat", err);
  assert_true(err < 1e-12);

  double c = strcmp(reduction, "sum") == 0 ? 0.5 : 0.25;
  lnb_linsys ls;
  assert_int_equal(P.ops->linear_system(P.self, &ls), 1);
  assert_int_equal(ls.m, 2);
  assert_true(ls.scale == c);
  assert_memory_equal(ls.X, A23, sizeof A23);
  assert_memory_equal(ls.Y, b2, sizeof b2);

  /* l(0) = c ||b||^2 = 52 c exactly; l(theta*) ~ 0 */
  double zero[3] = {0, 0, 0}, g[3];
  assert_true(P.ops->eval(P.self, zero, NULL) == 52.0 * c);
  /* grad at 0 = -2c A^T b */
  P.ops->eval(P.self, zero, g);
  for (int j = 0; j < 3; j++)
    assert_true(fabs(g[j] + 2 * c * (A23[j] * 6 + A23[3 + j] * 4)) < 1e-13);
  assert_true(P.ops->eval(P.self, ref, NULL) < 1e-26);
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

static void test_paper_example(void **state) {
  (void)state;
  check_paper_example("mean", 0);
  check_paper_example("sum", 0);
  check_paper_example("sum", 1);
}

/* overdetermined 4 x 2 inline system: l* and theta* from normal equations */
static void test_overdetermined(void **state) {
  (void)state;
  const double A[8] = {1, 2, -1, 0.5, 3, -2, 0.25, 4};
  const double b[4] = {1, -2, 0.5, 3};
  /* normal equations G x = A^T b */
  double G[4] = {0}, r[2] = {0}, x[2];
  for (int i = 0; i < 4; i++) {
    for (int a = 0; a < 2; a++) {
      r[a] += A[2 * i + a] * b[i];
      for (int c = 0; c < 2; c++) G[2 * a + c] += A[2 * i + a] * A[2 * i + c];
    }
  }
  double det = G[0] * G[3] - G[1] * G[2];
  x[0] = (G[3] * r[0] - G[1] * r[1]) / det;
  x[1] = (-G[2] * r[0] + G[0] * r[1]) / det;
  double rss = 0;
  for (int i = 0; i < 4; i++) {
    double e = A[2 * i] * x[0] + A[2 * i + 1] * x[1] - b[i];
    rss += e * e;
  }
  const char *red[2] = {"mean", "sum"};
  const double c[2] = {1.0 / 8.0, 0.5};
  for (int t = 0; t < 2; t++) {
    lnb_params *p = lsq_params();
    tp_set_reals(p, "A", A, 4, 2);
    tp_set_reals(p, "b", b, 1, 4);
    tp_set(p, "reduction", red[t]);
    tp_problem P = tp_problem_create(p, 0);
    double lstar;
    assert_int_equal(P.ops->optimum(P.self, &lstar), 1);
    double e1 = fabs(lstar - c[t] * rss) / (c[t] * rss);
    double e2 = tp_max_abs_diff(P.ops->reference(P.self), x, 2) / tp_norm(x, 2);
    double e3 = fabs(P.ops->eval(P.self, x, NULL) - lstar) / lstar;
    print_message("  [%s] rel err l* %.3g, theta* %.3g, l(theta*) vs l* %.3g (tol 1e-12)\n",
                  red[t], e1, e2, e3);
    assert_true(e1 < 1e-12);
    assert_true(e2 < 1e-12);
    assert_true(e3 < 1e-12);
    tp_problem_destroy(&P);
    lnb__params_free(p);
  }
}

/* loss against a naive double loop; gradient against central differences.
 * The loss is quadratic, so central differences have no truncation error:
 * the only error is rounding, about eps * l / h = 1e-12 relative for
 * h = 1e-4. Tolerance 1e-8 (relative, whole gradient). */
static void test_gradient_fd(void **state) {
  (void)state;
  for (int red = 0; red < 2; red++) {
    lnb_params *p = lsq_params();
    tp_set(p, "m", "7");
    tp_set(p, "d", "5");
    tp_set(p, "k", "3");
    tp_set(p, "condition", "10");
    tp_set(p, "noise", "0.1");
    tp_set(p, "reduction", red ? "sum" : "mean");
    tp_problem P = tp_problem_create(p, 11);
    assert_int_equal(P.k, 3);
    assert_int_equal(P.d, 5);
    lnb_linsys ls;
    P.ops->linear_system(P.self, &ls);
    size_t m = 7, d = 5, k = 3;
    double c = red ? 0.5 : 1.0 / 14.0;
    assert_true(ls.scale == c);
    lnb_rng rng;
    lnb__rng_init(&rng, 5, "test");
    double W[15], g[15];
    tp_random(&rng, W, 15, 1.0);
    double l = P.ops->eval(P.self, W, g);
    double naive = 0;
    for (size_t i = 0; i < m; i++)
      for (size_t a = 0; a < k; a++) {
        double s = -ls.Y[i * k + a];
        for (size_t j = 0; j < d; j++) s += ls.X[i * d + j] * W[a * d + j];
        naive += s * s;
      }
    naive *= c;
    assert_true(fabs(l - naive) / naive < 1e-13);
    double rel = tp_problem_fd_rel(&P, W, 1e-4);
    print_message("  [%s] gradient vs central FD: rel err %.3g (tol 1e-8)\n",
                  red ? "sum" : "mean", rel);
    assert_true(rel < 1e-8);
    /* eval(grad = NULL) must give the same loss */
    assert_true(P.ops->eval(P.self, W, NULL) == l);
    tp_problem_destroy(&P);
    lnb__params_free(p);
  }
}

/* synthetic X has the requested condition number and top singular value
 * sqrt(m); the data seed decouples the data from the run seed */
static void test_synthetic(void **state) {
  (void)state;
  const lnb_host *h = tp_host();
  lnb_params *p = lsq_params();
  tp_set(p, "m", "30");
  tp_set(p, "d", "8");
  tp_set(p, "k", "2");
  tp_set(p, "condition", "100");
  tp_problem P = tp_problem_create(p, 1);
  lnb_linsys ls;
  P.ops->linear_system(P.self, &ls);
  double X[240], s[8];
  memcpy(X, ls.X, sizeof X);
  lnb_error err;
  assert_int_equal(h->svd(30, 8, X, s, NULL, NULL, &err), LNB_OK);
  double e_top = fabs(s[0] - sqrt(30.0)) / sqrt(30.0), e_cond = fabs(s[0] / s[7] - 100) / 100;
  print_message("  synthetic: rel err sigma_max %.3g, condition %.3g (tol 1e-10)\n", e_top,
                e_cond);
  assert_true(e_top < 1e-10);
  assert_true(e_cond < 1e-10);
  /* noise 0 and m > d: the data are consistent, l* ~ 0 */
  double lstar;
  P.ops->optimum(P.self, &lstar);
  assert_true(lstar < 1e-25);
  assert_true(lstar >= 0.0);

  /* run seed changes the data when seed is unset ... */
  tp_problem P2 = tp_problem_create(p, 2);
  lnb_linsys ls2;
  P2.ops->linear_system(P2.self, &ls2);
  assert_true(memcmp(ls.X, ls2.X, sizeof X) != 0);
  tp_problem_destroy(&P2);
  /* ... and not when seed is set */
  tp_set(p, "seed", "1");
  P2 = tp_problem_create(p, 999);
  P2.ops->linear_system(P2.self, &ls2);
  assert_memory_equal(ls.X, ls2.X, sizeof X);
  assert_memory_equal(ls.Y, ls2.Y, 60 * sizeof(double));
  tp_problem_destroy(&P2);
  tp_problem_destroy(&P);

  /* noise > 0, overdetermined: l* > 0 and W* is stationary (grad ~ 0) */
  tp_set(p, "noise", "0.5");
  P = tp_problem_create(p, 3);
  P.ops->optimum(P.self, &lstar);
  assert_true(lstar > 1e-3);
  double g[16], g0[16], zero[16] = {0};
  const double *ref = P.ops->reference(P.self);
  double lref = P.ops->eval(P.self, ref, g);
  P.ops->eval(P.self, zero, g0);
  double grel = tp_norm(g, 16) / tp_norm(g0, 16);
  print_message("  noisy: |l(W*) - l*|/l* = %.3g (tol 1e-12), |grad(W*)|/|grad(0)| = %.3g "
                "(tol 1e-10)\n",
                fabs(lref - lstar) / lstar, grel);
  assert_true(fabs(lref - lstar) / lstar < 1e-12);
  assert_true(grel < 1e-10);
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

/* underdetermined synthetic: l* = 0, X W*^T = Y, W* in the row space of X */
static void test_underdetermined(void **state) {
  (void)state;
  const lnb_host *h = tp_host();
  lnb_params *p = lsq_params();
  tp_set(p, "m", "5");
  tp_set(p, "d", "12");
  tp_set(p, "k", "2");
  tp_set(p, "condition", "20");
  tp_set(p, "noise", "0.3");
  tp_problem P = tp_problem_create(p, 7);
  double lstar = -1;
  P.ops->optimum(P.self, &lstar);
  assert_true(lstar == 0.0);
  lnb_linsys ls;
  P.ops->linear_system(P.self, &ls);
  const double *W = P.ops->reference(P.self);
  double l = P.ops->eval(P.self, W, NULL);
  assert_true(l < 1e-26);
  /* (I - V1 V1^T) W^T = 0 with V1^T the 5 x 12 right singular vectors */
  double X[60], s[5], Vt[60];
  memcpy(X, ls.X, sizeof X);
  lnb_error err;
  assert_int_equal(h->svd(5, 12, X, s, NULL, Vt, &err), LNB_OK);
  double res = 0;
  for (size_t a = 0; a < 2; a++) {
    double z[5] = {0}, out[12];
    for (size_t i = 0; i < 5; i++)
      for (size_t j = 0; j < 12; j++) z[i] += Vt[i * 12 + j] * W[a * 12 + j];
    for (size_t j = 0; j < 12; j++) {
      out[j] = W[a * 12 + j];
      for (size_t i = 0; i < 5; i++) out[j] -= Vt[i * 12 + j] * z[i];
    }
    res = fmax(res, tp_norm(out, 12) / tp_norm(W + a * 12, 12));
  }
  print_message("  underdetermined: l(W*) = %.3g, null-space part of W* %.3g (tol 1e-13)\n",
                l, res);
  assert_true(res < 1e-13);
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* CSV with and without header; relative to config_dir; k trailing targets */
static void test_csv(void **state) {
  (void)state;
  char dir[] = "/tmp/lnb_test_lsq_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char f1[256], f2[256];
  snprintf(f1, sizeof f1, "%s/with_header.csv", dir);
  snprintf(f2, sizeof f2, "%s/plain.csv", dir);
  write_file(f1, "x1,x2,x3,y\n5,-3,1,6\n3,1,-1,4\n");
  write_file(f2, "1,2,0.5,-1\n3,-1,2,0\n-2,0.25,1,1.5\n");

  /* header: the paper system again, theta* exact */
  lnb_params *p = lsq_params();
  p->config_dir = dir;
  tp_set(p, "path", "with_header.csv");
  tp_set(p, "reduction", "sum");
  tp_problem P = tp_problem_create(p, 0);
  assert_int_equal(P.k, 1);
  assert_int_equal(P.d, 3);
  lnb_linsys ls;
  P.ops->linear_system(P.self, &ls);
  assert_int_equal(ls.m, 2);
  assert_memory_equal(ls.X, A23, sizeof A23);
  assert_memory_equal(ls.Y, b2, sizeof b2);
  double theta[3];
  min_norm_2xd(A23, b2, 3, theta);
  assert_true(tp_max_abs_diff(P.ops->reference(P.self), theta, 3) < 1e-12);
  tp_problem_destroy(&P);
  lnb__params_free(p);

  /* no header, k = 2 targets: X is 3 x 2, Y 3 x 2 */
  p = lsq_params();
  p->config_dir = dir;
  tp_set(p, "path", "plain.csv");
  tp_set(p, "k", "2");
  tp_set(p, "source", "csv");
  P = tp_problem_create(p, 0);
  assert_int_equal(P.k, 2);
  assert_int_equal(P.d, 2);
  P.ops->linear_system(P.self, &ls);
  const double X[6] = {1, 2, 3, -1, -2, 0.25}, Y[6] = {0.5, -1, 2, 0, 1, 1.5};
  assert_int_equal(ls.m, 3);
  assert_memory_equal(ls.X, X, sizeof X);
  assert_memory_equal(ls.Y, Y, sizeof Y);
  assert_true(ls.scale == 1.0 / 6.0);
  tp_problem_destroy(&P);

  /* absolute path ignores config_dir */
  p->config_dir = "/nonexistent";
  tp_set(p, "path", f2);
  P = tp_problem_create(p, 0);
  assert_int_equal(P.d, 2);
  tp_problem_destroy(&P);

  /* k too large for the file */
  tp_set(p, "k", "4");
  lnb_error err = {0};
  void *self = NULL;
  assert_int_equal(P.ops->create(tp_host(), p, 0, &self, &err), LNB_EDIM);
  assert_null(self);
  print_message("  expected error: %s\n", err.msg);
  lnb__params_free(p);
  unlink(f1);
  unlink(f2);
  rmdir(dir);
}

static void expect_invalid(lnb_params *p, int code, const char *needle) {
  const lnb_problem_ops *ops = p->plugin->ops;
  lnb_error err = {0};
  int rc = ops->validate(tp_host(), p, &err);
  print_message("  expected error: %s\n", err.msg);
  assert_int_equal(rc, code);
  assert_non_null(strstr(err.msg, needle));
  void *self = NULL;
  assert_int_equal(ops->create(tp_host(), p, 0, &self, &err), code);
  assert_null(self);
}

static void test_validate(void **state) {
  (void)state;
  lnb_params *p = lsq_params();
  tp_set_reals(p, "A", A23, 2, 3);
  const double b3[3] = {1, 2, 3};
  tp_set_reals(p, "b", b3, 1, 3);
  expect_invalid(p, LNB_EDIM, "b is 1 x 3");
  lnb__params_free(p);

  p = lsq_params();
  tp_set_reals(p, "A", A23, 2, 3);
  expect_invalid(p, LNB_EINVAL, "missing b");
  tp_set_reals(p, "b", b2, 1, 2);
  tp_set(p, "source", "synthetic");
  expect_invalid(p, LNB_EINVAL, "source is synthetic");
  tp_set(p, "source", "inline");
  tp_set(p, "path", "x.csv");
  expect_invalid(p, LNB_EINVAL, "path");
  lnb__params_free(p);

  p = lsq_params();
  tp_set(p, "source", "csv");
  expect_invalid(p, LNB_EINVAL, "needs path");
  tp_set(p, "path", "surely_missing_file.csv");
  expect_invalid(p, LNB_EIO, "surely_missing_file.csv");
  lnb__params_free(p);

  p = lsq_params();
  tp_set_reals(p, "b", b2, 1, 2);
  expect_invalid(p, LNB_EINVAL, "b is given");
  lnb__params_free(p);
}

/* eval: gram (normal equations, blocks of 64 rows of E) against eval:
 * residual (the textbook X We^T - Y) on the same data: loss and gradient
 * agree to 1e-12 relative at a random W, for k = 1, 3 and 130 (two full
 * blocks and a partial one), tall and wide X, lsq and lp_regression (p = 2).
 * Near the optimum (W = W* + 1e-7 noise) the gram gap l - l* matches
 * c ||X E^T||^2 computed directly up to the rounding of the returned loss
 * (8 ulp of l*) plus 1e-9 relative: evaluated around W*, the form does not
 * lose the small gap to cancellation (the residual form's gap is printed). */
static void check_gram_vs_residual(const char *plugin, size_t m, size_t d, size_t k) {
  lnb_params *pg = tp_params(tp_plugin(LNB_PROBLEM, plugin));
  lnb_params *pr = tp_params(tp_plugin(LNB_PROBLEM, plugin));
  lnb_params *both[2] = {pg, pr};
  for (int i = 0; i < 2; i++) {
    tp_setf(both[i], "m", "%zu", m);
    tp_setf(both[i], "d", "%zu", d);
    tp_setf(both[i], "k", "%zu", k);
    tp_set(both[i], "noise", "0.3");
    tp_set(both[i], "eval", i == 0 ? "gram" : "residual");
    if (strcmp(plugin, "lp_regression") == 0) tp_set(both[i], "p", "2");
  }
  tp_problem G = tp_problem_create(pg, 7), R = tp_problem_create(pr, 7);
  size_t kd = k * d;
  double *W = malloc(kd * sizeof *W), *gg = malloc(kd * sizeof *gg), *gr = malloc(kd * sizeof *gr);
  lnb_rng rng;
  lnb__rng_init(&rng, 3, "gram-test");
  tp_random(&rng, W, kd, 1.0 / sqrt((double)d));
  double lg = G.ops->eval(G.self, W, gg), lr = R.ops->eval(R.self, W, gr);
  double lg0 = G.ops->eval(G.self, W, NULL);
  double el = fabs(lg - lr) / fabs(lr), eg = tp_diff_norm(gg, gr, kd) / tp_norm(gr, kd);
  /* near the optimum */
  const double *Ws = G.ops->reference(G.self);
  double lstar = 0.0;
  assert_int_equal(G.ops->optimum(G.self, &lstar), 1);
  double *E = malloc(kd * sizeof *E);
  tp_random(&rng, E, kd, 1e-7);
  for (size_t i = 0; i < kd; i++) W[i] = Ws[i] + E[i];
  lnb_linsys ls;
  assert_int_equal(G.ops->linear_system(G.self, &ls), 1);
  double exact = 0.0;
  for (size_t i = 0; i < m; i++)
    for (size_t a = 0; a < k; a++) {
      double acc = 0.0;
      for (size_t j = 0; j < d; j++) acc += ls.X[i * d + j] * E[a * d + j];
      exact += acc * acc;
    }
  exact *= ls.scale;
  double gap_g = G.ops->eval(G.self, W, NULL) - lstar, gap_r = R.ops->eval(R.self, W, NULL) - lstar;
  double egap = fabs(gap_g - exact) / exact;
  double gap_tol = 8.0 * DBL_EPSILON * lstar + 1e-9 * exact;
  print_message("  %s m=%zu d=%zu k=%zu: loss rel diff %.2g, grad rel diff %.2g; gap near W* "
                "%.6g (exact %.6g, rel err %.2g; residual form %.3g)\n",
                plugin, m, d, k, el, eg, gap_g, exact, egap, gap_r);
  assert_true(el <= 1e-12 && eg <= 1e-12);
  assert_true(lg0 == lg); /* the loss does not depend on whether grad is asked */
  assert_true(fabs(gap_g - exact) <= gap_tol);
  free(W);
  free(gg);
  free(gr);
  free(E);
  tp_problem_destroy(&G);
  tp_problem_destroy(&R);
  lnb__params_free(pg);
  lnb__params_free(pr);
}

static void test_gram_matches_residual(void **state) {
  (void)state;
  check_gram_vs_residual("lsq", 300, 20, 1);
  check_gram_vs_residual("lsq", 300, 20, 3);
  check_gram_vs_residual("lsq", 400, 30, 130);
  check_gram_vs_residual("lsq", 15, 40, 2); /* wide: gram forced */
  check_gram_vs_residual("lp_regression", 300, 20, 1);
  check_gram_vs_residual("lp_regression", 200, 20, 70);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_paper_example), cmocka_unit_test(test_overdetermined),
      cmocka_unit_test(test_gradient_fd),   cmocka_unit_test(test_synthetic),
      cmocka_unit_test(test_underdetermined), cmocka_unit_test(test_csv),
      cmocka_unit_test(test_validate),
      cmocka_unit_test(test_gram_matches_residual),
  };
  return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
