/* test_lstsq — plugins/common/lnbp_lstsq.h, the create-time least-squares
 * solve of lsq and lp_regression (p = 2):
 *   - the streaming QR: R~^T R~ = [X Y]^T [X Y] (relative 1e-13), R~ upper
 *     triangular, for m a multiple of the block, not a multiple, and m = n;
 *   - the minimum-norm solution and residual against LAPACK's own
 *     minimum-norm solver dgelsd on a copy (an independent method: SVD by
 *     divide and conquer of the whole X), tall full rank, tall rank-deficient
 *     (rank 5 of 20, where the minimum-norm choice matters) and wide (the fit
 *     interpolates: rss exactly 0);
 *   - the residual reported equals ||X W^T - Y||^2 recomputed from W;
 *   - lnbp_rowspace_basis (also through the QR for a tall X): the numerical
 *     rank, orthonormal rows, and X (I - V^T V) = 0 (relative 1e-12).
 * A condition-1e10 tall X takes the SVD path at full rank (tolerance 1e-4,
 * its forward error is ~cond eps). Tolerances otherwise: relative 1e-10 on W and 1e-9 on rss for condition numbers up to
 * ~1e3 (rounding is ~1e-16 times the condition number; a wrong formula, a
 * dropped block or a missing null-space projection is off by O(1)). */
#include "test_plugin_util.h"

#include <lapacke.h>

#include "../plugins/common/lnbp_linsys.h"
#include "../plugins/common/lnbp_lstsq.h"

static void fill(lnb_rng *r, double *a, size_t n) {
  for (size_t i = 0; i < n; i++) a[i] = lnb__rng_normal(r);
}

/* X = G1 G2 (m x r times r x d): rank r */
static double *low_rank(lnb_rng *rng, size_t m, size_t d, size_t r) {
  double *G1 = malloc(m * r * sizeof *G1), *G2 = malloc(r * d * sizeof *G2);
  double *X = calloc(m * d, sizeof *X);
  fill(rng, G1, m * r);
  fill(rng, G2, r * d);
  for (size_t i = 0; i < m; i++)
    for (size_t t = 0; t < r; t++)
      for (size_t j = 0; j < d; j++) X[i * d + j] += G1[i * r + t] * G2[t * d + j];
  free(G1);
  free(G2);
  return X;
}

static double rel(const double *a, const double *b, size_t n) {
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < n; i++) {
    num += (a[i] - b[i]) * (a[i] - b[i]);
    den += b[i] * b[i];
  }
  return sqrt(num / (den > 0.0 ? den : 1.0));
}

static double residual2(const double *X, const double *Y, const double *W, size_t m, size_t d,
                        size_t k) {
  double acc = 0.0;
  for (size_t i = 0; i < m; i++)
    for (size_t a = 0; a < k; a++) {
      double r = -Y[i * k + a];
      for (size_t j = 0; j < d; j++) r += X[i * d + j] * W[a * d + j];
      acc += r * r;
    }
  return acc;
}

/* LAPACK's minimum-norm least squares (dgelsd), W k x d, rss from it */
static void reference(const double *X, const double *Y, size_t m, size_t d, size_t k,
                      double *W) {
  size_t ldb = m > d ? m : d;
  double *A = malloc(m * d * sizeof *A), *B = calloc(ldb * k, sizeof *B);
  double *s = malloc((m < d ? m : d) * sizeof *s);
  memcpy(A, X, m * d * sizeof *A);
  for (size_t i = 0; i < m; i++)
    for (size_t a = 0; a < k; a++) B[i * k + a] = Y[i * k + a];
  lapack_int rank = 0;
  double rcond = (double)(m > d ? m : d) * DBL_EPSILON;
  lapack_int info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)d,
                                   (lapack_int)k, A, (lapack_int)d, B, (lapack_int)k, s, rcond,
                                   &rank);
  assert_int_equal(info, 0);
  for (size_t a = 0; a < k; a++)
    for (size_t j = 0; j < d; j++) W[a * d + j] = B[j * k + a];
  free(A);
  free(B);
  free(s);
}

