/* csv.h (internal) — read the CSV files lnnbench writes (RFC 4180 quoting). */
#ifndef LNB_CSV_H
#define LNB_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lnnbench/error.h"

typedef struct lnb_csv {
  char **header;
  size_t ncols;
  char ***rows; /* rows[i][j], j < ncols */
  size_t nrows;
  size_t *lines; /* 1-based line of each row, for messages */
} lnb_csv;

/* Largest results file (summary.csv, trajectories.csv, manifest.json) the
 * readers accept: 4 GiB. */
#define LNB_MAX_RESULTS_FILE ((uint64_t)4 << 30)
/* The whole of path, NUL-terminated (free with free()), read only if it is a
 * regular file of at most max bytes (lnb__open_regular: a FIFO or a device
 * is refused without blocking); what names it in messages. NULL with err set. */
char *lnb_read_file(const char *path, uint64_t max, const char *what, size_t *len_out,
                    lnb_error *err);

/* Read path; every row must have the header's number of fields, the file
 * must end in a newline and hold no NUL byte (else an error naming
 * path:line). */
int lnb_csv_read(const char *path, lnb_csv *out, lnb_error *err);
/* column index of name, or -1 */
long lnb_csv_col(const lnb_csv *c, const char *name);
void lnb_csv_free(lnb_csv *c);

/* Write s as one CSV field: as is, or in double quotes (quotes doubled) when
 * it holds a comma, a quote or a newline. */
void lnb_csv_put_field(FILE *f, const char *s);

#endif
