/* test_sdk_example — the out-of-tree example plugin of the plugin SDK
 * (examples/plugin_out_of_tree/factored_linear.c, W_e = U V^T), built in-tree
 * from the same source into LNB_TEST_SDK_DIR: end-to-end product, backward vs
 * finite differences, equality with deep_linear(depth=2, width=r), the
 * imbalance metric's conservation law (paper 001, Def. 1 / Prop. 2),
 * set_end_to_end, validation, and no host allocation in the hot ops.
 * docs/PLUGINS.md points here as the pattern for testing a backward pass. */
#include "test_plugin_util.h"

/* ---------------------------------------------------- counting allocator */

static size_t n_allocs;
static void *counting_alloc(size_t n) {
  n_allocs++;
  return calloc(1, n ? n : 1);
}

static int sdk_setup(void **state) {
  (void)state;
  memset(&tp_reg, 0, sizeof tp_reg);
  if (lnb_registry_load_path(&tp_reg, LNB_TEST_PLUGIN_DIR ":" LNB_TEST_SDK_DIR) != 0)
    return -1;
  tp_reg_loaded = 1;
  for (size_t i = 0; i < tp_reg.nfail; i++)
    print_error("load failure: %s\n", tp_reg.failures[i].reason);
  tp_host(); /* build the test host table, then count its allocations */
  tp_host_table.alloc = counting_alloc;
  return tp_reg.nfail == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- helpers */

static lnb_params *fl_params(size_t rank, const char *init, const char *init_std) {
  lnb_params *p = tp_params(tp_plugin(LNB_ARCHITECTURE, "factored_linear"));
  tp_setf(p, "rank", "%zu", rank);
  if (init) tp_set(p, "init", init);
  if (init_std) tp_set(p, "init_std", init_std);
  return p;
}

static lnb_params *lsq_synth(size_t m, size_t d, size_t k) {
  lnb_params *p = tp_params(tp_plugin(LNB_PROBLEM, "lsq"));
  tp_setf(p, "m", "%zu", m);
  tp_setf(p, "d", "%zu", d);
  tp_setf(p, "k", "%zu", k);
  tp_set(p, "condition", "5");
  tp_set(p, "noise", "0.2");
  return p;
}

/* C (m x n) = A (m x q) B^T (B n x q), naive */
static void abt(const double *A, const double *B, double *C, size_t m, size_t n, size_t q) {
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) {
      double s = 0;
      for (size_t l = 0; l < q; l++) s += A[i * q + l] * B[j * q + l];
      C[i * n + j] = s;
    }
}

/* ||U^T U - V^T V||_F, naive (U k x r, V d x r) */
static double naive_imbalance(const double *U, const double *V, size_t k, size_t d, size_t r) {
  double s = 0;
  for (size_t a = 0; a < r; a++)
    for (size_t b = 0; b < r; b++) {
      double m = 0;
      for (size_t i = 0; i < k; i++) m += U[i * r + a] * U[i * r + b];
      for (size_t i = 0; i < d; i++) m -= V[i * r + a] * V[i * r + b];
      s += m * m;
    }
  return sqrt(s);
}

/* ------------------------------------------------------------------ tests */

/* Backward vs central finite differences of f(U, V) = l(U V^T) (lsq), for
 * ranks below, at and above min(k, d), k < d, k > d, k = d and k = 1; also the
 * product against a naive U V^T. f is a polynomial of degree 4 in (U, V); with
 * h = 1e-5 the truncation (h^2/6 f''') and rounding (eps f / h) errors are
 * around 1e-10 relative. Tolerance: ||g_fd - g|| / ||g|| < 1e-6 (a transposed
 * or swapped factor in dU = G V, dV = G^T U gives an O(1) error). */
static void test_backward_fd(void **state) {
  (void)state;
  const size_t shapes[][2] = {{3, 5}, {5, 3}, {4, 4}, {1, 6}}; /* {k, d} */
  const size_t ranks[] = {1, 2, 7};
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
    const size_t k = shapes[s][0], d = shapes[s][1];
    lnb_params *pp = lsq_synth(9, d, k);
    tp_problem P = tp_problem_create(pp, 3);
    double *We = calloc(k * d, sizeof *We);
    double *naive = calloc(k * d, sizeof *naive);
    for (size_t ri = 0; ri < sizeof ranks / sizeof *ranks; ri++) {
      const size_t r = ranks[ri];
      lnb_params *ap = fl_params(r, "gaussian", "0.7");
      tp_arch A = tp_arch_create(ap, k, d, 11 + r);
      assert_int_equal(A.n, 2);
      assert_string_equal(A.t[0].name, "U");
      assert_string_equal(A.t[1].name, "V");
      assert_int_equal(A.t[0].rows, k);
      assert_int_equal(A.t[1].rows, d);
      assert_int_equal(A.t[0].cols, r);
      assert_int_equal(A.t[1].cols, r);
      A.ops->end_to_end(A.self, We);
      abt(A.t[0].data, A.t[1].data, naive, k, d, r);
      double perr = tp_diff_norm(We, naive, k * d) / tp_norm(naive, k * d);
      assert_true(perr < 1e-13);
      double rel = tp_backward_fd_rel(&P, &A);
      print_message("  k=%zu d=%zu rank=%zu: product rel err %.2g (tol 1e-13), backward vs FD "
                    "rel err %.3g (tol 1e-6)\n",
                    k, d, r, perr, rel);
      assert_true(rel < 1e-6);
      tp_arch_destroy(&A);
      lnb__params_free(ap);
    }
    free(We);
    free(naive);
    tp_problem_destroy(&P);
    lnb__params_free(pp);
  }
}

