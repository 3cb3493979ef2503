/* test_paper000 — paper 000's initializations and collapsed networks, and
 * paper 001's conservation laws, on deep_linear / compact_h1 / compact_h2:
 *   - backward vs finite differences for every new deep_linear init;
 *   - the metrics unbalancedness, layer_norm_product, first_layer_range_distance;
 *   - paper 001, Prop. 2 (unbalancedness conserved) and Lemma 2 (sign of
 *     det W_e constant) through the harness;
 *   - paper 000, Lemma 8 (W_1 in range(A^T) -> theta*), Algorithms 3-4
 *     (compact iterates = full-network GD iterates), Algorithm 1 (controlled
 *     init reaches the chosen solution), and the refusals.
 * Orientation: the paper's y = W_1 ... W_h x is deep_linear's W_e = y^T with
 * W1 = W_1^T, ..., WN = x^T. */
#include "test_plugin_util.h"

/* ------------------------------------------------------------- helpers */

static const double A23[6] = {5, -3, 1, 3, 1, -1}; /* paper 000, Sec. 5.2 */
static const double b2[2] = {6, 4};

static lnb_params *lsq_synth(size_t m, size_t d, size_t k, const char *reduction,
                             uint64_t seed) {
  lnb_params *p = tp_params(tp_plugin(LNB_PROBLEM, "lsq"));
  tp_setf(p, "m", "%zu", m);
  tp_setf(p, "d", "%zu", d);
  tp_setf(p, "k", "%zu", k);
  tp_set(p, "condition", "3");
  tp_set(p, "noise", "0.2");
  tp_setf(p, "seed", "%llu", (unsigned long long)seed);
  tp_set(p, "reduction", reduction);
  return p;
}

static lnb_params *lsq_inline(const double *A, const double *b, size_t m, size_t d) {
  lnb_params *p = tp_params(tp_plugin(LNB_PROBLEM, "lsq"));
  tp_set_reals(p, "A", A, m, d);
  tp_set_reals(p, "b", b, 1, m);
  tp_set(p, "reduction", "sum");
  return p;
}

/* create an architecture the way the harness does: with the problem's
 * linear system and reference (P may be NULL: no problem information) */
static int arch_try(lnb_params *ap, tp_problem *P, size_t k, size_t d, uint64_t seed,
                    tp_arch *A, lnb_error *err) {
  memset(A, 0, sizeof *A);
  A->ops = ap->plugin->ops;
  lnb_linsys ls;
  lnb_problem_info info = {sizeof(lnb_problem_info), k, d, NULL, NULL};
  if (P) {
    info.k = P->k;
    info.d = P->d;
    if (P->ops->reference) info.reference = P->ops->reference(P->self);
    if (P->ops->linear_system && P->ops->linear_system(P->self, &ls)) info.linsys = &ls;
  }
  int rc = A->ops->validate ? A->ops->validate(tp_host(), ap, err) : LNB_OK;
  if (rc == LNB_OK) rc = A->ops->create(tp_host(), ap, &info, seed, &A->self, err);
  if (rc == LNB_OK) A->t = A->ops->tensors(A->self, &A->n);
  return rc;
}

static tp_arch arch_make(lnb_params *ap, tp_problem *P, uint64_t seed) {
  tp_arch A;
  lnb_error err = {0};
  if (arch_try(ap, P, 0, 0, seed, &A, &err) != LNB_OK)
    fail_msg("%s create: %s", ap->plugin->name, err.msg);
  return A;
}

static lnb_params *dl(size_t depth, const char *init) {
  lnb_params *p = tp_params(tp_plugin(LNB_ARCHITECTURE, "deep_linear"));
  tp_setf(p, "depth", "%zu", depth);
  tp_set(p, "init", init);
  return p;
}

static long metric_index(const tp_arch *A, const char *name) {
  const lnb_metric_spec *m = A->ops->metrics;
  for (long i = 0; m && m[i].name; i++)
    if (strcmp(m[i].name, name) == 0) return i;
  fail_msg("no metric %s", name);
  return -1;
}

static double metric(const tp_arch *A, const char *name) {
  return A->ops->metric(A->self, (size_t)metric_index(A, name));
}

typedef struct opt {
  const lnb_optimizer_ops *ops;
  void *self;
} opt;

static opt gd_make(lnb_model *m, double lr, double wd) {
  lnb_params *p = tp_params(tp_plugin(LNB_OPTIMIZER, "gd"));
  tp_setf(p, "lr", "%.17g", lr);
  tp_setf(p, "weight_decay", "%.17g", wd);
  opt o = {p->plugin->ops, NULL};
  lnb_error err = {0};
  if (o.ops->create(tp_host(), p, m, 0, &o.self, &err) != LNB_OK)
    fail_msg("gd create: %s", err.msg);
  lnb__params_free(p);
  return o;
}

static double run_gd(tp_model *M, double lr, int iters) {
  opt o = gd_make(&M->m, lr, 0.0);
  lnb_error err = {0};
  double l = 0;
  for (int t = 1; t <= iters; t++) {
    l = M->m.loss_grad(&M->m);
    assert_int_equal(o.ops->step(o.self, &M->m, (uint64_t)t, &err), LNB_OK);
  }
  o.ops->destroy(o.self);
  M->m.loss(&M->m); /* We of the final parameters */
  return l;
}

