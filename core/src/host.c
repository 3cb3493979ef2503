/* host.c — the service table plugins receive: errors, logging, parameters,
 * RNG, memory, clock, BLAS/LAPACK helpers, CSV and LIBSVM readers (the IDX
 * reader is in idx.c). */
#define _POSIX_C_SOURCE 200809L
#include "host.h"

#include <cblas.h>
#include <errno.h>
#include <fcntl.h>
#include <lapacke.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "params.h"

/* ---------------------------------------------------------------- errors */

static const struct {
  int code;
  const char *name, *text;
} err_table[] = {
#define LNB__ERRROW(name, val, text) {val, "LNB_" #name, text},
    LNB_ERRNO_MAP(LNB__ERRROW)
#undef LNB__ERRROW
};

const char *lnb_strerror(int code) {
  if (code == 0) return "success";
  for (size_t i = 0; i < sizeof err_table / sizeof *err_table; i++)
    if (err_table[i].code == code) return err_table[i].text;
  return "unknown error";
}

int lnb__error(lnb_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* ------------------------------------------------------ untrusted text */

/* bytes of the well-formed UTF-8 character at s that is printable (not a C1
 * control U+0080..U+009F), else 0 */
static size_t utf8_printable(const unsigned char *s) {
  unsigned c = s[0];
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (c >= 0xF5) n = 0;
  uint32_t cp = n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if (n == 2 && cp < 0xA0) return 0;                          /* C1 control */
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) return 0; /* overlong, surrogate */
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

void lnb__fput_text(FILE *f, const char *s, const char *also) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    size_t n = *p >= 0x20 && *p < 0x7F ? 1 : *p >= 0x80 ? utf8_printable(p) : 0;
    if (n == 1 && also && strchr(also, *p)) n = 0;
    if (n) {
      fwrite(p, 1, n, f);
      p += n;
    } else fprintf(f, "\\x%02X", *p++);
  }
}

char *lnb__text_dup(const char *s, const char *also) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  lnb__fput_text(f, s, also);
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static int verbosity = 1;

void lnb_host_set_verbosity(int level) { verbosity = level; }

void lnb__log(int level, const char *fmt, ...) {
  static const char *tag[] = {"error", "warning", "info", "debug"};
  if (level > verbosity) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "lnnbench: %s: ", tag[level < 0 ? 0 : level > 3 ? 3 : level]);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* ------------------------------------------------------------ parameters */

static const lnb_value *param_lookup(const lnb_params *p, const char *name,
                                     lnb_type want1, lnb_type want2) {
  long j = p ? lnb__spec_find(p->plugin->params, name) : -1;
  if (j < 0) {
    lnb__log(0, "plugin '%s' asked for undeclared parameter '%s'",
             p ? p->plugin->name : "?", name);
    return NULL;
  }
  lnb_type t = p->plugin->params[j].type;
  if (t != want1 && t != want2) {
    lnb__log(0, "plugin '%s' read parameter '%s' as the wrong type", p->plugin->name, name);
    return NULL;
  }
  return p->v[j].set ? &p->v[j] : NULL;
}

static int h_param_is_set(const lnb_params *p, const char *name) {
  long j = p ? lnb__spec_find(p->plugin->params, name) : -1;
  return j >= 0 && p->v[j].set;
}
static int64_t h_param_int(const lnb_params *p, const char *name) {
  const lnb_value *v = param_lookup(p, name, LNB_T_INT, LNB_T_INT);
  return v ? v->i : 0;
}
static double h_param_real(const lnb_params *p, const char *name) {
  const lnb_value *v = param_lookup(p, name, LNB_T_REAL, LNB_T_INT);
  if (!v) return 0.0;
  long j = lnb__spec_find(p->plugin->params, name);
  return p->plugin->params[j].type == LNB_T_INT ? (double)v->i : v->r;
}
static int h_param_bool(const lnb_params *p, const char *name) {
  const lnb_value *v = param_lookup(p, name, LNB_T_BOOL, LNB_T_BOOL);
  return v ? v->b : 0;
}
static const char *h_param_string(const lnb_params *p, const char *name) {
  const lnb_value *v = param_lookup(p, name, LNB_T_STRING, LNB_T_ENUM);
  return v ? v->s : NULL;
}
static const int64_t *h_param_ints(const lnb_params *p, const char *name, size_t *n) {
  const lnb_value *v = param_lookup(p, name, LNB_T_INT_LIST, LNB_T_INT_LIST);
  if (n) *n = v ? v->n : 0;
  return v ? v->ints : NULL;
}
static const double *h_param_reals(const lnb_params *p, const char *name, size_t *n) {
  const lnb_value *v = param_lookup(p, name, LNB_T_REAL_LIST, LNB_T_MATRIX);
  if (n) *n = v ? v->n : 0;
  return v ? v->reals : NULL;
}
static const double *h_param_matrix(const lnb_params *p, const char *name, size_t *rows,
                                    size_t *cols) {
  const lnb_value *v = param_lookup(p, name, LNB_T_MATRIX, LNB_T_MATRIX);
  if (rows) *rows = v ? v->rows : 0;
  if (cols) *cols = v ? v->cols : 0;
  return v ? v->reals : NULL;
}
static const char *h_config_dir(const lnb_params *p) {
  return p && p->config_dir ? p->config_dir : ".";
}