/* factored_linear is deep_linear(depth=2, width=r) with W_2 = U, W_1 = V^T
 * (paper 001, Eq. (1), n = 2): from the same factors, the products and the
 * gradients agree to rounding (tol 1e-13 relative), and 200 gradient-descent
 * steps (lr 0.05) on both stay together (tol 1e-10 relative on W_e: rounding
 * only; a wrong gradient on either side separates them at O(lr)). */
static void test_matches_deep_linear(void **state) {
  (void)state;
  const size_t k = 3, d = 5, r = 2, steps = 200;
  const double lr = 0.05;
  lnb_params *pp = lsq_synth(20, d, k);
  tp_problem P = tp_problem_create(pp, 5);
  lnb_params *dp = tp_params(tp_plugin(LNB_ARCHITECTURE, "deep_linear"));
  tp_set(dp, "depth", "2");
  tp_setf(dp, "width", "%zu", r);
  tp_set(dp, "init_std", "0.5");
  tp_arch D = tp_arch_create(dp, k, d, 21);
  lnb_params *fp = fl_params(r, NULL, NULL);
  tp_arch F = tp_arch_create(fp, k, d, 22);
  double *W1 = D.t[0].data, *W2 = D.t[1].data, *U = F.t[0].data, *V = F.t[1].data;
  assert_int_equal(D.t[0].rows, r);
  assert_int_equal(D.t[1].cols, r);
  memcpy(U, W2, k * r * sizeof *U);
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < d; j++) V[j * r + i] = W1[i * d + j];
  double *We_d = calloc(k * d, sizeof(double)), *We_f = calloc(k * d, sizeof(double));
  double *G = calloc(k * d, sizeof(double)), *dV = calloc(d * r, sizeof(double));
  double first = 0, last = 0;
  for (size_t t = 0; t <= steps; t++) {
    D.ops->end_to_end(D.self, We_d);
    F.ops->end_to_end(F.self, We_f);
    double e = tp_diff_norm(We_d, We_f, k * d) / tp_norm(We_d, k * d);
    if (t == 0) {
      first = e;
      P.ops->eval(P.self, We_d, G);
      D.ops->backward(D.self, G);
      F.ops->backward(F.self, G);
      for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < d; j++) dV[j * r + i] = D.t[0].grad[i * d + j];
      double gu = tp_diff_norm(D.t[1].grad, F.t[0].grad, k * r) / tp_norm(D.t[1].grad, k * r);
      double gv = tp_diff_norm(dV, F.t[1].grad, d * r) / tp_norm(dV, d * r);
      print_message("  t=0: W_e rel diff %.2g, dU vs dW_2 %.2g, dV vs dW_1^T %.2g (tol 1e-13)\n",
                    e, gu, gv);
      assert_true(e < 1e-13 && gu < 1e-13 && gv < 1e-13);
    }
    last = e;
    if (t == steps) break;
    P.ops->eval(P.self, We_d, G);
    D.ops->backward(D.self, G);
    P.ops->eval(P.self, We_f, G);
    F.ops->backward(F.self, G);
    for (size_t j = 0; j < 2; j++) {
      for (size_t i = 0; i < D.t[j].rows * D.t[j].cols; i++) D.t[j].data[i] -= lr * D.t[j].grad[i];
      for (size_t i = 0; i < F.t[j].rows * F.t[j].cols; i++) F.t[j].data[i] -= lr * F.t[j].grad[i];
    }
  }
  print_message("  after %zu GD steps: W_e rel diff %.2g (tol 1e-10; at t=0 %.2g)\n", steps, last,
                first);
  assert_true(last < 1e-10);
  free(We_d);
  free(We_f);
  free(G);
  free(dV);
  tp_arch_destroy(&D);
  tp_arch_destroy(&F);
  tp_problem_destroy(&P);
  lnb__params_free(dp);
  lnb__params_free(fp);
  lnb__params_free(pp);
}

