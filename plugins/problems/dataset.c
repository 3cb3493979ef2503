/* dataset — real data sets as sample-level problems (ABI 1.4): Fashion-MNIST
 * (Debian dataset-fashion-mnist), scikit-learn's diabetes regression set
 * (Debian python3-sklearn, read from its files), or a CSV / LIBSVM file.
 *
 * The loss is a mean over the m training samples, l(W) = 1/m sum_i l_i(W),
 * with z_i = W x_i (k outputs):
 *   squared   l_i = 1/2 ||z_i - y_i||^2    (= lsq's 1/(2m) ||X W^T - Y||_F^2)
 *   lp        l_i = 1/p sum_a (z_ia - y_ia)^p, p even (= lp_regression's scale)
 *   softmax   l_i = log sum_a exp(z_ia) - z_{i,c_i}   (k = number of classes;
 *             log-sum-exp shifted by max_a z_ia: no overflow for huge logits)
 *   logistic  l_i = log(1 + exp(-y_i z_i)), k = 1, y_i = -1 or +1
 * Every evaluation is two gemms through the host (Z = X W^T, n x k, and
 * grad = (1/n) D^T X with D = dl/dZ) and O(n k) loops between them. The
 * squared loss over the whole training set uses, when cheaper, the normal
 * equations (lnbp_gram.h); its l* and theta* come from lnbp_lstsq.h, the
 * lp loss's from Newton's method on the SVD basis (lnbp_lpfit.h, as
 * lp_regression).
 *
 * Mini-batches: eval_rows gathers the chosen rows into buffers sized by
 * batch_prepare (a contiguous in-order run of rows is used in place) and
 * returns the same mean over the batch, (m/n) * sum_j (1/m) l_{rows[j]}.
 * eval_split gives the loss and accuracy of the training or the test split.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "lnbp_gram.h"
#include "lnbp_linalg.h"
#include "lnbp_lpfit.h"
#include "lnbp_lstsq.h"
#include "lnbp_path.h"
#include "lnnbench/plugin.h"

#define DS_FMNIST_DIR "/usr/share/datasets/fashion-mnist"
#define DS_FMNIST_PKG "dataset-fashion-mnist"
#define DS_DIABETES_DIR "/usr/lib/python3/dist-packages/sklearn/datasets/data"
#define DS_DIABETES_PKG "python3-sklearn"
#define DS_FMNIST_CLASSES 10
#define DS_TEXT_MAX ((size_t)16 << 20) /* a gzip text table (diabetes) */

static const lnb_param_spec ds_params[] = {
    {"name", LNB_T_ENUM, NULL,
     "the data set: fashion_mnist (Debian " DS_FMNIST_PKG ": 60000 training and 10000 test "
     "images of 28 x 28 pixels, 10 classes), diabetes (scikit-learn's 442 x 10 regression "
     "set, Debian " DS_DIABETES_PKG "), csv or libsvm (a file given by path)",
     NULL, "fashion_mnist|diabetes|csv|libsvm", LNB_P_REQUIRED},
    {"path", LNB_T_STRING, NULL,
     "csv, libsvm: the data file (CSV: the last column is the target or class label); "
     "fashion_mnist, diabetes: a directory holding the data set's files in place of the "
     "Debian package's; relative to the config file's directory",
     NULL, NULL, 0},
    {"loss", LNB_T_ENUM, "auto",
     "squared (1/(2m) sum ||W x_i - y_i||^2), lp (1/(p m) sum ||W x_i - y_i||_p^p), softmax "
     "(mean cross-entropy, k = classes), logistic (mean log(1 + exp(-y_i W x_i)), k = 1, two "
     "classes); auto = softmax for fashion_mnist, squared otherwise",
     NULL, "auto|squared|lp|softmax|logistic", 0},
    {"p", LNB_T_INT, "4", "lp: the exponent, an even integer", "[2, 64]", NULL, 0},
    {"targets", LNB_T_ENUM, "auto",
     "squared/lp on class labels: onehot (k = classes, y_i = e_{c_i}; accuracy by argmax) or "
     "labels (k = 1, y_i = the label value, a regression); auto = onehot for fashion_mnist, "
     "labels otherwise",
     NULL, "auto|onehot|labels", 0},
    {"classes", LNB_T_INT, "0",
     "csv, libsvm with softmax or onehot targets: the number of classes (labels 0 .. "
     "classes-1); 0 = the largest label + 1",
     "[0, 100000]", NULL, 0},
    {"test_fraction", LNB_T_REAL, NULL,
     "diabetes, csv, libsvm: the fraction of samples held out as the test split (a seeded "
     "random choice, stream 'dataset-split'); default 0.2 for diabetes, 0 for csv and "
     "libsvm; fashion_mnist has its own test split (t10k files)",
     "[0, 1)", NULL, 0},
    {"subset", LNB_T_INT, "0",
     "train on N training samples (after the test split): the first N, or N chosen at random "
     "(subset_random); 0 = all; N larger than the training set is refused",
     "[0, inf)", NULL, 0},
    {"subset_random", LNB_T_BOOL, "false",
     "subset: a seeded random choice of N training samples (stream 'dataset-subset' of "
     "`seed`; kept in file order) instead of the first N",
     NULL, NULL, 0},
    {"standardize", LNB_T_BOOL, "false",
     "center and scale every feature by the training split's mean and standard deviation "
     "(applied to the test split too; constant features are only centered). fashion_mnist "
     "pixels are scaled to [0, 1] first",
     NULL, NULL, 0},
    {"standardize_targets", LNB_T_BOOL, "false",
     "regression targets (squared or lp loss with targets: labels): center and scale them by "
     "the training split's mean and standard deviation (the test split too)",
     NULL, NULL, 0},
    {"bias", LNB_T_BOOL, "false", "append a constant feature 1 (an intercept column) to x",
     NULL, NULL, 0},
    {"seed", LNB_T_INT, "0",
     "seed of the test split (the same split for every run seed, so runs compare on the same "
     "data)",
     "[0, inf)", NULL, 0},
    {"eval", LNB_T_ENUM, "auto",
     "squared loss over the whole training set: residual (two gemms over the data) or gram "
     "(normal equations, X^T X formed once); auto = the one with fewer flops",
     NULL, "auto|residual|gram", 0},
    {0},
};

typedef enum ds_name { DS_FMNIST, DS_DIABETES, DS_CSV, DS_LIBSVM } ds_name;
typedef enum ds_loss { L_SQUARED, L_LP, L_SOFTMAX, L_LOGISTIC } ds_loss;

