/* test_sample_level — ABI 1.4's sample-level problem ops on lsq and
 * lp_regression, against their definition in plugin.h: eval_rows(rows) is
 * (m/n) sum_j c l_{rows[j]}(W), so
 *   - over all rows in order it is eval (both eval forms, residual and gram);
 *   - the mean over the m single-row batches is eval (unbiasedness, exactly
 *     the identity that makes SGD an unbiased method);
 *   - a batch is the mean of its rows' single-row values (repeats counted);
 *   - its gradient matches central differences of itself;
 * and a batch above the prepared size is refused (NaN), not overrun. */
#include "test_plugin_util.h"

typedef struct {
  const char *plugin, *what;
  const char *params[8][2]; /* name, value; ends with {NULL} */
} case_t;

static const case_t cases[] = {
    {"lsq", "lsq mean, residual", {{"m", "50"}, {"d", "7"}, {"k", "3"}, {"noise", "0.3"},
                                   {"eval", "residual"}, {NULL, NULL}}},
    {"lsq", "lsq mean, gram", {{"m", "50"}, {"d", "7"}, {"k", "3"}, {"noise", "0.3"},
                               {"eval", "gram"}, {NULL, NULL}}},
    {"lsq", "lsq sum", {{"m", "30"}, {"d", "40"}, {"k", "1"}, {"reduction", "sum"},
                        {NULL, NULL}}},
    {"lp_regression", "lp p = 2", {{"p", "2"}, {"m", "40"}, {"d", "5"}, {"k", "2"},
                                   {NULL, NULL}}},
    {"lp_regression", "lp p = 4", {{"p", "4"}, {"m", "40"}, {"d", "5"}, {"k", "2"},
                                   {NULL, NULL}}},
};

static double rel(double a, double b) { return fabs(a - b) / fmax(fabs(b), 1e-300); }

static void check_case(const case_t *c) {
  lnb_params *p = tp_params(tp_plugin(LNB_PROBLEM, c->plugin));
  for (size_t i = 0; c->params[i][0]; i++) tp_set(p, c->params[i][0], c->params[i][1]);
  tp_problem P = tp_problem_create(p, 3);
  const lnb_problem_ops *o = P.ops;
  assert_true(o->struct_size >= offsetof(lnb_problem_ops, eval_rows) + sizeof o->eval_rows);
  assert_non_null(o->nsamples);
  assert_non_null(o->batch_prepare);
  assert_non_null(o->eval_rows);
  size_t m = o->nsamples(P.self), kd = P.k * P.d;
  lnb_error err = {0};
  assert_int_equal(o->batch_prepare(P.self, m, &err), LNB_OK);

  double *W = calloc(kd, sizeof *W), *g = calloc(kd, sizeof *g), *gr = calloc(kd, sizeof *gr),
         *gs = calloc(kd, sizeof *gs), *g1 = calloc(kd, sizeof *g1);
  size_t *rows = calloc(m, sizeof *rows);
  lnb_rng rng;
  lnb__rng_init(&rng, 11, "test");
  tp_random(&rng, W, kd, 0.5);
  for (size_t i = 0; i < m; i++) rows[i] = i;

  /* all rows in order = eval */
  double l = o->eval(P.self, W, g), lr = o->eval_rows(P.self, W, rows, m, gr);
  double el = rel(lr, l), eg = tp_diff_norm(gr, g, kd) / tp_norm(g, kd);
  /* single-row batches: their mean is eval */
  double mean = 0.0;
  memset(gs, 0, kd * sizeof *gs);
  for (size_t i = 0; i < m; i++) {
    mean += o->eval_rows(P.self, W, &rows[i], 1, g1) / (double)m;
    for (size_t j = 0; j < kd; j++) gs[j] += g1[j] / (double)m;
  }
  double es = rel(mean, l), esg = tp_diff_norm(gs, g, kd) / tp_norm(g, kd);
  /* a batch with a repeat: the mean of its rows' single-row values */
  size_t batch[5] = {3, 3, m - 1, 0, 17};
  double lb = o->eval_rows(P.self, W, batch, 5, gr), want = 0.0;
  for (int j = 0; j < 5; j++) want += o->eval_rows(P.self, W, &batch[j], 1, NULL) / 5.0;
  double eb = rel(lb, want);
  /* its gradient against central differences */
  double h = 1e-6, efd = 0.0;
  for (size_t j = 0; j < kd; j++) {
    double w0 = W[j];
    W[j] = w0 + h;
    double lp = o->eval_rows(P.self, W, batch, 5, NULL);
    W[j] = w0 - h;
    double lm = o->eval_rows(P.self, W, batch, 5, NULL);
    W[j] = w0;
    efd = fmax(efd, fabs((lp - lm) / (2 * h) - gr[j]));
  }
  efd /= tp_norm(gr, kd);
  print_message("  %-20s all rows %.1e / grad %.1e; singleton mean %.1e / grad %.1e; "
                "batch %.1e; fd %.1e\n",
                c->what, el, eg, es, esg, eb, efd);
  /* eval in gram form takes another route: rounding of a different sum */
  double tol = strstr(c->what, "gram") ? 1e-10 : 1e-12;
  assert_true(el < tol && eg < tol);
  assert_true(es < 1e-12 && esg < 1e-11);
  assert_true(eb < 1e-13);
  assert_true(efd < 1e-6);
  /* above the prepared size: refused, nothing written past the buffers */
  assert_int_equal(o->batch_prepare(P.self, 4, &err), LNB_OK); /* keeps the larger buffers */
  assert_false(isnan(o->eval_rows(P.self, W, rows, m, NULL)));
  free(W), free(g), free(gr), free(gs), free(g1), free(rows);
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

static void test_sample_ops(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) check_case(&cases[i]);
}

static void test_batch_above_capacity(void **state) {
  (void)state;
  lnb_params *p = tp_params(tp_plugin(LNB_PROBLEM, "lsq"));
  tp_set(p, "m", "20");
  tp_set(p, "d", "4");
  tp_problem P = tp_problem_create(p, 1);
  lnb_error err = {0};
  assert_int_equal(P.ops->batch_prepare(P.self, 8, &err), LNB_OK);
  size_t rows[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  double W[4] = {0.1, 0.2, 0.3, 0.4};
  assert_false(isnan(P.ops->eval_rows(P.self, W, rows, 8, NULL)));
  assert_true(isnan(P.ops->eval_rows(P.self, W, rows, 9, NULL)));
  assert_true(isnan(P.ops->eval_rows(P.self, W, rows, 0, NULL)));
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample_ops),
      cmocka_unit_test(test_batch_above_capacity),
  };
  return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