/* Metrics: imbalance = ||U^T U - V^T V||_F (paper 001, Def. 1 with W_1 = V^T,
 * W_2 = U) and factor_norm = (||U||^2 + ||V||^2)/2 against naive formulas (tol
 * 1e-12 relative). Prop. 2 in discrete form: one GD step U -= lr G V,
 * V -= lr G^T U changes U^T U - V^T V by lr^2 (V^T G^T G V - U^T G G^T U), so
 * |imbalance_1 - imbalance_0| <= lr^2 (||dU||_F^2 + ||dV||_F^2) (+ 1e-13 for
 * rounding); first-order terms cancel only with the exact gradient. */
static void test_metrics(void **state) {
  (void)state;
  const size_t k = 4, d = 6, r = 3;
  const double lr = 1e-3;
  lnb_params *pp = lsq_synth(12, d, k);
  tp_problem P = tp_problem_create(pp, 1);
  lnb_params *ap = fl_params(r, NULL, "0.8");
  tp_arch A = tp_arch_create(ap, k, d, 4);
  const lnb_arch_ops *ops = A.ops;
  assert_non_null(ops->metrics);
  assert_string_equal(ops->metrics[0].name, "imbalance");
  assert_string_equal(ops->metrics[1].name, "factor_norm");
  assert_null(ops->metrics[2].name);
  double *U = A.t[0].data, *V = A.t[1].data;
  double imb0 = ops->metric(A.self, 0);
  double want = naive_imbalance(U, V, k, d, r);
  assert_true(fabs(imb0 - want) <= 1e-12 * want);
  double fn = ops->metric(A.self, 1);
  double fn_want = 0.5 * (tp_norm(U, k * r) * tp_norm(U, k * r) + tp_norm(V, d * r) * tp_norm(V, d * r));
  assert_true(fabs(fn - fn_want) <= 1e-12 * fn_want);
  assert_true(isnan(ops->metric(A.self, 2)));

  double *We = calloc(k * d, sizeof(double)), *G = calloc(k * d, sizeof(double));
  ops->end_to_end(A.self, We);
  P.ops->eval(P.self, We, G);
  ops->backward(A.self, G);
  double g2 = 0;
  for (size_t j = 0; j < 2; j++) {
    double n = tp_norm(A.t[j].grad, A.t[j].rows * r);
    g2 += n * n;
    for (size_t i = 0; i < A.t[j].rows * r; i++) A.t[j].data[i] -= lr * A.t[j].grad[i];
  }
  double imb1 = ops->metric(A.self, 0);
  double bound = lr * lr * g2 + 1e-13;
  print_message("  imbalance %.6g -> %.6g after one GD step: change %.3g <= lr^2 (|dU|^2 + "
                "|dV|^2) = %.3g (first-order scale lr |g|^2 = %.3g)\n",
                imb0, imb1, fabs(imb1 - imb0), bound, lr * g2);
  assert_true(fabs(imb1 - imb0) <= bound);
  free(We);
  free(G);
  tp_arch_destroy(&A);
  tp_problem_destroy(&P);
  lnb__params_free(ap);
  lnb__params_free(pp);
}

/* set_end_to_end reproduces W_e exactly (tol 1e-15 relative) when
 * rank >= min(k, d), both branches (r >= d and k <= r < d), and refuses
 * r < min(k, d) with LNB_ENOTSUP naming the rank. */
static void test_set_end_to_end(void **state) {
  (void)state;
  const size_t cases[][3] = {{3, 2, 2}, {2, 5, 3}, {4, 4, 4}, {1, 7, 1}}; /* k, d, r */
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    const size_t k = cases[c][0], d = cases[c][1], r = cases[c][2];
    lnb_params *ap = fl_params(r, NULL, NULL);
    tp_arch A = tp_arch_create(ap, k, d, 9);
    double *T = calloc(k * d, sizeof(double)), *We = calloc(k * d, sizeof(double));
    for (size_t i = 0; i < k * d; i++) T[i] = sin(1.0 + (double)i);
    lnb_error err = {0};
    assert_int_equal(A.ops->set_end_to_end(A.self, T, &err), LNB_OK);
    A.ops->end_to_end(A.self, We);
    assert_true(tp_diff_norm(We, T, k * d) <= 1e-15 * tp_norm(T, k * d));
    free(T);
    free(We);
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }
  lnb_params *ap = fl_params(2, NULL, NULL);
  tp_arch A = tp_arch_create(ap, 3, 4, 9);
  double We[12] = {0};
  lnb_error err = {0};
  assert_int_equal(A.ops->set_end_to_end(A.self, We, &err), LNB_ENOTSUP);
  print_message("  refused: %s\n", err.msg);
  assert_non_null(strstr(err.msg, "rank >= min(k, d) = 3 (rank is 2)"));
  tp_arch_destroy(&A);
  lnb__params_free(ap);
}