/* ------------------------------------------------------------------- rng */

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t lnb__fnv1a64(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= UINT64_C(1099511628211);
  }
  return h;
}

int lnb__fnv1a64_fd(int fd, uint64_t *hash) {
  unsigned char buf[16384];
  uint64_t h = LNB_FNV1A64_INIT;
  off_t off = 0;
  for (;;) {
    ssize_t n = pread(fd, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    h = lnb__fnv1a64(h, buf, (size_t)n);
    off += n;
  }
  *hash = h;
  return 0;
}

/* ------------------------------------------------------ data file tracking */

/* Data files read while tracking is on (the problem's validate hook at
 * config load): each noted path once, with its content hash. A file already
 * hashed (same device, inode, size and modification time) is not read
 * again, so a grid of problem cells over one file hashes it once. */
static struct {
  int on;
  lnb_datafile *v;
  size_t n, cap;
} g_files;

static struct {
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime;
  uint64_t hash;
} *g_hcache;
static size_t g_nhcache;

static int note_fd(const char *path, int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return -1;
  uint64_t h = 0;
  size_t i = 0;
  while (i < g_nhcache && !(g_hcache[i].dev == st.st_dev && g_hcache[i].ino == st.st_ino &&
                            g_hcache[i].size == st.st_size &&
                            g_hcache[i].mtime.tv_sec == st.st_mtim.tv_sec &&
                            g_hcache[i].mtime.tv_nsec == st.st_mtim.tv_nsec))
    i++;
  if (i < g_nhcache) {
    h = g_hcache[i].hash;
  } else {
    if (lnb__fnv1a64_fd(fd, &h) != 0) return -1;
    void *t = realloc(g_hcache, (g_nhcache + 1) * sizeof *g_hcache);
    if (t) {
      g_hcache = t;
      g_hcache[g_nhcache].dev = st.st_dev;
      g_hcache[g_nhcache].ino = st.st_ino;
      g_hcache[g_nhcache].size = st.st_size;
      g_hcache[g_nhcache].mtime = st.st_mtim;
      g_hcache[g_nhcache++].hash = h;
    }
  }
  for (size_t j = 0; j < g_files.n; j++)
    if (strcmp(g_files.v[j].path, path) == 0) {
      g_files.v[j].hash = h;
      return 0;
    }
  if (g_files.n == g_files.cap) {
    size_t cap = g_files.cap ? 2 * g_files.cap : 4;
    lnb_datafile *t = realloc(g_files.v, cap * sizeof *t);
    if (!t) return -1;
    g_files.v = t;
    g_files.cap = cap;
  }
  char *cp = strdup(path);
  if (!cp) return -1;
  g_files.v[g_files.n].path = cp;
  g_files.v[g_files.n++].hash = h;
  return 0;
}

void lnb__datafiles_begin(void) {
  lnb__datafiles_free(g_files.v, g_files.n);
  memset(&g_files, 0, sizeof g_files);
  g_files.on = 1;
}

lnb_datafile *lnb__datafiles_end(size_t *n) {
  lnb_datafile *v = g_files.v;
  *n = g_files.n;
  memset(&g_files, 0, sizeof g_files);
  return v;
}

void lnb__datafiles_free(lnb_datafile *v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i].path);
  free(v);
}

int lnb__note_data_file(const char *path) {
  if (!g_files.on || !path) return 0;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  int rc = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? note_fd(path, fd) : -1;
  close(fd);
  return rc;
}

