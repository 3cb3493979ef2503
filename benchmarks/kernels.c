/* kernels.c — lnb_kernels: the dense kernels lnnbench's plugins spend their
 * time in, through the Google Benchmark shim (lnb_bench.h), each with a
 * FLOPS counter (flop/s; the flop count of one call is the counter
 * flops_per_call), so a regression of `lnnbench bench` can be traced to its
 * kernel.
 *
 *   gemm/...        host->gemm (BLIS; transposes as flags, n = 1 through gemv)
 *                   at the shapes of the framework's calls: least squares
 *                   forward X We^T and gradient R^T X, deep_linear products
 *                   and backward, and square n^3 products (the dgemm peak)
 *   dgesdd/...      thin SVD (LAPACKE_dgesdd_work, workspace queried once)
 *   qr/...          dgeqrf + dorgqr (explicit Q)
 *   lstsq/...       lnbp_lstsq_minnorm, the create-time least-squares solve
 *                   (streaming QR of [X Y]; no m x d copy)
 *   balanced_def3/  lnbp_mf_balanced_factor (paper 004 Definition 3: polar,
 *                   real Schur, principal roots), n x n over L layers
 *   balanced_svd/   lnbp_balanced_factor (SVD-based, host->svd), k x d over L
 *
 * usage: lnb_kernels [--threads=N] [Google Benchmark flags]
 * Flop counts: gemm 2mnk (exact); the LAPACK counts are Golub & Van Loan's
 * leading-order estimates (stated per benchmark below). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "lnb_bench.h"
#include "lnb_peak.h"
#include "lnbp_linalg.h"
#include "lnbp_lstsq.h"
#include "lnbp_matfun.h"
#include "provenance.h"

static double *random_matrix(size_t n, unsigned seed) {
  double *a = lnb__alloc(n * sizeof *a);
  lnb_rng r;
  lnb__rng_init(&r, seed, "lnb_kernels");
  for (size_t i = 0; a && i < n; i++) a[i] = lnb__rng_normal(&r);
  return a;
}

/* ------------------------------------------------------------------ gemm */

/* args: m, n, k, ta, tb */
static void bm_gemm(lnb_bench_state *st, void *user) {
  (void)user;
  size_t m = (size_t)lnb_bench_range(st, 0), n = (size_t)lnb_bench_range(st, 1),
         k = (size_t)lnb_bench_range(st, 2);
  lnb_trans ta = lnb_bench_range(st, 3) ? LNB_TRANS : LNB_NO_TRANS;
  lnb_trans tb = lnb_bench_range(st, 4) ? LNB_TRANS : LNB_NO_TRANS;
  double *A = random_matrix(m * k, 1), *B = random_matrix(k * n, 2), *C = random_matrix(m * n, 3);
  if (!A || !B || !C) {
    lnb_bench_skip_with_error(st, "out of memory");
  } else {
    size_t lda = ta ? m : k, ldb = tb ? k : n;
    const lnb_host *h = lnb_host_get();
    while (lnb_bench_keep_running(st))
      h->gemm(ta, tb, m, n, k, 1.0, A, lda, B, ldb, 0.0, C, n);
    double f = 2.0 * (double)m * (double)n * (double)k;
    lnb_bench_counter(st, "flops_per_call", f, LNB_BENCH_PLAIN);
    lnb_bench_counter(st, "FLOPS", f, LNB_BENCH_ITER_RATE);
  }
  lnb__free(A);
  lnb__free(B);
  lnb__free(C);
}

/* ------------------------------------------------------------------ SVD */

/* args: m, n, vectors (1: jobz S, 0: N). Flops: with vectors 6 M r^2 + 20 r^3,
 * values only 4 M r^2 - 4 r^3 / 3 (M = max(m, n), r = min(m, n)). */
