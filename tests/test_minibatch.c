/* test_minibatch — mini-batch runs (issue 11, ABI 1.4) against what they
 * promise:
 *   - batch_size: full is today's run, bit for bit, under the same spec hash;
 *   - shuffle with batch_size = m visits every sample once per step: it is
 *     gradient descent up to rounding;
 *   - the batch sequence comes from the run seed only: runs repeat bitwise,
 *     two optimizers with the same seed see the same batches (momentum 0 is
 *     gd, bit for bit), another seed gives other batches;
 *   - epochs count samples seen / m, and stop.max_epochs stops there;
 *   - the checkpoint loss is the training loss over every sample;
 *   - bad input: batch_size 0 or text, a problem without samples (exit 2 at
 *     the optimizer block), a batch larger than the problem (run error). */
#include "test_plugin_util.h"

static const char *const base =
    "name: mb\n"
    "seeds: [%s]\n"
    "problem: {plugin: lsq, m: 40, d: 6, k: 2, noise: 0.2, seed: 4}\n"
    "architectures: [{plugin: deep_linear, depth: 2, width: 5, init_std: 0.3}]\n"
    "optimizers:\n%s"
    "stop: {max_iters: %s%s}\n"
    "record: {every: 1}\n";

/* run the config built from base; results in *res, count in *n */
static lnb_run_result *run_cfg(const char *seeds, const char *opts, const char *iters,
                               const char *stop_extra, size_t *n, lnb_config *cfg) {
  char text[2048];
  snprintf(text, sizeof text, base, seeds, opts, iters, stop_extra);
  tp_load(text, cfg);
  return tp_run_all(cfg, n);
}

static int same_losses(const lnb_run_result *a, const lnb_run_result *b) {
  if (a->ncheckpoints != b->ncheckpoints) return 0;
  for (size_t i = 0; i < a->ncheckpoints; i++)
    if (memcmp(&a->checkpoints[i].loss, &b->checkpoints[i].loss, sizeof(double)) != 0 ||
        a->checkpoints[i].iteration != b->checkpoints[i].iteration)
      return 0;
  return 1;
}

static void test_full_batch_is_unchanged(void **state) {
  (void)state;
  lnb_config c1, c2;
  size_t n1, n2;
  lnb_run_result *a = run_cfg("1", "  - {plugin: gd, lr: 0.1}\n", "200", "", &n1, &c1);
  lnb_run_result *b = run_cfg(
      "1", "  - {plugin: gd, lr: 0.1, batch_size: full, sampling: replacement}\n", "200", "",
      &n2, &c2);
  assert_int_equal(n1, 1);
  assert_int_equal(n2, 1);
  assert_true(same_losses(&a[0], &b[0]));
  assert_true(a[0].final_loss == b[0].final_loss);
  assert_true(b[0].epochs == 200.0); /* a full batch is one epoch per step */
  size_t k1, k2;
  lnb_run_spec *r1 = lnb_expand_runs(&c1, &k1), *r2 = lnb_expand_runs(&c2, &k2);
  assert_true(lnb_run_spec_hash(&c1, &r1[0]) == lnb_run_spec_hash(&c2, &r2[0]));
  free(r1), free(r2);
  tp_free_all(a, n1), tp_free_all(b, n2);
  lnb_config_free(&c1), lnb_config_free(&c2);
}

static void test_whole_shuffled_batch_is_gd(void **state) {
  (void)state;
  lnb_config c;
  size_t n;
  lnb_run_result *r = run_cfg("1", "  - {plugin: gd, lr: 0.1, batch_size: [40, full]}\n", "300",
                              "", &n, &c);
  assert_int_equal(n, 2);
  assert_int_equal(r[0].ncheckpoints, r[1].ncheckpoints);
  double worst = 0;
  for (size_t i = 0; i < r[0].ncheckpoints; i++)
    worst = fmax(worst, fabs(r[0].checkpoints[i].loss - r[1].checkpoints[i].loss) /
                            r[1].checkpoints[i].loss);
  print_message("  batch_size = m, shuffled vs full batch: worst relative loss difference "
                "%.2e over %zu checkpoints (tol 1e-10)\n",
                worst, r[0].ncheckpoints);
  assert_true(worst < 1e-10); /* the same sums in another order */
  assert_true(r[0].epochs == 300.0);
  tp_free_all(r, n);
  lnb_config_free(&c);
}