/* One split: X n x d, Y n x k targets (squared, lp, logistic's -1/+1), lab
 * n class labels (classification only, else NULL). */
typedef struct ds_split {
  size_t m;
  double *X, *Y;
  int *lab;
} ds_split;

typedef struct ds {
  const lnb_host *host;
  ds_loss loss;
  int p;
  size_t k, d;
  int classify; /* accuracy defined */
  ds_split tr, te;
  double *Z; /* max(m_tr, m_te) x k: logits or residuals */
  /* mini-batch gather buffers (batch_prepare) */
  size_t bmax;
  double *bX, *bY, *bZ;
  int *blab;
  /* squared loss: theta*, l*, optional normal-equations form */
  double *Wstar;
  double lstar;
  int gram;
  lnbp_gram g;
} ds;

/* The settings every entry point agrees on. */
typedef struct ds_cfg {
  ds_name name;
  ds_loss loss;
  int onehot;    /* squared/lp with one-hot targets */
  int classify;  /* the data are class labels */
  double test_fraction;
  size_t subset;
  int subset_random;
  char *path; /* resolved (host-allocated) or NULL */
} ds_cfg;

/* Data as read: m samples, X m x d, the labels or targets y (m), and the
 * separate test set of fashion_mnist (mt samples). */
typedef struct ds_raw {
  size_t m, d, mt;
  double *X, *y, *Xt, *yt;
} ds_raw;

/* ------------------------------------------------------------ settings */

static int ds_settings(const lnb_host *h, const lnb_params *p, ds_cfg *c, lnb_error *err) {
  memset(c, 0, sizeof *c);
  const char *nm = h->param_string(p, "name");
  if (!nm) return h->error(err, LNB_EINVAL, "name is required");
  c->name = strcmp(nm, "fashion_mnist") == 0 ? DS_FMNIST
            : strcmp(nm, "diabetes") == 0    ? DS_DIABETES
            : strcmp(nm, "csv") == 0         ? DS_CSV
                                             : DS_LIBSVM;
  const char *ls = h->param_string(p, "loss");
  if (strcmp(ls, "auto") == 0) ls = c->name == DS_FMNIST ? "softmax" : "squared";
  c->loss = strcmp(ls, "squared") == 0   ? L_SQUARED
            : strcmp(ls, "lp") == 0      ? L_LP
            : strcmp(ls, "softmax") == 0 ? L_SOFTMAX
                                         : L_LOGISTIC;
  if (c->loss == L_LP && h->param_int(p, "p") % 2 != 0)
    return h->error(err, LNB_EINVAL, "p = %lld: the lp loss needs an even exponent",
                    (long long)h->param_int(p, "p"));
  const char *tg = h->param_string(p, "targets");
  int regression_set = c->name == DS_DIABETES;
  if (strcmp(tg, "auto") == 0) tg = c->name == DS_FMNIST ? "onehot" : "labels";
  c->onehot = strcmp(tg, "onehot") == 0 && (c->loss == L_SQUARED || c->loss == L_LP);
  c->classify = c->loss == L_SOFTMAX || c->loss == L_LOGISTIC || c->onehot;
  if (regression_set && c->classify)
    return h->error(err, LNB_EINVAL, "diabetes is a regression set: use loss squared or lp "
                    "with targets labels (the default)");
  if (c->classify && h->param_bool(p, "standardize_targets"))
    return h->error(err, LNB_EINVAL, "standardize_targets: the targets are class labels "
                    "(%s); it applies to regression targets only", c->onehot ? "one-hot" : ls);
  if (c->loss == L_LOGISTIC && c->name == DS_FMNIST)
    return h->error(err, LNB_EINVAL, "fashion_mnist has %d classes: logistic needs two; use "
                    "loss: softmax", DS_FMNIST_CLASSES);
  if (c->name == DS_FMNIST && h->param_int(p, "classes") != 0 &&
      h->param_int(p, "classes") != DS_FMNIST_CLASSES)
    return h->error(err, LNB_EINVAL, "fashion_mnist has %d classes (classes: %lld)",
                    DS_FMNIST_CLASSES, (long long)h->param_int(p, "classes"));
  int has_path = h->param_is_set(p, "path");
  if ((c->name == DS_CSV || c->name == DS_LIBSVM) && !has_path)
    return h->error(err, LNB_EINVAL, "name %s needs path (the data file)", nm);
  if (h->param_is_set(p, "test_fraction")) {
    if (c->name == DS_FMNIST)
      return h->error(err, LNB_EINVAL, "fashion_mnist has its own test split (the t10k "
                      "files): remove test_fraction");
    c->test_fraction = h->param_real(p, "test_fraction");
  } else {
    c->test_fraction = c->name == DS_DIABETES ? 0.2 : 0.0;
  }
  c->subset = (size_t)h->param_int(p, "subset");
  c->subset_random = h->param_bool(p, "subset_random");
  if (has_path && !(c->path = lnbp_data_path(h, p, h->param_string(p, "path"))))
    return h->error(err, LNB_ENOMEM, "out of memory");
  return LNB_OK;
}

/* ---------------------------------------------------------------- files */

/* dir/file into a host-allocated string */
static char *ds_file(const lnb_host *h, const char *dir, const char *file) {
  size_t n = strlen(dir) + strlen(file) + 2;
  char *s = h->alloc(n);
  if (s) snprintf(s, n, "%s/%s", dir, file);
  return s;
}

/* a data set's file missing from its Debian package's place: name the package */
static int ds_missing(const lnb_host *h, const char *path, const char *pkg, int pkgdir,
                      lnb_error *err) {
  struct stat st;
  if (!pkgdir || stat(path, &st) == 0 || errno != ENOENT) return 0;
  return h->error(err, LNB_ENOENT, "%s: not found: install the Debian package '%s' "
                  "(apt-get install %s, or bash scripts/deps.sh)", path, pkg, pkg);
}

/* One Fashion-MNIST pair: images n x 28 x 28 (any rows x cols), labels n,
 * each label < 10. Pixels scaled to [0, 1] into X (n x d, allocated here). */
