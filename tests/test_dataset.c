/* test_dataset.c — the `dataset` problem (ABI 1.4 sample-level ops) and the
 * host's IDX reader: gradients against finite differences for every loss,
 * eval_rows against eval and against an independent per-sample computation,
 * softmax/logistic with huge logits, the IDX error catalogue, bad data sets
 * refused by `lnnbench run` (exit 2, the file named), and a smoke run on the
 * real Fashion-MNIST (Debian dataset-fashion-mnist). */
#include "test_plugin_util.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "test_shell_util.h"

#define FMNIST_TRAIN "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"

static char tmp[256];

static void path_in(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", tmp, name); }

static void write_bytes(const char *name, const unsigned char *b, size_t n, int gz) {
  char path[512];
  path_in(path, sizeof path, name);
  if (gz) {
    gzFile f = gzopen(path, "wb");
    assert_non_null(f);
    if (n) assert_int_equal(gzwrite(f, b, (unsigned)n), (int)n);
    gzclose(f);
  } else {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n) assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
  }
}

/* an IDX file of unsigned bytes: header then data (data may be NULL: i % 251) */
static size_t idx_bytes(unsigned char *out, const size_t *dims, size_t nd, const unsigned char *data) {
  size_t n = 4, total = 1;
  out[0] = out[1] = 0;
  out[2] = 0x08;
  out[3] = (unsigned char)nd;
  for (size_t i = 0; i < nd; i++) {
    out[n++] = (unsigned char)(dims[i] >> 24);
    out[n++] = (unsigned char)(dims[i] >> 16);
    out[n++] = (unsigned char)(dims[i] >> 8);
    out[n++] = (unsigned char)dims[i];
    total *= dims[i];
  }
  for (size_t i = 0; i < total; i++) out[n++] = data ? data[i] : (unsigned char)(i % 251);
  return n;
}

/* A small Fashion-MNIST-shaped directory: m training, mt test images of 3 x 4
 * pixels, labels 0..9 cycling (label_bad: one training label 10). */
static void write_fmnist(const char *dir, size_t m, size_t mt, size_t mlab, int label_bad) {
  char sub[600];
  snprintf(sub, sizeof sub, "%s/%s", tmp, dir);
  mkdir(sub, 0700);
  static unsigned char buf[1 << 16];
  unsigned char lab[512];
  const char *names[4] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                          "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
  for (int f = 0; f < 4; f++) {
    size_t cnt = f < 2 ? m : mt, n;
    if (f == 1) cnt = mlab;
    if (f % 2 == 0) {
      size_t dims[3] = {cnt, 3, 4};
      n = idx_bytes(buf, dims, 3, NULL);
    } else {
      for (size_t i = 0; i < cnt; i++) lab[i] = (unsigned char)((i * 7) % 10);
      if (label_bad && f == 1) lab[cnt - 1] = 10;
      size_t dims[1] = {cnt};
      n = idx_bytes(buf, dims, 1, lab);
    }
    char name[700];
    snprintf(name, sizeof name, "%s/%s", dir, names[f]);
    write_bytes(name, buf, n, 1);
  }
}

/* CSV: m rows of d features (deterministic pseudo-random) and a last column:
 * kind 0 real targets, 1 classes 0..2, 2 labels 0/1 */
