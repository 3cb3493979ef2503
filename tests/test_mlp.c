/* test_mlp — the predictor path (ABI 1.5) and the mlp architecture.
 *
 *  - backward_outputs vs central finite differences of the loss through the
 *    harness (model->loss), for every activation, bias on/off,
 *    overparameterize 1/2/3 with product and random factor init, on the
 *    softmax, squared, lp and logistic losses of `dataset`, full batch and
 *    mini-batches (gathered rows, repeats). Tolerance: max over entries of
 *    |g_fd - g| / max(1, |g|) <= 1e-6 (h = 1e-5: truncation O(h^2) ~ 1e-10,
 *    rounding ~ 1e-11; a wrong transpose, activation derivative or missing
 *    bias term is O(1)).
 *  - mlp with activation linear and no bias follows deep_linear's trajectory
 *    from the same weights (gd and momentum, full batch and mini-batches):
 *    losses agree to 1e-9 relative over 60 steps.
 *  - mlp with no hidden layer and no bias is `linear`: the whole run (loss,
 *    test loss, test and train accuracy at every checkpoint; checkpoints
 *    evaluate the predictor in chunks) agrees to 1e-9.
 *  - factor_init product: the overparameterized network computes the same
 *    outputs as the plain one at step 0 (same seed).
 */
#include "test_plugin_util.h"

#include <unistd.h>

/* A classification CSV: m rows, d features, the class label (k classes) last;
 * labels from a planted linear rule so the data are learnable. */
static char csv_path[256], big_path[256];