/* init: lora gives U = 0 exactly and V ~ N(0, init_std^2) (W_e(0) = 0);
 * gaussian fills both; init_std = 0 is refused by validate naming init_std;
 * the declared ranges refuse rank 0. */
static void test_init_and_validate(void **state) {
  (void)state;
  lnb_params *ap = fl_params(3, "lora", "0.5");
  tp_arch A = tp_arch_create(ap, 4, 5, 2);
  assert_true(tp_norm(A.t[0].data, 4 * 3) == 0.0);
  assert_true(tp_norm(A.t[1].data, 5 * 3) > 0.0);
  tp_arch_destroy(&A);
  lnb__params_free(ap);

  ap = fl_params(3, "gaussian", "0");
  lnb_error err = {0};
  assert_int_equal(tp_arch_try(ap, 4, 5, 2, &A, &err), LNB_EINVAL);
  print_message("  refused: %s\n", err.msg);
  assert_non_null(strstr(err.msg, "init_std = 0"));
  lnb__params_free(ap);

  ap = tp_params(tp_plugin(LNB_ARCHITECTURE, "factored_linear"));
  const lnb_param_spec *rank = &ap->plugin->params[tp_index(ap, "rank")];
  lnb_value v;
  memset(&v, 0, sizeof v);
  char why[256];
  assert_int_not_equal(lnb__value_from_text(rank, "0", &v, why, sizeof why), 0);
  print_message("  rank 0: %s\n", why);
  lnb__value_clear(&v);
  lnb__params_free(ap);
}

/* The hot ops (end_to_end, backward, set_end_to_end, metric) make no host
 * allocation: exactly 0 calls of host->alloc while they run. */
static void test_no_alloc_in_hot_ops(void **state) {
  (void)state;
  const size_t k = 3, d = 4, r = 5;
  lnb_params *ap = fl_params(r, NULL, NULL);
  tp_arch A = tp_arch_create(ap, k, d, 7);
  double We[12], G[12];
  for (size_t i = 0; i < 12; i++) G[i] = cos((double)i);
  lnb_error err = {0};
  size_t before = n_allocs;
  for (int it = 0; it < 3; it++) {
    A.ops->end_to_end(A.self, We);
    A.ops->backward(A.self, G);
    (void)A.ops->metric(A.self, 0);
    (void)A.ops->metric(A.self, 1);
    assert_int_equal(A.ops->set_end_to_end(A.self, We, &err), LNB_OK);
  }
  assert_int_equal(n_allocs - before, 0);
  assert_true(before > 0); /* create did allocate through the counting host */
  tp_arch_destroy(&A);
  lnb__params_free(ap);
}

/* The predictor example (shallow_tanh.c, ABI 1.5): backward_outputs against
 * central differences through the harness (dataset softmax, full batch and
 * mini-batches; tolerance 1e-6 as test_mlp), and a nonlinear model differs
 * from a linear one (tanh is applied). */
static void test_predictor_example(void **state) {
  (void)state;
  static const char *const opts[] = {"{plugin: gd, lr: 0.1}", "{plugin: gd, lr: 0.1, batch_size: 4}",
                                     "{plugin: adam, lr: 0.01, batch_size: 3, sampling: replacement}"};
  for (size_t o = 0; o < 3; o++) {
    char text[2048];
    snprintf(text, sizeof text,
             "name: t\nseeds: [1]\nproblem: {plugin: dataset, name: csv, path: " LNB_TEST_SOURCE_DIR
             "/tests/data/binary_classes.csv, loss: softmax}\narchitectures:\n  - {plugin: "
             "shallow_tanh, hidden: 5, init_std: 0.8}\noptimizers:\n  - %s\nstop: {max_iters: 5}\n",
             opts[o]);
    double e = tp_run_fd_error(text, 3);
    print_message("  shallow_tanh, %s: fd error %.2e\n", opts[o], e);
    assert_true(e <= 1e-6);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_predictor_example),
      cmocka_unit_test(test_backward_fd),       cmocka_unit_test(test_matches_deep_linear),
      cmocka_unit_test(test_metrics),           cmocka_unit_test(test_set_end_to_end),
      cmocka_unit_test(test_init_and_validate), cmocka_unit_test(test_no_alloc_in_hot_ops),
  };
  return cmocka_run_group_tests(tests, sdk_setup, tp_teardown);
}