void lnb__rng_init(lnb_rng *r, uint64_t seed, const char *stream) {
  const char *name = stream ? stream : "";
  uint64_t h = lnb__fnv1a64(LNB_FNV1A64_INIT, name, strlen(name));
  uint64_t x = seed ^ splitmix64(&h);
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
  r->has_spare = 0;
  r->spare = 0.0;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t lnb__rng_u64(lnb_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double lnb__rng_uniform(lnb_rng *r) { return (double)(lnb__rng_u64(r) >> 11) * 0x1.0p-53; }

double lnb__rng_normal(lnb_rng *r) {
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  double u, v, s;
  do { /* Marsaglia polar method */
    u = 2.0 * lnb__rng_uniform(r) - 1.0;
    v = 2.0 * lnb__rng_uniform(r) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  double f = sqrt(-2.0 * log(s) / s);
  r->spare = v * f;
  r->has_spare = 1;
  return u * f;
}

/* ---------------------------------------------------------------- memory */

/* glibc raises its mmap threshold each time a large block is freed, so that
 * after the create-time transients (SVD and QR workspaces, file tables) later
 * allocations come from the heap, and freed heap memory stays resident. A
 * fixed threshold keeps every block of 128 KiB or more in its own mapping,
 * returned to the system when freed: the peak RSS of a run is then its live
 * data, not the history of its create. Large blocks are allocated at create
 * only, so the extra mmap/munmap calls never reach the timed loop. */
void lnb__memory_policy(void) {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

void *lnb__alloc(size_t bytes) {
  size_t n = (bytes + 63) & ~(size_t)63;
  if (n == 0) n = 64;
  void *p = aligned_alloc(64, n);
  if (p) memset(p, 0, n);
  return p;
}

void lnb__free(void *p) { free(p); }

double lnb__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---------------------------------------------------------------- BLAS */

/* products with m n k at most this are plain loops */
#define LNB_GEMM_SMALL 64

/* floating-point operations issued through gemm and svd (lnb_host_flops) */
static double host_flops;

double lnb_host_flops(void) { return host_flops; }

void lnb__gemm(lnb_trans ta, lnb_trans tb, size_t m, size_t n, size_t k, double alpha,
               const double *A, size_t lda, const double *B, size_t ldb, double beta,
               double *C, size_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) { /* BLAS would scale C by beta; do the same explicitly */
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < n; j++) C[i * ldc + j] = beta == 0.0 ? 0.0 : beta * C[i * ldc + j];
    return;
  }
  host_flops += 2.0 * (double)m * (double)n * (double)k;
  if (m * n * k <= LNB_GEMM_SMALL) { /* BLIS's call overhead (~10^3 instructions) dominates */
    for (size_t i = 0; i < m; i++)
      for (size_t j = 0; j < n; j++) {
        double s = 0.0;
        for (size_t p = 0; p < k; p++)
          s += (ta == LNB_TRANS ? A[p * lda + i] : A[i * lda + p]) *
               (tb == LNB_TRANS ? B[j * ldb + p] : B[p * ldb + j]);
        C[i * ldc + j] = alpha * s + (beta == 0.0 ? 0.0 : beta * C[i * ldc + j]);
      }
    return;
  }
  /* Level 2 where a dimension is 1: dgemm would pack a whole operand for a
   * product that reads it once. Vectors are read with their strides. */
  if (n == 1) { /* C(:,0) = alpha op(A) b + beta C(:,0) */
    cblas_dgemv(CblasRowMajor, ta == LNB_TRANS ? CblasTrans : CblasNoTrans,
                ta == LNB_TRANS ? (int)k : (int)m, ta == LNB_TRANS ? (int)m : (int)k, alpha,
                A, (int)lda, B, tb == LNB_TRANS ? 1 : (int)ldb, beta, C, (int)ldc);
    return;
  }
  if (m == 1) { /* C(0,:) = alpha op(B)^T a + beta C(0,:) */
    cblas_dgemv(CblasRowMajor, tb == LNB_TRANS ? CblasNoTrans : CblasTrans,
                tb == LNB_TRANS ? (int)n : (int)k, tb == LNB_TRANS ? (int)k : (int)n, alpha,
                B, (int)ldb, A, ta == LNB_TRANS ? (int)lda : 1, beta, C, 1);
    return;
  }
  if (k == 1) { /* C = alpha a b^T + beta C, an outer product: one pass over C */
    size_t inca = ta == LNB_TRANS ? 1 : lda, incb = tb == LNB_TRANS ? ldb : 1;
    for (size_t i = 0; i < m; i++) {
      const double s = alpha * A[i * inca];
      double *restrict c = C + i * ldc;
      const double *restrict b = B;
      if (incb == 1) {
        if (beta == 0.0)
          for (size_t j = 0; j < n; j++) c[j] = s * b[j];
        else if (beta == 1.0)
          for (size_t j = 0; j < n; j++) c[j] += s * b[j];
        else
          for (size_t j = 0; j < n; j++) c[j] = beta * c[j] + s * b[j];
      } else {
        for (size_t j = 0; j < n; j++)
          c[j] = (beta == 0.0 ? 0.0 : beta * c[j]) + s * b[j * incb];
      }
    }
    return;
  }
  cblas_dgemm(CblasRowMajor, ta == LNB_TRANS ? CblasTrans : CblasNoTrans,
              tb == LNB_TRANS ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, alpha, A,
              (int)lda, B, (int)ldb, beta, C, (int)ldc);
}

int lnb__svd(size_t m, size_t n, double *A, double *s, double *U, double *Vt,
             lnb_error *err) {
  size_t r = m < n ? m : n;
  if (r == 0) return LNB_OK;
  double dummy = 0.0;
  char jobz = (U || Vt) ? 'S' : 'N';
  double *u = U, *vt = Vt;
  double *tmpu = NULL, *tmpvt = NULL;
  if (jobz == 'S' && !u) u = tmpu = malloc(m * r * sizeof *u);
  if (jobz == 'S' && !vt) vt = tmpvt = malloc(r * n * sizeof *vt);
  if (jobz == 'S' && (!u || !vt)) {
    free(tmpu);
    free(tmpvt);
    return lnb__error(err, LNB_ENOMEM, "svd: out of memory");
  }
  { /* Golub & Van Loan's estimates: thin SVD 6 M r^2 + 20 r^3, values 4 M r^2 - 4 r^3/3 */
    double M = (double)(m > n ? m : n), R = (double)r;
    host_flops += jobz == 'S' ? 6.0 * M * R * R + 20.0 * R * R * R
                              : 4.0 * M * R * R - 4.0 * R * R * R / 3.0;
  }
  /* The row-major m x n A is the column-major n x m A^T = U' S V'^T, so A =
   * V' S U'^T: U' (n x r, column-major) read row-major is Vt and V'^T (r x m,
   * column-major) read row-major is U. No transposed copies (LAPACKE's
   * row-major path makes three). */
  lapack_int M = (lapack_int)n, N = (lapack_int)m, R = (lapack_int)r, info;
  lapack_int *iwork = malloc(8 * r * sizeof *iwork);
  double q = 0.0, *work = NULL;
  info = iwork ? LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, M, N, A, M, s,
                                     jobz == 'S' ? vt : &dummy, jobz == 'S' ? M : 1,
                                     jobz == 'S' ? u : &dummy, jobz == 'S' ? R : 1, &q, -1,
                                     iwork)
               : -1000;
  lapack_int lwork = (lapack_int)q + 1;
  if (info == 0 && !(work = malloc((size_t)lwork * sizeof *work))) info = -1000;
  if (info == 0)
    info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, M, N, A, M, s, jobz == 'S' ? vt : &dummy,
                               jobz == 'S' ? M : 1, jobz == 'S' ? u : &dummy,
                               jobz == 'S' ? R : 1, work, lwork, iwork);
  free(work);
  free(iwork);
  free(tmpu);
  free(tmpvt);
  if (info == -1000) return lnb__error(err, LNB_ENOMEM, "svd: out of memory");
  if (info != 0)
    return lnb__error(err, LNB_ENUMERIC, "svd of a %zux%zu matrix failed (dgesdd info %d)", m,
                      n, (int)info);
  return LNB_OK;
}