static void write_csv(const char *name, size_t m, size_t d, int kind) {
  char path[512];
  path_in(path, sizeof path, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  lnb_rng r;
  lnb__rng_init(&r, 5, "test-data");
  for (size_t i = 0; i < m; i++) {
    double s = 0.0;
    for (size_t j = 0; j < d; j++) {
      double x = lnb__rng_normal(&r);
      s += x * (double)(j + 1) / (double)d;
      fprintf(f, "%.17g,", x);
    }
    if (kind == 0) fprintf(f, "%.17g\n", s + 0.3 * lnb__rng_normal(&r));
    else if (kind == 1) fprintf(f, "%d\n", (int)(i % 3));
    else fprintf(f, "%d\n", s + 0.5 * lnb__rng_normal(&r) > 0);
  }
  fclose(f);
}

static int setup(void **state) {
  if (tp_setup(state)) return -1;
  if (sh_make_tmpdir(tmp, sizeof tmp, "dataset")) return -1;
  return 0;
}

static int teardown(void **state) {
  tp_teardown(state);
  return sh_remove_dir(tmp);
}

static lnb_params *ds_params(const char *name) {
  lnb_params *p = tp_params(tp_plugin(LNB_PROBLEM, "dataset"));
  tp_set(p, "name", name);
  return p;
}

static lnb_params *csv_params(const char *file, const char *loss) {
  lnb_params *p = ds_params("csv");
  char path[512];
  path_in(path, sizeof path, file);
  tp_set(p, "path", path);
  tp_set(p, "loss", loss);
  return p;
}

/* ------------------------------------------------- gradients and batches */

typedef struct loss_case {
  const char *file, *loss, *targets;
  int kind;
} loss_case;

static const loss_case losses[] = {
    {"reg.csv", "squared", NULL, 0},  {"reg.csv", "lp", NULL, 0},
    {"cls.csv", "softmax", NULL, 1},  {"bin.csv", "logistic", NULL, 2},
    {"cls.csv", "squared", "onehot", 1}, {"cls.csv", "lp", "onehot", 1},
};
#define NLOSS (sizeof losses / sizeof *losses)

static void write_losses_data(void) {
  write_csv("reg.csv", 40, 5, 0);
  write_csv("cls.csv", 40, 5, 1);
  write_csv("bin.csv", 40, 5, 2);
}

static tp_problem loss_problem(const loss_case *c, lnb_params **pp, const char *eval) {
  lnb_params *p = csv_params(c->file, c->loss);
  if (c->targets) tp_set(p, "targets", c->targets);
  if (eval) tp_set(p, "eval", eval);
  *pp = p;
  return tp_problem_create(p, 0);
}

/* central differences, step 1e-6: relative error of the gradient below
 * 1e-6 (the truncation error is O(h^2) times third derivatives of size ~1,
 * rounding ~1e-16/1e-6) */
static void test_fd_gradients(void **state) {
  (void)state;
  write_losses_data();
  lnb_rng r;
  lnb__rng_init(&r, 1, "test-w");
  for (size_t c = 0; c < NLOSS; c++) {
    lnb_params *p;
    tp_problem P = loss_problem(&losses[c], &p, NULL);
    double W[64];
    tp_random(&r, W, P.k * P.d, 0.5);
    double rel = tp_problem_fd_rel(&P, W, 1e-6);
    print_message("  %s%s%s (k = %zu): fd rel err %.3g (tol 1e-6)\n", losses[c].loss,
                  losses[c].targets ? " " : "", losses[c].targets ? losses[c].targets : "", P.k,
                  rel);
    assert_true(rel < 1e-6);
    tp_problem_destroy(&P);
    lnb__params_free(p);
  }
}

static double rel_diff(const double *a, const double *b, size_t n) {
  return tp_diff_norm(a, b, n) / fmax(tp_norm(b, n), 1e-300);
}

/* eval_rows over all rows, in order and permuted, equals eval (1e-12) */
static void test_eval_rows_all(void **state) {
  (void)state;
  write_losses_data();
  lnb_rng r;
  lnb__rng_init(&r, 2, "test-w");
  for (size_t c = 0; c < NLOSS + 1; c++) {
    lnb_params *p;
    /* the last case: squared through the normal equations for eval */
    tp_problem P = loss_problem(&losses[c < NLOSS ? c : 0], &p, c < NLOSS ? "residual" : "gram");
    size_t m = P.ops->nsamples(P.self), n = P.k * P.d;
    assert_int_equal(m, 40);
    lnb_error err = {0};
    assert_int_equal(P.ops->batch_prepare(P.self, m, &err), LNB_OK);
    double W[64], g[64], gr[64];
    tp_random(&r, W, n, 0.5);
    size_t rows[40];
    for (size_t i = 0; i < m; i++) rows[i] = i;
    double l = P.ops->eval(P.self, W, g);
    double lr = P.ops->eval_rows(P.self, W, rows, m, gr);
    double e1 = fabs(lr - l) / l, e2 = rel_diff(gr, g, n);
    for (size_t i = m; i-- > 1;) { /* a permutation: the gather path */
      size_t j = lnb__rng_u64(&r) % (i + 1), t = rows[i];
      rows[i] = rows[j];
      rows[j] = t;
    }
    double lp = P.ops->eval_rows(P.self, W, rows, m, gr);
    double e3 = fabs(lp - l) / l, e4 = rel_diff(gr, g, n);
    print_message("  %s%s: in order %.2g / %.2g, permuted %.2g / %.2g (loss / grad, tol 1e-12)\n",
                  losses[c < NLOSS ? c : 0].loss, c < NLOSS ? "" : " (gram eval)", e1, e2, e3, e4);
    assert_true(e1 < 1e-12 && e2 < 1e-12 && e3 < 1e-12 && e4 < 1e-12);
    tp_problem_destroy(&P);
    lnb__params_free(p);
  }
}

/* per-sample loss and gradient (k x d, added with weight wt) computed
 * naively from the CSV's rows — independent of the plugin's gemm path */
static double naive_sample(const loss_case *c, const double *x, double y, const double *W,
                           size_t k, size_t d, int p, double *g, double wt) {
  double z[8] = {0}, dz[8] = {0}, l = 0.0;
  for (size_t a = 0; a < k; a++) {
    z[a] = 0.0;
    for (size_t j = 0; j < d; j++) z[a] += W[a * d + j] * x[j];
  }
  if (strcmp(c->loss, "softmax") == 0) {
    double se = 0.0;
    for (size_t a = 0; a < k; a++) se += exp(z[a]);
    l = log(se) - z[(int)y];
    for (size_t a = 0; a < k; a++) dz[a] = exp(z[a]) / se - (a == (size_t)y);
  } else if (strcmp(c->loss, "logistic") == 0) {
    double s = y > 0 ? 1.0 : -1.0;
    l = log(1.0 + exp(-s * z[0]));
    dz[0] = -s / (1.0 + exp(s * z[0]));
  } else {
    for (size_t a = 0; a < k; a++) {
      double t = c->targets ? (a == (size_t)y) : y, rr = z[a] - t;
      l += pow(rr, p) / p;
      dz[a] = pow(rr, p - 1);
    }
  }
  for (size_t a = 0; a < k; a++)
    for (size_t j = 0; j < d; j++) g[a * d + j] += wt * dz[a] * x[j];
  return l;
}

/* eval_rows on a subset with repeats = (m/n) sum_j (1/m) l_{rows[j]} and its
 * gradient, computed independently (1e-12 relative) */
static void test_eval_rows_subset(void **state) {
  (void)state;
  write_losses_data();
  lnb_rng r;
  lnb__rng_init(&r, 3, "test-w");
  const size_t rows[6] = {3, 17, 17, 0, 39, 22};
  const size_t n = 6;
  for (size_t c = 0; c < NLOSS; c++) {
    lnb_params *p;
    tp_problem P = loss_problem(&losses[c], &p, NULL);
    double *T = NULL;
    size_t tr, tc;
    char path[512];
    path_in(path, sizeof path, losses[c].file);
    lnb_error err = {0};
    assert_int_equal(lnb__read_csv(path, &T, &tr, &tc, &err), LNB_OK);
    size_t d = tc - 1, k = P.k, m = tr;
    assert_int_equal(P.d, d);
    assert_int_equal(P.ops->batch_prepare(P.self, n, &err), LNB_OK);
    double W[64], g[64], gref[64] = {0};
    tp_random(&r, W, k * d, 0.5);
    double lref = 0.0;
    int pexp = strcmp(losses[c].loss, "lp") == 0 ? 4 : 2;
    for (size_t j = 0; j < n; j++) {
      const double *row = T + rows[j] * tc;
      /* (m / n) * (1/m) l_i */
      double w = ((double)m / (double)n) * (1.0 / (double)m);
      lref += w * naive_sample(&losses[c], row, row[d], W, k, d, pexp, gref, w);
    }
    double l = P.ops->eval_rows(P.self, W, rows, n, g);
    double e1 = fabs(l - lref) / lref, e2 = rel_diff(g, gref, k * d);
    print_message("  %s%s: batch of %zu with a repeat: loss %.2g, grad %.2g (tol 1e-12)\n",
                  losses[c].loss, losses[c].targets ? " onehot" : "", n, e1, e2);
    assert_true(e1 < 1e-12 && e2 < 1e-12);
    lnb__free(T);
    tp_problem_destroy(&P);
    lnb__params_free(p);
  }
}

/* logits of size 1e8: finite loss and gradient (log-sum-exp, stable softplus) */
static void test_huge_logits(void **state) {
  (void)state;
  write_losses_data();
  for (size_t c = 2; c < 4; c++) {
    lnb_params *p;
    tp_problem P = loss_problem(&losses[c], &p, NULL);
    double W[64], g[64];
    for (size_t i = 0; i < P.k * P.d; i++) W[i] = (i % 3 == 0 ? 1e8 : -3e7) * (i % 2 ? 1 : -1);
    double l = P.ops->eval(P.self, W, g), acc = 0.0;
    double lt = P.ops->eval_split(P.self, LNB_SPLIT_TRAIN, W, &acc);
    print_message("  %s at huge logits: loss %.6g\n", losses[c].loss, l);
    assert_true(isfinite(l) && l > 1e6);
    assert_true(lt == l || fabs(lt - l) <= 1e-12 * l);
    for (size_t i = 0; i < P.k * P.d; i++) assert_true(isfinite(g[i]));
    assert_true(acc >= 0.0 && acc <= 1.0);
    tp_problem_destroy(&P);
    lnb__params_free(p);
  }
}

/* --------------------------------------------------------------- the IDX reader */

static int idx_case(const char *name, const char *expect) {
  char path[512];
  path_in(path, sizeof path, name);
  unsigned char *data = (unsigned char *)1;
  size_t dims[LNB_IDX_MAX_DIMS], nd = 9;
  lnb_error err = {0};
  int rc = lnb_host_get()->read_idx(path, &data, dims, &nd, &err);
  if (rc == LNB_OK) {
    print_error("%s: accepted, expected '%s'\n", name, expect);
    lnb__free(data);
    return 1;
  }
  print_message("  %-14s %s\n", name, err.msg);
  if (!strstr(err.msg, path) || !strstr(err.msg, expect) || data != NULL) {
    print_error("%s: message '%s' lacks the path or '%s'\n", name, err.msg, expect);
    return 1;
  }
  return 0;
}

static void test_idx_reader(void **state) {
  (void)state;
  static unsigned char b[4096], c[4096];
  const size_t dims[3] = {5, 3, 2};
  size_t n = idx_bytes(b, dims, 3, NULL);
  write_bytes("good.idx", b, n, 0);
  write_bytes("good.idx.gz", b, n, 1);
  const lnb_host *h = lnb_host_get();
  for (int z = 0; z < 2; z++) {
    char path[512];
    path_in(path, sizeof path, z ? "good.idx.gz" : "good.idx");
    unsigned char *data = NULL;
    size_t got[LNB_IDX_MAX_DIMS], nd = 0;
    lnb_error err = {0};
    assert_int_equal(h->read_idx(path, &data, got, &nd, &err), LNB_OK);
    assert_int_equal(nd, 3);
    assert_int_equal(got[0], 5);
    assert_int_equal(got[1], 3);
    assert_int_equal(got[2], 2);
    assert_memory_equal(data, b + 16, 30);
    h->free(data);
  }
  int bad = 0;
  memcpy(c, b, n);
  c[1] = 0x01;
  write_bytes("magic.idx", c, n, 0);
  bad += idx_case("magic.idx", "not an IDX file");
  memcpy(c, b, n);
  c[2] = 0x0D;
  write_bytes("type.idx", c, n, 0);
  bad += idx_case("type.idx", "type code 0x0d (32-bit float)");
  memcpy(c, b, n);
  c[3] = 0;
  write_bytes("ndims0.idx", c, n, 0);
  bad += idx_case("ndims0.idx", "0 dimensions (must be 1 to 4)");
  memcpy(c, b, n);
  c[3] = 5;
  write_bytes("ndims5.idx", c, n, 0);
  bad += idx_case("ndims5.idx", "5 dimensions");
  memcpy(c, b, n);
  c[11] = 0; /* dims[1] = 0 */
  write_bytes("dim0.idx", c, n, 0);
  bad += idx_case("dim0.idx", "dimension 2 has size 0");
  memcpy(c, b, n);
  c[4] = c[5] = c[6] = c[7] = 0x7f; /* 2^31 x 3 x 2 bytes */
  write_bytes("huge.idx", c, n, 0);
  bad += idx_case("huge.idx", "1 GiB limit");
  /* a tiny file claiming almost 1 GiB: refused as truncated without the
   * gigabyte ever being allocated (peak RSS grows by far less) */
  memcpy(c, b, n);
  c[3] = 1;
  c[4] = 0x3f; c[5] = c[6] = c[7] = 0xff;
  write_bytes("claim.idx", c, 40, 0);
  write_bytes("claim.idx.gz", c, 40, 1);
  struct rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  bad += idx_case("claim.idx", "truncated IDX data (32 of 1073741823 bytes)");
  bad += idx_case("claim.idx.gz", "truncated IDX data (32 of 1073741823 bytes)");
  getrusage(RUSAGE_SELF, &ru1);
  print_message("  peak RSS grew by %ld KiB reading them (limit 64 MiB)\n",
                ru1.ru_maxrss - ru0.ru_maxrss);
  assert_true(ru1.ru_maxrss - ru0.ru_maxrss < 64 * 1024);
  write_bytes("short.idx", b, n - 1, 0);
  bad += idx_case("short.idx", "truncated IDX data (29 of 30 bytes)");
  write_bytes("short.idx.gz", b, n - 1, 1);
  bad += idx_case("short.idx.gz", "truncated IDX data");
  write_bytes("header.idx", b, 9, 0);
  bad += idx_case("header.idx", "truncated IDX header");
  memcpy(c, b, n);
  c[n] = 7;
  write_bytes("trail.idx", c, n + 1, 0);
  bad += idx_case("trail.idx", "trailing bytes after the 30 bytes");
  write_bytes("trail.idx.gz", c, n + 1, 1);
  bad += idx_case("trail.idx.gz", "trailing bytes after the 30 bytes");
  write_bytes("empty.idx", b, 0, 0);
  bad += idx_case("empty.idx", "truncated IDX header");
  /* compressed-stream damage: read the good .gz back and break it */
  char gp[512];
  path_in(gp, sizeof gp, "good.idx.gz");
  FILE *f = fopen(gp, "rb");
  assert_non_null(f);
  size_t gn = fread(c, 1, sizeof c, f);
  fclose(f);
  assert_true(gn > 20);
  write_bytes("cut.gz", c, gn - 6, 0); /* the trailer cut */
  bad += idx_case("cut.gz", "truncated gzip data");
  write_bytes("cut2.gz", c, 14, 0); /* cut inside the deflate data */
  bad += idx_case("cut2.gz", "truncated gzip data");
  c[gn - 5] ^= 0xff; /* the stored length (ISIZE) or CRC no longer matches */
  write_bytes("crc.gz", c, gn, 0);
  bad += idx_case("crc.gz", "corrupt gzip data");
  c[gn - 5] ^= 0xff;
  c[10] = 0xff; /* an invalid deflate block type right after the header */
  c[11] = 0xff;
  write_bytes("corrupt.gz", c, gn, 0);
  bad += idx_case("corrupt.gz", "corrupt gzip data");
  /* a valid stream then garbage */
  f = fopen(gp, "rb");
  gn = fread(c, 1, sizeof c, f);
  fclose(f);
  memcpy(c + gn, "junk", 4);
  write_bytes("junk.gz", c, gn + 4, 0);
  bad += idx_case("junk.gz", "trailing bytes after the gzip stream");
  char fifo[512];
  path_in(fifo, sizeof fifo, "fifo.idx");
  assert_int_equal(mkfifo(fifo, 0600), 0);
  bad += idx_case("fifo.idx", "is a FIFO (expected a regular file)");
  bad += idx_case("missing.idx", "cannot open data file");
  assert_int_equal(bad, 0);
}

/* ----------------------------------------------------- the data sets */

/* Fashion-MNIST-shaped files: sizes, pixel scale, own test split, subset,
 * accuracy at W = 0 (every output 0: class 0 wins the tie) */
static void test_fmnist_small(void **state) {
  (void)state;
  write_fmnist("fm", 30, 10, 30, 0);
  lnb_params *p = ds_params("fashion_mnist");
  char dir[512];
  path_in(dir, sizeof dir, "fm");
  tp_set(p, "path", dir);
  tp_set(p, "subset", "20");
  tp_problem P = tp_problem_create(p, 0);
  assert_int_equal(P.k, 10);
  assert_int_equal(P.d, 12);
  assert_int_equal(P.ops->nsamples(P.self), 20);
  double W[120] = {0}, acc = -1;
  double lt = P.ops->eval_split(P.self, LNB_SPLIT_TEST, W, &acc);
  assert_true(fabs(lt - log(10.0)) < 1e-14);
  /* test labels (i * 7) % 10 for i < 10: one of them is 0 */
  assert_true(fabs(acc - 0.1) < 1e-15);
  double atr = -1;
  P.ops->eval_split(P.self, LNB_SPLIT_TRAIN, W, &atr);
  assert_true(fabs(atr - 2.0 / 20.0) < 1e-15); /* i = 0, 10 */
  double lstar;
  assert_int_equal(P.ops->optimum(P.self, &lstar), 0);
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

/* subset_random: N training samples by a seeded choice — repeatable for a
 * seed, another for another seed, other than the first N, and the test split
 * untouched (its accuracy at W = 0 stays 0.1) */
static double fm_subset_loss(const char *seed, const char *random, double *test_acc) {
  lnb_params *p = ds_params("fashion_mnist");
  char dir[512];
  path_in(dir, sizeof dir, "fm");
  tp_set(p, "path", dir);
  tp_set(p, "subset", "12");
  tp_set(p, "subset_random", random);
  tp_set(p, "seed", seed);
  tp_problem P = tp_problem_create(p, 0);
  assert_int_equal(P.ops->nsamples(P.self), 12);
  double W[120];
  for (int i = 0; i < 120; i++) W[i] = 0.01 * (double)((i * 37) % 11) - 0.05;
  double l = P.ops->eval(P.self, W, NULL), zero[120] = {0};
  P.ops->eval_split(P.self, LNB_SPLIT_TEST, zero, test_acc);
  tp_problem_destroy(&P);
  lnb__params_free(p);
  return l;
}

static void test_subset_random(void **state) {
  (void)state;
  write_fmnist("fm", 30, 10, 30, 0);
  double a1, a2, a3, a4;
  double first = fm_subset_loss("0", "false", &a1);
  double r1 = fm_subset_loss("1", "true", &a2), r1again = fm_subset_loss("1", "true", &a3);
  double r2 = fm_subset_loss("2", "true", &a4);
  assert_true(r1 == r1again);
  assert_true(r1 != r2);
  assert_true(r1 != first && r2 != first);
  assert_true(fabs(a1 - 0.1) < 1e-15 && fabs(a2 - 0.1) < 1e-15 && fabs(a4 - 0.1) < 1e-15);
}

/* lp loss: l* and theta* by Newton's method (lnbp_lpfit.h). theta* is the
 * minimizer: the gradient there is below 1e-9 of the gradient at 0 (a
 * Newton result converged to rounding; a wrong Hessian or residual sign
 * leaves it at 1e-2 or worse), l(theta*) = l*, and no perturbation of
 * theta* by 1e-3 in 50 random directions lowers the loss. p = 4 and 6,
 * single output and one-hot targets. */
static void test_lp_optimum(void **state) {
  (void)state;
  write_losses_data();
  const char *files[] = {"reg.csv", "cls.csv"}, *targets[] = {NULL, "onehot"}, *ps[] = {"4", "6"};
  for (int f = 0; f < 2; f++)
    for (int q = 0; q < 2; q++) {
      lnb_params *p = csv_params(files[f], "lp");
      if (targets[f]) tp_set(p, "targets", targets[f]);
      tp_set(p, "p", ps[q]);
      tp_problem P = tp_problem_create(p, 0);
      size_t n = P.k * P.d;
      double lstar, g0[64], g[64], W[64], zero[64] = {0};
      assert_true(n <= 64);
      assert_int_equal(P.ops->optimum(P.self, &lstar), 1);
      const double *Ws = P.ops->reference(P.self);
      assert_non_null(Ws);
      P.ops->eval(P.self, zero, g0);
      double l = P.ops->eval(P.self, Ws, g);
      double gn = tp_norm(g, n), g0n = tp_norm(g0, n);
      print_message("  %s p=%s: l* = %.6g, |grad(theta*)| / |grad(0)| = %.2g\n", files[f],
                    ps[q], lstar, gn / g0n);
      assert_true(l == lstar);
      assert_true(lstar > 0.0 && gn < 1e-9 * g0n);
      uint64_t st = 7;
      for (int t = 0; t < 50; t++) {
        for (size_t i = 0; i < n; i++) {
          st = st * 6364136223846793005ULL + 1442695040888963407ULL;
          W[i] = Ws[i] + 1e-3 * ((double)(st >> 11) / 9007199254740992.0 - 0.5);
        }
        assert_true(P.ops->eval(P.self, W, NULL) >= lstar);
      }
      tp_problem_destroy(&P);
      lnb__params_free(p);
    }
}

/* diabetes (Debian python3-sklearn): 442 samples, 10 features, 20% test;
 * standardized training features have mean 0 and variance 1; l* of the
 * squared loss is attained at theta* */
static void test_diabetes(void **state) {
  (void)state;
  if (access("/usr/lib/python3/dist-packages/sklearn/datasets/data/diabetes_target.csv.gz",
             R_OK) != 0) {
    print_message("  SKIPPED: the Debian package python3-sklearn is not installed "
                  "(bash scripts/deps.sh installs it)\n");
    skip();
  }
  lnb_params *p = ds_params("diabetes");
  tp_set(p, "standardize", "true");
  tp_set(p, "bias", "true");
  tp_problem P = tp_problem_create(p, 0);
  assert_int_equal(P.k, 1);
  assert_int_equal(P.d, 11);
  assert_int_equal(P.ops->nsamples(P.self), 442 - 88);
  lnb_linsys ls;
  assert_int_equal(P.ops->linear_system(P.self, &ls), 1);
  for (size_t j = 0; j < 10; j++) {
    double mu = 0, v = 0;
    for (size_t i = 0; i < ls.m; i++) mu += ls.X[i * 11 + j];
    mu /= (double)ls.m;
    for (size_t i = 0; i < ls.m; i++) v += (ls.X[i * 11 + j] - mu) * (ls.X[i * 11 + j] - mu);
    assert_true(fabs(mu) < 1e-12 && fabs(v / (double)ls.m - 1.0) < 1e-12);
  }
  double lstar, acc = 0;
  assert_int_equal(P.ops->optimum(P.self, &lstar), 1);
  double l = P.ops->eval(P.self, P.ops->reference(P.self), NULL);
  print_message("  diabetes: l* = %.6g, l(theta*) - l* = %.3g\n", lstar, l - lstar);
  assert_true(fabs(l - lstar) < 1e-9 * lstar);
  double lt = P.ops->eval_split(P.self, LNB_SPLIT_TEST, P.ops->reference(P.self), &acc);
  assert_true(isfinite(lt) && lt > 0 && isnan(acc));
  double y0 = ls.Y[0];
  tp_problem_destroy(&P);
  /* standardize_targets: training targets of mean 0 and variance 1, the
   * features unchanged by it, l* scaled by 1/sd^2 (squared loss) */
  tp_set(p, "standardize_targets", "true");
  P = tp_problem_create(p, 0);
  lnb_linsys ls2;
  assert_int_equal(P.ops->linear_system(P.self, &ls2), 1);
  double mu = 0, v = 0, lstar2;
  for (size_t i = 0; i < ls2.m; i++) mu += ls2.Y[i];
  mu /= (double)ls2.m;
  for (size_t i = 0; i < ls2.m; i++) v += (ls2.Y[i] - mu) * (ls2.Y[i] - mu);
  v /= (double)ls2.m;
  assert_true(fabs(mu) < 1e-12 && fabs(v - 1.0) < 1e-12);
  assert_true(fabs(y0) > 10.0 && fabs(ls2.Y[0]) < 5.0);
  assert_int_equal(P.ops->optimum(P.self, &lstar2), 1);
  print_message("  diabetes standardized targets: l* = %.6g\n", lstar2);
  assert_true(lstar2 > 0.1 && lstar2 < 0.5); /* 1 - R^2 of a linear fit, halved */
  tp_problem_destroy(&P);
  lnb__params_free(p);
}

/* --------------------------------------- bad data refused by lnnbench run */

static int run_config(const char *problem, char **out) {
  char cfg[512], cmd[2048];
  path_in(cfg, sizeof cfg, "c.yaml");
  FILE *f = fopen(cfg, "w");
  assert_non_null(f);
  fprintf(f, "name: x\nproblem: %s\narchitectures: [{plugin: linear}]\n"
             "optimizers: [{plugin: gd, lr: 0.1}]\nstop: {max_iters: 5}\n", problem);
  fclose(f);
  snprintf(cmd, sizeof cmd, "cd %s && rm -rf out && %s run c.yaml --out out --quiet", tmp,
           LNB_TEST_BINARY);
  return sh(cmd, out);
}

static void test_bad_data_sets(void **state) {
  (void)state;
  static unsigned char b[4096];
  write_fmnist("lab10", 30, 10, 30, 1);
  write_fmnist("count", 30, 10, 29, 0);
  write_fmnist("trunc", 30, 10, 30, 0);
  write_fmnist("magic", 30, 10, 30, 0);
  /* trunc: the training images' gzip cut short; magic: labels with a bad magic */
  char p1[512];
  path_in(p1, sizeof p1, "trunc/train-images-idx3-ubyte.gz");
  FILE *f = fopen(p1, "rb");
  size_t n = fread(b, 1, sizeof b, f);
  fclose(f);
  write_bytes("trunc/train-images-idx3-ubyte.gz", b, n / 2, 0);
  size_t dl[1] = {30};
  n = idx_bytes(b, dl, 1, NULL);
  b[2] = 0x09;
  write_bytes("magic/train-labels-idx1-ubyte.gz", b, n, 1);
  write_csv("cls.csv", 40, 5, 1);
  const struct {
    const char *problem, *expect[2];
  } cases[] = {
      {"{plugin: dataset, name: fashion_mnist, path: lab10}",
       {"lab10/train-labels-idx1-ubyte.gz", "label 10 of sample 30 is not a class 0..9"}},
      {"{plugin: dataset, name: fashion_mnist, path: count}",
       {"count/train-images-idx3-ubyte.gz has 30 images", "has 29 labels"}},
      {"{plugin: dataset, name: fashion_mnist, path: trunc}",
       {"trunc/train-images-idx3-ubyte.gz", "truncated gzip data"}},
      {"{plugin: dataset, name: fashion_mnist, path: magic}",
       {"magic/train-labels-idx1-ubyte.gz", "type code 0x09"}},
      {"{plugin: dataset, name: fashion_mnist, path: nowhere}",
       {"nowhere/train-images-idx3-ubyte.gz", "cannot open data file"}},
      {"{plugin: dataset, name: fashion_mnist, path: count, subset: 31}",
       {"count/train-images-idx3-ubyte.gz", "has 29 labels"}},
      {"{plugin: dataset, name: fashion_mnist, path: fm, subset: 31}",
       {"/fm", "subset 31 is larger than the 30 training samples"}},
      {"{plugin: dataset, name: csv, path: cls.csv, loss: softmax, classes: 2}",
       {"cls.csv", "label 2 of sample 3 is not below classes = 2"}},
      {"{plugin: dataset, name: csv, path: cls.csv, loss: logistic}",
       {"cls.csv", "logistic needs two classes"}},
      {"{plugin: dataset, name: csv, path: cls.csv, loss: softmax, standardize_targets: true}",
       {"dataset", "standardize_targets: the targets are class labels (softmax)"}},
      {"{plugin: dataset, name: csv, path: cls.csv, test_fraction: 0.5, subset: 21}",
       {"cls.csv", "subset 21 is larger than the 20 training samples"}},
  };
  write_fmnist("fm", 30, 10, 30, 0);
  int bad = 0;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *out = NULL;
    int st = run_config(cases[i].problem, &out);
    char outdir[512];
    path_in(outdir, sizeof outdir, "out");
    int wrote = access(outdir, F_OK) == 0;
    print_message("  exit %d: %s", st, out);
    if (st != 2 || wrote || !strstr(out, "c.yaml:2:") || !strstr(out, cases[i].expect[0]) ||
        !strstr(out, cases[i].expect[1])) {
      print_error("case %zu (%s): exit %d%s, expected 2 and '%s', '%s'\n", i, cases[i].problem,
                  st, wrote ? ", output written" : "", cases[i].expect[0], cases[i].expect[1]);
      bad++;
    }
    free(out);
  }
  assert_int_equal(bad, 0);
}

/* the real Fashion-MNIST, 1000 training images, full-batch gd on linear */
static void test_fmnist_smoke(void **state) {
  (void)state;
  if (access(FMNIST_TRAIN, R_OK) != 0) {
    print_message("  SKIPPED: the Debian package dataset-fashion-mnist is not installed "
                  "(bash scripts/deps.sh installs it)\n");
    skip();
  }
  char *out = NULL;
  int st = run_config("{plugin: dataset, name: fashion_mnist, subset: 1000}", &out);
  print_message("%s", out);
  assert_int_equal(st, 0);
  free(out);
  char path[512];
  path_in(path, sizeof path, "out/summary.csv");
  char *csv = read_file(path);
  assert_non_null(csv);
  /* initial loss log 10 (W = 0), then lower */
  assert_non_null(strstr(csv, "2.302585092994"));
  assert_non_null(strstr(csv, ",max_iters,5,"));
  free(csv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fd_gradients),      cmocka_unit_test(test_eval_rows_all),
      cmocka_unit_test(test_eval_rows_subset), cmocka_unit_test(test_subset_random),  cmocka_unit_test(test_huge_logits),
      cmocka_unit_test(test_idx_reader),        cmocka_unit_test(test_fmnist_small),
      cmocka_unit_test(test_lp_optimum),
      cmocka_unit_test(test_diabetes),          cmocka_unit_test(test_bad_data_sets),
      cmocka_unit_test(test_fmnist_smoke),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
