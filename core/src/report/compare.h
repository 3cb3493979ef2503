/* compare.h (internal) — `lnnbench compare DIR_A DIR_B`: time to target of
 * the same models in two result sets, with a Mann–Whitney U test over seeds. */
#ifndef LNB_COMPARE_H
#define LNB_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "lnnbench/error.h"
#include "table.h"

/* Samples with at most this many values each and no ties get the exact null
 * distribution of U; otherwise the normal approximation with tie correction
 * and continuity correction is used. */
#define LNB_MWU_EXACT_MAX 25

/* Two-sided Mann–Whitney U (Wilcoxon rank-sum) test of x[nx] against y[ny].
 * +inf is allowed (an unreached target) and ranks above every finite value;
 * equal values (infinities included) get mid-ranks. *u (may be NULL) receives
 * U_x = R_x - nx(nx+1)/2 = #{x_i > y_j} + #{x_i = y_j}/2, *exact (may be NULL)
 * whether the exact distribution was used. Returns the p-value, NaN when a
 * sample is empty. */
double lnb_mann_whitney(const double *x, size_t nx, const double *y, size_t ny, double *u,
                        int *exact);

/* Compare the models of two results directories and print a table to out
 * (fmt: LNB_TABLE_MD or LNB_TABLE_CSV). by_setting = 0: models matched by
 * problem + model label, each at the best tuned setting of its own set (as in
 * the head-to-head table); 1: every (problem, model, tuned) setting matched
 * by all three labels. */
/* Holm's step-down adjustment (Holm 1979) of the p-values p[n] (NaN: not
 * tested, left NaN in adj): the i-th smallest of the m tested becomes the
 * running maximum of min(1, (m - j) p_(j)) over j <= i (0-based), so the
 * family-wise error rate is controlled across the models compared. */
void lnb_holm(const double *p, size_t n, double *adj);

/* metric: "iters", "seconds", "final_loss" or a recorded metric's name
 * (its final_<name> column); NULL: iterations to target when both sets ran
 * with one BLIS thread (deterministic), else seconds; final_loss without a
 * target. */
int lnb_compare_dirs(const char *dir_a, const char *dir_b, lnb_table_format fmt, int by_setting,
                     const char *metric, FILE *out, lnb_error *err);

#endif