/* --------------------------------------------------------- opening files */

static const char *file_kind(mode_t m) {
  return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
         : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

const char *lnb__size_text(uint64_t bytes, char *buf, size_t n) {
  if (bytes >= ((uint64_t)1 << 30) && bytes % ((uint64_t)1 << 30) == 0)
    snprintf(buf, n, "%llu GiB", (unsigned long long)(bytes >> 30));
  else if (bytes >= ((uint64_t)1 << 20) && bytes % ((uint64_t)1 << 20) == 0)
    snprintf(buf, n, "%llu MiB", (unsigned long long)(bytes >> 20));
  else
    snprintf(buf, n, "%llu bytes", (unsigned long long)bytes);
  return buf;
}

FILE *lnb__open_regular(const char *path, uint64_t max_bytes, const char *what,
                        lnb_error *err) {
  /* O_NONBLOCK: opening a FIFO does not wait for a writer; cleared below */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    int e = errno;
    if (fd >= 0) close(fd);
    lnb__error(err, LNB_EIO, "%s: cannot open %s: %s", path, what, strerror(e));
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    if (S_ISDIR(st.st_mode))
      lnb__error(err, LNB_EIO, "%s: cannot read %s: %s", path, what, strerror(EISDIR));
    else
      lnb__error(err, LNB_EINVAL, "%s: %s is %s (expected a regular file)", path, what,
                 file_kind(st.st_mode));
    return NULL;
  }
  if ((uint64_t)st.st_size > max_bytes) {
    close(fd);
    char lim[32];
    lnb__error(err, LNB_EINVAL, "%s: %s of %llu bytes, more than the %s limit", path, what,
               (unsigned long long)st.st_size, lnb__size_text(max_bytes, lim, sizeof lim));
    return NULL;
  }
  if (g_files.on && strcmp(what, "data file") == 0 && note_fd(path, fd) != 0) {
    int e = errno;
    close(fd);
    lnb__error(err, LNB_EIO, "%s: cannot read %s: %s", path, what, strerror(e));
    return NULL;
  }
  FILE *f = NULL;
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0 || !(f = fdopen(fd, "r"))) {
    int e = errno;
    close(fd);
    lnb__error(err, LNB_EIO, "%s: cannot open %s: %s", path, what, strerror(e));
  }
  return f;
}