static void bm_svd(lnb_bench_state *st, void *user) {
  (void)user;
  lapack_int m = (lapack_int)lnb_bench_range(st, 0), n = (lapack_int)lnb_bench_range(st, 1);
  int vec = (int)lnb_bench_range(st, 2);
  lapack_int r = m < n ? m : n;
  char jobz = vec ? 'S' : 'N';
  double *X = random_matrix((size_t)m * (size_t)n, 4), *A = lnb__alloc((size_t)m * n * 8),
         *s = lnb__alloc((size_t)r * 8), *U = lnb__alloc((size_t)m * r * 8),
         *Vt = lnb__alloc((size_t)r * n * 8);
  lapack_int *iwork = lnb__alloc(8 * (size_t)r * sizeof *iwork);
  double q = 0.0;
  double *work = NULL;
  lapack_int lwork = 0;
  if (X && A && s && U && Vt && iwork &&
      LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, A, m, s, U, m, Vt, r, &q, -1, iwork) ==
          0) {
    lwork = (lapack_int)q + 1;
    work = lnb__alloc((size_t)lwork * sizeof *work);
  }
  if (!work) {
    lnb_bench_skip_with_error(st, "out of memory or workspace query failed");
  } else {
    while (lnb_bench_keep_running(st)) {
      lnb_bench_pause(st);
      memcpy(A, X, (size_t)m * n * sizeof *A);
      lnb_bench_resume(st);
      LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, A, m, s, U, m, Vt, r, work, lwork, iwork);
    }
    double M = (double)(m > n ? m : n), R = (double)r;
    double f = vec ? 6.0 * M * R * R + 20.0 * R * R * R : 4.0 * M * R * R - 4.0 * R * R * R / 3.0;
    lnb_bench_counter(st, "flops_per_call", f, LNB_BENCH_PLAIN);
    lnb_bench_counter(st, "FLOPS", f, LNB_BENCH_ITER_RATE);
  }
  void *bufs[] = {X, A, s, U, Vt, iwork, work};
  for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) lnb__free(bufs[i]);
}

/* ------------------------------------------------------------------- QR */

/* args: m, n (m >= n). dgeqrf 2mn^2 - 2n^3/3, dorgqr 2mn^2 - 2n^3/3. */
static void bm_qr(lnb_bench_state *st, void *user) {
  (void)user;
  lapack_int m = (lapack_int)lnb_bench_range(st, 0), n = (lapack_int)lnb_bench_range(st, 1);
  double *X = random_matrix((size_t)m * n, 5), *A = lnb__alloc((size_t)m * n * 8),
         *tau = lnb__alloc((size_t)n * 8);
  double q1 = 0.0, q2 = 0.0, *work = NULL;
  lapack_int lwork = 0;
  if (X && A && tau && LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, A, m, tau, &q1, -1) == 0 &&
      LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, n, n, A, m, tau, &q2, -1) == 0) {
    lwork = (lapack_int)(q1 > q2 ? q1 : q2) + 1;
    work = lnb__alloc((size_t)lwork * sizeof *work);
  }
  if (!work) {
    lnb_bench_skip_with_error(st, "out of memory or workspace query failed");
  } else {
    while (lnb_bench_keep_running(st)) {
      lnb_bench_pause(st);
      memcpy(A, X, (size_t)m * n * sizeof *A);
      lnb_bench_resume(st);
      LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, A, m, tau, work, lwork);
      LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, n, n, A, m, tau, work, lwork);
    }
    double M = m, N = n, f = 4.0 * M * N * N - 4.0 * N * N * N / 3.0;
    lnb_bench_counter(st, "flops_per_call", f, LNB_BENCH_PLAIN);
    lnb_bench_counter(st, "FLOPS", f, LNB_BENCH_ITER_RATE);
  }
  lnb__free(X);
  lnb__free(A);
  lnb__free(tau);
  lnb__free(work);
}

/* --------------------------------------------------- balanced factorization */