static void write_csv(char *path, size_t m, size_t d, size_t k) {
  snprintf(path, 256, "/tmp/test_mlp_XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  lnb_rng r;
  lnb__rng_init(&r, 7, "test_mlp");
  double W[64];
  for (size_t i = 0; i < k * d; i++) W[i] = lnb__rng_normal(&r);
  for (size_t i = 0; i < m; i++) {
    double x[16];
    for (size_t j = 0; j < d; j++) {
      x[j] = lnb__rng_normal(&r);
      fprintf(f, "%.17g,", x[j]);
    }
    size_t best = 0;
    double bv = -1e300;
    for (size_t a = 0; a < k; a++) {
      double z = 0.0;
      for (size_t j = 0; j < d; j++) z += W[a * d + j] * x[j];
      if (z > bv) bv = z, best = a;
    }
    fprintf(f, "%zu\n", best);
  }
  fclose(f);
}

static int setup(void **state) {
  write_csv(csv_path, 40, 5, 3);
  write_csv(big_path, 2600, 5, 3); /* more rows than the host forwards at once (1024) */
  return tp_setup(state);
}

static int teardown(void **state) {
  unlink(csv_path);
  unlink(big_path);
  return tp_teardown(state);
}

static char *config_text(const char *problem, const char *arch, const char *opt,
                         const char *extra) {
  static char buf[4096];
  snprintf(buf, sizeof buf,
           "name: t\nseeds: [3]\nproblem: %s\narchitectures:\n  - %s\noptimizers:\n  - %s\n%s",
           problem, arch, opt, extra ? extra : "stop: {max_iters: 5}\n");
  return buf;
}

static void problem_text(char *buf, size_t n, const char *loss, size_t test) {
  if (test)
    snprintf(buf, n, "{plugin: dataset, name: csv, path: %s, loss: %s, test_fraction: 0.25}",
             test == 2 ? big_path : csv_path, loss);
  else
    snprintf(buf, n, "{plugin: dataset, name: csv, path: %s, loss: %s}", csv_path, loss);
}

static double fd_case(const char *problem, const char *arch, const char *opt) {
  return tp_run_fd_error(config_text(problem, arch, opt, NULL), 3);
}

static void test_backward_vs_finite_differences(void **state) {
  (void)state;
  static const char *const acts[] = {"relu", "tanh", "gelu", "linear"};
  static const char *const over[] = {"overparameterize: 1",
                                     "overparameterize: 2",
                                     "overparameterize: 2, factor_init: random",
                                     "overparameterize: 3, factor_init: random"};
  char prob[512], arch[256];
  problem_text(prob, sizeof prob, "softmax", 0);
  double worst = 0.0;
  for (size_t a = 0; a < 4; a++)
    for (int b = 0; b < 2; b++)
      for (size_t o = 0; o < 4; o++) {
        snprintf(arch, sizeof arch,
                 "{plugin: mlp, widths: [4, 3], activation: %s, bias: %s, init: glorot, %s}",
                 acts[a], b ? "true" : "false", over[o]);
        double e = fd_case(prob, arch, "{plugin: gd, lr: 0.05}");
        print_message("  %-90s fd error %.2e\n", arch, e);
        worst = fmax(worst, e);
        assert_true(e <= 1e-6);
      }
  /* the other losses of dataset, and mini-batches (shuffle: gathered rows;
   * replacement: repeats) */
  static const char *const losses[] = {"squared", "lp"};
  for (size_t l = 0; l < 2; l++) {
    problem_text(prob, sizeof prob, losses[l], 0);
    double e = fd_case(prob, "{plugin: mlp, widths: [4], activation: tanh}",
                       "{plugin: gd, lr: 0.001}");
    print_message("  %s loss: fd error %.2e\n", losses[l], e);
    assert_true(e <= 1e-6);
  }
  problem_text(prob, sizeof prob, "softmax", 0);
  static const char *const batches[] = {"{plugin: gd, lr: 0.05, batch_size: 7}",
                                        "{plugin: gd, lr: 0.05, batch_size: 9, sampling: "
                                        "replacement}"};
  for (size_t i = 0; i < 2; i++) {
    double e = fd_case(prob, "{plugin: mlp, widths: [4, 3], activation: gelu, overparameterize: 2}",
                       batches[i]);
    print_message("  mini-batch %s: fd error %.2e\n", batches[i], e);
    assert_true(e <= 1e-6);
  }
  print_message("  worst %.2e (tolerance 1e-6)\n", worst);
}

/* logistic needs labels 0/1: a two-class CSV of its own */
static void test_logistic_finite_differences(void **state) {
  (void)state;
  char prob[512];
  snprintf(prob, sizeof prob,
           "{plugin: dataset, name: csv, path: " LNB_TEST_SOURCE_DIR
           "/tests/data/binary_classes.csv, loss: logistic}");
  double e = fd_case(prob, "{plugin: mlp, widths: [3], activation: relu}", "{plugin: gd, lr: 0.01}");
  print_message("  logistic: fd error %.2e\n", e);
  assert_true(e <= 1e-6);
}

/* Run two single-run configs step by step in lock-step; the second's
 * tensors are first set to the first's. Returns the largest relative loss
 * difference over `steps` iterations. */
static double lockstep(const char *ya, const char *yb, int steps) {
  lnb_config ca, cb;
  tp_load(ya, &ca);
  char *copy = strdup(yb);
  tp_load(copy, &cb);
  free(copy);
  size_t na = 0, nb = 0;
  lnb_run_spec *ra = lnb_expand_runs(&ca, &na), *rb = lnb_expand_runs(&cb, &nb);
  assert_int_equal(na, 1);
  assert_int_equal(nb, 1);
  lnb_problem_inst pa, pb;
  memset(&pa, 0, sizeof pa);
  memset(&pb, 0, sizeof pb);
  lnb_problem_inst_prepare(&pa, ra[0].problem, ra[0].seed);
  lnb_problem_inst_prepare(&pb, rb[0].problem, rb[0].seed);
  lnb_run_ctx *xa = NULL, *xb = NULL;
  lnb_run_result res;
  if (lnb_run_ctx_create(&ca, &ra[0], &pa, &xa, &res) != LNB_OK) fail_msg("%s", res.message);
  if (lnb_run_ctx_create(&cb, &rb[0], &pb, &xb, &res) != LNB_OK) fail_msg("%s", res.message);
  lnb_model *ma = lnb_run_ctx_model(xa), *mb = lnb_run_ctx_model(xb);
  assert_int_equal(ma->ntensors, mb->ntensors);
  for (size_t t = 0; t < ma->ntensors; t++) {
    assert_int_equal(ma->tensors[t].rows, mb->tensors[t].rows);
    assert_int_equal(ma->tensors[t].cols, mb->tensors[t].cols);
    memcpy(mb->tensors[t].data, ma->tensors[t].data,
           ma->tensors[t].rows * ma->tensors[t].cols * sizeof(double));
  }
  double la = lnb_run_ctx_loss_grad(xa), lb = lnb_run_ctx_loss_grad(xb);
  double worst = fabs(la - lb) / fabs(la);
  lnb_error err = {0};
  for (int t = 1; t <= steps; t++) {
    assert_int_equal(lnb_run_ctx_iterate(xa, (uint64_t)t, &la, &err), 0);
    assert_int_equal(lnb_run_ctx_iterate(xb, (uint64_t)t, &lb, &err), 0);
    worst = fmax(worst, fabs(la - lb) / fabs(la));
  }
  lnb_run_ctx_destroy(xa);
  lnb_run_ctx_destroy(xb);
  lnb_problem_inst_release(&pa);
  lnb_problem_inst_release(&pb);
  free(ra);
  free(rb);
  lnb_config_free(&ca);
  lnb_config_free(&cb);
  return worst;
}

static void test_linear_mlp_is_deep_linear(void **state) {
  (void)state;
  char prob[512], a[4096];
  static const char *const opts[] = {"{plugin: gd, lr: 0.1}",
                                     "{plugin: momentum, lr: 0.05, momentum: 0.9}",
                                     "{plugin: gd, lr: 0.1, batch_size: 8}",
                                     "{plugin: adam, lr: 0.01, batch_size: 5, sampling: replacement}"};
  static const char *const losses[] = {"softmax", "squared"};
  for (size_t l = 0; l < 2; l++)
    for (size_t o = 0; o < 4; o++) {
      problem_text(prob, sizeof prob, losses[l], 0);
      snprintf(a, sizeof a, "%s",
               config_text(prob, "{plugin: deep_linear, depth: 3, widths: [4, 3], init_std: 0.3}",
                           opts[o], NULL));
      const char *b = config_text(prob, "{plugin: mlp, widths: [4, 3], activation: linear, "
                                  "bias: false}", opts[o], NULL);
      double e = lockstep(a, b, 60);
      print_message("  %s, %s: largest relative loss difference over 60 steps %.2e\n",
                    losses[l], opts[o], e);
      assert_true(e <= 1e-9);
      /* and a nonlinear mlp is not (the check can fail) */
      b = config_text(prob, "{plugin: mlp, widths: [4, 3], activation: tanh, bias: false}",
                      opts[o], NULL);
      assert_true(lockstep(a, b, 60) > 1e-4);
    }
}

/* mlp without hidden layers or bias is `linear`: the runs through
 * lnb_run_one agree at every checkpoint, test metrics included (the
 * predictor's are evaluated in chunks of rows) */
static void test_single_layer_mlp_is_linear(void **state) {
  (void)state;
  char prob[512];
  /* the big CSV: 1950 training rows, forwarded in chunks of 1024 at checkpoints */
  static const char *const opts[] = {"{plugin: gd, lr: 0.5}", "{plugin: gd, lr: 0.5, batch_size: 6}",
                                     "{plugin: gd, lr: 0.5, batch_size: 64}"};
  for (size_t o = 0; o < 3; o++) {
    problem_text(prob, sizeof prob, "softmax", o == 2 ? 2 : 1);
    const char *extra = "stop: {max_iters: 40}\nrecord: {per_decade: 10, metrics: [test_loss, "
                        "test_accuracy, train_accuracy]}\n";
    /* the same start: linear's default zero init, the mlp's gaussian with std 0 */
    char ya[4096];
    char *copy;
    snprintf(ya, sizeof ya, "%s", config_text(prob, "{plugin: linear}", opts[o], extra));
    const char *yb = config_text(prob, "{plugin: mlp, bias: false, init: gaussian, init_std: 0}", opts[o],
                     extra);
    lnb_config c1, c2;
    tp_load(ya, &c1);
    copy = strdup(yb);
    tp_load(copy, &c2);
    free(copy);
    size_t n1, n2;
    lnb_run_result *r1 = tp_run_all(&c1, &n1), *r2 = tp_run_all(&c2, &n2);
    assert_int_equal(n1, 1);
    assert_int_equal(n2, 1);
    assert_int_equal(r1[0].ncheckpoints, r2[0].ncheckpoints);
    size_t nm = 3;
    double worst = 0.0;
    for (size_t i = 0; i < r1[0].ncheckpoints; i++) {
      const lnb_checkpoint *p = &r1[0].checkpoints[i], *q = &r2[0].checkpoints[i];
      assert_int_equal(p->iteration, q->iteration);
      worst = fmax(worst, fabs(p->loss - q->loss) / fabs(p->loss));
      for (size_t j = 0; j < nm; j++) {
        assert_true(isfinite(q->metrics[j]));
        worst = fmax(worst, fabs(p->metrics[j] - q->metrics[j]) / fmax(1e-3, fabs(p->metrics[j])));
      }
    }
    print_message("  %s: %zu checkpoints, largest relative difference %.2e\n", opts[o],
                  r1[0].ncheckpoints, worst);
    assert_true(worst <= 1e-9);
    tp_free_all(r1, n1);
    tp_free_all(r2, n2);
    lnb_config_free(&c1);
    lnb_config_free(&c2);
  }
}

/* factor_init product: the overparameterized network is the plain one at
 * step 0 (the same initial loss, to rounding), random is not */
static void test_product_init_is_the_plain_network(void **state) {
  (void)state;
  char prob[512];
  problem_text(prob, sizeof prob, "softmax", 0);
  const char *extra = "stop: {max_iters: 1}\n";
  double l[4];
  static const char *const archs[] = {
      "{plugin: mlp, widths: [8, 2], init: he}",
      "{plugin: mlp, widths: [8, 2], init: he, overparameterize: 2}",
      "{plugin: mlp, widths: [8, 2], init: he, overparameterize: 3}",
      "{plugin: mlp, widths: [8, 2], init: he, overparameterize: 2, factor_init: random}"};
  for (size_t i = 0; i < 4; i++) {
    lnb_config c;
    char *y = strdup(config_text(prob, archs[i], "{plugin: gd}", extra));
    tp_load(y, &c);
    free(y);
    size_t n;
    lnb_run_result *r = tp_run_all(&c, &n);
    l[i] = r[0].initial_loss;
    tp_free_all(r, n);
    lnb_config_free(&c);
  }
  print_message("  initial loss: plain %.17g, N=2 %.17g, N=3 %.17g, N=2 random %.17g\n", l[0],
                l[1], l[2], l[3]);
  assert_true(fabs(l[1] - l[0]) <= 1e-12 * l[0]);
  assert_true(fabs(l[2] - l[0]) <= 1e-12 * l[0]);
  assert_true(fabs(l[3] - l[0]) > 1e-6 * l[0]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_backward_vs_finite_differences),
      cmocka_unit_test(test_logistic_finite_differences),
      cmocka_unit_test(test_linear_mlp_is_deep_linear),
      cmocka_unit_test(test_single_layer_mlp_is_linear),
      cmocka_unit_test(test_product_init_is_the_plain_network),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