static void test_batches_follow_the_seed(void **state) {
  (void)state;
  lnb_config c, c2;
  size_t n, n2;
  const char *opts = "  - {plugin: gd, lr: 0.05, batch_size: 8}\n"
                     "  - {plugin: momentum, lr: 0.05, momentum: 0, batch_size: 8}\n"
                     "  - {plugin: gd, lr: 0.05, batch_size: 8, sampling: replacement}\n";
  lnb_run_result *r = run_cfg("5, 6", opts, "120", "", &n, &c);
  lnb_run_result *again = run_cfg("5, 6", opts, "120", "", &n2, &c2);
  assert_int_equal(n, 6);
  for (size_t i = 0; i < n; i++) assert_true(same_losses(&r[i], &again[i])); /* repeatable */
  /* run order: seed, architecture, optimizer */
  assert_true(same_losses(&r[0], &r[1]));  /* gd and momentum 0: the same batches */
  assert_true(same_losses(&r[3], &r[4]));
  assert_false(same_losses(&r[0], &r[3])); /* another seed, other batches */
  assert_false(same_losses(&r[0], &r[2])); /* replacement draws other batches */
  /* the recorded loss is over every sample: at iteration 0 the same for all */
  for (size_t i = 1; i < 3; i++) assert_true(r[i].checkpoints[0].loss == r[0].checkpoints[0].loss);
  tp_free_all(r, n), tp_free_all(again, n2);
  lnb_config_free(&c), lnb_config_free(&c2);
}

static void test_epochs(void **state) {
  (void)state;
  lnb_config c;
  size_t n;
  /* m = 40: batches of 10 (4 per epoch), of 15 (15, 15, 10: 3 per epoch),
   * and 10 drawn with replacement (a quarter epoch each) */
  lnb_run_result *r = run_cfg("1",
                              "  - {plugin: gd, lr: 0.05, batch_size: [10, 15]}\n"
                              "  - {plugin: gd, lr: 0.02, batch_size: 10, sampling: replacement}\n",
                              "1000", ", max_epochs: 3", &n, &c);
  assert_int_equal(n, 3);
  assert_int_equal(r[0].iterations, 12);
  assert_int_equal(r[1].iterations, 9);
  assert_int_equal(r[2].iterations, 12);
  for (size_t i = 0; i < 3; i++) {
    assert_true(r[i].epochs == 3.0);
    assert_int_equal(r[i].status, LNB_RUN_MAX_ITERS);
    assert_non_null(strstr(r[i].message, "max_epochs"));
  }
  tp_free_all(r, n);
  lnb_config_free(&c);
}

static void expect_config_error(const char *opts, const char *problem, const char *needle) {
  char text[1024];
  snprintf(text, sizeof text,
           "name: bad\nproblem: %s\narchitectures: [{plugin: linear}]\noptimizers:\n%s", problem,
           opts);
  lnb_config cfg;
  lnb_error err = {0};
  int rc = lnb_config_load_string(text, strlen(text), "bad.yaml", &tp_reg, &cfg, &err);
  if (rc == LNB_OK) lnb_config_free(&cfg);
  if (rc == LNB_OK || !strstr(err.msg, needle))
    fail_msg("expected an error with '%s', got rc %d: %s", needle, rc, err.msg);
}

static void test_bad_batches(void **state) {
  (void)state;
  const char *lsq = "{plugin: lsq, m: 20, d: 3}";
  expect_config_error("  - {plugin: gd, batch_size: 0}\n", lsq, "bad.yaml:5:");
  expect_config_error("  - {plugin: gd, batch_size: 0}\n", lsq, "batch_size: '0': out of range");
  expect_config_error("  - {plugin: gd, batch_size: many}\n", lsq, "batch_size: 'many'");
  expect_config_error("  - {plugin: gd, batch_size: [8, 8]}\n", lsq, "listed twice");
  expect_config_error("  - {plugin: gd, batch_size: 8, sampling: sometimes}\n", lsq,
                      "sampling: 'sometimes'");
  expect_config_error("  - {plugin: gd, batch_size: 4}\n",
                      "{plugin: target, kind: symmetric, eigenvalues: [1, 2]}",
                      "bad.yaml:5:5: batch_size 4: problem 'target' has no samples");
  /* larger than the problem: known once it exists, an error of that run */
  lnb_config c;
  size_t n;
  tp_load("name: big\nproblem: {plugin: lsq, m: 20, d: 3}\narchitectures: [{plugin: linear}]\n"
          "optimizers: [{plugin: gd, batch_size: 21}]\n",
          &c);
  lnb_run_result *r = tp_run_all(&c, &n);
  assert_int_equal(r[0].status, LNB_RUN_ERROR);
  assert_non_null(strstr(r[0].message, "batch_size 21 exceeds the problem's 20 training samples"));
  tp_free_all(r, n);
  lnb_config_free(&c);
}

