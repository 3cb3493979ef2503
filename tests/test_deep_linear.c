/* test_deep_linear — the deep linear network architecture (and `linear`):
 * end-to-end product, backward vs finite differences in both product
 * orderings, every init, balanced factorization, set_end_to_end, validation. */
#include "test_plugin_util.h"

static const int64_t WIDTHS[3] = {4, 6, 2};

static lnb_params *dl_params(size_t depth, const char *init) {
  lnb_params *p = tp_params(tp_plugin(LNB_ARCHITECTURE, "deep_linear"));
  tp_setf(p, "depth", "%zu", depth);
  if (depth > 1) tp_set_ints(p, "widths", WIDTHS, depth - 1);
  if (init) tp_set(p, "init", init);
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

/* naive product W_N ... W_1 of the tensors */
static void naive_product(const tp_arch *A, double *out, size_t k, size_t d) {
  size_t r = A->t[0].rows;
  double *P = malloc(r * d * sizeof *P);
  memcpy(P, A->t[0].data, r * d * sizeof *P);
  for (size_t j = 1; j < A->n; j++) {
    const lnb_tensor *T = &A->t[j];
    assert_int_equal(T->cols, r);
    double *Q = malloc(T->rows * d * sizeof *Q);
    tp_matmul(T->data, P, Q, T->rows, r, d);
    free(P);
    P = Q;
    r = T->rows;
  }
  assert_int_equal(r, k);
  memcpy(out, P, k * d * sizeof *out);
  free(P);
}

/* Backward vs central finite differences of f(theta) = l(W_e(theta)), for
 * depths 1-4 with rectangular widths [4, 6, 2], in both product orderings
 * (k < d: d = 5, k = 3; k > d: d = 3, k = 5).
 * f is a polynomial of degree 2N in theta; with h = 1e-5 the central
 * difference truncation error (h^2/6 f''') and rounding error (eps f / h) are
 * both around 1e-10 relative. Tolerance: relative error of the whole gradient
 * ||g_fd - g|| / ||g|| < 1e-6. */
static void check_backward_fd(size_t d, size_t k) {
  lnb_params *pp = lsq_synth(9, d, k);
  tp_problem P = tp_problem_create(pp, 3);
  double *We = calloc(k * d, sizeof *We);
  double *naive = calloc(k * d, sizeof *naive);
  for (size_t depth = 1; depth <= 4; depth++) {
    lnb_params *ap = dl_params(depth, "gaussian");
    tp_set(ap, "init_std", "0.7");
    tp_arch A = tp_arch_create(ap, k, d, 17 + depth);
    assert_int_equal(A.n, depth);
    /* shapes */
    for (size_t j = 0; j < depth; j++) {
      size_t r = j + 1 == depth ? k : (size_t)WIDTHS[j], c = j == 0 ? d : (size_t)WIDTHS[j - 1];
      assert_int_equal(A.t[j].rows, r);
      assert_int_equal(A.t[j].cols, c);
      char name[8];
      snprintf(name, sizeof name, "W%zu", j + 1);
      assert_string_equal(A.t[j].name, name);
      assert_int_equal(A.t[j].manifold, LNB_EUCLIDEAN);
    }
    A.ops->end_to_end(A.self, We);
    naive_product(&A, naive, k, d);
    double perr = tp_diff_norm(We, naive, k * d) / tp_norm(naive, k * d);
    assert_true(perr < 1e-13);
    double rel = tp_backward_fd_rel(&P, &A);
    print_message("  d=%zu k=%zu depth=%zu: product rel err %.2g, backward vs FD rel err %.3g "
                  "(tol 1e-6)\n",
                  d, k, depth, perr, rel);
    assert_true(rel < 1e-6);
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }
  free(We);
  free(naive);
  tp_problem_destroy(&P);
  lnb__params_free(pp);
}

static void test_backward_fd(void **state) {
  (void)state;
  check_backward_fd(5, 3); /* k < d: products from the output side */
  check_backward_fd(3, 5); /* k > d: products from the input side */
  check_backward_fd(4, 4);
  check_backward_fd(6, 1); /* k = 1: regression (matrix-vector products) */
  check_backward_fd(1, 2); /* d = 1 */
}

/* identity, zero and zero_asymmetric: exact structure with rectangular layers */
static void test_init_exact(void **state) {
  (void)state;
  const char *inits[3] = {"identity", "zero", "zero_asymmetric"};
  for (int t = 0; t < 3; t++) {
    for (size_t depth = 1; depth <= 4; depth++) {
      lnb_params *ap = dl_params(depth, inits[t]);
      tp_arch A = tp_arch_create(ap, 3, 5, 1);
      for (size_t j = 0; j < A.n; j++) {
        const lnb_tensor *T = &A.t[j];
        int eye = t == 0 || (t == 2 && j + 1 < A.n);
        for (size_t r = 0; r < T->rows; r++)
          for (size_t c = 0; c < T->cols; c++)
            assert_true(T->data[r * T->cols + c] == (eye && r == c ? 1.0 : 0.0));
      }
      tp_arch_destroy(&A);
      lnb__params_free(ap);
    }
  }
}

/* orthogonal: rows or columns orthonormal (whichever are fewer), to 1e-13;
 * gaussian: reproducible by seed, std about init_std */
static void test_init_random(void **state) {
  (void)state;
  lnb_params *ap = dl_params(4, "orthogonal");
  tp_arch A = tp_arch_create(ap, 3, 5, 9);
  double worst = 0;
  for (size_t j = 0; j < A.n; j++) {
    const lnb_tensor *T = &A.t[j];
    size_t r = T->rows, c = T->cols, q = r < c ? r : c;
    for (size_t a = 0; a < q; a++)
      for (size_t b = 0; b < q; b++) {
        double s = 0;
        for (size_t l = 0; l < (r <= c ? c : r); l++)
          s += r <= c ? T->data[a * c + l] * T->data[b * c + l]
                      : T->data[l * c + a] * T->data[l * c + b];
        worst = fmax(worst, fabs(s - (a == b ? 1.0 : 0.0)));
      }
  }
  print_message("  orthogonal: max |Q Q^T - I| = %.3g (tol 1e-13)\n", worst);
  assert_true(worst < 1e-13);
  tp_arch_destroy(&A);
  lnb__params_free(ap);

  lnb_params *gp = tp_params(tp_plugin(LNB_ARCHITECTURE, "deep_linear"));
  tp_set(gp, "depth", "2");
  tp_set(gp, "width", "200");
  tp_set(gp, "init_std", "0.25");
  tp_arch G1 = tp_arch_create(gp, 10, 30, 4), G2 = tp_arch_create(gp, 10, 30, 4);
  tp_arch G3 = tp_arch_create(gp, 10, 30, 5);
  assert_int_equal(G1.t[0].rows, 200);
  assert_int_equal(G1.t[1].cols, 200);
  assert_memory_equal(G1.t[0].data, G2.t[0].data, 200 * 30 * sizeof(double));
  assert_memory_equal(G1.t[1].data, G2.t[1].data, 10 * 200 * sizeof(double));
  assert_true(memcmp(G1.t[0].data, G3.t[0].data, 200 * 30 * sizeof(double)) != 0);
  double std = tp_norm(G1.t[0].data, 6000) / sqrt(6000.0);
  print_message("  gaussian: sample std %.4f for init_std 0.25\n", std);
  assert_true(fabs(std - 0.25) < 0.01); /* 6000 samples: sd of the estimate ~0.0023 */
  tp_arch_destroy(&G1);
  tp_arch_destroy(&G2);
  tp_arch_destroy(&G3);
  lnb__params_free(gp);

  /* default hidden width is d */
  lnb_params *wp = tp_params(tp_plugin(LNB_ARCHITECTURE, "deep_linear"));
  tp_set(wp, "depth", "3");
  tp_arch W = tp_arch_create(wp, 2, 7, 0);
  assert_int_equal(W.t[0].rows, 7);
  assert_int_equal(W.t[1].rows, 7);
  assert_int_equal(W.t[2].cols, 7);
  tp_arch_destroy(&W);
  lnb__params_free(wp);
}

/* near_identity (paper 003, Fig. 5-left: identity plus i.i.d. N(0, init_std^2)):
 * W_j - I equals, bit for bit, the gaussian init of the same seed and std (the
 * same stream, layer by layer), rectangular layers included; init_std 0 is the
 * exact identity; identity ignores init_std (existing configs unchanged). */
static void test_init_near_identity(void **state) {
  (void)state;
  for (size_t depth = 1; depth <= 4; depth++) {
    lnb_params *np = dl_params(depth, "near_identity"), *gp = dl_params(depth, "gaussian");
    lnb_params *zp = dl_params(depth, "near_identity"), *ip = dl_params(depth, "identity");
    tp_set(np, "init_std", "0.3");
    tp_set(gp, "init_std", "0.3");
    tp_set(zp, "init_std", "0");
    tp_set(ip, "init_std", "0.3");
    tp_arch A = tp_arch_create(np, 3, 5, 11), G = tp_arch_create(gp, 3, 5, 11);
    tp_arch Z = tp_arch_create(zp, 3, 5, 11), I = tp_arch_create(ip, 3, 5, 11);
    for (size_t j = 0; j < A.n; j++) {
      const lnb_tensor *T = &A.t[j];
      for (size_t r = 0; r < T->rows; r++)
        for (size_t c = 0; c < T->cols; c++) {
          size_t i = r * T->cols + c;
          double eye = r == c ? 1.0 : 0.0;
          assert_true(T->data[i] == G.t[j].data[i] + eye);
          assert_true(Z.t[j].data[i] == eye);
          assert_true(I.t[j].data[i] == eye);
        }
    }
    tp_arch_destroy(&A);
    tp_arch_destroy(&G);
    tp_arch_destroy(&Z);
    tp_arch_destroy(&I);
    lnb__params_free(np);
    lnb__params_free(gp);
    lnb__params_free(zp);
    lnb__params_free(ip);
  }
}

static void check_balanced(const tp_arch *A, const double *target, size_t k, size_t d,
                           const char *what) {
  double *We = calloc(k * d, sizeof *We);
  A->ops->end_to_end(A->self, We);
  double perr = tp_diff_norm(We, target, k * d) / tp_norm(target, k * d);
  double ub = tp_unbalancedness(A);
  print_message("  %s: product rel err %.3g (tol 1e-12), unbalancedness %.3g (tol 1e-10)\n",
                what, perr, ub);
  assert_true(perr < 1e-12);
  assert_true(ub < 1e-10);
  free(We);
}

static void test_init_balanced(void **state) {
  (void)state;
  const size_t k = 3, d = 5;
  lnb_rng rng;
  lnb__rng_init(&rng, 42, "test");
  double M[15];
  tp_random(&rng, M, 15, 1.0);
  const int64_t wide[3] = {4, 6, 3};
  for (size_t depth = 1; depth <= 4; depth++) {
    lnb_params *ap = tp_params(tp_plugin(LNB_ARCHITECTURE, "deep_linear"));
    tp_setf(ap, "depth", "%zu", depth);
    if (depth > 1) tp_set_ints(ap, "widths", wide, depth - 1);
    tp_set(ap, "init", "balanced");
    tp_set_reals(ap, "init_matrix", M, k, d);
    tp_arch A = tp_arch_create(ap, k, d, 0);
    char what[64];
    snprintf(what, sizeof what, "balanced depth %zu", depth);
    check_balanced(&A, M, k, d, what);
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }
  /* k > d ordering, depth 3 */
  {
    lnb_params *ap = tp_params(tp_plugin(LNB_ARCHITECTURE, "deep_linear"));
    tp_set(ap, "depth", "3");
    tp_set(ap, "width", "4");
    tp_set(ap, "init", "balanced");
    tp_set_reals(ap, "init_matrix", M, d, k); /* same numbers as a 5 x 3 matrix */
    tp_arch A = tp_arch_create(ap, d, k, 0);
    check_balanced(&A, M, d, k, "balanced 5x3 depth 3");
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }
  /* rank-1 target fits through width 1 */
  double R1[15];
  for (size_t a = 0; a < k; a++)
    for (size_t b = 0; b < d; b++) R1[a * d + b] = (double)(a + 1) * (0.5 - (double)b);
  {
    lnb_params *ap = tp_params(tp_plugin(LNB_ARCHITECTURE, "deep_linear"));
    tp_set(ap, "depth", "3");
    tp_set(ap, "width", "1");
    tp_set(ap, "init", "balanced");
    tp_set_reals(ap, "init_matrix", R1, k, d);
    tp_arch A = tp_arch_create(ap, k, d, 0);
    check_balanced(&A, R1, k, d, "balanced rank 1 through width 1");
    tp_arch_destroy(&A);
    /* a full-rank target does not: clear refusal */
    tp_set_reals(ap, "init_matrix", M, k, d);
    tp_set(ap, "width", "2");
    lnb_error err = {0};
    assert_int_equal(tp_arch_try(ap, k, d, 0, &A, &err), LNB_EINVAL);
    assert_null(A.self);
    print_message("  expected error: %s\n", err.msg);
    assert_non_null(strstr(err.msg, "width 2"));
    assert_non_null(strstr(err.msg, "rank 3"));
    /* wrong init_matrix shape */
    tp_set(ap, "width", "3");
    tp_set_reals(ap, "init_matrix", M, d, k);
    assert_int_equal(tp_arch_try(ap, k, d, 0, &A, &err), LNB_EDIM);
    print_message("  expected error: %s\n", err.msg);
    lnb__params_free(ap);
  }
  /* no init_matrix: a random N(0, init_std^2) target, still balanced */
  {
    lnb_params *ap = dl_params(4, "balanced");
    tp_set(ap, "init_std", "1");
    tp_set_ints(ap, "widths", wide, 3);
    tp_arch A = tp_arch_create(ap, k, d, 8);
    double ub = tp_unbalancedness(&A);
    double We[15];
    A.ops->end_to_end(A.self, We);
    print_message("  balanced random target: unbalancedness %.3g, |We|_F %.3g\n", ub,
                  tp_norm(We, 15));
    assert_true(ub < 1e-10);
    assert_true(tp_norm(We, 15) > 0.5); /* ~ sqrt(15) */
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }
}

static void test_set_end_to_end(void **state) {
  (void)state;
  const size_t k = 3, d = 5;
  lnb_rng rng;
  lnb__rng_init(&rng, 7, "test");
  double M[15], before[15], after[15];
  tp_random(&rng, M, 15, 2.0);
  const int64_t wide[3] = {4, 6, 3};
  lnb_params *ap = dl_params(4, "gaussian");
  tp_set_ints(ap, "widths", wide, 3);
  tp_set(ap, "init_std", "0.5");
  tp_arch A = tp_arch_create(ap, k, d, 1);
  lnb_error err = {0};
  assert_int_equal(A.ops->set_end_to_end(A.self, M, &err), LNB_OK);
  check_balanced(&A, M, k, d, "set_end_to_end depth 4");
  tp_arch_destroy(&A);
  lnb__params_free(ap);

  /* widths [4, 6, 2] cannot carry rank 3: LNB_ENOTSUP, parameters untouched */
  ap = dl_params(4, "gaussian");
  A = tp_arch_create(ap, k, d, 1);
  A.ops->end_to_end(A.self, before);
  assert_int_equal(A.ops->set_end_to_end(A.self, M, &err), LNB_ENOTSUP);
  print_message("  expected error: %s\n", err.msg);
  A.ops->end_to_end(A.self, after);
  assert_memory_equal(before, after, sizeof before);
  tp_arch_destroy(&A);
  lnb__params_free(ap);

  /* linear: set_end_to_end copies, backward copies */
  lnb_params *lp = tp_params(tp_plugin(LNB_ARCHITECTURE, "linear"));
  tp_arch L = tp_arch_create(lp, k, d, 0);
  assert_int_equal(L.n, 1);
  assert_string_equal(L.t[0].name, "W");
  for (size_t i = 0; i < 15; i++) assert_true(L.t[0].data[i] == 0.0); /* init zero */
  assert_int_equal(L.ops->set_end_to_end(L.self, M, &err), LNB_OK);
  L.ops->end_to_end(L.self, after);
  assert_memory_equal(after, M, sizeof M);
  L.ops->backward(L.self, before);
  assert_memory_equal(L.t[0].grad, before, sizeof before);
  tp_arch_destroy(&L);
  tp_set(lp, "init", "given");
  tp_set_reals(lp, "init_matrix", M, k, d);
  L = tp_arch_create(lp, k, d, 0);
  assert_memory_equal(L.t[0].data, M, sizeof M);
  tp_arch_destroy(&L);
  lnb__params_free(lp);
}

static void expect_arch_invalid(lnb_params *p, const char *needle) {
  const lnb_arch_ops *ops = p->plugin->ops;
  lnb_error err = {0};
  int rc = ops->validate(tp_host(), p, &err);
  print_message("  expected error: %s\n", err.msg);
  assert_int_equal(rc, LNB_EINVAL);
  assert_non_null(strstr(err.msg, needle));
}

static void test_validate(void **state) {
  (void)state;
  lnb_params *p = dl_params(3, NULL);
  tp_set_ints(p, "widths", WIDTHS, 3);
  expect_arch_invalid(p, "depth-1 = 2");
  lnb__params_free(p);

  p = dl_params(2, "gaussian");
  double M[2] = {1, 2};
  tp_set_reals(p, "init_matrix", M, 1, 2);
  expect_arch_invalid(p, "init: balanced");
  lnb__params_free(p);

  p = tp_params(tp_plugin(LNB_ARCHITECTURE, "linear"));
  tp_set(p, "init", "given");
  expect_arch_invalid(p, "init_matrix");
  lnb__params_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_backward_fd),    cmocka_unit_test(test_init_exact),
      cmocka_unit_test(test_init_random),    cmocka_unit_test(test_init_balanced),
      cmocka_unit_test(test_set_end_to_end), cmocka_unit_test(test_validate),
      cmocka_unit_test(test_init_near_identity),
  };
  return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