static void check_tsqr(size_t m, size_t d, size_t k, uint64_t seed) {
  lnb_rng rng;
  lnb__rng_init(&rng, seed, "tsqr");
  size_t n = d + k;
  double *X = malloc(m * d * sizeof *X), *Y = malloc(m * k * sizeof *Y);
  double *R = malloc(n * n * sizeof *R);
  fill(&rng, X, m * d);
  fill(&rng, Y, m * k);
  lnb_error err = {0};
  assert_int_equal(lnbp_tsqr(tp_host(), X, Y, m, d, k, R, &err), LNB_OK);
  /* R^T R = Z^T Z, Z = [X Y] */
  double worst = 0.0, scale = 0.0;
  for (size_t a = 0; a < n; a++)
    for (size_t b = 0; b < n; b++) {
      double zz = 0.0, rr = 0.0;
      for (size_t i = 0; i < m; i++) {
        double za = a < d ? X[i * d + a] : Y[i * k + a - d];
        double zb = b < d ? X[i * d + b] : Y[i * k + b - d];
        zz += za * zb;
      }
      for (size_t i = 0; i < n; i++) rr += R[i * n + a] * R[i * n + b];
      worst = fmax(worst, fabs(zz - rr));
      scale = fmax(scale, fabs(zz));
      if (a > b) assert_true(R[a * n + b] == 0.0); /* upper triangular */
    }
  printf("tsqr m=%zu d=%zu k=%zu: max |R^T R - Z^T Z| / max |Z^T Z| = %.2e\n", m, d, k,
         worst / scale);
  assert_true(worst <= 1e-13 * scale);
  free(X);
  free(Y);
  free(R);
}

static void test_tsqr_gram(void **state) {
  (void)state;
  check_tsqr(64 * 4, 40, 3, 1);   /* blocks of 64 rows, m a multiple */
  check_tsqr(64 * 3 + 7, 40, 3, 2); /* a short last block */
  check_tsqr(43, 40, 3, 3);       /* m = n: one block */
  check_tsqr(2565, 128, 1, 4);    /* the perf workload's shape */
}

/* decades > 0: columns scaled by 10^(-decades j / (d-1)), condition ~10^decades */
static void check_solve_cond(size_t m, size_t d, size_t k, size_t r, uint64_t seed,
                             int expect_zero, double decades, double tol) {
  lnb_rng rng;
  lnb__rng_init(&rng, seed, "lstsq");
  double *X = r < (m < d ? m : d) ? low_rank(&rng, m, d, r) : malloc(m * d * sizeof *X);
  if (r >= (m < d ? m : d)) fill(&rng, X, m * d);
  if (decades > 0)
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < d; j++) X[i * d + j] *= pow(10.0, -decades * j / (double)(d - 1));
  double *Y = malloc(m * k * sizeof *Y), *W = malloc(k * d * sizeof *W);
  double *Wr = malloc(k * d * sizeof *Wr);
  fill(&rng, Y, m * k);
  double rss = -1.0;
  size_t rank = 0;
  lnb_error err = {0};
  assert_int_equal(lnbp_lstsq_minnorm(tp_host(), X, Y, m, d, k, W, &rss, &rank, &err), LNB_OK);
  reference(X, Y, m, d, k, Wr);
  double ew = rel(W, Wr, k * d), direct = residual2(X, Y, W, m, d, k);
  printf("lstsq m=%zu d=%zu k=%zu rank %zu: |W - W_dgelsd|/|W_dgelsd| = %.2e, rss %.6g "
         "(recomputed %.6g)\n",
         m, d, k, rank, ew, rss, direct);
  assert_int_equal(rank, r < (m < d ? m : d) ? r : (m < d ? m : d));
  assert_true(ew <= tol);
  if (expect_zero) {
    assert_true(rss == 0.0);
    assert_true(direct <= 1e-20 * (double)(m * k));
  } else {
    assert_true(fabs(rss - direct) <= 1e-9 * direct);
  }
  free(X);
  free(Y);
  free(W);
  free(Wr);
}