/* args: n, L. Definition 3 through polar (thin SVD 26 n^3 + R = U V^T 2 n^3),
 * real Schur of R (dgees with vectors, ~25 n^3), 2 gemms (4 n^3) and 2 gemms
 * per layer (4 L n^3). The input is I + 0.3 G / sqrt(n) (det > 0, no
 * eigenvalue -1 of its polar factor, as in H_gamma). */
static void bm_balanced_def3(lnb_bench_state *st, void *user) {
  (void)user;
  size_t n = (size_t)lnb_bench_range(st, 0), L = (size_t)lnb_bench_range(st, 1);
  const lnb_host *h = lnb_host_get();
  lnbp_mf_ws w;
  lnb_error err = {0};
  double *A = random_matrix(n * n, 6);
  double **layers = calloc(L, sizeof *layers);
  int ok = A && layers && lnbp_mf_ws_init(h, &w, n, &err) == LNB_OK;
  for (size_t j = 0; ok && j < L; j++) ok = (layers[j] = lnb__alloc(n * n * 8)) != NULL;
  if (ok) {
    for (size_t i = 0; i < n * n; i++) A[i] *= 0.3 / sqrt((double)n);
    for (size_t i = 0; i < n; i++) A[i * n + i] += 1.0;
  }
  if (!ok) {
    lnb_bench_skip_with_error(st, "out of memory");
  } else {
    int rc = LNB_OK;
    while (lnb_bench_keep_running(st)) {
      rc = lnbp_mf_balanced_factor(&w, A, L, layers, &err);
      if (rc != LNB_OK) {
        lnb_bench_skip_with_error(st, err.msg);
        break;
      }
    }
    double N3 = (double)n * (double)n * (double)n, f = (26.0 + 2.0 + 25.0 + 4.0 + 4.0 * (double)L) * N3;
    if (rc == LNB_OK) {
      lnb_bench_counter(st, "flops_per_call", f, LNB_BENCH_PLAIN);
      lnb_bench_counter(st, "FLOPS", f, LNB_BENCH_ITER_RATE);
    }
    lnbp_mf_ws_free(h, &w);
  }
  for (size_t j = 0; layers && j < L; j++) lnb__free(layers[j]);
  free(layers);
  lnb__free(A);
}

/* args: k, d, L, width. SVD-based balanced factorization of a k x d matrix
 * over L layers of the given hidden width; flops: the thin SVD (6 M r^2 +
 * 20 r^3), the rest is O(width (k + d)). */
static void bm_balanced_svd(lnb_bench_state *st, void *user) {
  (void)user;
  size_t k = (size_t)lnb_bench_range(st, 0), d = (size_t)lnb_bench_range(st, 1),
         L = (size_t)lnb_bench_range(st, 2), wdt = (size_t)lnb_bench_range(st, 3);
  const lnb_host *h = lnb_host_get();
  lnbp_balanced_ws ws;
  lnb_error err = {0};
  size_t *rows = calloc(L, sizeof *rows), *cols = calloc(L, sizeof *cols);
  double **layers = calloc(L, sizeof *layers);
  double *W = random_matrix(k * d, 7);
  int ok = rows && cols && layers && W && lnbp_balanced_ws_init(h, &ws, k, d, &err) == LNB_OK;
  for (size_t j = 0; ok && j < L; j++) {
    cols[j] = j == 0 ? d : wdt;
    rows[j] = j + 1 == L ? k : wdt;
    ok = (layers[j] = lnb__alloc(rows[j] * cols[j] * 8)) != NULL;
  }
  if (!ok) {
    lnb_bench_skip_with_error(st, "out of memory");
  } else {
    int rc = LNB_OK;
    while (lnb_bench_keep_running(st)) {
      rc = lnbp_balanced_factor(h, &ws, W, L, rows, cols, layers, LNB_EINVAL, &err);
      if (rc != LNB_OK) {
        lnb_bench_skip_with_error(st, err.msg);
        break;
      }
    }
    double M = (double)(k > d ? k : d), R = (double)(k < d ? k : d);
    double f = 6.0 * M * R * R + 20.0 * R * R * R;
    if (rc == LNB_OK) {
      lnb_bench_counter(st, "flops_per_call", f, LNB_BENCH_PLAIN);
      lnb_bench_counter(st, "FLOPS", f, LNB_BENCH_ITER_RATE);
    }
    lnbp_balanced_ws_free(h, &ws);
  }
  for (size_t j = 0; layers && j < L; j++) lnb__free(layers[j]);
  free(layers);
  free(rows);
  free(cols);
  lnb__free(W);
}

