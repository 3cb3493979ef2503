/* idx.c — the IDX reader behind host->read_idx (MNIST / Fashion-MNIST files),
 * plain or gzip-compressed.
 *
 * An IDX file is a 4-byte magic 00 00 TT NN (TT the element type, NN the
 * number of dimensions), NN big-endian 32-bit sizes, then the elements in
 * row-major order. Only TT = 0x08 (unsigned byte) is read. A file starting
 * with the gzip magic 1f 8b is inflated on the fly (zlib); concatenated gzip
 * members are one stream, as gzip(1) reads them. Everything is checked: the
 * magic, 1 <= NN <= LNB_IDX_MAX_DIMS, each size >= 1, the product against
 * LNB_IDX_MAX_BYTES, data cut short, bytes after the data (in the content or
 * after the gzip stream) and corrupt compressed data. Each error reads
 * "path: reason".
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "host.h"

/* largest compressed file read: the content limit plus room for gzip's
 * overhead on incompressible data */
#define IDX_MAX_FILE ((uint64_t)LNB_IDX_MAX_BYTES * 2)
#define IDX_CHUNK 65536

typedef struct idx_src {
  FILE *f;
  const char *path;
  lnb_error *err;
  int gz;       /* inflating */
  int zinit;    /* zs initialized */
  int zend;     /* the last member ended and no input follows */
  z_stream zs;
  unsigned char in[IDX_CHUNK];
} idx_src;

static int src_io_error(idx_src *s) {
  return lnb__error(s->err, LNB_EIO, "%s: read error: %s", s->path, strerror(errno));
}

/* refill the compressed input; 0 bytes at end of file */
static int src_refill(idx_src *s) {
  size_t n = fread(s->in, 1, sizeof s->in, s->f);
  if (n == 0 && ferror(s->f)) return src_io_error(s);
  s->zs.next_in = s->in;
  s->zs.avail_in = (uInt)n;
  return LNB_OK;
}

/* Read up to n content bytes into out; *got < n only at the end of the
 * content. Corrupt, truncated or trailing compressed data are errors. */
static int src_read(idx_src *s, unsigned char *out, size_t n, size_t *got) {
  *got = 0;
  if (!s->gz) {
    *got = fread(out, 1, n, s->f);
    return *got < n && ferror(s->f) ? src_io_error(s) : LNB_OK;
  }
  while (*got < n && !s->zend) {
    if (s->zs.avail_in == 0) {
      int rc = src_refill(s);
      if (rc) return rc;
      if (s->zs.avail_in == 0)
        return lnb__error(s->err, LNB_EIO, "%s: truncated gzip data (the compressed stream "
                          "ends early)", s->path);
    }
    size_t want = n - *got;
    s->zs.next_out = out + *got;
    s->zs.avail_out = want > UINT32_MAX ? UINT32_MAX : (uInt)want;
    uInt before = s->zs.avail_out;
    int z = inflate(&s->zs, Z_NO_FLUSH);
    *got += before - s->zs.avail_out;
    if (z == Z_STREAM_END) {
      /* another member may follow; anything else is trailing garbage */
      if (s->zs.avail_in == 0) {
        int rc = src_refill(s);
        if (rc) return rc;
      }
      if (s->zs.avail_in == 0) {
        s->zend = 1;
      } else if (s->zs.next_in[0] != 0x1f) {
        return lnb__error(s->err, LNB_EINVAL, "%s: trailing bytes after the gzip stream",
                          s->path);
      } else if (inflateReset(&s->zs) != Z_OK) {
        return lnb__error(s->err, LNB_EIO, "%s: corrupt gzip data", s->path);
      }
    } else if (z == Z_MEM_ERROR) {
      return lnb__error(s->err, LNB_ENOMEM, "%s: out of memory inflating gzip data", s->path);
    } else if (z != Z_OK && z != Z_BUF_ERROR) {
      return lnb__error(s->err, LNB_EINVAL, "%s: corrupt gzip data (%s)", s->path,
                        s->zs.msg ? s->zs.msg : "invalid stream");
    }
  }
  return LNB_OK;
}

static const char *idx_type_name(unsigned t) {
  switch (t) {
  case 0x09: return "signed byte";
  case 0x0B: return "16-bit integer";
  case 0x0C: return "32-bit integer";
  case 0x0D: return "32-bit float";
  case 0x0E: return "64-bit float";
  default: return "unknown type";
  }
}

/* read exactly n header bytes; what names them in the message */
static int idx_header(idx_src *s, unsigned char *buf, size_t n, const char *what) {
  size_t got = 0;
  int rc = src_read(s, buf, n, &got);
  if (rc) return rc;
  if (got < n)
    return lnb__error(s->err, LNB_EINVAL, "%s: truncated IDX header (%s: %zu of %zu bytes)",
                      s->path, what, got, n);
  return LNB_OK;
}

