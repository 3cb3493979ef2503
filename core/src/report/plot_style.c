/* plot_style.c — see plot_style.h. */
#include "plot_style.h"

#include <string.h>

/* Okabe–Ito without its yellow (#F0E442, too faint as a line on white),
 * black last */
static const char *const palette[LNB_PLOT_NCOLORS] = {"#0072B2", "#D55E00", "#009E73",
                                                      "#CC79A7", "#E69F00", "#56B4E9",
                                                      "#000000"};
static const int dashes[] = {1, 2, 4, 3};
static const char *const dasharrays[] = {"", "8,5", "8,4,2,4", "2,4"};
#define NDASH (sizeof dashes / sizeof *dashes)

const char *lnb_plot_color(size_t k) { return palette[k % LNB_PLOT_NCOLORS]; }

int lnb_plot_dash(size_t k) { return dashes[(k / LNB_PLOT_NCOLORS) % NDASH]; }

const char *lnb_plot_dasharray(size_t k) { return dasharrays[(k / LNB_PLOT_NCOLORS) % NDASH]; }

size_t lnb_plot_style_index(const char *const *labels, size_t n, const char *label) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) seen = strcmp(labels[j], labels[i]) == 0;
    if (seen) continue;
    if (strcmp(labels[i], label) == 0) return k;
    k++;
  }
  return n;
}
