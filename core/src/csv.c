/* csv.c — a strict reader for the CSV files lnnbench writes. */
#define _POSIX_C_SOURCE 200809L
#include "csv.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

typedef struct strvec {
  char **v;
  size_t n, cap;
} strvec;

static int push(strvec *s, char *x) {
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 16;
    char **t = realloc(s->v, cap * sizeof *t);
    if (!t) return -1;
    s->v = t, s->cap = cap;
  }
  s->v[s->n++] = x;
  return 0;
}

/* Parse one record starting at *pp (may span lines inside quotes). */
static int parse_record(const char **pp, size_t *line, strvec *fields, const char *path,
                        lnb_error *err) {
  const char *p = *pp;
  size_t start_line = *line;
  for (;;) {
    size_t cap = 64, len = 0;
    char *f = malloc(cap);
    if (!f) return lnb__error(err, LNB_ENOMEM, "out of memory");
    if (*p == '"') {
      p++;
      for (;;) {
        if (!*p) {
          free(f);
          return lnb__error(err, LNB_EPARSE, "%s:%zu: unterminated quoted field", path,
                            start_line);
        }
        if (*p == '"' && p[1] == '"') p++;
        else if (*p == '"') {
          p++;
          break;
        }
        if (*p == '\n') (*line)++;
        if (len + 2 > cap) {
          char *t = realloc(f, cap *= 2);
          if (!t) return free(f), lnb__error(err, LNB_ENOMEM, "out of memory");
          f = t;
        }
        f[len++] = *p++;
      }
      if (*p && *p != ',' && *p != '\n' && *p != '\r') {
        free(f);
        return lnb__error(err, LNB_EPARSE, "%s:%zu: characters after a closing quote", path,
                          *line);
      }
    } else {
      while (*p && *p != ',' && *p != '\n' && *p != '\r') {
        if (len + 2 > cap) {
          char *t = realloc(f, cap *= 2);
          if (!t) return free(f), lnb__error(err, LNB_ENOMEM, "out of memory");
          f = t;
        }
        f[len++] = *p++;
      }
    }
    f[len] = '\0';
    if (push(fields, f) != 0) return free(f), lnb__error(err, LNB_ENOMEM, "out of memory");
    if (*p == ',') {
      p++;
      continue;
    }
    if (*p == '\r') p++;
    if (*p == '\n') {
      p++;
      (*line)++;
    }
    break;
  }
  *pp = p;
  return LNB_OK;
}

/* the rest of f, at most max bytes (*over set when there was more) */
static char *read_bounded(FILE *f, uint64_t max, size_t *len_out, int *read_error, int *over) {
  size_t cap = 1 << 16, len = 0, got;
  char *buf = malloc(cap);
  *over = 0;
  while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if ((uint64_t)len > max) {
      *over = 1;
      break;
    }
    if (len + 1 == cap) {
      char *t = realloc(buf, cap *= 2);
      if (!t) free(buf);
      buf = t;
    }
  }
  if (read_error) *read_error = ferror(f) != 0;
  if (!buf) return NULL;
  buf[len] = '\0';
  if (len_out) *len_out = len;
  return buf;
}

char *lnb_read_file(const char *path, uint64_t max, const char *what, size_t *len_out,
                    lnb_error *err) {
  FILE *f = lnb__open_regular(path, max, what, err);
  if (!f) return NULL;
  int rerr = 0, over = 0;
  char *buf = read_bounded(f, max, len_out, &rerr, &over);
  fclose(f);
  if (!buf) lnb__error(err, LNB_ENOMEM, "out of memory reading %s", path);
  else if (rerr || over) {
    free(buf);
    buf = NULL;
    char lim[32];
    if (over)
      lnb__error(err, LNB_EINVAL, "%s: grew past the %s limit on a %s while it was read", path,
                 lnb__size_text(max, lim, sizeof lim), what);
    else
      lnb__error(err, LNB_EIO, "%s: read error", path);
  }
  return buf;
}

int lnb_csv_read(const char *path, lnb_csv *out, lnb_error *err) {
  memset(out, 0, sizeof *out);
  size_t len = 0;
  char *buf = lnb_read_file(path, LNB_MAX_RESULTS_FILE, "results file", &len, err);
  if (!buf) return err ? err->code : LNB_EIO;
  if (len > 0 && buf[len - 1] != '\n') { /* an unfinished last line (--resume cuts one) */
    size_t line = 1;
    for (size_t i = 0; i < len; i++) line += buf[i] == '\n';
    free(buf);
    return lnb__error(err, LNB_EPARSE, "%s:%zu: the last line has no newline (truncated file?)",
                      path, line);
  }
  const char *nul = memchr(buf, '\0', len);
  if (nul) { /* a text file has none; everything after it would be lost */
    size_t line = 1;
    for (const char *q = buf; q < nul; q++) line += *q == '\n';
    free(buf);
    return lnb__error(err, LNB_EPARSE, "%s:%zu: a NUL byte (corrupt file?)", path, line);
  }
  const char *p = buf;
  size_t line = 1;
  strvec hdr = {0};
  int rc = parse_record(&p, &line, &hdr, path, err);
  if (rc == LNB_OK && (hdr.n == 0 || (hdr.n == 1 && !hdr.v[0][0])))
    rc = lnb__error(err, LNB_EPARSE, "%s: empty file (no header line)", path);
  out->header = hdr.v;
  out->ncols = hdr.n;
  size_t rcap = 0;
  while (rc == LNB_OK && *p) {
    size_t at = line;
    strvec fields = {0};
    rc = parse_record(&p, &line, &fields, path, err);
    if (rc == LNB_OK && fields.n == 1 && !fields.v[0][0]) { /* blank line */
      free(fields.v[0]);
      free(fields.v);
      continue;
    }
    if (rc == LNB_OK && fields.n != out->ncols)
      rc = lnb__error(err, LNB_EPARSE, "%s:%zu: %zu fields, the header has %zu (truncated file?)",
                      path, at, fields.n, out->ncols);
    if (rc == LNB_OK && out->nrows == rcap) {
      rcap = rcap ? 2 * rcap : 64;
      char ***t = realloc(out->rows, rcap * sizeof *t);
      size_t *l = realloc(out->lines, rcap * sizeof *l);
      if (t) out->rows = t;
      if (l) out->lines = l;
      if (!t || !l) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    }
    if (rc != LNB_OK) {
      for (size_t j = 0; j < fields.n; j++) free(fields.v[j]);
      free(fields.v);
      break;
    }
    out->lines[out->nrows] = at;
    out->rows[out->nrows++] = fields.v;
  }
  free(buf);
  if (rc != LNB_OK) lnb_csv_free(out);
  return rc;
}

long lnb_csv_col(const lnb_csv *c, const char *name) {
  for (size_t j = 0; j < c->ncols; j++)
    if (strcmp(c->header[j], name) == 0) return (long)j;
  return -1;
}

void lnb_csv_free(lnb_csv *c) {
  for (size_t i = 0; i < c->nrows; i++) {
    for (size_t j = 0; j < c->ncols; j++) free(c->rows[i][j]);
    free(c->rows[i]);
  }
  free(c->rows);
  free(c->lines);
  for (size_t j = 0; j < c->ncols; j++) free(c->header[j]);
  free(c->header);
  memset(c, 0, sizeof *c);
}

void lnb_csv_put_field(FILE *f, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}