int lnb__read_idx(const char *path, unsigned char **data, size_t *dims, size_t *ndims,
                  lnb_error *err) {
  *data = NULL;
  *ndims = 0;
  idx_src *s = calloc(1, sizeof *s);
  if (!s) return lnb__error(err, LNB_ENOMEM, "%s: out of memory", path);
  s->path = path;
  s->err = err;
  unsigned char *out = NULL;
  int rc = LNB_OK;
  if (!(s->f = lnb__open_regular(path, IDX_MAX_FILE, "data file", err))) {
    rc = err ? err->code : LNB_EIO;
    goto done;
  }
  /* gzip or plain: look at the first two bytes */
  size_t n0 = fread(s->in, 1, 2, s->f);
  if (n0 < 2 && ferror(s->f)) {
    rc = src_io_error(s);
    goto done;
  }
  if (n0 == 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
    s->gz = 1;
    if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) {
      rc = lnb__error(err, LNB_ENOMEM, "%s: cannot start zlib", path);
      goto done;
    }
    s->zinit = 1;
    s->zs.next_in = s->in;
    s->zs.avail_in = 2;
  } else if (fseek(s->f, 0, SEEK_SET) != 0) {
    rc = src_io_error(s);
    goto done;
  }
  unsigned char magic[4];
  if ((rc = idx_header(s, magic, 4, "magic number")) != LNB_OK) goto done;
  if (magic[0] != 0 || magic[1] != 0) {
    rc = lnb__error(err, LNB_EINVAL, "%s: not an IDX file (magic %02x %02x %02x %02x, "
                    "expected 00 00 08 NN)", path, magic[0], magic[1], magic[2], magic[3]);
    goto done;
  }
  if (magic[2] != 0x08) {
    rc = lnb__error(err, LNB_EINVAL, "%s: IDX type code 0x%02x (%s) is not supported: only "
                    "0x08 (unsigned byte)", path, magic[2], idx_type_name(magic[2]));
    goto done;
  }
  size_t nd = magic[3];
  if (nd < 1 || nd > LNB_IDX_MAX_DIMS) {
    rc = lnb__error(err, LNB_EINVAL, "%s: IDX file with %zu dimensions (must be 1 to %d)",
                    path, nd, LNB_IDX_MAX_DIMS);
    goto done;
  }
  unsigned char db[4 * LNB_IDX_MAX_DIMS];
  if ((rc = idx_header(s, db, 4 * nd, "dimension sizes")) != LNB_OK) goto done;
  uint64_t total = 1;
  for (size_t i = 0; i < nd; i++) {
    uint64_t v = (uint64_t)db[4 * i] << 24 | (uint64_t)db[4 * i + 1] << 16 |
                 (uint64_t)db[4 * i + 2] << 8 | db[4 * i + 3];
    if (v == 0) {
      rc = lnb__error(err, LNB_EINVAL, "%s: IDX dimension %zu has size 0", path, i + 1);
      goto done;
    }
    dims[i] = (size_t)v;
    /* v < 2^32 and total <= the limit < 2^31: no overflow */
    total *= v;
    if (total > LNB_IDX_MAX_BYTES) {
      char lim[32];
      rc = lnb__error(err, LNB_EINVAL, "%s: IDX dimensions ask for more than the %s limit "
                      "on IDX data", path, lnb__size_text(LNB_IDX_MAX_BYTES, lim, sizeof lim));
      goto done;
    }
  }
  /* The buffer grows with the data that actually arrive (doubling from
   * 1 MiB), so a small file whose header claims a gigabyte costs no
   * gigabyte before it is found truncated. */
  size_t got = 0, cap = 0, chunk;
  int short_read = 0;
  while (got < total && !short_read) {
    size_t ncap = cap ? 2 * cap : (size_t)1 << 20;
    if (ncap > total) ncap = (size_t)total;
    unsigned char *nb = lnb__alloc(ncap);
    if (!nb) {
      rc = lnb__error(err, LNB_ENOMEM, "%s: out of memory for %llu bytes of IDX data", path,
                      (unsigned long long)total);
      goto done;
    }
    if (got) memcpy(nb, out, got);
    lnb__free(out);
    out = nb;
    cap = ncap;
    if ((rc = src_read(s, out + got, cap - got, &chunk)) != LNB_OK) goto done;
    short_read = chunk < cap - got;
    got += chunk;
  }
  if (got < total) {
    rc = lnb__error(err, LNB_EINVAL, "%s: truncated IDX data (%zu of %llu bytes)", path, got,
                    (unsigned long long)total);
    goto done;
  }
  unsigned char extra;
  if ((rc = src_read(s, &extra, 1, &got)) != LNB_OK) goto done;
  if (got) {
    rc = lnb__error(err, LNB_EINVAL, "%s: trailing bytes after the %llu bytes of IDX data "
                    "its dimensions give", path, (unsigned long long)total);
    goto done;
  }
  *ndims = nd;
  *data = out; /* host-allocated: plugins free it with host->free */
  out = NULL;
done:
  if (s->zinit) inflateEnd(&s->zs);
  if (s->f) fclose(s->f);
  free(s);
  lnb__free(out);
  return rc;
}
