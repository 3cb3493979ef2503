/* plot_style.h (internal) — how a model looks in every figure of a results
 * directory (the plots and the HTML report): a colour from the Okabe–Ito
 * palette (Okabe and Ito 2008, "Color Universal Design": distinguishable
 * under the common colour-vision deficiencies; its yellow is left out: a thin
 * yellow line on white is hard to see) and a gnuplot dash type.
 * The style is chosen by the model's position in the directory's list of
 * model labels (head-to-head table order), so one model keeps its look in
 * every figure, whichever subset of models a figure shows. */
#ifndef LNB_PLOT_STYLE_H
#define LNB_PLOT_STYLE_H

#include <stddef.h>

/* distinct colours; styles k and k + LNB_PLOT_NCOLORS differ in dash type */
#define LNB_PLOT_NCOLORS 7
/* distinct (colour, dash) pairs before the styles repeat */
#define LNB_PLOT_NSTYLES (LNB_PLOT_NCOLORS * 4)

/* "#rrggbb" of style k */
const char *lnb_plot_color(size_t k);
/* gnuplot dash type (1 solid, 2 dashed, 4 dash-dot, 3 dotted) of style k */
int lnb_plot_dash(size_t k);
/* the SVG stroke-dasharray of that dash type ("" for solid), for the report */
const char *lnb_plot_dasharray(size_t k);

/* Index of label in the distinct labels (first-appearance order) of
 * labels[0..n); n when absent. */
size_t lnb_plot_style_index(const char *const *labels, size_t n, const char *label);

#endif
