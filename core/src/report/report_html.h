/* report_html.h (internal) — `lnnbench report DIR`: DIR/report.html, one
 * self-contained page of a results directory: the manifest summary (what
 * ran, where, which commit, status counts), every problem's head-to-head
 * table (sortable), the performance profile, every plot (drawn by `plot`,
 * embedded as data: URIs) and a drill-down per model (every tuned setting
 * and seed, failures with their messages). No network (a Content Security
 * Policy forbids it), one small inline script (nonce-bound) for sorting.
 * Every text read from the results directory is HTML-escaped. */
#ifndef LNB_REPORT_HTML_H
#define LNB_REPORT_HTML_H

#include <stdio.h>

#include "lnnbench/error.h"

/* Draw the plots (SVG, when gnuplot is installed: without it the page says
 * so), then write DIR/report.html atomically; its path is printed on out.
 * Errors as `lnnbench plot` (an unreadable results directory: nothing
 * written). */
int lnb_report_html(const char *dir, FILE *out, lnb_error *err);

#endif