static int ds_fmnist_pair(const lnb_host *h, const char *dir, int pkgdir, const char *img,
                          const char *lab, double **X, double **y, size_t *m, size_t *d,
                          lnb_error *err) {
  char *pi = ds_file(h, dir, img), *pl = ds_file(h, dir, lab);
  unsigned char *bi = NULL, *bl = NULL;
  size_t di[LNB_IDX_MAX_DIMS], dl[LNB_IDX_MAX_DIMS], ni = 0, nl = 0;
  int rc = LNB_OK;
  if (!pi || !pl) {
    rc = h->error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  if (h->struct_size < offsetof(lnb_host, read_idx) + sizeof h->read_idx) {
    rc = h->error(err, LNB_ENOTSUP, "this lnnbench has no IDX reader (host ABI before 1.4)");
    goto out;
  }
  if ((rc = ds_missing(h, pi, DS_FMNIST_PKG, pkgdir, err)) != LNB_OK ||
      (rc = ds_missing(h, pl, DS_FMNIST_PKG, pkgdir, err)) != LNB_OK)
    goto out;
  if ((rc = h->read_idx(pi, &bi, di, &ni, err)) != LNB_OK) goto out;
  if ((rc = h->read_idx(pl, &bl, dl, &nl, err)) != LNB_OK) goto out;
  if (ni != 3) {
    rc = h->error(err, LNB_EDIM, "%s: an image file has 3 dimensions (count x rows x cols), "
                  "this one %zu", pi, ni);
    goto out;
  }
  if (nl != 1) {
    rc = h->error(err, LNB_EDIM, "%s: a label file has 1 dimension, this one %zu", pl, nl);
    goto out;
  }
  if (di[0] != dl[0]) {
    rc = h->error(err, LNB_EDIM, "%s has %zu images but %s has %zu labels", pi, di[0], pl,
                  dl[0]);
    goto out;
  }
  for (size_t i = 0; i < dl[0]; i++)
    if (bl[i] >= DS_FMNIST_CLASSES) {
      rc = h->error(err, LNB_EINVAL, "%s: label %u of sample %zu is not a class 0..%d", pl,
                    (unsigned)bl[i], i + 1, DS_FMNIST_CLASSES - 1);
      goto out;
    }
  *m = di[0];
  *d = di[1] * di[2];
  if (!(*y = h->alloc(*m * sizeof(double))) || (X && !(*X = h->alloc(*m * *d * sizeof(double))))) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for the %zu x %zu images of %s", *m, *d, pi);
    goto out;
  }
  for (size_t i = 0; i < *m; i++) (*y)[i] = bl[i];
  if (X)
    for (size_t i = 0; i < *m * *d; i++) (*X)[i] = bi[i] / 255.0;
out:
  if (bi) h->free(bi);
  if (bl) h->free(bl);
  if (pi) h->free(pi);
  if (pl) h->free(pl);
  return rc;
}

/* A whitespace-separated numeric table, plain or gzip (zlib reads both):
 * every row the same number of fields, every field a finite number. */