/* ------------------------------------------------------------------ main */

/* ---------------------------------------------------------- lstsq */

/* args: m, d, k. lnbp_lstsq_minnorm, the create-time solve of lsq and
 * lp_regression (p = 2): for m >= d + k the streaming QR of [X Y] (about
 * 4 (d+k)^2 m flops: each block of b = d + k rows is a (2n) x n QR,
 * 2n^2 (2n) - 2n^3/3 = (10/3) n^3 per n rows) plus one triangular solve
 * (d^2 k; the random X here is well conditioned, so the rank-revealing SVD
 * of the factor is skipped); otherwise the SVD of the m x d copy. Compare with dgesdd/m/d/vectors:1 at the same shape, the
 * whole-matrix SVD the solve used before. */
static void bm_lstsq(lnb_bench_state *st, void *user) {
  (void)user;
  size_t m = (size_t)lnb_bench_range(st, 0), d = (size_t)lnb_bench_range(st, 1);
  size_t k = (size_t)lnb_bench_range(st, 2);
  double *X = random_matrix(m * d, 7), *Y = random_matrix(m * k, 8);
  double *W = lnb__alloc(k * d * sizeof *W);
  const lnb_host *h = lnb_host_get();
  if (!X || !Y || !W) {
    lnb_bench_skip_with_error(st, "out of memory");
  } else {
    double rss = 0.0;
    size_t rank = 0;
    lnb_error err = {0};
    while (lnb_bench_keep_running(st))
      if (lnbp_lstsq_minnorm(h, X, Y, m, d, k, W, &rss, &rank, &err) != LNB_OK) {
        lnb_bench_skip_with_error(st, err.msg);
        break;
      }
    double n = (double)(d + k), D = (double)d, M = (double)m, q = (double)(m < d ? m : d);
    double f = m >= d + k ? (10.0 / 3.0) * n * n * M + D * D * (double)k
                          : 6.0 * (M > D ? M : D) * q * q + 20.0 * q * q * q;
    lnb_bench_counter(st, "flops_per_call", f, LNB_BENCH_PLAIN);
    lnb_bench_counter(st, "FLOPS", f, LNB_BENCH_ITER_RATE);
  }
  lnb__free(X);
  lnb__free(Y);
  lnb__free(W);
}

/* Register benchmark `name` with one argument set per row of shapes (nargs
 * columns), skipping row `skip` (-1: none); microseconds, wall clock. */
static void register_shapes(const char *name, lnb_bench_fn fn, const char *const *names,
                            size_t nargs, const int64_t *shapes, size_t nrows, long skip) {
  lnb_bench *b = lnb_bench_register(name, fn, NULL);
  lnb_bench_arg_names(b, names, nargs);
  for (size_t i = 0; i < nrows; i++)
    if ((long)i != skip) lnb_bench_args(b, shapes + i * nargs, nargs);
  lnb_bench_set_unit(b, LNB_BENCH_US);
  lnb_bench_use_real_time(b);
}