static void check_solve(size_t m, size_t d, size_t k, size_t r, uint64_t seed, int expect_zero) {
  check_solve_cond(m, d, k, r, seed, expect_zero, 0.0, 1e-10);
}

static void test_minnorm_tall_full_rank(void **state) {
  (void)state;
  check_solve(500, 20, 3, 20, 11, 0);
  check_solve(2565, 128, 1, 128, 12, 0);
  check_solve(23, 20, 3, 20, 13, 0); /* m = d + k exactly */
  /* condition ~1e10: past the triangular-solve threshold (1/cond > sqrt(eps)),
   * inside the SVD cutoff: the SVD path, full rank; forward error ~cond eps */
  check_solve_cond(400, 20, 2, 20, 14, 0, 10.0, 1e-4);
}

static void test_minnorm_tall_rank_deficient(void **state) {
  (void)state;
  check_solve(300, 20, 2, 5, 21, 0);
  check_solve(300, 20, 1, 19, 22, 0);
}

static void test_minnorm_wide(void **state) {
  (void)state;
  check_solve(10, 30, 2, 10, 31, 1); /* full row rank: interpolation */
  check_solve(21, 20, 3, 20, 32, 0); /* m < d + k, m > d: the copy path, rss > 0 */
  check_solve(12, 30, 1, 4, 33, 0);  /* wide and rank-deficient */
}

static void check_rowspace(size_t m, size_t d, size_t r, uint64_t seed) {
  lnb_rng rng;
  lnb__rng_init(&rng, seed, "rowspace");
  double *X = low_rank(&rng, m, d, r);
  double *V = NULL;
  size_t rank = 0;
  lnb_error err = {0};
  assert_int_equal(lnbp_rowspace_basis(tp_host(), X, m, d, &V, &rank, &err), LNB_OK);
  assert_int_equal(rank, r);
  double orth = 0.0, res = 0.0, nx = 0.0;
  for (size_t a = 0; a < r; a++)
    for (size_t b = 0; b < r; b++) {
      double g = 0.0;
      for (size_t j = 0; j < d; j++) g += V[a * d + j] * V[b * d + j];
      orth = fmax(orth, fabs(g - (a == b)));
    }
  for (size_t i = 0; i < m; i++) {
    double c[64] = {0};
    for (size_t a = 0; a < r; a++)
      for (size_t j = 0; j < d; j++) c[a] += X[i * d + j] * V[a * d + j];
    for (size_t j = 0; j < d; j++) {
      double p = X[i * d + j];
      for (size_t a = 0; a < r; a++) p -= c[a] * V[a * d + j];
      res += p * p;
      nx += X[i * d + j] * X[i * d + j];
    }
  }
  printf("rowspace m=%zu d=%zu rank %zu: orthonormality %.2e, ||X (I - V^T V)|| / ||X|| = %.2e\n",
         m, d, rank, orth, sqrt(res / nx));
  assert_true(orth <= 1e-12);
  assert_true(sqrt(res / nx) <= 1e-12);
  free(X);
  free(V);
}

static void test_rowspace_basis(void **state) {
  (void)state;
  check_rowspace(400, 30, 7, 41); /* tall: through the QR factor */
  check_rowspace(10, 30, 4, 42);  /* wide: the SVD of a copy */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tsqr_gram),
      cmocka_unit_test(test_minnorm_tall_full_rank),
      cmocka_unit_test(test_minnorm_tall_rank_deficient),
      cmocka_unit_test(test_minnorm_wide),
      cmocka_unit_test(test_rowspace_basis),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