static int ds_read_table(const lnb_host *h, const char *path, double **out, size_t *rows,
                         size_t *cols, lnb_error *err) {
  *out = NULL;
  *rows = *cols = 0;
  struct stat st;
  if (stat(path, &st) != 0)
    return h->error(err, LNB_EIO, "%s: cannot open data file: %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode))
    return h->error(err, LNB_EINVAL, "%s: data file is not a regular file", path);
  /* read by zlib, not a host reader: name it for the run identity (1.5) */
  if (h->struct_size >= offsetof(lnb_host, note_data_file) + sizeof h->note_data_file)
    h->note_data_file(path);
  gzFile gz = gzopen(path, "rb");
  if (!gz) return h->error(err, LNB_EIO, "%s: cannot open data file", path);
  char *buf = h->alloc(DS_TEXT_MAX + 1);
  if (!buf) {
    gzclose(gz);
    return h->error(err, LNB_ENOMEM, "out of memory");
  }
  int n = gzread(gz, buf, (unsigned)DS_TEXT_MAX + 1);
  /* a truncated stream is no gzread error, only gzerror's (Z_BUF_ERROR) */
  int zerr = Z_OK;
  const char *zmsg = gzerror(gz, &zerr);
  int rc = LNB_OK;
  if (n < 0 || zerr != Z_OK) {
    rc = h->error(err, LNB_EINVAL, "%s: corrupt or truncated gzip data (%s)", path,
                  zmsg && zmsg[0] ? zmsg : "gzip error");
  } else if ((size_t)n > DS_TEXT_MAX) {
    rc = h->error(err, LNB_EINVAL, "%s: more than %zu bytes of text", path, DS_TEXT_MAX);
  }
  gzclose(gz);
  if (rc) {
    h->free(buf);
    return rc;
  }
  buf[n] = '\0';
  /* count rows and the first row's fields, then parse */
  size_t nr = 0, nc = 0, cap = 0, line = 0;
  double *v = NULL;
  for (char *s = buf, *e; *s && rc == LNB_OK; s = e) {
    e = strchr(s, '\n');
    if (e) *e++ = '\0'; else e = s + strlen(s);
    line++;
    size_t f = 0;
    char *save = NULL;
    for (char *t = strtok_r(s, " \t\r,", &save); t; t = strtok_r(NULL, " \t\r,", &save)) {
      char *end;
      double x = strtod(t, &end);
      if (*end || !isfinite(x)) {
        rc = h->error(err, LNB_EINVAL, "%s:%zu: field %zu '%s' is not a finite number", path,
                      line, f + 1, t);
        break;
      }
      if (nr * (nc ? nc : 1) + f >= cap) {
        size_t ncap = cap ? 2 * cap : 4096;
        double *nv = h->alloc(ncap * sizeof *nv);
        if (!nv) {
          rc = h->error(err, LNB_ENOMEM, "out of memory");
          break;
        }
        if (v) {
          lnbp_copy(nv, v, cap);
          h->free(v);
        }
        v = nv;
        cap = ncap;
      }
      v[nr * (nc ? nc : 1) + f] = x;
      f++;
      if (nc && f > nc) break;
    }
    if (rc || f == 0) continue;
    if (nc == 0) nc = f;
    if (f != nc) {
      rc = h->error(err, LNB_EINVAL, "%s:%zu: %zu fields, expected %zu", path, line, f, nc);
      break;
    }
    nr++;
  }
  h->free(buf);
  if (rc == LNB_OK && nr == 0) rc = h->error(err, LNB_EINVAL, "%s: no data rows", path);
  if (rc) {
    if (v) h->free(v);
    return rc;
  }
  *out = v;
  *rows = nr;
  *cols = nc;
  return LNB_OK;
}

static int ds_load_diabetes(const lnb_host *h, const ds_cfg *c, ds_raw *r, lnb_error *err) {
  const char *dir = c->path ? c->path : DS_DIABETES_DIR;
  char *px = ds_file(h, dir, "diabetes_data_raw.csv.gz");
  char *py = ds_file(h, dir, "diabetes_target.csv.gz");
  size_t yr = 0, yc = 0;
  int rc = LNB_OK;
  if (!px || !py) rc = h->error(err, LNB_ENOMEM, "out of memory");
  if (!rc) rc = ds_missing(h, px, DS_DIABETES_PKG, !c->path, err);
  if (!rc) rc = ds_missing(h, py, DS_DIABETES_PKG, !c->path, err);
  if (!rc) rc = ds_read_table(h, px, &r->X, &r->m, &r->d, err);
  if (!rc) rc = ds_read_table(h, py, &r->y, &yr, &yc, err);
  if (!rc && (yr != r->m || yc != 1))
    rc = h->error(err, LNB_EDIM, "%s has %zu samples but %s is %zu x %zu (expected %zu x 1)",
                  px, r->m, py, yr, yc, r->m);
  if (px) h->free(px);
  if (py) h->free(py);
  return rc;
}

static int ds_load_file(const lnb_host *h, const ds_cfg *c, ds_raw *r, lnb_error *err) {
  if (c->name == DS_LIBSVM) return h->read_libsvm(c->path, 0, &r->X, &r->y, &r->m, &r->d, err);
  double *T = NULL;
  size_t rows = 0, cols = 0;
  int rc = h->read_csv(c->path, &T, &rows, &cols, err);
  if (rc) return rc;
  if (cols < 2) {
    h->free(T);
    return h->error(err, LNB_EDIM, "%s: %zu column(s): need features and a last target "
                    "column", c->path, cols);
  }
  if (!(r->y = h->alloc(rows * sizeof(double)))) {
    h->free(T);
    return h->error(err, LNB_ENOMEM, "out of memory");
  }
  r->X = lnbp_split_columns(T, rows, cols, 1, r->y);
  r->m = rows;
  r->d = cols - 1;
  return LNB_OK;
}

static void ds_raw_free(const lnb_host *h, ds_raw *r) {
  double *b[] = {r->X, r->y, r->Xt, r->yt};
  for (size_t i = 0; i < 4; i++)
    if (b[i]) h->free(b[i]);
  memset(r, 0, sizeof *r);
}

/* Read the data set; with build 0 (validate) Fashion-MNIST is only checked,
 * not converted. */
static int ds_load(const lnb_host *h, const ds_cfg *c, int build, ds_raw *r, lnb_error *err) {
  memset(r, 0, sizeof *r);
  int rc;
  if (c->name == DS_FMNIST) {
    const char *dir = c->path ? c->path : DS_FMNIST_DIR;
    size_t dt = 0;
    rc = ds_fmnist_pair(h, dir, !c->path, "train-images-idx3-ubyte.gz",
                        "train-labels-idx1-ubyte.gz", build ? &r->X : NULL, &r->y, &r->m,
                        &r->d, err);
    if (!rc)
      rc = ds_fmnist_pair(h, dir, !c->path, "t10k-images-idx3-ubyte.gz",
                          "t10k-labels-idx1-ubyte.gz", build ? &r->Xt : NULL, &r->yt, &r->mt,
                          &dt, err);
    if (!rc && dt != r->d)
      rc = h->error(err, LNB_EDIM, "%s: training images have %zu pixels, test images %zu",
                    dir, r->d, dt);
  } else if (c->name == DS_DIABETES) {
    rc = ds_load_diabetes(h, c, r, err);
  } else {
    rc = ds_load_file(h, c, r, err);
  }
  if (rc) ds_raw_free(h, r);
  return rc;
}

/* Check the labels of a classification set; *classes = the class count
 * (given, or the largest label + 1). Logistic: labels 0/1 or -1/+1. */
static int ds_check_labels(const lnb_host *h, const ds_cfg *c, const lnb_params *p,
                           const ds_raw *r, size_t *classes, lnb_error *err) {
  const char *what = c->path ? c->path : c->name == DS_FMNIST ? DS_FMNIST_DIR : "data";
  if (c->loss == L_LOGISTIC) {
    for (size_t i = 0; i < r->m; i++)
      if (r->y[i] != 0.0 && r->y[i] != 1.0 && r->y[i] != -1.0)
        return h->error(err, LNB_EINVAL, "%s: label %g of sample %zu: logistic needs two "
                        "classes labelled 0/1 or -1/+1", what, r->y[i], i + 1);
    *classes = 2;
    return LNB_OK;
  }
  size_t given = (size_t)h->param_int(p, "classes"), mx = 0;
  if (c->name == DS_FMNIST) given = DS_FMNIST_CLASSES;
  for (size_t i = 0; i < r->m + r->mt; i++) {
    double y = i < r->m ? r->y[i] : r->yt[i - r->m];
    if (!(y >= 0.0 && y == floor(y) && y < 100000.0))
      return h->error(err, LNB_EINVAL, "%s: label %g of sample %zu is not a class number "
                      "0, 1, 2, ...", what, y, i + 1);
    if (given && y >= (double)given)
      return h->error(err, LNB_EINVAL, "%s: label %g of sample %zu is not below classes = %zu",
                      what, y, i + 1, given);
    if ((size_t)y > mx) mx = (size_t)y;
  }
  *classes = given ? given : mx + 1;
  if (*classes < 2)
    return h->error(err, LNB_EINVAL, "%s: every label is 0: a classification needs two "
                    "classes or more", what);
  return LNB_OK;
}

/* test/train sizes after the split and the subset */
static int ds_sizes(const lnb_host *h, const ds_cfg *c, const ds_raw *r, size_t *mtr,
                    size_t *mte, lnb_error *err) {
  const char *what = c->path ? c->path : c->name == DS_FMNIST ? DS_FMNIST_DIR : DS_DIABETES_DIR;
  size_t te = r->mt;
  if (c->name != DS_FMNIST) te = (size_t)llround(c->test_fraction * (double)r->m);
  if (c->name != DS_FMNIST && te >= r->m)
    return h->error(err, LNB_EINVAL, "%s: test_fraction %g of %zu samples leaves no training "
                    "sample", what, c->test_fraction, r->m);
  size_t tr = c->name == DS_FMNIST ? r->m : r->m - te;
  if (c->subset > tr)
    return h->error(err, LNB_EINVAL, "%s: subset %zu is larger than the %zu training samples",
                    what, c->subset, tr);
  *mtr = c->subset ? c->subset : tr;
  *mte = te;
  return LNB_OK;
}

/* ------------------------------------------------------------- validate */

static int ds_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  ds_cfg c;
  int rc = ds_settings(h, p, &c, err);
  ds_raw r;
  size_t classes = 0, mtr, mte;
  /* read it all now, so a bad file is reported before any run starts */
  if (!rc) rc = ds_load(h, &c, 0, &r, err);
  if (!rc) {
    if (c.classify) rc = ds_check_labels(h, &c, p, &r, &classes, err);
    if (!rc) rc = ds_sizes(h, &c, &r, &mtr, &mte, err);
    ds_raw_free(h, &r);
  }
  if (c.path) h->free(c.path);
  return rc;
}