/* orthonormal basis V1 (r x d, r = rank) of range(A^T) from the test's SVD */
static size_t range_basis(tp_problem *P, double *V1) {
  lnb_linsys ls;
  assert_int_equal(P->ops->linear_system(P->self, &ls), 1);
  size_t m = ls.m, d = P->d, q = m < d ? m : d;
  double *X = malloc(m * d * sizeof *X), *s = malloc(q * sizeof *s);
  double *Vt = malloc(q * d * sizeof *Vt);
  memcpy(X, ls.X, m * d * sizeof *X);
  lnb_error err;
  assert_int_equal(tp_host()->svd(m, d, X, s, NULL, Vt, &err), LNB_OK);
  size_t r = 0;
  while (r < q && s[r] > 1e-12 * s[0]) r++;
  memcpy(V1, Vt, r * d * sizeof *Vt);
  free(X);
  free(s);
  free(Vt);
  return r;
}

/* ||B (I - V1^T V1)||_F for B (rows x d) */
static double range_dist(const double *B, size_t rows, size_t d, const double *V1, size_t r) {
  double acc = 0;
  double *res = malloc(d * sizeof *res);
  for (size_t i = 0; i < rows; i++) {
    memcpy(res, B + i * d, d * sizeof *res);
    for (size_t a = 0; a < r; a++) {
      double c = 0;
      for (size_t j = 0; j < d; j++) c += V1[a * d + j] * B[i * d + j];
      for (size_t j = 0; j < d; j++) res[j] -= c * V1[a * d + j];
    }
    for (size_t j = 0; j < d; j++) acc += res[j] * res[j];
  }
  free(res);
  return sqrt(acc);
}

/* a unit vector of ker(A) (d > rank) */
static void kernel_unit(tp_problem *P, double *u, uint64_t seed) {
  size_t d = P->d;
  double *V1 = malloc(d * d * sizeof *V1);
  size_t r = range_basis(P, V1);
  assert_true(r < d);
  lnb_rng rng;
  lnb__rng_init(&rng, seed, "kernel");
  tp_random(&rng, u, d, 1.0);
  for (size_t a = 0; a < r; a++) {
    double c = 0;
    for (size_t j = 0; j < d; j++) c += V1[a * d + j] * u[j];
    for (size_t j = 0; j < d; j++) u[j] -= c * V1[a * d + j];
  }
  double n = tp_norm(u, d);
  for (size_t j = 0; j < d; j++) u[j] /= n;
  free(V1);
}

/* ------------------------------------------------- backward vs differences */

/* deep_linear backward vs central finite differences for every new init
 * (f = l(W_e(theta)) is a polynomial; h = 1e-5 gives truncation and rounding
 * errors ~1e-10 relative). Tolerance: ||g_fd - g|| / ||g|| < 1e-6. The
 * structured inits (bi-optimal: mostly zero layers) are where a wrong
 * transpose in the layer mapping would show. */
static void test_fd_new_inits(void **state) {
  (void)state;
  lnb_params *pp = lsq_synth(4, 7, 1, "mean", 21);
  tp_problem P = tp_problem_create(pp, 0);
  const int64_t w56[2] = {5, 6};
  double theta[7];
  {
    const double *ref = P.ops->reference(P.self);
    double u[7];
    kernel_unit(&P, u, 3);
    for (size_t j = 0; j < 7; j++) theta[j] = ref[j] + 1.5 * u[j];
  }
  struct {
    const char *init;
    size_t depth;
    double scale;
  } cases[] = {
      {"range_At", 1, 1.0},        {"range_At", 2, 1.0},        {"range_At", 3, 1.3},
      {"perturbed_range", 3, 1.0}, {"controlled", 1, 1.0},      {"bi_optimal_h1", 2, 1.0},
      {"bi_optimal_h1", 2, 0.7},   {"bi_optimal_h2", 3, 1.0},   {"bi_optimal_h2", 3, 1.2},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    lnb_params *ap = dl(cases[c].depth, cases[c].init);
    if (cases[c].depth > 1) tp_set_ints(ap, "widths", w56, cases[c].depth - 1);
    tp_set(ap, "init_std", "0.6");
    tp_setf(ap, "scale", "%.17g", cases[c].scale);
    if (strcmp(cases[c].init, "perturbed_range") == 0) tp_set(ap, "perturbation", "0.5");
    if (strcmp(cases[c].init, "controlled") == 0) tp_set_reals(ap, "target_solution", theta, 1, 7);
    tp_arch A = arch_make(ap, &P, 5 + c);
    double rel = tp_backward_fd_rel(&P, &A);
    print_message("  %s depth %zu scale %.1f: backward vs FD rel err %.3g (tol 1e-6)\n",
                  cases[c].init, cases[c].depth, cases[c].scale, rel);
    assert_true(rel < 1e-6);
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }
  tp_problem_destroy(&P);
  lnb__params_free(pp);

  /* range_At with k = 2 outputs, both product orderings' left side */
  pp = lsq_synth(4, 7, 2, "sum", 22);
  P = tp_problem_create(pp, 0);
  lnb_params *ap = dl(3, "range_At");
  tp_set_ints(ap, "widths", w56, 2);
  tp_set(ap, "init_std", "0.6");
  tp_arch A = arch_make(ap, &P, 1);
  double rel = tp_backward_fd_rel(&P, &A);
  print_message("  range_At k = 2 depth 3: backward vs FD rel err %.3g (tol 1e-6)\n", rel);
  assert_true(rel < 1e-6);
  tp_arch_destroy(&A);
  lnb__params_free(ap);
  tp_problem_destroy(&P);
  lnb__params_free(pp);
}

