/* test_matrix_sensing — the matrix_sensing problem plugin (paper 001, Sec. 4):
 * loss and gradient in sensing / completion / prop5 modes, the ground truth
 * and measurement scalings, sampling without replacement, validation, and
 * through the harness: Prop. 5 (norms diverge as the loss falls when
 * det W_e(0) > 0), Lemma 2 (det W_e keeps its sign) and the implicit low-rank
 * bias of Sec. 4.2 / Fig. 2. */
#include "test_plugin_util.h"

static lnb_params *ms_params(const char *mode, int k, int d, int rank, int m, int seed) {
  lnb_params *p = tp_params(tp_plugin(LNB_PROBLEM, "matrix_sensing"));
  tp_set(p, "mode", mode);
  if (k) tp_setf(p, "k", "%d", k);
  if (d) tp_setf(p, "d", "%d", d);
  if (rank) tp_setf(p, "rank", "%d", rank);
  if (m) tp_setf(p, "m", "%d", m);
  if (seed >= 0) tp_setf(p, "seed", "%d", seed);
  return p;
}

/* Gradient of Eq. (9), l(W) = 1/(2m) sum (<A_i, W> - b_i)^2, vs central finite
 * differences at a random W, in every mode. The loss is quadratic, so the
 * central difference is exact up to rounding; tolerance 1e-6 relative. */
static void test_gradient_fd(void **state) {
  (void)state;
  const char *modes[] = {"sensing", "completion", "prop5"};
  lnb_rng rng;
  lnb__rng_init(&rng, 11, "test");
  for (int t = 0; t < 3; t++) {
    int p5 = t == 2;
    lnb_params *p = p5 ? ms_params("prop5", 0, 0, 0, 0, -1) : ms_params(modes[t], 7, 5, 2, 20, 4);
    tp_problem P = tp_problem_create(p, 0);
    size_t n = P.k * P.d;
    double *W = malloc(n * sizeof *W);
    tp_random(&rng, W, n, 1.0);
    double rel = tp_problem_fd_rel(&P, W, 1e-5);
    print_message("  %-10s |g_fd - g| / |g| = %.3g (tol 1e-6)\n", modes[t], rel);
    assert_true(rel < 1e-6);
    free(W);
    tp_problem_destroy(&P);
    lnb__params_free(p);
  }
}

/* Noise free: l(W*) = 0 (so l* = 0 is attained at the reference), the
 * reconstruction error of W* is exactly 0, and of W = 0 exactly 1 (the
 * documented normalization ||W*||_F^2 = k d). W* has rank r: singular values
 * r+1.. vanish (relative 1e-12) and the r-th does not. */
static void test_truth(void **state) {
  (void)state;
  const char *modes[] = {"sensing", "completion"};
  for (int t = 0; t < 2; t++) {
    lnb_params *p = ms_params(modes[t], 9, 6, 3, 30, 2);
    tp_problem P = tp_problem_create(p, 0);
    assert_int_equal(P.k, 9);
    assert_int_equal(P.d, 6);
    double lstar = -1;
    assert_int_equal(P.ops->optimum(P.self, &lstar), 1);
    assert_true(lstar == 0.0);
    const double *Ws = P.ops->reference(P.self);
    assert_non_null(Ws);
    double l = P.ops->eval(P.self, Ws, NULL);
    print_message("  %-10s l(W*) = %.3g (tol 1e-28), ||W*||_F^2 = %.17g (expect 54)\n",
                  modes[t], l, tp_norm(Ws, 54) * tp_norm(Ws, 54));
    assert_true(l <= 1e-28);
    assert_true(fabs(tp_norm(Ws, 54) * tp_norm(Ws, 54) - 54.0) < 1e-12);
    assert_non_null(P.ops->metrics);
    assert_string_equal(P.ops->metrics[0].name, "reconstruction_error");
    assert_string_equal(P.ops->metrics[1].name, "min_nuclear_error");
    assert_true(P.ops->metric(P.self, 0, Ws) == 0.0);
    double zero[54] = {0};
    assert_true(fabs(P.ops->metric(P.self, 0, zero) - 1.0) < 1e-14);
    /* reconstruction_error = ||W - W*||^2 / (k d) at a shifted W */
    double W[54];
    for (int i = 0; i < 54; i++) W[i] = Ws[i] + (i % 2 ? 0.5 : -0.25);
    double expect = (27 * 0.25 + 27 * 0.0625) / 54.0;
    assert_true(fabs(P.ops->metric(P.self, 0, W) - expect) < 1e-14);
    /* rank 3 */
    double A[54], s[6];
    memcpy(A, Ws, sizeof A);
    lnb_error err = {0};
    assert_int_equal(tp_host()->svd(9, 6, A, s, NULL, NULL, &err), LNB_OK);
    print_message("  %-10s singular values of W*: %.3g %.3g %.3g | %.3g %.3g %.3g\n", modes[t],
                  s[0], s[1], s[2], s[3], s[4], s[5]);
    assert_true(s[2] > 1e-3 * s[0]);
    assert_true(s[3] < 1e-12 * s[0]);
    /* the same data seed gives the same W*; another gives another */
    tp_problem Q = tp_problem_create(p, 99);
    assert_memory_equal(Q.ops->reference(Q.self), Ws, 54 * sizeof(double));
    tp_problem_destroy(&Q);
    tp_setf(p, "seed", "%d", 3);
    Q = tp_problem_create(p, 0);
    assert_true(tp_diff_norm(Q.ops->reference(Q.self), Ws, 54) > 1.0);
    tp_problem_destroy(&Q);
    tp_problem_destroy(&P);
    lnb__params_free(p);
  }
}