/* --------------------------------------------------------------- create */

static void ds_split_free(const lnb_host *h, ds_split *s) {
  if (s->X) h->free(s->X);
  if (s->Y) h->free(s->Y);
  if (s->lab) h->free(s->lab);
  memset(s, 0, sizeof *s);
}

static void ds_destroy(void *self) {
  ds *P = self;
  if (!P) return;
  const lnb_host *h = P->host;
  ds_split_free(h, &P->tr);
  ds_split_free(h, &P->te);
  double *b[] = {P->Z, P->bX, P->bY, P->bZ, P->Wstar};
  for (size_t i = 0; i < sizeof b / sizeof *b; i++)
    if (b[i]) h->free(b[i]);
  if (P->blab) h->free(P->blab);
  lnbp_gram_free(h, &P->g);
  h->free(P);
}

static int ds_cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* Fill split s (n samples) from rows idx[0..n) of X (d0 columns) / y. When
 * the split is every row of X in order and adds no column, s takes X itself
 * from *adopt (which becomes NULL) instead of a copy: the whole of
 * Fashion-MNIST is then held once, not twice, while it is set up. */
static int ds_fill(ds *P, const ds_cfg *c, ds_split *s, const double *X, const double *y,
                   size_t d0, const size_t *idx, size_t n, int bias, double **adopt,
                   size_t rows, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t d = P->d, k = P->k;
  s->m = n;
  if (n == 0) return LNB_OK;
  int whole = adopt && *adopt == X && !bias && n == rows;
  for (size_t i = 0; whole && i < n; i++) whole = idx[i] == i;
  if (whole) {
    s->X = *adopt;
    *adopt = NULL;
  } else {
    s->X = h->alloc(n * d * sizeof(double));
  }
  s->Y = c->loss == L_SOFTMAX ? NULL : h->alloc(n * k * sizeof(double));
  s->lab = P->classify ? h->alloc(n * sizeof(int)) : NULL;
  if (!s->X || (c->loss != L_SOFTMAX && !s->Y) || (P->classify && !s->lab))
    return h->error(err, LNB_ENOMEM, "out of memory for %zu x %zu data", n, d);
  for (size_t i = 0; i < n; i++) {
    if (!whole) lnbp_copy(s->X + i * d, X + idx[i] * d0, d0);
    if (bias) s->X[i * d + d0] = 1.0;
    double v = y[idx[i]];
    if (c->loss == L_LOGISTIC) {
      s->Y[i] = v > 0.0 ? 1.0 : -1.0;
      s->lab[i] = v > 0.0;
    } else if (P->classify) {
      s->lab[i] = (int)v;
      if (c->onehot) s->Y[i * k + (size_t)v] = 1.0; /* zero-filled */
    } else {
      s->Y[i] = v;
    }
  }
  return LNB_OK;
}

/* center and scale the first n columns of A (m x ld, the training split) by
 * their mean and standard deviation, and B (mb x ld, the test split) by the
 * same numbers; a constant column is only centered */
static void ds_scale_cols(double *A, size_t m, double *B, size_t mb, size_t ld, size_t n) {
  for (size_t j = 0; j < n; j++) {
    double mu = 0.0, var = 0.0;
    for (size_t i = 0; i < m; i++) mu += A[i * ld + j];
    mu /= (double)m;
    for (size_t i = 0; i < m; i++) {
      double t = A[i * ld + j] - mu;
      var += t * t;
    }
    double sd = sqrt(var / (double)m);
    double s = sd > 0.0 ? 1.0 / sd : 1.0;
    for (size_t i = 0; i < m; i++) A[i * ld + j] = (A[i * ld + j] - mu) * s;
    for (size_t i = 0; i < mb; i++) B[i * ld + j] = (B[i * ld + j] - mu) * s;
  }
}

static double ds_eval(void *self, const double *We, double *grad);

