/* host.h (internal) — the host service table handed to plugins. */
#ifndef LNB_HOST_H
#define LNB_HOST_H

#include <stdint.h>
#include <stdio.h>

#include "lnnbench/plugin.h"

/* The process-wide host table (static storage, never NULL). */
const lnb_host *lnb_host_get(void);

/* Largest dense matrix (bytes) the CSV/LIBSVM readers will build; files that
 * need more are refused with a message (default 8 GiB). */
void lnb_host_set_max_dense_bytes(size_t bytes);

/* Floating-point operations issued through the host's gemm (2 m n k per
 * call) and svd (Golub & Van Loan's operation-count estimates) since the
 * process started; `lnnbench bench` reads differences of it. */
double lnb_host_flops(void);

/* Log verbosity: messages with level > this are dropped (default 1). */
void lnb_host_set_verbosity(int level);

/* Implementation functions, callable by the core directly. */
int lnb__error(lnb_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lnb__log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* FNV-1a 64 of n bytes, continuing from h (LNB_FNV1A64_INIT to start): the
 * config hash, plugin file hashes, rng stream names. */
#define LNB_FNV1A64_INIT UINT64_C(14695981039346656037)
uint64_t lnb__fnv1a64(uint64_t h, const void *data, size_t n);
/* FNV-1a 64 of the whole file behind fd, read from its start with pread
 * (the offset is not moved): the content hash of plugin and data files. */
int lnb__fnv1a64_fd(int fd, uint64_t *hash);
/* Data files a problem reads at config load, for the run identity: between
 * begin and end, every file the host's data readers open (read_csv,
 * read_libsvm, read_idx) and every file a plugin names through
 * host->note_data_file is hashed by content (FNV-1a 64). end returns them,
 * each path once (free with lnb__datafiles_free). */
typedef struct lnb_datafile {
  char *path;
  uint64_t hash;
} lnb_datafile;
void lnb__datafiles_begin(void);
lnb_datafile *lnb__datafiles_end(size_t *n);
void lnb__datafiles_free(lnb_datafile *v, size_t n);
int lnb__note_data_file(const char *path);
void lnb__rng_init(lnb_rng *r, uint64_t seed, const char *stream);
uint64_t lnb__rng_u64(lnb_rng *r);
double lnb__rng_uniform(lnb_rng *r);
double lnb__rng_normal(lnb_rng *r);
double lnb__now(void);
void *lnb__alloc(size_t bytes);
/* Process-wide allocator settings (a fixed mmap threshold on glibc); call
 * once at start, before any large allocation. */
void lnb__memory_policy(void);
void lnb__free(void *p);
void lnb__gemm(lnb_trans ta, lnb_trans tb, size_t m, size_t n, size_t k,
               double alpha, const double *A, size_t lda, const double *B,
               size_t ldb, double beta, double *C, size_t ldc);
int lnb__svd(size_t m, size_t n, double *A, double *s, double *U, double *Vt,
             lnb_error *err);
/* Largest data file (CSV, LIBSVM) the readers accept: 16 GiB. */
#define LNB_MAX_DATA_FILE ((uint64_t)16 << 30)
/* Open path for reading, refusing without blocking what is not a regular file
 * (a FIFO, a device, a directory) and a file larger than max_bytes; what names
 * the file in messages ("data file"). NULL with err set ("path: ..."). The
 * caller bounds its reads too (a file may grow while it is read). */
/* "16 GiB", "4 MiB" or "123 bytes", into buf. */
const char *lnb__size_text(uint64_t bytes, char *buf, size_t n);
FILE *lnb__open_regular(const char *path, uint64_t max_bytes, const char *what,
                        lnb_error *err);
int lnb__read_csv(const char *path, double **data, size_t *rows, size_t *cols,
                  lnb_error *err);
int lnb__read_libsvm(const char *path, size_t d, double **X, double **y, size_t *rows,
                     size_t *cols, lnb_error *err);
/* host->read_idx (idx.c): IDX files, plain or gzip-compressed */
int lnb__read_idx(const char *path, unsigned char **data, size_t *dims, size_t *ndims,
                  lnb_error *err);
/* Untrusted text (results files, config keys, error messages quoting them)
 * for a terminal or a generated script: a C0 control (newline included),
 * DEL, a C1 control (U+0080..U+009F), a byte of malformed UTF-8, and any
 * printable ASCII character in also (may be NULL) is written as \xNN; the
 * rest (printable ASCII, well-formed UTF-8) as is. The output is one line and
 * holds no terminal escape sequence; with also NULL it passes through again
 * unchanged. */
void lnb__fput_text(FILE *f, const char *s, const char *also);
/* the same into a string (caller frees); NULL when out of memory */
char *lnb__text_dup(const char *s, const char *also);
const char *lnb_strerror(int code);

#endif