/* Completion: A_i = e_a e_b^T at distinct entries. Probing l(W* + e_ab) gives
 * 1/(2m) for an observed entry and 0 otherwise (an entry drawn twice would
 * give 2/(2m)); exactly m entries are observed. Over 400 data seeds on a 4 x 5
 * matrix with m = 7, each entry is observed 400 * 7/20 = 140 times in
 * expectation (binomial sd 9.5): every count must lie in [90, 190] (5 sd), which
 * catches a sampler stuck on some entries. m = k d observes everything. */
static void probe_observed(tp_problem *P, int *obs, size_t m) {
  size_t n = P->k * P->d;
  const double *Ws = P->ops->reference(P->self);
  double *W = malloc(n * sizeof *W);
  memcpy(W, Ws, n * sizeof *W);
  size_t count = 0;
  for (size_t j = 0; j < n; j++) {
    W[j] += 1.0;
    double l = P->ops->eval(P->self, W, NULL);
    W[j] = Ws[j];
    if (l == 0.0) {
      obs[j] = 0;
    } else {
      assert_true(fabs(l * 2.0 * (double)m - 1.0) < 1e-14); /* observed exactly once */
      obs[j] = 1;
      count++;
    }
  }
  assert_int_equal(count, m);
  free(W);
}

static void test_completion_sampling(void **state) {
  (void)state;
  int counts[20] = {0}, obs[400];
  lnb_params *p = ms_params("completion", 4, 5, 1, 7, 0);
  for (int s = 0; s < 400; s++) {
    tp_setf(p, "seed", "%d", s);
    tp_problem P = tp_problem_create(p, 0);
    probe_observed(&P, obs, 7);
    for (int j = 0; j < 20; j++) counts[j] += obs[j];
    tp_problem_destroy(&P);
  }
  int lo = 400, hi = 0;
  for (int j = 0; j < 20; j++) {
    lo = counts[j] < lo ? counts[j] : lo;
    hi = counts[j] > hi ? counts[j] : hi;
  }
  print_message("  per-entry observation counts over 400 seeds: min %d, max %d (expect 140, "
                "allowed [90, 190])\n",
                lo, hi);
  assert_true(lo >= 90 && hi <= 190);
  lnb__params_free(p);

  /* all entries, and a larger instance */
  p = ms_params("completion", 20, 20, 2, 400, 5);
  tp_problem P = tp_problem_create(p, 0);
  probe_observed(&P, obs, 400);
  tp_problem_destroy(&P);
  lnb__params_free(p);
  p = ms_params("completion", 30, 17, 2, 123, 5);
  P = tp_problem_create(p, 0);
  int *o = malloc(510 * sizeof *o);
  probe_observed(&P, o, 123);
  free(o);
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

/* Sensing scaling: A_i entries N(0, 1/(k d)), so E ||A_i||_F^2 = 1 and the mean
 * over entries (a, b) of l(W* + e_ab) = (1/(2 k d)) (1/m) sum_i ||A_i||_F^2 is
 * 1/(2 k d) up to sampling error sqrt(2/(m k d)) = 0.8% here; tolerance 5%
 * (a 1/n instead of 1/n^2 variance would be off by a factor 20). */
static void test_sensing_scaling(void **state) {
  (void)state;
  lnb_params *p = ms_params("sensing", 20, 16, 2, 100, 8);
  tp_problem P = tp_problem_create(p, 0);
  size_t n = 320;
  const double *Ws = P.ops->reference(P.self);
  double *W = malloc(n * sizeof *W);
  memcpy(W, Ws, n * sizeof *W);
  double mean = 0.0;
  for (size_t j = 0; j < n; j++) {
    W[j] += 1.0;
    mean += P.ops->eval(P.self, W, NULL) / (double)n;
    W[j] = Ws[j];
  }
  double ratio = mean * 2.0 * (double)n;
  print_message("  mean_ab l(W* + e_ab) * 2 k d = %.4f (expect 1, tol 0.05)\n", ratio);
  assert_true(fabs(ratio - 1.0) < 0.05);
  /* quadratic: l(W* + t D) = t^2 l(W* + D) */
  for (size_t j = 0; j < n; j++) W[j] = Ws[j] + 0.01 * (double)(j % 7);
  double l1 = P.ops->eval(P.self, W, NULL);
  for (size_t j = 0; j < n; j++) W[j] = Ws[j] + 0.03 * (double)(j % 7);
  double l3 = P.ops->eval(P.self, W, NULL);
  assert_true(fabs(l3 / l1 - 9.0) < 1e-9);
  free(W);
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

/* Prop. 5, Eq. (15): l(W) = 1/6 [(w12 - 1)^2 + (w21 - 1)^2 + w22^2] exactly
 * (1e-15); no reference (the minimizers form a line), l* = 0, NaN metric. */
static void test_prop5_loss(void **state) {
  (void)state;
  lnb_params *p = ms_params("prop5", 0, 0, 0, 0, -1);
  tp_problem P = tp_problem_create(p, 0);
  assert_int_equal(P.k, 2);
  assert_int_equal(P.d, 2);
  assert_null(P.ops->reference(P.self));
  double lstar = -1;
  assert_int_equal(P.ops->optimum(P.self, &lstar), 1);
  assert_true(lstar == 0.0);
  lnb_rng rng;
  lnb__rng_init(&rng, 5, "test");
  for (int t = 0; t < 20; t++) {
    double W[4], g[4];
    tp_random(&rng, W, 4, 2.0);
    double expect = ((W[1] - 1) * (W[1] - 1) + (W[2] - 1) * (W[2] - 1) + W[3] * W[3]) / 6.0;
    double l = P.ops->eval(P.self, W, g);
    assert_true(fabs(l - expect) <= 1e-15 * fmax(1.0, expect));
    assert_true(g[0] == 0.0); /* w11 is unobserved */
    assert_true(fabs(g[1] - (W[1] - 1) / 3.0) < 1e-15);
    assert_true(fabs(g[2] - (W[2] - 1) / 3.0) < 1e-15);
    assert_true(fabs(g[3] - W[3] / 3.0) < 1e-15);
  }
  double Wopt[4] = {123.0, 1.0, 1.0, 0.0};
  assert_true(P.ops->eval(P.self, Wopt, NULL) == 0.0);
  assert_true(isnan(P.ops->metric(P.self, 0, Wopt)));
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

/* validate: the messages name the parameter */
static void expect_invalid(lnb_params *p, const char *needle) {
  lnb_error err = {0};
  const lnb_problem_ops *ops = p->plugin->ops;
  assert_int_not_equal(ops->validate(tp_host(), p, &err), LNB_OK);
  if (!strstr(err.msg, needle)) fail_msg("message '%s' lacks '%s'", err.msg, needle);
  void *self = NULL;
  assert_int_not_equal(ops->create(tp_host(), p, 0, &self, &err), LNB_OK);
  assert_null(self);
}

static void test_validate(void **state) {
  (void)state;
  lnb_params *p = ms_params("completion", 4, 3, 4, 5, 0);
  expect_invalid(p, "rank");
  lnb__params_free(p);
  p = ms_params("sensing", 4, 3, 4, 5, 0);
  expect_invalid(p, "rank");
  lnb__params_free(p);
  p = ms_params("completion", 4, 3, 1, 13, 0);
  expect_invalid(p, "m = 13");
  lnb__params_free(p);
  p = ms_params("prop5", 3, 0, 0, 0, -1);
  expect_invalid(p, "k");
  lnb__params_free(p);
  p = ms_params("prop5", 0, 0, 0, 4, -1);
  expect_invalid(p, "m");
  lnb__params_free(p);
  /* sensing may be overdetermined (m > k d); k = d = 2 may be spelled out for prop5 */
  p = ms_params("sensing", 4, 3, 1, 13, 0);
  tp_problem P = tp_problem_create(p, 0);
  double lstar;
  P.ops->optimum(P.self, &lstar);
  assert_true(P.ops->eval(P.self, P.ops->reference(P.self), NULL) < 1e-28);
  tp_problem_destroy(&P);
  lnb__params_free(p);
  p = ms_params("prop5", 2, 2, 0, 0, -1);
  P = tp_problem_create(p, 0);
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

/* ------------------------------------------------------ through the harness */

/* Paper 001, Prop. 5 and Lemma 2 on the 2 x 2 problem of Eq. (15), balanced
 * (Assumption 1) near-zero init W_e(0) = diag(0.1, +-0.1), GD with lr 0.1 for
 * 400 steps, every iterate recorded (record.every: 1).
 *  det W_e(0) > 0 (depth 2 and 3): det_sign = +1 at all 401 checkpoints
 *    (Lemma 2); the loss never increases; it falls by >= 20x while
 *    ||W_e||_F grows by >= 20x (measured: depth 2 26x / 25x, depth 3 44x /
 *    33x); and Prop. 5's bound ||W_e||_F >= |w11| >= 1/sqrt(6 l) - 2 holds at
 *    every checkpoint with l < 1/6.
 *  det W_e(0) < 0 (the contrast, Exercise 4): det_sign = -1 throughout, the
 *    loss reaches < 1e-15 and ||W_e||_F stays < 2 — the divergence is due to
 *    the sign of the determinant. */
static void test_prop5_lemma2_harness(void **state) {
  (void)state;
  lnb_config cfg;
  tp_load("name: prop5\n"
          "problem: {plugin: matrix_sensing, mode: prop5}\n"
          "architectures:\n"
          "  - {plugin: deep_linear, depth: [2, 3], width: 2, init: balanced,"
          " init_matrix: [[0.1, 0], [0, 0.1]]}\n"
          "  - {plugin: deep_linear, depth: [2, 3], width: 2, init: balanced,"
          " init_matrix: [[0.1, 0], [0, -0.1]]}\n"
          "optimizers: [{plugin: gd, lr: 0.1}]\n"
          "stop: {max_iters: 400}\n"
          "record: {every: 1, metrics: [end_to_end_norm, det_sign, reconstruction_error]}\n",
          &cfg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(n, 4);
  for (size_t i = 0; i < n; i++) {
    int pos = i < 2;
    assert_int_equal(r[i].status, LNB_RUN_MAX_ITERS);
    assert_int_equal(r[i].ncheckpoints, 401);
    assert_true(r[i].lstar_known && r[i].lstar == 0.0);
    const lnb_checkpoint *c0 = &r[i].checkpoints[0], *cT = &r[i].checkpoints[400];
    double worst_bound = INFINITY;
    int monotone = 1;
    for (size_t c = 0; c < r[i].ncheckpoints; c++) {
      const lnb_checkpoint *cp = &r[i].checkpoints[c];
      assert_int_equal(cp->iteration, c);
      assert_true(cp->metrics[1] == (pos ? 1.0 : -1.0)); /* Lemma 2 */
      assert_true(isnan(cp->metrics[2]));                /* no W* for prop5 */
      if (c && cp->loss > r[i].checkpoints[c - 1].loss) monotone = 0;
      if (pos && cp->loss < 1.0 / 6.0) {
        double bound = 1.0 / sqrt(6.0 * cp->loss) - 2.0;
        worst_bound = fmin(worst_bound, cp->metrics[0] - bound);
        assert_true(cp->metrics[0] >= bound);
      }
    }
    double lf = c0->loss / cT->loss, nf = cT->metrics[0] / c0->metrics[0];
    print_message("  depth %zu, det %s: loss %.4g -> %.4g (/%.3g), ||W_e|| %.4g -> %.4g "
                  "(x%.3g), min slack of Prop. 5 bound %.3g\n",
                  i % 2 ? (size_t)3 : (size_t)2, pos ? "> 0" : "< 0", c0->loss, cT->loss, lf,
                  c0->metrics[0], cT->metrics[0], nf, worst_bound);
    if (pos) {
      assert_true(monotone);
      assert_true(lf >= 20.0);
      assert_true(nf >= 20.0);
    } else {
      assert_true(cT->loss < 1e-15);
      assert_true(cT->metrics[0] < 2.0);
    }
  }
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* Implicit low-rank bias (paper 001, Sec. 4.2, Fig. 2) and the metric through
 * the harness: completion of a rank-1 12 x 12 W* from m = 50 entries.
 *  linear + GD from 0 only moves the observed entries, so it converges to W*
 *    on them and 0 elsewhere: reconstruction_error -> sum over unobserved
 *    entries of W*_ab^2 / (k d), computed here by probing (tol 1e-9).
 *  a depth-3 LNN from a near-zero balanced init reaches the same loss target
 *    with a far lower reconstruction error: < 1e-3 (measured ~2e-5) vs
 *    linear's ~0.6. */
static void test_completion_harness(void **state) {
  (void)state;
  lnb_config cfg;
  tp_load("name: comp\n"
          "problem: {plugin: matrix_sensing, mode: completion, k: 12, d: 12, rank: 1, m: 50,"
          " seed: 3}\n"
          "architectures:\n"
          "  - {plugin: linear}\n"
          "  - {plugin: deep_linear, depth: 3, init: balanced, init_std: 0.001}\n"
          "optimizers: [{plugin: gd, lr: 1}]\n"
          "stop: {max_iters: 20000, target_gap: 1.0e-14}\n"
          "record: {per_decade: 2, metrics: [reconstruction_error]}\n",
          &cfg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(n, 2);

  /* the same instance, to probe the observed set */
  lnb_params *p = ms_params("completion", 12, 12, 1, 50, 3);
  tp_problem P = tp_problem_create(p, 0);
  int obs[144];
  probe_observed(&P, obs, 50);
  const double *Ws = P.ops->reference(P.self);
  double expect = 0.0;
  for (int j = 0; j < 144; j++)
    if (!obs[j]) expect += Ws[j] * Ws[j] / 144.0;
  double lin = r[0].checkpoints[r[0].ncheckpoints - 1].metrics[0];
  double deep = r[1].checkpoints[r[1].ncheckpoints - 1].metrics[0];
  print_message("  linear: %s after %llu its, reconstruction_error %.6g (expect %.6g); "
                "depth 3: %s after %llu its, %.3g (tol 1e-3)\n",
                lnb_run_status_name(r[0].status), (unsigned long long)r[0].iterations, lin,
                expect, lnb_run_status_name(r[1].status), (unsigned long long)r[1].iterations,
                deep);
  assert_int_equal(r[0].status, LNB_RUN_CONVERGED);
  assert_int_not_equal(r[1].status, LNB_RUN_DIVERGED);
  assert_true(fabs(lin - expect) < 1e-9);
  assert_true(expect > 0.3);
  assert_true(deep < 1e-3);
  tp_problem_destroy(&P);
  lnb__params_free(p);
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}


/* ---------------------------------------------- minimum-nuclear-norm reference */

static size_t ms_metric_index(const tp_problem *P, const char *name) {
  for (size_t i = 0; P->ops->metrics[i].name; i++)
    if (strcmp(P->ops->metrics[i].name, name) == 0) return i;
  fail_msg("no metric %s", name);
  return 0;
}

/* W^ read back through min_nuclear_error(W) = ||W - W^||_F^2 / n:
 * n (m(0) - m(e_j)) = 2 w^_j - 1 */
static void nuc_solution(tp_problem *P, double *Wh) {
  size_t n = P->k * P->d, mi = ms_metric_index(P, "min_nuclear_error");
  double *E = calloc(n, sizeof *E);
  double m0 = P->ops->metric(P->self, mi, E);
  for (size_t j = 0; j < n; j++) {
    E[j] = 1.0;
    Wh[j] = ((double)n * (m0 - P->ops->metric(P->self, mi, E)) + 1.0) / 2.0;
    E[j] = 0.0;
  }
  free(E);
}

static double nuclear_norm(const double *W, size_t r, size_t c) {
  size_t q = r < c ? r : c;
  double *A = malloc(r * c * sizeof *A), *s = malloc(q * sizeof *s), t = 0.0;
  memcpy(A, W, r * c * sizeof *A);
  lnb_error e = {0};
  assert_int_equal(tp_host()->svd(r, c, A, s, NULL, NULL, &e), LNB_OK);
  for (size_t i = 0; i < q; i++) t += s[i];
  free(A);
  free(s);
  return t;
}

static lnb_params *nuc_params(lnb_params *p, const char *tol) {
  tp_set(p, "nuclear_reference", "true");
  tp_set(p, "nuclear_tol", tol);
  return p;
}

/* Prop. 5's 2 x 2 completion (w12 = w21 = 1, w22 = 0 observed): W(a) =
 * [[a, 1], [1, 0]] has eigenvalues of opposite signs, so ||W(a)||_* =
 * sqrt(a^2 + 4): the minimum-nuclear-norm completion is [[0, 1], [1, 0]],
 * norm 2. With the certified relative gap eps = 1e-10, sqrt(a^2 + 4) - 2 <=
 * 2 eps gives |a| <= sqrt(8 eps + 4 eps^2) < 3e-5; the observed entries are
 * exact (to 1e-12, the read-back rounding) and min_nuclear_norm is 2 to
 * 2 eps. */
static void test_min_nuclear_prop5(void **state) {
  (void)state;
  lnb_params *p = nuc_params(ms_params("prop5", 0, 0, 0, 0, -1), "1e-10");
  tp_problem P = tp_problem_create(p, 0);
  double W[4];
  nuc_solution(&P, W);
  double nn = P.ops->metric(P.self, ms_metric_index(&P, "min_nuclear_norm"), W);
  print_message("  prop5: W^ = [[%.3g, %.15g], [%.15g, %.3g]], ||W^||_* = %.15g (expect 2)\n",
                W[0], W[1], W[2], W[3], nn);
  assert_true(fabs(W[0]) < 3e-5);
  assert_true(fabs(W[1] - 1.0) < 1e-12 && fabs(W[2] - 1.0) < 1e-12 && fabs(W[3]) < 1e-12);
  assert_true(fabs(nn - 2.0) <= 2.0 * 1e-10 + 1e-12);
  assert_true(fabs(nuclear_norm(W, 2, 2) - nn) < 1e-12);
  assert_true(isnan(P.ops->metric(P.self, ms_metric_index(&P, "min_nuclear_truth_error"), W)));
  tp_problem_destroy(&P);
  lnb__params_free(p);
  /* without nuclear_reference: NaN */
  p = ms_params("prop5", 0, 0, 0, 0, -1);
  P = tp_problem_create(p, 0);
  assert_true(isnan(P.ops->metric(P.self, ms_metric_index(&P, "min_nuclear_error"), W)));
  assert_true(isnan(P.ops->metric(P.self, ms_metric_index(&P, "min_nuclear_norm"), W)));
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

/* A determined system has one feasible point: every entry observed
 * (completion, m = k d) or m >= k d Gaussian measurements (sensing, injective
 * A): W^ = W*, to 1e-10 relative (min_nuclear_truth_error / mean square of
 * W*, which is 1). */
static void test_min_nuclear_determined(void **state) {
  (void)state;
  const char *modes[2] = {"completion", "sensing"};
  for (int t = 0; t < 2; t++) {
    lnb_params *p = nuc_params(ms_params(modes[t], 6, 5, 2, t ? 40 : 30, 2), "1e-8");
    tp_problem P = tp_problem_create(p, 0);
    double *W = malloc(30 * sizeof *W);
    nuc_solution(&P, W);
    double err = P.ops->metric(P.self, ms_metric_index(&P, "min_nuclear_truth_error"), W);
    double dev = tp_diff_norm(W, P.ops->reference(P.self), 30) / sqrt(30.0);
    print_message("  %s, determined: ||W^ - W*||_F^2 / n = %.3g, read back %.3g (tol 1e-10)\n",
                  modes[t], err, dev);
    assert_true(err < 1e-10 && dev < 1e-5);
    free(W);
    tp_problem_destroy(&P);
    lnb__params_free(p);
  }
}

/* The defining statement: W^ is feasible and no feasible W has a smaller
 * nuclear norm. Completion 8 x 7, rank 1, 20 observed entries (too few to
 * pin down W*): the feasible set is W^ + D with D zero on the observed
 * entries. For each unobserved coordinate direction (+-e_j) and 200 random
 * such D, at steps t = 1e-3 and 1 (relative to the RMS of W^):
 * ||W^ + t D||_* >= (1 - eps) ||W^||_* - 1e-12 with eps = 1e-10 the solver's
 * certified relative gap. Also ||W^||_* <= ||W*||_* (W* is feasible) and the
 * loss at W^ is 0 (observed entries exact). Sensing 6 x 5, rank 1, m = 25
 * (above the recovery threshold: W^ = W*, 1e-8) checks the sensing
 * projection. */
static void test_min_nuclear_optimal(void **state) {
  (void)state;
  const double eps = 1e-10;
  lnb_params *p = nuc_params(ms_params("completion", 8, 7, 1, 20, 5), "1e-10");
  tp_problem P = tp_problem_create(p, 0);
  size_t n = 56;
  int obs[56];
  probe_observed(&P, obs, 20);
  double W[56], D[56], X[56];
  nuc_solution(&P, W);
  const double *Ws = P.ops->reference(P.self);
  double base = nuclear_norm(W, 8, 7), truth = nuclear_norm(Ws, 8, 7), rms = tp_norm(W, n) / sqrt(56.0);
  double loss = P.ops->eval(P.self, W, NULL), worst = INFINITY;
  lnb_rng rng;
  lnb__rng_init(&rng, 3, "nuc-test");
  for (int trial = 0; trial < 2 * 56 + 200; trial++) {
    memset(D, 0, sizeof D);
    if (trial < 2 * 56) {
      if (obs[trial / 2]) continue;
      D[trial / 2] = trial % 2 ? -1.0 : 1.0;
    } else {
      tp_random(&rng, D, n, 1.0);
      for (size_t j = 0; j < n; j++)
        if (obs[j]) D[j] = 0.0;
    }
    for (int sc = 0; sc < 2; sc++) {
      double t = (sc ? 1.0 : 1e-3) * rms;
      for (size_t j = 0; j < n; j++) X[j] = W[j] + t * D[j];
      double rel = (nuclear_norm(X, 8, 7) - base) / base;
      worst = fmin(worst, rel);
    }
  }
  print_message("  completion 8x7 rank 1 m 20: ||W^||_* %.10g <= ||W*||_* %.10g, loss(W^) %.3g, "
                "min relative change over feasible moves %.3g (tol -1e-10), truth error %.3g\n",
                base, truth, loss, worst,
                P.ops->metric(P.self, ms_metric_index(&P, "min_nuclear_truth_error"), W));
  assert_true(loss < 1e-24);
  assert_true(base <= truth * (1 + 1e-12));
  assert_true(worst >= -eps - 1e-12);
  tp_problem_destroy(&P);
  lnb__params_free(p);

  p = nuc_params(ms_params("sensing", 6, 5, 1, 25, 4), "1e-10");
  P = tp_problem_create(p, 0);
  double err = P.ops->metric(P.self, ms_metric_index(&P, "min_nuclear_truth_error"), W);
  double Wn[30];
  nuc_solution(&P, Wn);
  double loss_s = P.ops->eval(P.self, Wn, NULL);
  print_message("  sensing 6x5 rank 1 m 25: ||W^ - W*||_F^2 / n = %.3g (tol 1e-8), loss(W^) %.3g\n",
                err, loss_s);
  assert_true(err < 1e-8);
  assert_true(loss_s < 1e-18);
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gradient_fd),      cmocka_unit_test(test_truth),
      cmocka_unit_test(test_completion_sampling), cmocka_unit_test(test_sensing_scaling),
      cmocka_unit_test(test_prop5_loss),       cmocka_unit_test(test_validate),
      cmocka_unit_test(test_prop5_lemma2_harness), cmocka_unit_test(test_completion_harness),
      cmocka_unit_test(test_min_nuclear_prop5), cmocka_unit_test(test_min_nuclear_determined),
      cmocka_unit_test(test_min_nuclear_optimal),
  };
  return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