/* --------------------------------------------------------------- metrics */

/* unbalancedness: equals Definition 1 computed naively (1e-12 relative) on a
 * gaussian network and is 0 (< 1e-12) for init: balanced.
 * layer_norm_product: for the balanced factorization of sigma u v^T each
 * layer has the single singular value sigma^(1/N), so the product over
 * layers 2..N is sigma^((N-1)/N) (1e-12 relative); 1 for depth 1; 1 for
 * perturbed_range (identity middle layers, unit x).
 * first_layer_range_distance: 0 (< 1e-12) for range_At, c (to 1e-12) for
 * perturbed_range, equal to an independent projection for gaussian, NaN
 * without a linear system. */
static void test_metrics(void **state) {
  (void)state;
  lnb_params *pp = lsq_synth(6, 5, 3, "mean", 4); /* k = 3, d = 5 */
  tp_problem P = tp_problem_create(pp, 0);
  const int64_t wide[3] = {4, 6, 3};

  lnb_params *ap = dl(4, "gaussian");
  tp_set_ints(ap, "widths", wide, 3);
  tp_set(ap, "init_std", "0.7");
  tp_arch A = arch_make(ap, &P, 2);
  double u = metric(&A, "unbalancedness"), un = tp_unbalancedness(&A);
  print_message("  gaussian: unbalancedness %.6g, naive %.6g\n", u, un);
  assert_true(un > 0.1);
  assert_true(fabs(u - un) < 1e-12 * un);
  tp_arch_destroy(&A);
  lnb__params_free(ap);

  ap = dl(4, "balanced");
  tp_set_ints(ap, "widths", wide, 3);
  tp_set(ap, "init_std", "1");
  A = arch_make(ap, &P, 2);
  u = metric(&A, "unbalancedness");
  print_message("  balanced: unbalancedness %.3g (tol 1e-12)\n", u);
  assert_true(u < 1e-12);
  tp_arch_destroy(&A);
  lnb__params_free(ap);

  /* layer norm product of a balanced rank-one factorization */
  double M[15], uu[3] = {1, -2, 2}, vv[5] = {0.5, 0.5, -0.5, 0.5, 0}; /* |u| = 3, |v| = 1 */
  const double sigma = 2.5 * 3;
  for (size_t a = 0; a < 3; a++)
    for (size_t b = 0; b < 5; b++) M[a * 5 + b] = 2.5 * uu[a] * vv[b];
  for (size_t depth = 1; depth <= 4; depth++) {
    ap = dl(depth, "balanced");
    if (depth > 1) tp_set_ints(ap, "widths", wide, depth - 1);
    tp_set_reals(ap, "init_matrix", M, 3, 5);
    A = arch_make(ap, &P, 0);
    double lp = metric(&A, "layer_norm_product");
    double want = pow(sigma, (double)(depth - 1) / (double)depth);
    print_message("  balanced rank one depth %zu: layer_norm_product %.15g, expected %.15g\n",
                  depth, lp, want);
    assert_true(fabs(lp - want) < 1e-12 * want);
    assert_true(metric(&A, "unbalancedness") < 1e-12);
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }

  /* first layer range distance */
  double V1[25];
  size_t r = range_basis(&P, V1); /* m = 6 > d = 5: full column rank */
  assert_int_equal(r, 5);
  tp_problem_destroy(&P);
  lnb__params_free(pp);
  pp = lsq_synth(3, 8, 1, "sum", 6); /* rank 3 < d = 8 */
  P = tp_problem_create(pp, 0);
  double V8[64];
  r = range_basis(&P, V8);
  assert_int_equal(r, 3);

  ap = dl(3, "range_At");
  tp_set_ints(ap, "widths", wide, 2);
  tp_set(ap, "init_std", "1");
  A = arch_make(ap, &P, 3);
  double dist = metric(&A, "first_layer_range_distance");
  print_message("  range_At: first_layer_range_distance %.3g (tol 1e-12), |W1|_F %.3g\n", dist,
                tp_norm(A.t[0].data, 4 * 8));
  assert_true(dist < 1e-12);
  assert_true(tp_norm(A.t[0].data, 4 * 8) > 1.0);
  assert_true(range_dist(A.t[0].data, 4, 8, V8, r) < 1e-12);
  tp_arch_destroy(&A);
  lnb__params_free(ap);

  const double cs[2] = {0.37, 2.0};
  for (int i = 0; i < 2; i++) {
    ap = dl(3, "perturbed_range");
    tp_set_ints(ap, "widths", wide, 2);
    tp_set(ap, "init_std", "1");
    tp_setf(ap, "perturbation", "%.17g", cs[i]);
    A = arch_make(ap, &P, 3);
    dist = metric(&A, "first_layer_range_distance");
    double lp = metric(&A, "layer_norm_product");
    print_message("  perturbed_range c = %g: first_layer_range_distance %.15g (tol 1e-12), "
                  "independent %.15g, layer_norm_product %.15g (expect 1)\n",
                  cs[i], dist, range_dist(A.t[0].data, 4, 8, V8, r), lp);
    assert_true(fabs(dist - cs[i]) < 1e-12);
    assert_true(fabs(range_dist(A.t[0].data, 4, 8, V8, r) - cs[i]) < 1e-12);
    assert_true(fabs(lp - 1.0) < 1e-12);
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }

  /* perturbation_shape (paper 000 Sec. 4.2 with a full-rank C, issue 17): C = W1 (I - P)
   * (4 x 8, rank(A) = 3, ker(A) of dimension 5). full: ||C||_F = c to 1e-12 and rank
   * min(h_1, d - rank A) = 4 (smallest singular value > 1e-3 c); rank_one (the default,
   * bit-identical when named): second singular value < 1e-12 c. */
  for (int full = 0; full < 2; full++) {
    ap = dl(3, "perturbed_range");
    tp_set_ints(ap, "widths", wide, 2);
    tp_set(ap, "init_std", "1");
    tp_set(ap, "perturbation", "0.37");
    tp_set(ap, "perturbation_shape", full ? "full" : "rank_one");
    A = arch_make(ap, &P, 3);
    double C[32], sv[4];
    for (size_t i = 0; i < 4; i++) {
      const double *row = A.t[0].data + i * 8;
      memcpy(C + i * 8, row, 8 * sizeof(double));
      for (size_t a = 0; a < r; a++) {
        double cf = 0;
        for (size_t j = 0; j < 8; j++) cf += V8[a * 8 + j] * row[j];
        for (size_t j = 0; j < 8; j++) C[i * 8 + j] -= cf * V8[a * 8 + j];
      }
    }
    dist = metric(&A, "first_layer_range_distance");
    lnb_error e = {0};
    assert_int_equal(tp_host()->svd(4, 8, C, sv, NULL, NULL, &e), LNB_OK);
    print_message("  perturbed_range %s c = 0.37: ||C||_F %.15g, singular values of C %.3g "
                  "%.3g %.3g %.3g\n",
                  full ? "full" : "rank_one", dist, sv[0], sv[1], sv[2], sv[3]);
    assert_true(fabs(dist - 0.37) < 1e-12);
    if (full)
      assert_true(sv[3] > 1e-3 * 0.37);
    else
      assert_true(sv[1] < 1e-12 * 0.37);
    if (!full) { /* the default is rank_one, draw for draw */
      lnb_params *dp = dl(3, "perturbed_range");
      tp_set_ints(dp, "widths", wide, 2);
      tp_set(dp, "init_std", "1");
      tp_set(dp, "perturbation", "0.37");
      tp_arch D = arch_make(dp, &P, 3);
      for (size_t j = 0; j < 3; j++)
        assert_memory_equal(D.t[j].data, A.t[j].data, D.t[j].rows * D.t[j].cols * sizeof(double));
      tp_arch_destroy(&D);
      lnb__params_free(dp);
    }
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }

  ap = dl(2, "gaussian");
  tp_set(ap, "init_std", "1");
  A = arch_make(ap, &P, 3);
  dist = metric(&A, "first_layer_range_distance");
  double indep = range_dist(A.t[0].data, A.t[0].rows, 8, V8, r);
  print_message("  gaussian: first_layer_range_distance %.15g, independent %.15g\n", dist,
                indep);
  assert_true(fabs(dist - indep) < 1e-12 * indep);
  tp_arch_destroy(&A);
  /* no linear system: NaN */
  lnb_error err = {0};
  assert_int_equal(arch_try(ap, NULL, 1, 8, 3, &A, &err), LNB_OK);
  assert_true(isnan(metric(&A, "first_layer_range_distance")));
  assert_true(isfinite(metric(&A, "unbalancedness")));
  tp_arch_destroy(&A);
  lnb__params_free(ap);
  tp_problem_destroy(&P);
  lnb__params_free(pp);
}