/* Paper 003, Observation 1: SGD on the overparameterized w = w_1 w_2 (a
 * depth-2 linear network of width 1, near-zero balanced start) is, to first
 * order in the learning rate, SGD on w with an adaptive learning rate and a
 * momentum term: the end-to-end update of Eq. 9 (e2e_precond, depth 2) on a
 * single layer fed the same mini-batches. Checked on l4 regression
 * (lp_regression p = 4, where the paper finds the acceleration) and l2
 * (lsq), batches of 8 of 60 samples, shuffled: the full-training-loss
 * trajectories of the two agree to 3e-2 relative over 600 steps that take
 * the loss down 50x (l4) and 130x (l2) (measured 1.0e-2 and 1.1e-2), and the
 * discrepancy is the O(lr) of two Euler steps of one flow: at lr/2 and twice
 * the steps (the same flow time, the same batches in the same order: the
 * batch stream depends on the run seed only) it halves (ratio in [1.7, 2.3];
 * measured 1.84 and 1.83). A wrong depth in e2e_precond (N = 3) is off by
 * 0.77-0.99, far more than 10x the discrepancy. */
static double observation1_diff(const char *problem, double lr, int steps, int depth_e2e,
                                 double *drop) {
  char opts[512], cfgtext[2048];
  const char *w0 = "[[0.02, -0.01, 0.015, 0.005, -0.02, 0.01]]";
  snprintf(cfgtext, sizeof cfgtext,
           "name: obs1\nseeds: [3]\nproblem: %s\n"
           "architectures:\n"
           "  - {plugin: deep_linear, depth: 2, width: 1, init: balanced, init_matrix: %s}\n"
           "  - {plugin: linear, init: given, init_matrix: %s}\n"
           "optimizers:\n%s"
           "stop: {max_iters: %d}\nrecord: {per_decade: 10}\n",
           problem, w0, w0,
           (snprintf(opts, sizeof opts,
                     "  - {plugin: gd, lr: %.17g, batch_size: 8, with: [deep_linear]}\n"
                     "  - {plugin: e2e_precond, depth: %d, lr: %.17g, batch_size: 8, "
                     "with: [linear]}\n",
                     lr, depth_e2e, lr),
            opts),
           steps);
  lnb_config c;
  size_t n;
  tp_load(cfgtext, &c);
  lnb_run_result *r = tp_run_all(&c, &n);
  assert_int_equal(n, 2);
  const lnb_run_result *deep = &r[0], *e2e = &r[1];
  assert_int_equal(deep->ncheckpoints, e2e->ncheckpoints);
  double worst = 0;
  for (size_t i = 0; i < deep->ncheckpoints; i++)
    worst = fmax(worst, fabs(deep->checkpoints[i].loss - e2e->checkpoints[i].loss) /
                            e2e->checkpoints[i].loss);
  *drop = e2e->final_loss / e2e->initial_loss;
  tp_free_all(r, n);
  lnb_config_free(&c);
  return worst;
}

static void test_observation1(void **state) {
  (void)state;
  static const struct {
    const char *label, *problem;
    double lr;
  } cases[] = {
      {"l4", "{plugin: lp_regression, p: 4, m: 60, d: 6, k: 1, seed: 7}", 0.004},
      {"l2", "{plugin: lsq, m: 60, d: 6, k: 1, noise: 0.1, seed: 7}", 0.01},
  };
  for (size_t q = 0; q < 2; q++) {
    double drop1, drop2, drop3;
    double d1 = observation1_diff(cases[q].problem, cases[q].lr, 600, 2, &drop1);
    double d2 = observation1_diff(cases[q].problem, cases[q].lr / 2, 1200, 2, &drop2);
    double wrong = observation1_diff(cases[q].problem, cases[q].lr, 600, 3, &drop3);
    print_message("  Observation 1, %s: loss x%.2g over 600 SGD steps; depth-2 SGD vs Eq. 9 SGD "
                  "max rel. diff %.2e (tol 3e-2), at lr/2: %.2e (ratio %.2f, accepted [1.7, "
                  "2.3]); Eq. 9 with N = 3: %.2e\n",
                  cases[q].label, drop1, d1, d2, d1 / d2, wrong);
    assert_true(drop1 < 0.5); /* the runs do move */
    assert_true(d1 < 3e-2);
    assert_true(d1 / d2 > 1.7 && d1 / d2 < 2.3);
    assert_true(wrong > 10 * d1);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_batch_is_unchanged),
      cmocka_unit_test(test_whole_shuffled_batch_is_gd),
      cmocka_unit_test(test_batches_follow_the_seed),
      cmocka_unit_test(test_epochs),
      cmocka_unit_test(test_bad_batches),
      cmocka_unit_test(test_observation1),
  };
  return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