static int ds_create(const lnb_host *h, const lnb_params *p, uint64_t seed, void **self,
                     lnb_error *err) {
  (void)seed; /* the data and their split do not vary with the run seed */
  *self = NULL;
  ds_cfg c;
  ds_raw r;
  memset(&r, 0, sizeof r);
  size_t classes = 0, mtr = 0, mte = 0, *perm = NULL, *sub = NULL;
  ds *P = NULL;
  int rc = ds_settings(h, p, &c, err);
  if (!rc) rc = ds_load(h, &c, 1, &r, err);
  if (!rc && c.classify) rc = ds_check_labels(h, &c, p, &r, &classes, err);
  if (!rc) rc = ds_sizes(h, &c, &r, &mtr, &mte, err);
  if (rc) goto out;
  if (!(P = h->alloc(sizeof *P))) {
    rc = h->error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  P->host = h;
  P->loss = c.loss;
  P->p = (int)h->param_int(p, "p");
  P->classify = c.classify;
  int bias = h->param_bool(p, "bias");
  P->d = r.d + (bias ? 1 : 0);
  P->k = c.loss == L_SOFTMAX || c.onehot ? classes : 1;
  /* the split: fashion_mnist's own, else a seeded random choice of the
   * test rows (the training rows keep their file order) */
  size_t mall = r.m + r.mt;
  if (!(perm = h->alloc((mall ? mall : 1) * sizeof *perm))) {
    rc = h->error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < mall; i++) perm[i] = i;
  const size_t *itr = perm, *ite = perm + r.m;
  if (c.name != DS_FMNIST && mte > 0) {
    lnb_rng rng;
    h->rng_init(&rng, (uint64_t)h->param_int(p, "seed"), "dataset-split");
    unsigned char *is_test = h->alloc(r.m);
    if (!is_test) {
      rc = h->error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    for (size_t i = r.m; i-- > 1;) { /* Fisher-Yates; the first mte are the test set */
      size_t j = (size_t)(h->rng_u64(&rng) % (i + 1)), t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    for (size_t i = 0; i < mte; i++) is_test[perm[i]] = 1;
    size_t a = 0, b = r.m - mte;
    for (size_t i = 0; i < r.m; i++) {
      if (is_test[i]) perm[b++] = i; else perm[a++] = i;
    }
    h->free(is_test);
    ite = perm + (r.m - mte);
  }
  const double *Xte = c.name == DS_FMNIST ? r.Xt : r.X, *yte = c.name == DS_FMNIST ? r.yt : r.y;
  if (c.name == DS_FMNIST) ite = perm; /* rows of the separate test set */
  if (c.subset && c.subset_random) { /* N of the training rows at random, in file order */
    size_t tr = c.name == DS_FMNIST ? r.m : r.m - mte;
    if (!(sub = h->alloc(tr * sizeof *sub))) {
      rc = h->error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    memcpy(sub, itr, tr * sizeof *sub);
    lnb_rng srng;
    h->rng_init(&srng, (uint64_t)h->param_int(p, "seed"), "dataset-subset");
    for (size_t i = 0; i < mtr; i++) { /* partial Fisher-Yates: sub[0..mtr) */
      size_t j = i + (size_t)(h->rng_u64(&srng) % (tr - i)), t = sub[i];
      sub[i] = sub[j];
      sub[j] = t;
    }
    qsort(sub, mtr, sizeof *sub, ds_cmp_size);
    itr = sub;
  }
  /* Fashion-MNIST's test images are their own array; another set's test
   * rows come from the training array, which the training split may own by
   * then (still alive, read only) */
  if ((rc = ds_fill(P, &c, &P->tr, r.X, r.y, r.d, itr, mtr, bias, &r.X, r.m, err)) != LNB_OK ||
      (rc = ds_fill(P, &c, &P->te, Xte, yte, r.d, ite, mte, bias,
                    c.name == DS_FMNIST ? &r.Xt : NULL, r.mt, err)) != LNB_OK)
    goto out;
  if (h->param_bool(p, "standardize"))
    ds_scale_cols(P->tr.X, P->tr.m, P->te.X, P->te.m, P->d, r.d);
  if (h->param_bool(p, "standardize_targets"))
    ds_scale_cols(P->tr.Y, P->tr.m, P->te.Y, P->te.m, P->k, P->k);
  ds_raw_free(h, &r);
  size_t zr = lnbp_max(P->tr.m, P->te.m);
  if (!(P->Z = h->alloc(zr * P->k * sizeof(double)))) {
    rc = h->error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  if (P->loss == L_SQUARED) { /* l* and theta* in closed form */
    if (!(P->Wstar = h->alloc(P->k * P->d * sizeof(double)))) {
      rc = h->error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    double rss = 0.0;
    size_t rank = 0;
    double cc = 0.5 / (double)P->tr.m;
    if ((rc = lnbp_lstsq_minnorm(h, P->tr.X, P->tr.Y, P->tr.m, P->d, P->k, P->Wstar, &rss,
                                 &rank, err)) != LNB_OK)
      goto out;
    P->lstar = cc * rss;
    const char *ev = h->param_string(p, "eval");
    P->gram = strcmp(ev, "gram") == 0 ||
              (strcmp(ev, "auto") == 0 && lnbp_gram_pays(P->tr.m, P->d, P->k));
    if (P->gram && (rc = lnbp_gram_init(h, &P->g, P->tr.X, P->tr.Y, P->tr.m, P->d, P->k, cc,
                                        P->Wstar, P->lstar, err)) != LNB_OK)
      goto out;
  } else if (P->loss == L_LP) { /* theta* by Newton's method, l* = l(theta*) */
    size_t rank = 0;
    if (!(P->Wstar = h->alloc(P->k * P->d * sizeof(double)))) {
      rc = h->error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    if ((rc = lnbp_lp_fit(h, "dataset", P->tr.X, P->tr.Y, P->tr.m, P->d, P->k, P->p, P->Wstar,
                          &rank, err)) != LNB_OK)
      goto out;
    P->lstar = rank == P->tr.m ? 0.0 : ds_eval(P, P->Wstar, NULL);
  }
out:
  if (perm) h->free(perm);
  if (sub) h->free(sub);
  ds_raw_free(h, &r);
  if (c.path) h->free(c.path);
  if (rc) {
    ds_destroy(P);
    return rc;
  }
  *self = P;
  return LNB_OK;
}

/* ------------------------------------------------------------ the loss */

/* s * sum_i l_i over n rows (X n x d, Y n x k or NULL, lab n or NULL); with
 * grad, grad = s * sum_i dl_i/dW. Z (n x k) is workspace. */
/* sum_i l_i of the n x k outputs Z (Y n x k or NULL, lab n or NULL);
 * overwrites Z with dl_i/dz_i */
static double ds_loss_z(const ds *P, const double *Y, const int *lab, size_t n, double *Z) {
  size_t k = P->k;
  double sum = 0.0;
  switch (P->loss) {
  case L_SQUARED:
    for (size_t i = 0; i < n * k; i++) {
      Z[i] -= Y[i];
      sum += 0.5 * Z[i] * Z[i];
    }
    break;
  case L_LP: {
    int p = P->p;
    for (size_t i = 0; i < n * k; i++) {
      double r = Z[i] - Y[i], r2 = r * r, pw = lnbp_ipow(r2, (p - 2) / 2); /* r^(p-2) */
      sum += pw * r2 / (double)p;
      Z[i] = pw * r; /* r^(p-1) */
    }
    break;
  }
  case L_SOFTMAX:
    for (size_t i = 0; i < n; i++) {
      double *z = Z + i * k, mx = z[0], se = 0.0;
      for (size_t a = 1; a < k; a++) mx = fmax(mx, z[a]);
      for (size_t a = 0; a < k; a++) se += exp(z[a] - mx);
      sum += mx + log(se) - z[lab[i]];
      for (size_t a = 0; a < k; a++) z[a] = exp(z[a] - mx) / se;
      z[lab[i]] -= 1.0;
    }
    break;
  case L_LOGISTIC:
    for (size_t i = 0; i < n; i++) {
      double t = -Y[i] * Z[i]; /* l = log(1 + e^t) */
      sum += fmax(t, 0.0) + log1p(exp(-fabs(t)));
      /* dl/dz = -y sigmoid(t) */
      Z[i] = -Y[i] * (t >= 0.0 ? 1.0 / (1.0 + exp(-t)) : exp(t) / (1.0 + exp(t)));
    }
    break;
  }
  return sum;
}

static double ds_loss_rows(ds *P, const double *X, const double *Y, const int *lab, size_t n,
                           const double *We, double *grad, double s, double *Z) {
  const lnb_host *h = P->host;
  size_t k = P->k, d = P->d;
  h->gemm(LNB_NO_TRANS, LNB_TRANS, n, k, d, 1.0, X, d, We, d, 0.0, Z, k); /* Z = X W^T */
  double sum = ds_loss_z(P, Y, lab, n, Z);
  if (grad) h->gemm(LNB_TRANS, LNB_NO_TRANS, k, d, n, s, Z, k, X, d, 0.0, grad, d);
  return s * sum;
}

static double ds_eval(void *self, const double *We, double *grad) {
  ds *P = self;
  if (P->gram) return lnbp_gram_eval(P->host, &P->g, We, grad);
  return ds_loss_rows(P, P->tr.X, P->tr.Y, P->tr.lab, P->tr.m, We, grad, 1.0 / (double)P->tr.m,
                      P->Z);
}

static size_t ds_nsamples(const void *self) { return ((const ds *)self)->tr.m; }

static int ds_batch_prepare(void *self, size_t max_rows, lnb_error *err) {
  ds *P = self;
  const lnb_host *h = P->host;
  if (max_rows <= P->bmax) return LNB_OK;
  double *b[] = {P->bX, P->bY, P->bZ};
  for (size_t i = 0; i < 3; i++)
    if (b[i]) h->free(b[i]);
  if (P->blab) h->free(P->blab);
  P->bX = h->alloc(max_rows * P->d * sizeof(double));
  P->bY = P->tr.Y ? h->alloc(max_rows * P->k * sizeof(double)) : NULL;
  P->bZ = h->alloc(max_rows * P->k * sizeof(double));
  P->blab = P->tr.lab ? h->alloc(max_rows * sizeof(int)) : NULL;
  if (!P->bX || !P->bZ || (P->tr.Y && !P->bY) || (P->tr.lab && !P->blab)) {
    P->bmax = 0;
    return h->error(err, LNB_ENOMEM, "out of memory for batches of %zu samples", max_rows);
  }
  P->bmax = max_rows;
  return LNB_OK;
}

/* 1 when rows[0..n) is r0, r0 + 1, ... (the data can be used in place) */
static int ds_run(const size_t *rows, size_t n) {
  for (size_t j = 1; j < n; j++)
    if (rows[j] != rows[0] + j) return 0;
  return 1;
}

/* (m/n) sum_j (1/m) l_{rows[j]} = the mean over the batch */
static double ds_eval_rows(void *self, const double *We, const size_t *rows, size_t n,
                           double *grad) {
  ds *P = self;
  size_t d = P->d, k = P->k;
  if (n == 0) return NAN;
  if (ds_run(rows, n)) /* rows r0, r0 + 1, ...: use the data in place */
    return ds_loss_rows(P, P->tr.X + rows[0] * d, P->tr.Y ? P->tr.Y + rows[0] * k : NULL,
                        P->tr.lab ? P->tr.lab + rows[0] : NULL, n, We, grad, 1.0 / (double)n,
                        n <= P->bmax ? P->bZ : P->Z);
  if (n > P->bmax) return NAN; /* batch_prepare was not called for this size */
  for (size_t j = 0; j < n; j++) {
    size_t i = rows[j];
    memcpy(P->bX + j * d, P->tr.X + i * d, d * sizeof(double));
    if (P->bY) memcpy(P->bY + j * k, P->tr.Y + i * k, k * sizeof(double));
    if (P->blab) P->blab[j] = P->tr.lab[i];
  }
  return ds_loss_rows(P, P->bX, P->bY, P->blab, n, We, grad, 1.0 / (double)n, P->bZ);
}

/* fraction of rows classified correctly; Z holds the n x k outputs */
static double ds_accuracy(const ds *P, const double *Z, const int *lab, size_t n) {
  size_t ok = 0, k = P->k;
  for (size_t i = 0; i < n; i++) {
    const double *z = Z + i * k;
    int c;
    if (k == 1) {
      c = z[0] > 0.0;
    } else {
      c = 0;
      for (size_t a = 1; a < k; a++)
        if (z[a] > z[c]) c = (int)a;
    }
    ok += c == lab[i];
  }
  return (double)ok / (double)n;
}

static double ds_eval_split(void *self, int split, const double *We, double *accuracy) {
  ds *P = self;
  const ds_split *s = split == LNB_SPLIT_TEST ? &P->te : &P->tr;
  if (accuracy) *accuracy = NAN;
  if (s->m == 0) return NAN;
  double l;
  if (accuracy && P->classify) {
    /* the outputs first (the loss overwrites Z with its derivative) */
    P->host->gemm(LNB_NO_TRANS, LNB_TRANS, s->m, P->k, P->d, 1.0, s->X, P->d, We, P->d, 0.0,
                  P->Z, P->k);
    *accuracy = ds_accuracy(P, P->Z, s->lab, s->m);
  }
  l = ds_loss_rows(P, s->X, s->Y, s->lab, s->m, We, NULL, 1.0 / (double)s->m, P->Z);
  return l;
}

/* ------------------------------------------- predictor architectures (1.5) */

static size_t ds_split_samples(const void *self, int split) {
  const ds *P = self;
  return split == LNB_SPLIT_TEST ? P->te.m : P->tr.m;
}

static const double *ds_inputs(void *self, int split, const size_t *rows, size_t first,
                               size_t n) {
  ds *P = self;
  const ds_split *s = split == LNB_SPLIT_TEST ? &P->te : &P->tr;
  size_t d = P->d;
  if (rows && ds_run(rows, n)) first = rows[0], rows = NULL;
  if (!rows) return s->X + first * d;
  if (n > P->bmax) return NULL; /* batch_prepare was not called for this size */
  for (size_t j = 0; j < n; j++) memcpy(P->bX + j * d, s->X + rows[j] * d, d * sizeof(double));
  return P->bX;
}

/* The mean of l_i over the rows (the unbiased estimate of eval's mean for
 * training rows, the split's mean for test rows), dl/dZ = (1/n) dl_i/dz_i */
static double ds_loss_outputs(void *self, int split, const size_t *rows, size_t first, size_t n,
                              const double *Z, double *dZ, double *accuracy) {
  ds *P = self;
  const ds_split *s = split == LNB_SPLIT_TEST ? &P->te : &P->tr;
  size_t k = P->k;
  if (accuracy) *accuracy = NAN;
  if (n == 0) return NAN;
  const double *Y = s->Y;
  const int *lab = s->lab;
  if (rows && ds_run(rows, n)) first = rows[0], rows = NULL;
  if (!rows) {
    Y = Y ? Y + first * k : NULL;
    lab = lab ? lab + first : NULL;
  } else {
    if (n > P->bmax) return NAN; /* batch_prepare was not called for this size */
    for (size_t j = 0; j < n; j++) {
      if (P->bY) memcpy(P->bY + j * k, s->Y + rows[j] * k, k * sizeof(double));
      if (P->blab) P->blab[j] = s->lab[rows[j]];
    }
    Y = P->bY, lab = P->blab;
  }
  if (accuracy && P->classify) *accuracy = ds_accuracy(P, Z, lab, n);
  double *D = dZ ? dZ : P->Z; /* P->Z holds max(m_tr, m_te) x k */
  memcpy(D, Z, n * k * sizeof(double));
  double sum = ds_loss_z(P, Y, lab, n, D), w = 1.0 / (double)n;
  if (dZ)
    for (size_t i = 0; i < n * k; i++) dZ[i] *= w;
  return w * sum;
}

/* k x d from the parameters alone: the packaged fashion_mnist (784 pixels)
 * and diabetes (10 features); other data sets are known only once read */
static int ds_shape(const lnb_host *h, const lnb_params *p, size_t *k, size_t *d) {
  ds_cfg c;
  lnb_error err;
  if (h->param_is_set(p, "path") || ds_settings(h, p, &c, &err) != LNB_OK) return 0;
  if (c.path) h->free(c.path);
  if (c.name != DS_FMNIST && c.name != DS_DIABETES) return 0;
  *d = (c.name == DS_FMNIST ? 28 * 28 : 10) + (h->param_bool(p, "bias") ? 1 : 0);
  *k = c.loss == L_SOFTMAX || c.onehot ? DS_FMNIST_CLASSES : 1;
  return 1;
}

static void ds_dims(const void *self, size_t *k, size_t *d) {
  const ds *P = self;
  *k = P->k;
  *d = P->d;
}

static int ds_optimum(const void *self, double *lstar) {
  const ds *P = self;
  if (P->loss != L_SQUARED && P->loss != L_LP) return 0;
  *lstar = P->lstar;
  return 1;
}

static const double *ds_reference(const void *self) { return ((const ds *)self)->Wstar; }

static int ds_linear_system(const void *self, lnb_linsys *out) {
  const ds *P = self;
  if (P->loss != L_SQUARED) return 0;
  out->X = P->tr.X;
  out->Y = P->tr.Y;
  out->m = P->tr.m;
  out->scale = 0.5 / (double)P->tr.m;
  return 1;
}

/* lnnbench bench: X W^T and D^T X (2mkd each), the loss terms (a few per
 * output; softmax's exp and log counted as one each) */
static double ds_flops(const void *self, int grad) {
  const ds *P = self;
  if (P->gram) return lnbp_gram_eval_flops(P->tr.m, P->d, P->k, grad);
  double mk = (double)P->tr.m * (double)P->k;
  double per = P->loss == L_LP ? 2.0 + P->p : P->loss == L_SOFTMAX ? 6.0 : 3.0;
  return 2.0 * mk * (double)P->d * (grad ? 2.0 : 1.0) + per * mk;
}

static const lnb_problem_ops ds_ops = {
    .struct_size = sizeof(lnb_problem_ops),
    .create = ds_create,
    .destroy = ds_destroy,
    .dims = ds_dims,
    .eval = ds_eval,
    .optimum = ds_optimum,
    .reference = ds_reference,
    .linear_system = ds_linear_system,
    .validate = ds_validate,
    .flops = ds_flops,
    .nsamples = ds_nsamples,
    .batch_prepare = ds_batch_prepare,
    .eval_rows = ds_eval_rows,
    .eval_split = ds_eval_split,
    .split_samples = ds_split_samples,
    .inputs = ds_inputs,
    .loss_outputs = ds_loss_outputs,
    .shape = ds_shape,
};

static const lnb_plugin ds_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_PROBLEM,
    .name = "dataset",
    .summary = "real data (Fashion-MNIST, diabetes, CSV, LIBSVM): squared, lp, softmax or "
               "logistic loss, mini-batches, train/test split",
    .params = ds_params,
    .ops = &ds_ops,
    .description =
        "A sample-level problem on real data: the mean over the m training samples of a "
        "per-sample loss of z = W x (W k x d): squared 1/2 ||z - y||^2 (l = 1/(2m) ||X W^T - "
        "Y||_F^2, as lsq), lp 1/p ||z - y||_p^p (as lp_regression), softmax cross-entropy "
        "(k = classes, log-sum-exp stabilized) or logistic log(1 + exp(-y z)) (k = 1, labels "
        "0/1 or -1/+1, 0 and -1 the negative class; accuracy by the sign of z).\n"
        "Data: fashion_mnist reads the gzip IDX files of Debian " DS_FMNIST_PKG " (" DS_FMNIST_DIR
        ") with host->read_idx, pixels scaled to [0, 1], its own 10000-image test split; "
        "diabetes reads scikit-learn's diabetes_data_raw.csv.gz and diabetes_target.csv.gz of "
        "Debian " DS_DIABETES_PKG " (442 samples, 10 raw features, test_fraction 0.2 by "
        "default); csv (last column the target) and libsvm files. A missing package is "
        "named in the error.\n"
        "l* and theta* are known for the squared loss (minimum-norm least squares) and the lp "
        "loss (Newton's method on the SVD basis of X, as lp_regression; at create, an SVD of "
        "the m x d training matrix), unknown for softmax and logistic. eval_split reports the loss and accuracy of the training and test splits "
        "(the core's train_accuracy, test_loss, test_accuracy); mini-batches gather their "
        "rows into buffers made once by batch_prepare.\n"
        "Predictor architectures (mlp): the problem hands out the inputs x_i of a batch and "
        "takes the outputs z_i the network gives for them (loss_outputs: the same per-sample "
        "losses on z_i, their gradient dl/dz_i and the accuracy), so every loss and metric "
        "above works for nonlinear models too.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &ds_desc : NULL;
}