/* -------------------------------------------------------- through harness */

/* Paper 001, Proposition 2: under gradient flow the unbalancedness magnitude
 * is constant. GD with lr 1e-4 changes each W_{j+1}^T W_{j+1} - W_j W_j^T by
 * lr^2 (dW_{j+1}^T dW_{j+1} - dW_j dW_j^T) per step only (the first-order
 * terms cancel), so over 10^4 steps the relative change must stay < 1e-3,
 * while the loss gap l - l* falls by more than 20x (the layers move). */
static void test_prop2_unbalancedness(void **state) {
  (void)state;
  lnb_config cfg;
  tp_load("name: prop2\n"
          "problem: {plugin: lsq, m: 20, d: 6, k: 3, condition: 3, noise: 0.1, seed: 5, "
          "reduction: sum}\n"
          "architectures: [{plugin: deep_linear, depth: 3, width: 5, init: gaussian, "
          "init_std: 0.5}]\n"
          "optimizers: [{plugin: gd, lr: 1.0e-4}]\n"
          "stop: {max_iters: 10000}\n"
          "record: {per_decade: 5, metrics: [unbalancedness]}\n",
          &cfg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(r[0].status, LNB_RUN_MAX_ITERS);
  assert_int_equal(r[0].iterations, 10000);
  double u0 = r[0].checkpoints[0].metrics[0], worst = 0;
  assert_true(u0 > 0.1);
  for (size_t c = 0; c < r[0].ncheckpoints; c++)
    worst = fmax(worst, fabs(r[0].checkpoints[c].metrics[0] - u0) / u0);
  print_message("  unbalancedness %.6g at t = 0, max relative change %.3g over %zu "
                "checkpoints (tol 1e-3); loss gap %.4g -> %.4g\n",
                u0, worst, r[0].ncheckpoints, r[0].initial_loss - r[0].lstar, r[0].final_gap);
  assert_true(worst < 1e-3);
  assert_true(r[0].lstar_known);
  assert_true(r[0].final_gap < 0.05 * (r[0].initial_loss - r[0].lstar));
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* Paper 001, Lemma 2: for a square end-to-end matrix the sign of det W_e is
 * constant along gradient flow. Square lsq (k = d = 3) whose solution W* has
 * det W* = -0.98 < 0, started at det W_e = 0.125 > 0 (balanced 0.5 I), GD at
 * a small step, det_sign recorded at every iteration: deep_linear (depth 3)
 * keeps +1 at every iterate; the linear model on the same problem (control)
 * crosses to -1, as GD on a convex loss goes straight to W*. */
static void test_lemma2_det_sign(void **state) {
  (void)state;
  const double X[9] = {2, 1, 0, 0, 1.5, 0.5, 0.3, 0, 1};
  const double Ws[9] = {1, 0.3, 0, 0.2, 1, 0.1, 0, 0.4, -1};
  double Y[9]; /* Y = X W*^T */
  for (int i = 0; i < 3; i++)
    for (int a = 0; a < 3; a++) {
      double s = 0;
      for (int j = 0; j < 3; j++) s += X[i * 3 + j] * Ws[a * 3 + j];
      Y[i * 3 + a] = s;
    }
  char text[2048];
  snprintf(text, sizeof text,
           "name: lemma2\n"
           "problem: {plugin: lsq, A: [[%.17g, %.17g, %.17g], [%.17g, %.17g, %.17g], "
           "[%.17g, %.17g, %.17g]], b: [[%.17g, %.17g, %.17g], [%.17g, %.17g, %.17g], "
           "[%.17g, %.17g, %.17g]]}\n"
           "architectures:\n"
           "  - {plugin: deep_linear, depth: 3, width: 3, init: balanced, "
           "init_matrix: [[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]]}\n"
           "  - {plugin: linear, init: given, init_matrix: [[0.5, 0, 0], [0, 0.5, 0], "
           "[0, 0, 0.5]]}\n"
           "optimizers: [{plugin: gd, lr: 0.05}]\n"
           "stop: {max_iters: 400}\n"
           "record: {every: 1, metrics: [det_sign]}\n",
           X[0], X[1], X[2], X[3], X[4], X[5], X[6], X[7], X[8], Y[0], Y[1], Y[2], Y[3], Y[4],
           Y[5], Y[6], Y[7], Y[8]);
  lnb_config cfg;
  tp_load(text, &cfg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(n, 2);
  /* deep: +1 at every one of the 401 iterates */
  assert_int_equal(r[0].status, LNB_RUN_MAX_ITERS);
  assert_true(r[0].ncheckpoints >= 401);
  size_t flips = 0;
  for (size_t c = 0; c < r[0].ncheckpoints; c++)
    if (r[0].checkpoints[c].metrics[0] != 1.0) flips++;
  /* linear control: starts at +1 and ends at -1 */
  size_t first_neg = 0;
  for (size_t c = 0; c < r[1].ncheckpoints && !first_neg; c++)
    if (r[1].checkpoints[c].metrics[0] == -1.0) first_neg = r[1].checkpoints[c].iteration;
  print_message("  deep_linear: %zu of %zu iterates with det_sign != +1 (must be 0); loss "
                "%.4g -> %.4g; linear control: det_sign -1 from iteration %zu\n",
                flips, r[0].ncheckpoints, r[0].initial_loss, r[0].final_loss, first_neg);
  assert_int_equal(flips, 0);
  assert_true(r[0].final_loss < 0.5 * r[0].initial_loss);
  assert_true(r[1].checkpoints[0].metrics[0] == 1.0);
  assert_true(r[1].checkpoints[r[1].ncheckpoints - 1].metrics[0] == -1.0);
  assert_true(first_neg > 0);
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* Paper 000, Lemma 8 (with Corollary 3 for depth 1): when W_1 starts in
 * range(A^T) GD keeps it there, so a converged W_e is the minimum-norm
 * solution theta*. Underdetermined 4 x 10 system, deep_linear depths 1-3 with
 * init range_At: ||W_e - theta*|| < 1e-8 at the end, and
 * first_layer_range_distance < 1e-12 at every checkpoint. Control (Sec. 4.2):
 * perturbed_range with c = 0.1 keeps ||C|| = 0.1 to 1e-12 at every
 * checkpoint; at depth 1 the limit is theta* + C (distance c to 1e-8,
 * Theorem 4), at depth 2 it misses theta* by more than 1e-3. */
static void test_lemma8_range_At(void **state) {
  (void)state;
  lnb_config cfg;
  tp_load("name: lemma8\n"
          "problem: {plugin: lsq, m: 4, d: 10, condition: 2, noise: 0, seed: 3, reduction: sum}\n"
          "architectures:\n"
          "  - {plugin: deep_linear, depth: [1, 2, 3], width: 6, init: range_At, init_std: 0.1}\n"
          "  - {plugin: deep_linear, depth: [1, 2], width: 6, init: perturbed_range, "
          "init_std: 0.1, perturbation: 0.1}\n"
          "optimizers: [{plugin: gd, lr: 0.05}]\n"
          "stop: {max_iters: 100000, target_gap: 1.0e-26}\n"
          "record: {per_decade: 5, metrics: [dist_to_reference, first_layer_range_distance]}\n",
          &cfg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(n, 5);
  for (size_t i = 0; i < n; i++) {
    const lnb_checkpoint *last = &r[i].checkpoints[r[i].ncheckpoints - 1];
    double worst_c = 0, c0 = i < 3 ? 0.0 : 0.1;
    for (size_t c = 0; c < r[i].ncheckpoints; c++)
      worst_c = fmax(worst_c, fabs(r[i].checkpoints[c].metrics[1] - c0));
    print_message("  %s depth %zu: %s after %llu iterations, ||W_e - theta*|| = %.3g, max "
                  "| ||C|| - %.1f | = %.3g\n",
                  i < 3 ? "range_At" : "perturbed_range", i < 3 ? i + 1 : i - 2,
                  lnb_run_status_name(r[i].status), (unsigned long long)r[i].iterations,
                  last->metrics[0], c0, worst_c);
    assert_true(r[i].status == LNB_RUN_CONVERGED || r[i].status == LNB_RUN_MAX_ITERS);
    assert_true(worst_c < 1e-12);
    if (i < 3) assert_true(last->metrics[0] < 1e-8);
  }
  assert_true(fabs(r[3].checkpoints[r[3].ncheckpoints - 1].metrics[0] - 0.1) < 1e-8);
  assert_true(r[4].checkpoints[r[4].ncheckpoints - 1].metrics[0] > 1e-3);
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* ------------------------------------------------ Algorithms 3-4, compact */

/* The paper's Algorithm 3 (h = 1) / Algorithm 4 (h = 2) boxes verbatim, with
 * loss 1/2 ||A y - b||^2: state v (n), rho; returns the output rho^(2h) A^T v
 * in out (d). */
typedef struct paper_alg {
  size_t n, d;
  int h;
  const double *A, *b;
  double *v, *z, *y, rho, alpha;
} paper_alg;

static void paper_output(const paper_alg *s, double *out) {
  double f = s->h == 1 ? s->rho * s->rho : pow(s->rho, 4);
  for (size_t j = 0; j < s->d; j++) {
    double z = 0;
    for (size_t i = 0; i < s->n; i++) z += s->A[i * s->d + j] * s->v[i];
    out[j] = f * z;
  }
}

static void paper_step(paper_alg *s) {
  size_t n = s->n, d = s->d;
  for (size_t j = 0; j < d; j++) { /* z_k = A^T v_k */
    s->z[j] = 0;
    for (size_t i = 0; i < n; i++) s->z[j] += s->A[i * d + j] * s->v[i];
  }
  double r2 = s->rho * s->rho, gamma = 0;
  double *e = malloc(n * sizeof *e);
  for (size_t i = 0; i < n; i++) { /* y_k = A z_k; r_k (e_k) */
    double y = 0;
    for (size_t j = 0; j < d; j++) y += s->A[i * d + j] * s->z[j];
    e[i] = s->alpha * ((s->h == 1 ? r2 : r2 * r2) * y - s->b[i]);
    gamma += y * e[i];
  }
  if (s->h == 2) gamma *= r2; /* gamma_k = rho_k^2 y_k^T e_k */
  double f = s->h == 1 ? 1.0 / (1.0 - gamma) : 1.0 / ((1.0 - gamma) * (1.0 - gamma));
  for (size_t i = 0; i < n; i++) s->v[i] = f * (s->v[i] - e[i]);
  s->rho *= 1.0 - gamma;
  free(e);
}

/* compact_h{h} and deep_linear (depth h + 1, init bi_optimal_h{h}) from the
 * same seed / init_std / scale, each driven by the gd plugin for 500 steps:
 * W_e must agree to 1e-8 relative at every step (paper 000, Algorithms 3-4:
 * "completely equivalent" to the full network). With reduction: sum, scale 1
 * and no weight decay the paper's Algorithm 3/4 pseudo-code (above) must
 * agree as well. The loss must fall by > 10x so the iterates really move. */
static void check_compact(int h, const char *reduction, double scale, double wd, double lr,
                          int paper) {
  lnb_params *pp = lsq_synth(5, 12, 1, reduction, 11);
  tp_set(pp, "noise", "0");
  tp_problem P = tp_problem_create(pp, 0);
  char name[16];
  snprintf(name, sizeof name, "compact_h%d", h);
  lnb_params *cp = tp_params(tp_plugin(LNB_ARCHITECTURE, name));
  tp_set(cp, "init_std", "0.3");
  tp_setf(cp, "scale", "%.17g", scale);
  lnb_params *fp = dl((size_t)h + 1, h == 1 ? "bi_optimal_h1" : "bi_optimal_h2");
  tp_set(fp, "width", "7");
  tp_set(fp, "init_std", "0.3");
  tp_setf(fp, "scale", "%.17g", scale);
  tp_arch C = arch_make(cp, &P, 77), F = arch_make(fp, &P, 77);
  assert_int_equal(C.n, 2);
  assert_int_equal(C.t[0].rows, 5);
  tp_model MC, MF;
  tp_model_init(&MC, &P, &C);
  tp_model_init(&MF, &P, &F);
  opt oc = gd_make(&MC.m, lr, wd), of = gd_make(&MF.m, lr, wd);
  lnb_linsys ls;
  P.ops->linear_system(P.self, &ls);
  paper_alg pa = {5, 12, h, ls.X, ls.Y, calloc(5, sizeof(double)), calloc(12, sizeof(double)),
                  calloc(12, sizeof(double)), 1.0, lr};
  memcpy(pa.v, C.t[0].data, 5 * sizeof(double)); /* w_0 = v0 when scale = 1 */
  double *yp = calloc(12, sizeof(double));
  lnb_error err = {0};
  double worst = 0, worst_paper = 0, l0 = 0, l = 0;
  for (int t = 0; t <= 500; t++) {
    double lc = MC.m.loss_grad(&MC.m), lf = MF.m.loss_grad(&MF.m);
    if (t == 0) l0 = lf;
    l = lf;
    double rel = tp_diff_norm(MC.We, MF.We, 12) / tp_norm(MF.We, 12);
    worst = fmax(worst, rel);
    assert_true(fabs(lc - lf) <= 1e-8 * lf + 1e-300);
    if (paper) {
      paper_output(&pa, yp);
      worst_paper = fmax(worst_paper, tp_diff_norm(yp, MF.We, 12) / tp_norm(MF.We, 12));
      paper_step(&pa);
    }
    if (t == 500) break;
    assert_int_equal(oc.ops->step(oc.self, &MC.m, (uint64_t)t + 1, &err), LNB_OK);
    assert_int_equal(of.ops->step(of.self, &MF.m, (uint64_t)t + 1, &err), LNB_OK);
  }
  print_message("  %s vs deep_linear depth %d (%s, scale %g, wd %g, lr %g): max rel diff of "
                "W_e over 500 steps %.3g (tol 1e-8); paper's pseudo-code %.3g; loss %.3g -> "
                "%.3g, rho %.4f\n",
                name, h + 1, reduction, scale, wd, lr, worst, paper ? worst_paper : NAN, l0, l,
                C.t[1].data[0]);
  assert_true(worst < 1e-8);
  if (paper) assert_true(worst_paper < 1e-8);
  assert_true(l < 0.1 * l0);
  /* Lemma 8 for the full network: W_1 stays in range(A^T) */
  assert_true(metric(&F, "first_layer_range_distance") < 1e-10 * tp_norm(F.t[0].data, 7 * 12));
  oc.ops->destroy(oc.self);
  of.ops->destroy(of.self);
  free(pa.v);
  free(pa.z);
  free(pa.y);
  free(yp);
  tp_model_free(&MC);
  tp_model_free(&MF);
  tp_arch_destroy(&C);
  tp_arch_destroy(&F);
  lnb__params_free(cp);
  lnb__params_free(fp);
  tp_problem_destroy(&P);
  lnb__params_free(pp);
}

static void test_alg34_compact(void **state) {
  (void)state;
  check_compact(1, "sum", 1.0, 0.0, 0.02, 1);
  check_compact(2, "sum", 1.0, 0.0, 0.02, 1);
  check_compact(1, "mean", 0.8, 0.01, 0.1, 0);
  check_compact(2, "mean", 1.3, 0.01, 0.05, 0);
}

/* ------------------------------------------------------------ Algorithm 1 */

/* Paper 000, Algorithm 1 / Theorem 4: from init: controlled with target
 * theta = theta* + 2 (1, 4, 7)/|(1,4,7)| (a solution of the 2 x 3 system of
 * Sec. 5.2, 4 away from theta*), GD (lr 0.02 < 2/||A||^2) reaches theta to
 * 1e-8; with scale 0.5 the limit is theta* + 0.5 (theta - theta*) (Theorem 4:
 * y_inf = V2 V2^T y_0 + theta*), also to 1e-8. */
static void test_alg1_controlled(void **state) {
  (void)state;
  lnb_params *pp = lsq_inline(A23, b2, 2, 3);
  tp_problem P = tp_problem_create(pp, 0);
  const double *ref = P.ops->reference(P.self);
  const double nk = sqrt(1.0 + 16.0 + 49.0);
  double theta[3], half[3];
  for (int j = 0; j < 3; j++) {
    double kv = (j == 0 ? 1.0 : j == 1 ? 4.0 : 7.0) / nk;
    theta[j] = ref[j] + 2.0 * kv;
    half[j] = ref[j] + 1.0 * kv;
  }
  const double scales[2] = {1.0, 0.5};
  const double *want[2] = {theta, half};
  for (int s = 0; s < 2; s++) {
    lnb_params *ap = dl(1, "controlled");
    tp_set_reals(ap, "target_solution", theta, 1, 3);
    tp_set(ap, "init_std", "1");
    tp_setf(ap, "scale", "%.17g", scales[s]);
    tp_arch A = arch_make(ap, &P, 9);
    tp_model M;
    tp_model_init(&M, &P, &A);
    double y0[3];
    memcpy(y0, A.t[0].data, sizeof y0);
    run_gd(&M, 0.02, 20000);
    double e = tp_diff_norm(M.We, want[s], 3), e_star = tp_diff_norm(M.We, ref, 3);
    print_message("  controlled scale %.1f: y0 = (%.3f, %.3f, %.3f), |y - target| = %.3g (tol "
                  "1e-8), |y - theta*| = %.3g\n",
                  scales[s], y0[0], y0[1], y0[2], e, e_star);
    assert_true(e < 1e-8);
    assert_true(e_star > 0.9);
    tp_model_free(&M);
    tp_arch_destroy(&A);
    lnb__params_free(ap);
  }
  tp_problem_destroy(&P);
  lnb__params_free(pp);
}

/* ------------------------------------------------------------- refusals */

static void expect_refusal(lnb_params *ap, tp_problem *P, size_t k, size_t d, int code,
                           const char *needle) {
  tp_arch A;
  lnb_error err = {0};
  int rc = arch_try(ap, P, k, d, 1, &A, &err);
  print_message("  expected error (%d): %s\n", rc, err.msg);
  assert_int_equal(rc, code);
  assert_null(A.self);
  assert_non_null(strstr(err.msg, needle));
}

static void test_refusals(void **state) {
  (void)state;
  lnb_params *pp = lsq_inline(A23, b2, 2, 3);
  tp_problem P = tp_problem_create(pp, 0);
  const double *ref = P.ops->reference(P.self);
  double bad[3] = {ref[0] + 1e-3, ref[1], ref[2]};

  lnb_params *ap = dl(1, "controlled");
  tp_set_reals(ap, "target_solution", bad, 1, 3);
  expect_refusal(ap, &P, 0, 0, LNB_EINVAL, "does not solve");
  tp_set_reals(ap, "target_solution", bad, 1, 2);
  expect_refusal(ap, &P, 0, 0, LNB_EDIM, "target_solution");
  tp_set_reals(ap, "target_solution", ref, 1, 3);
  expect_refusal(ap, NULL, 1, 3, LNB_ENOTSUP, "linear system");
  tp_set(ap, "depth", "2");
  expect_refusal(ap, &P, 0, 0, LNB_EINVAL, "depth 1");
  lnb__params_free(ap);
  ap = dl(1, "controlled");
  expect_refusal(ap, &P, 0, 0, LNB_EINVAL, "needs target_solution");
  lnb__params_free(ap);
  ap = dl(2, "gaussian");
  tp_set_reals(ap, "target_solution", ref, 1, 3);
  expect_refusal(ap, &P, 0, 0, LNB_EINVAL, "only used by init: controlled");
  lnb__params_free(ap);

  ap = dl(3, "bi_optimal_h1");
  expect_refusal(ap, &P, 0, 0, LNB_EINVAL, "depth must be 2");
  tp_set(ap, "init", "bi_optimal_h2");
  tp_set(ap, "depth", "2");
  expect_refusal(ap, &P, 0, 0, LNB_EINVAL, "depth must be 3");
  tp_set(ap, "depth", "3");
  double v3[3] = {1, 2, 3};
  tp_set_reals(ap, "v0", v3, 1, 3);
  expect_refusal(ap, &P, 0, 0, LNB_EDIM, "v0");
  lnb__params_free(ap);
  ap = dl(2, "range_At");
  expect_refusal(ap, NULL, 1, 3, LNB_ENOTSUP, "linear system");
  lnb__params_free(ap);
  ap = dl(2, "range_At");
  tp_set(ap, "perturbation_shape", "full");
  expect_refusal(ap, &P, 0, 0, LNB_EINVAL, "only used by init: perturbed_range");
  lnb__params_free(ap);
  for (int h = 1; h <= 2; h++) {
    char name[16];
    snprintf(name, sizeof name, "compact_h%d", h);
    ap = tp_params(tp_plugin(LNB_ARCHITECTURE, name));
    expect_refusal(ap, NULL, 1, 3, LNB_ENOTSUP, "linear system");
    tp_set_reals(ap, "v0", v3, 1, 3);
    expect_refusal(ap, &P, 0, 0, LNB_EDIM, "v0");
    lnb__params_free(ap);
  }
  tp_problem_destroy(&P);
  lnb__params_free(pp);

  /* multi-output problems: bi-optimal / compact need k = 1; a full-column-rank
   * A has no kernel for perturbed_range */
  pp = lsq_synth(6, 4, 2, "mean", 1);
  P = tp_problem_create(pp, 0);
  ap = tp_params(tp_plugin(LNB_ARCHITECTURE, "compact_h1"));
  expect_refusal(ap, &P, 0, 0, LNB_ENOTSUP, "k = 2");
  lnb__params_free(ap);
  ap = dl(2, "bi_optimal_h1");
  expect_refusal(ap, &P, 0, 0, LNB_ENOTSUP, "k = 2");
  lnb__params_free(ap);
  ap = dl(2, "perturbed_range");
  expect_refusal(ap, &P, 0, 0, LNB_EINVAL, "kernel");
  tp_set(ap, "perturbation", "0");
  tp_arch A = arch_make(ap, &P, 0); /* c = 0 is range_At */
  tp_arch_destroy(&A);
  lnb__params_free(ap);
  tp_problem_destroy(&P);
  lnb__params_free(pp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fd_new_inits),       cmocka_unit_test(test_metrics),
      cmocka_unit_test(test_prop2_unbalancedness), cmocka_unit_test(test_lemma2_det_sign),
      cmocka_unit_test(test_lemma8_range_At),    cmocka_unit_test(test_alg34_compact),
      cmocka_unit_test(test_alg1_controlled),    cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