/* ------------------------------------------------------------------ CSV */

/* the largest dense matrix a data reader builds (default 8 GiB) */
static size_t max_dense_bytes = (size_t)8 << 30;

void lnb_host_set_max_dense_bytes(size_t bytes) { max_dense_bytes = bytes; }

/* Reads a numeric CSV. The first line is a header when any of its fields is
 * not a number. Every data row must have the same number of fields; every
 * field must be a finite number. */
/* Strip line's end of line (\n, \r\n); is it a data line (or the header),
 * not blank or a # comment? Both passes of lnb__read_csv ask this, so the
 * first pass counts exactly the lines the second parses. */
static int csv_data_line(char *line, ssize_t *len) {
  while (*len > 0 && (line[*len - 1] == '\n' || line[*len - 1] == '\r')) line[--*len] = '\0';
  const char *q = line;
  while (*q == ' ' || *q == '\t') q++;
  return *q && *q != '#';
}

int lnb__read_csv(const char *path, double **data, size_t *rows, size_t *cols,
                  lnb_error *err) {
  *data = NULL;
  *rows = *cols = 0;
  FILE *f = lnb__open_regular(path, LNB_MAX_DATA_FILE, "data file", err);
  if (!f) return err ? err->code : LNB_EIO;
  char *line = NULL;
  size_t cap = 0, n = 0, ncols = 0, lineno = 0, nalloc = 0;
  double *out = NULL;
  ssize_t len;
  int rc = LNB_OK;
  /* First pass: the data-row count (an upper bound: a header counts too) and
   * the first row's field count, so that the table is allocated once at its
   * size and parsed in place — no growing copies, the data held once. */
  size_t upper = 0, nf0 = 0;
  uint64_t bytes = 0; /* the second pass reads no more: it stops at upper rows */
  while ((len = getline(&line, &cap, f)) >= 0) {
    if ((bytes += (uint64_t)len) > LNB_MAX_DATA_FILE) {
      free(line);
      fclose(f);
      char lim[32];
      return lnb__error(err, LNB_EINVAL, "%s: grew past the %s limit on data files while it "
                        "was read", path, lnb__size_text(LNB_MAX_DATA_FILE, lim, sizeof lim));
    }
    if (!csv_data_line(line, &len)) continue;
    if (upper++ == 0)
      for (const char *p = line, *e = line + len; p <= e; p++) nf0 += !*p || *p == ',';
  }
  if (ferror(f)) {
    rc = lnb__error(err, LNB_EIO, "%s: read error: %s", path, strerror(errno));
    free(line);
    fclose(f);
    return rc;
  }
  rewind(f);
  if (upper > 0) {
    /* the size limit is checked row by row below, with its line number */
    size_t limit_rows = max_dense_bytes / (nf0 * sizeof(double)) + 1;
    nalloc = (upper < limit_rows ? upper : limit_rows) * nf0;
    if (!(out = lnb__alloc(nalloc * sizeof *out))) {
      free(line);
      fclose(f);
      return lnb__error(err, LNB_ENOMEM, "out of memory for %zu rows x %zu columns of %s",
                        upper, nf0, path);
    }
  }
  bytes = 0;
  while ((len = getline(&line, &cap, f)) >= 0) {
    lineno++;
    if ((bytes += (uint64_t)len) > LNB_MAX_DATA_FILE) {
      rc = lnb__error(err, LNB_EIO, "%s:%zu: the file changed while it was read", path, lineno);
      break;
    }
    if (!csv_data_line(line, &len)) continue;
    /* split on commas */
    size_t nf = 1;
    for (const char *p = line; *p; p++) nf += *p == ',';
    int header = 0;
    if (n == 0 && ncols == 0) { /* first non-empty line: header if any field non-numeric */
      char *copy = strdup(line);
      if (!copy) { rc = lnb__error(err, LNB_ENOMEM, "out of memory"); break; }
      char *save = NULL;
      for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t') tok++;
        char *e = tok + strlen(tok);
        while (e > tok && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
        double v;
        const char *why;
        if (lnb__parse_real(tok, &v, &why) != 0) {
          const char *t = tok;
          if (*t == '+' || *t == '-') t++;
          if (*t == '.') t++;
          /* a number-like field (including any spelling of nan/inf, which
           * the data-row parser then rejects) does not make a header */
          if (!((*t >= '0' && *t <= '9') || strncasecmp(t, "nan", 3) == 0 ||
                strncasecmp(t, "inf", 3) == 0))
            header = 1;
        }
      }
      free(copy);
      ncols = nf;
      if (header) continue;
    }
    if (nf != ncols) {
      rc = lnb__error(err, LNB_EINVAL, "%s:%zu: row has %zu fields, expected %zu", path,
                      lineno, nf, ncols);
      break;
    }
    if ((n + 1) * ncols * sizeof(double) > max_dense_bytes) {
      rc = lnb__error(err, LNB_ENOMEM, "%s:%zu: more data than the %.3g GiB limit", path, lineno,
                      (double)max_dense_bytes / 1073741824.0);
      break;
    }
    if ((n + 1) * ncols > nalloc) { /* more than the first pass saw */
      rc = lnb__error(err, LNB_EIO, "%s:%zu: the file changed while it was read", path, lineno);
      break;
    }
    char *p = line;
    for (size_t j = 0; j < ncols; j++) {
      char *comma = strchr(p, ',');
      if (comma) *comma = '\0';
      while (*p == ' ' || *p == '\t') p++;
      char *e = p + strlen(p);
      while (e > p && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
      const char *why;
      if (lnb__parse_real(p, &out[n * ncols + j], &why) != 0) {
        rc = lnb__error(err, LNB_EINVAL, "%s:%zu: field %zu '%s': %s", path, lineno, j + 1, p,
                        why);
        break;
      }
      p = comma ? comma + 1 : p + strlen(p);
    }
    if (rc) break;
    n++;
  }
  if (rc == LNB_OK && ferror(f))
    rc = lnb__error(err, LNB_EIO, "%s: read error: %s", path, strerror(errno));
  if (rc == LNB_OK && n == 0)
    rc = lnb__error(err, LNB_EINVAL, "%s:%zu: no data rows (empty file, or only a header, "
                    "blank or comment lines)", path, lineno ? lineno : 1);
  free(line);
  fclose(f);
  if (rc != LNB_OK) {
    free(out);
    return rc;
  }
  *data = out; /* host-allocated: plugins free it with host->free */
  *rows = n;
  *cols = ncols;
  return LNB_OK;
}

/* --------------------------------------------------------------- LIBSVM */

/* Reads LIBSVM / SVMlight text into a dense matrix. Per line: a label, an
 * optional `qid:N` (N a positive integer; accepted and ignored, it only
 * groups samples for ranking), then `index:value` pairs with 1-based,
 * strictly increasing indices; omitted indices are 0. `#` starts a comment,
 * blank lines are skipped, tokens are separated by spaces or tabs. Labels and
 * values must be finite numbers (lnb__parse_real: nan and inf rejected).
 * cols = d when d > 0 (an index above d is an error), else the largest index
 * present. Every error names path:line and the reason. */
int lnb__read_libsvm(const char *path, size_t d, double **X, double **y, size_t *rows,
                     size_t *cols, lnb_error *err) {
  *X = *y = NULL;
  *rows = *cols = 0;
  FILE *f = lnb__open_regular(path, LNB_MAX_DATA_FILE, "data file", err);
  if (!f) return err ? err->code : LNB_EIO;
  char *line = NULL;
  size_t cap = 0, lineno = 0, n = 0, nnz = 0, caprow = 0, capnz = 0, maxidx = 0;
  uint64_t bytes = 0;
  double *lab = NULL, *val = NULL;
  size_t *rowend = NULL, *idx = NULL; /* row i holds entries [rowend[i-1], rowend[i]) */
  ssize_t len;
  int rc = LNB_OK;
  while (rc == LNB_OK && (len = getline(&line, &cap, f)) >= 0) {
    lineno++;
    if ((bytes += (uint64_t)len) > LNB_MAX_DATA_FILE) {
      char lim[32];
      rc = lnb__error(err, LNB_EINVAL, "%s:%zu: grew past the %s limit on data files while it "
                      "was read", path, lineno, lnb__size_text(LNB_MAX_DATA_FILE, lim, sizeof lim));
      break;
    }
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    static const char *ws = " \t\r\n\v\f";
    char *save = NULL;
    char *tok = strtok_r(line, ws, &save);
    if (!tok) continue; /* blank or comment-only line */
    if (n == caprow) {
      size_t nc = caprow ? 2 * caprow : 256;
      double *nl = realloc(lab, nc * sizeof *nl);
      if (nl) lab = nl;
      size_t *nr = realloc(rowend, nc * sizeof *nr);
      if (nr) rowend = nr;
      if (!nl || !nr) {
        rc = lnb__error(err, LNB_ENOMEM, "%s:%zu: out of memory", path, lineno);
        break;
      }
      caprow = nc;
    }
    const char *why;
    if (strchr(tok, ':')) {
      rc = lnb__error(err, LNB_EINVAL,
                      "%s:%zu: missing label: the line starts with '%s', expected "
                      "'label index:value ...'",
                      path, lineno, tok);
      break;
    }
    if (lnb__parse_real(tok, &lab[n], &why) != 0) {
      rc = lnb__error(err, LNB_EINVAL, "%s:%zu: label '%s': %s", path, lineno, tok, why);
      break;
    }
    size_t prev = 0;
    int first = 1;
    while ((tok = strtok_r(NULL, ws, &save)) != NULL) {
      if (strncmp(tok, "qid:", 4) == 0) {
        const char *q = tok + 4;
        int ok = *q != '\0';
        for (const char *c = q; *c; c++) ok = ok && *c >= '0' && *c <= '9';
        if (!first || !ok) {
          rc = lnb__error(err, LNB_EINVAL,
                          !first ? "%s:%zu: '%s': qid must come right after the label"
                                 : "%s:%zu: '%s': qid must be a positive integer",
                          path, lineno, tok);
          break;
        }
        first = 0;
        continue; /* accepted and ignored */
      }
      first = 0;
      char *colon = strchr(tok, ':');
      if (!colon) {
        rc = lnb__error(err, LNB_EINVAL, "%s:%zu: '%s' is not an index:value pair", path,
                        lineno, tok);
        break;
      }
      *colon = '\0';
      const char *vs = colon + 1;
      int digits = *tok != '\0';
      for (const char *c = tok; *c; c++) digits = digits && *c >= '0' && *c <= '9';
      if (!digits) {
        rc = lnb__error(err, LNB_EINVAL,
                        "%s:%zu: index '%s' is not a positive integer (indices are 1-based)",
                        path, lineno, tok);
        break;
      }
      errno = 0;
      unsigned long long ix = strtoull(tok, NULL, 10);
      if (errno == ERANGE || ix > (unsigned long long)(SIZE_MAX / sizeof(double))) {
        rc = lnb__error(err, LNB_EINVAL, "%s:%zu: index %s is out of range", path, lineno,
                        tok);
        break;
      }
      if (ix == 0) {
        rc = lnb__error(err, LNB_EINVAL,
                        "%s:%zu: index 0: indices are 1-based (must be >= 1)", path, lineno);
        break;
      }
      if ((size_t)ix <= prev) {
        rc = lnb__error(err, LNB_EINVAL,
                        (size_t)ix == prev
                            ? "%s:%zu: index %llu repeated (after %zu): indices must be "
                              "strictly increasing"
                            : "%s:%zu: index %llu after %zu: indices out of order (must be "
                              "strictly increasing)",
                        path, lineno, ix, prev);
        break;
      }
      if (d > 0 && (size_t)ix > d) {
        rc = lnb__error(err, LNB_EDIM, "%s:%zu: index %llu exceeds the dimension d = %zu",
                        path, lineno, ix, d);
        break;
      }
      double v;
      if (lnb__parse_real(vs, &v, &why) != 0) {
        rc = lnb__error(err, LNB_EINVAL, "%s:%zu: index %llu, value '%s': %s", path, lineno,
                        ix, vs, why);
        break;
      }
      if (nnz == capnz) {
        size_t nc = capnz ? 2 * capnz : 4096;
        size_t *ni = realloc(idx, nc * sizeof *ni);
        if (ni) idx = ni;
        double *nv = realloc(val, nc * sizeof *nv);
        if (nv) val = nv;
        if (!ni || !nv) {
          rc = lnb__error(err, LNB_ENOMEM, "%s:%zu: out of memory", path, lineno);
          break;
        }
        capnz = nc;
      }
      idx[nnz] = (size_t)ix - 1;
      val[nnz] = v;
      nnz++;
      prev = (size_t)ix;
      if (prev > maxidx) maxidx = prev;
    }
    if (rc != LNB_OK) break;
    rowend[n++] = nnz;
  }
  if (rc == LNB_OK && ferror(f))
    rc = lnb__error(err, LNB_EIO, "%s: read error: %s", path, strerror(errno));
  if (rc == LNB_OK && n == 0)
    rc = lnb__error(err, LNB_EINVAL,
                    "%s:%zu: no data rows (empty file, or only blank or comment lines)", path,
                    lineno ? lineno : 1);
  size_t ncols = d > 0 ? d : maxidx;
  if (rc == LNB_OK && ncols == 0)
    rc = lnb__error(err, LNB_EDIM, "%s:%zu: no feature index:value pair in any row and no "
                    "dimension given", path, lineno);
  if (rc == LNB_OK && (n > SIZE_MAX / sizeof(double) / ncols ||
                       n * ncols * sizeof(double) > max_dense_bytes))
    rc = lnb__error(err, LNB_ENOMEM,
                    "%s: a %zu x %zu dense matrix would take %.3g GiB, more than the %.3g GiB "
                    "limit (check the largest feature index, or give a smaller d)",
                    path, n, ncols, (double)n * (double)ncols * 8.0 / 1073741824.0,
                    (double)max_dense_bytes / 1073741824.0);
  free(line);
  fclose(f);
  double *Xd = NULL, *yd = NULL;
  if (rc == LNB_OK) {
    Xd = lnb__alloc(n * ncols * sizeof *Xd); /* zero-filled */
    yd = lnb__alloc(n * sizeof *yd);
    if (!Xd || !yd)
      rc = lnb__error(err, LNB_ENOMEM, "out of memory for the %zu x %zu matrix of %s", n,
                      ncols, path);
  }
  if (rc == LNB_OK) {
    size_t e = 0;
    for (size_t i = 0; i < n; i++) {
      for (; e < rowend[i]; e++) Xd[i * ncols + idx[e]] = val[e];
      yd[i] = lab[i];
    }
    *X = Xd;
    *y = yd;
    *rows = n;
    *cols = ncols;
  } else {
    lnb__free(Xd);
    lnb__free(yd);
  }
  free(lab);
  free(rowend);
  free(idx);
  free(val);
  return rc;
}

/* ------------------------------------------------------------ the table */

static const lnb_host host_table = {
    .struct_size = sizeof(lnb_host),
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .log = lnb__log,
    .error = lnb__error,
    .param_is_set = h_param_is_set,
    .param_int = h_param_int,
    .param_real = h_param_real,
    .param_bool = h_param_bool,
    .param_string = h_param_string,
    .param_ints = h_param_ints,
    .param_reals = h_param_reals,
    .param_matrix = h_param_matrix,
    .config_dir = h_config_dir,
    .rng_init = lnb__rng_init,
    .rng_u64 = lnb__rng_u64,
    .rng_uniform = lnb__rng_uniform,
    .rng_normal = lnb__rng_normal,
    .alloc = lnb__alloc,
    .free = lnb__free,
    .now = lnb__now,
    .gemm = lnb__gemm,
    .svd = lnb__svd,
    .read_csv = lnb__read_csv,
    .read_libsvm = lnb__read_libsvm,
    .read_idx = lnb__read_idx,
    .note_data_file = lnb__note_data_file,
};

const lnb_host *lnb_host_get(void) { return &host_table; }