int main(int argc, char **argv) {
  int threads = 1;
  int n = 0;
  for (int i = 0; i < argc; i++) { /* take --threads=N out, keep the rest */
    if (i > 0 && strncmp(argv[i], "--threads=", 10) == 0) {
      threads = atoi(argv[i] + 10);
      if (threads < 1 || threads > 1024) {
        fprintf(stderr, "lnb_kernels: --threads=%s: expected an integer in [1, 1024]\n",
                argv[i] + 10);
        return 2;
      }
      continue;
    }
    argv[n++] = argv[i];
  }
  argc = n;
  argv[argc] = NULL;
  lnb_blas_set_threads(threads);
  char text[64];
  snprintf(text, sizeof text, "%d", threads);
  lnb_bench_add_context("blis_threads", text);

  static const int64_t gemm_shapes[][5] = {
      /* m, n, k, ta, tb */
      {2565, 1, 128, 0, 1}, /* lsq / lp_regression forward X We^T, k = 1 (W1, W2) */
      {1, 128, 2565, 1, 0}, /* their gradient R^T X, k = 1 */
      {256, 256, 256, 0, 1}, /* forward X We^T, m = d = k = 256 (W3) */
      {256, 256, 256, 1, 0}, /* gradient R^T X (W3) */
      {256, 256, 256, 0, 0}, /* deep_linear end_to_end product (W3) */
      {1, 100, 100, 0, 0},  /* deep_linear k = 1 suffix product, width 100 (W2) */
      {100, 128, 1, 1, 0},  /* deep_linear k = 1 layer gradient S^T B (W2) */
      {1, 100, 128, 0, 1},  /* deep_linear k = 1 carried B W^T (W2) */
      {16, 512, 512, 0, 0}, /* k = 16, d = 512 products (W5) */
      {512, 512, 16, 1, 0}, /* their layer gradients (W5) */
      {256, 256, 256, 0, 0}, {512, 512, 512, 0, 0}, {1024, 1024, 1024, 0, 0}, /* peak */
  };
  static const char *const gemm_names[] = {"m", "n", "k", "ta", "tb"};
  /* 256^3 NN is listed twice above (a framework call and a peak size): once */
  size_t ngemm = sizeof gemm_shapes / sizeof *gemm_shapes;
  register_shapes("gemm", bm_gemm, gemm_names, 5, &gemm_shapes[0][0], ngemm, 10);

  static const char *const svd_names[] = {"m", "n", "vectors"};
  static const int64_t svd_shapes[][3] = {{16, 512, 1},  {128, 128, 1},  {256, 256, 1},
                                          {256, 256, 0}, {2565, 128, 0}, {2565, 128, 1},
                                          {1024, 512, 1}};
  register_shapes("dgesdd", bm_svd, svd_names, 3, &svd_shapes[0][0],
                  sizeof svd_shapes / sizeof *svd_shapes, -1);

  static const char *const qr_names[] = {"m", "n"};
  static const int64_t qr_shapes[][2] = {{64, 64}, {256, 256}, {512, 16}};
  register_shapes("qr", bm_qr, qr_names, 2, &qr_shapes[0][0],
                  sizeof qr_shapes / sizeof *qr_shapes, -1);

  static const char *const ls_names[] = {"m", "d", "k"};
  static const int64_t ls_shapes[][3] = {{2565, 128, 1}, {1024, 512, 16}, {256, 256, 256}};
  register_shapes("lstsq", bm_lstsq, ls_names, 3, &ls_shapes[0][0],
                  sizeof ls_shapes / sizeof *ls_shapes, -1);

  static const char *const d3_names[] = {"n", "L"};
  static const int64_t d3_shapes[][2] = {{16, 3}, {64, 3}, {256, 4}};
  register_shapes("balanced_def3", bm_balanced_def3, d3_names, 2, &d3_shapes[0][0],
                  sizeof d3_shapes / sizeof *d3_shapes, -1);

  static const char *const bs_names[] = {"k", "d", "L", "width"};
  static const int64_t bs_shapes[][4] = {{1, 128, 3, 1}, {16, 512, 3, 16}, {256, 256, 4, 256}};
  register_shapes("balanced_svd", bm_balanced_svd, bs_names, 4, &bs_shapes[0][0],
                  sizeof bs_shapes / sizeof *bs_shapes, -1);

  long rc = lnb_bench_main(&argc, argv, NULL, NULL);
  return rc < 0 ? 2 : 0;
}
