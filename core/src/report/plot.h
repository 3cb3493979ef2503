/* plot.h (internal) — `lnnbench plot DIR`: SVG plots of a results directory
 * drawn by gnuplot, with the gnuplot script and data file of every plot kept
 * beside it in DIR/plots/ so they can be restyled. */
#ifndef LNB_PLOT_H
#define LNB_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "lnnbench/error.h"

/* Write DIR/plots/ and run gnuplot on every script; the files written are
 * listed on out. Errors: LNB_ENOENT "gnuplot not found: ..." when gnuplot is
 * not on PATH (checked before anything is written), LNB_EIO/LNB_EPARSE for an
 * unreadable results directory, LNB_EIO when gnuplot fails. */
int lnb_plot_dir(const char *dir, FILE *out, lnb_error *err);
/* The same with the gnuplot found; gnuplot NULL writes the .gp and .dat
 * files only (the fuzz harness). */
int lnb_plot_write(const char *dir, const char *gnuplot, FILE *out, lnb_error *err);

/* Options of `lnnbench plot` (NULL fields: the defaults). */
typedef struct lnb_plot_opts {
  const char *models; /* POSIX extended regex on the model label: only the matching models */
  const char *format; /* svg (default) | png | pdf */
  const char *x;      /* iteration | seconds | epoch; NULL: gap against iteration and seconds */
} lnb_plot_opts;

/* LNB_EINVAL with a message for a bad format, x or regex. */
int lnb_plot_check_opts(const lnb_plot_opts *o, lnb_error *err);
/* lnb_plot_dir / lnb_plot_write with options; a --models that matches no
 * model is LNB_EINVAL (nothing written). */
int lnb_plot_dir_opts(const char *dir, const lnb_plot_opts *o, FILE *out, lnb_error *err);
int lnb_plot_write_opts(const char *dir, const lnb_plot_opts *o, const char *gnuplot, FILE *out,
                        lnb_error *err);

/* Legend labels: tokens (key=value inside a plugin's parentheses) that every
 * label using the same plugin in the same '+'-separated position shares are
 * dropped, and a label still longer than maxlen bytes is cut with "..." —
 * unless another label would then read the same (it keeps its full text).
 * Returns n malloc'd strings (caller frees each and the array), NULL on
 * out-of-memory. */
char **lnb_plot_short_labels(const char *const *labels, size_t n, size_t maxlen);

/* Absolute path of gnuplot found on $PATH (caller frees), or NULL. */
char *lnb_plot_find_gnuplot(void);

#endif
