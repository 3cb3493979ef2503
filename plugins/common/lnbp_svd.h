/* lnbp_svd.h — allocation-free thin SVD of a row-major m x n matrix, for hot
 * paths (step, set_end_to_end) where host->svd (LAPACKE_dgesdd, which
 * allocates its work arrays and row-major transposes) may not be used.
 *
 * lnbp_svd_ws_init (in create) sizes everything with one LAPACK workspace
 * query; lnbp_svd then calls LAPACKE_dgesdd_work in column-major layout on the
 * row-major input read as its n x m transpose: A^T = V S U^T, so LAPACK's
 * column-major "U" (n x r) is the row-major r x n Vt and its column-major
 * "VT" (r x m) is the row-major m x r U. Nothing is transposed or allocated.
 * Include this header, not blis.h, in a plugin (lapacke.h and blis.h clash).
 */
#ifndef LNBP_SVD_H
#define LNBP_SVD_H

#include <lapacke.h>
#include <stddef.h>
#include <string.h>

#include "lnnbench/plugin.h"

typedef struct lnbp_svd_ws {
  size_t m, n, r;    /* r = min(m, n) */
  double *a;         /* n x m column-major copy of the input (overwritten) */
  double *work;
  lapack_int lwork;
  lapack_int *iwork; /* 8 r */
} lnbp_svd_ws;

static inline void lnbp_svd_ws_free(const lnb_host *h, lnbp_svd_ws *w) {
  if (w->a) h->free(w->a);
  if (w->work) h->free(w->work);
  if (w->iwork) h->free(w->iwork);
  memset(w, 0, sizeof *w);
}

static inline int lnbp_svd_ws_init(const lnb_host *h, lnbp_svd_ws *w, size_t m, size_t n,
                                   lnb_error *err) {
  memset(w, 0, sizeof *w);
  w->m = m;
  w->n = n;
  w->r = m < n ? m : n;
  if (w->r == 0) return LNB_OK;
  w->a = h->alloc(m * n * sizeof(double));
  w->iwork = h->alloc(8 * w->r * sizeof(lapack_int));
  if (!w->a || !w->iwork) {
    lnbp_svd_ws_free(h, w);
    return h->error(err, LNB_ENOMEM, "out of memory for the SVD workspace of a %zu x %zu matrix",
                    m, n);
  }
  double q = 0.0, dummy = 0.0;
  lapack_int N = (lapack_int)n, M = (lapack_int)m, R = (lapack_int)w->r;
  lapack_int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', N, M, w->a, N, &dummy, &dummy,
                                        N, &dummy, R, &q, -1, w->iwork);
  w->lwork = (lapack_int)q + 1;
  w->work = info == 0 ? h->alloc((size_t)w->lwork * sizeof(double)) : NULL;
  if (!w->work) {
    lnbp_svd_ws_free(h, w);
    return info != 0 ? h->error(err, LNB_ENUMERIC, "dgesdd workspace query failed (info %d)",
                                (int)info)
                     : h->error(err, LNB_ENOMEM, "out of memory for the SVD workspace");
  }
  return LNB_OK;
}

/* A (m x n row-major, unchanged) = U diag(s) Vt: s (r, descending), U
 * (m x r) and Vt (r x n) row-major. Allocates nothing. */
static inline int lnbp_svd(const lnb_host *h, lnbp_svd_ws *w, const double *A, double *s,
                           double *U, double *Vt, lnb_error *err) {
  if (w->r == 0) return LNB_OK;
  memcpy(w->a, A, w->m * w->n * sizeof(double));
  lapack_int N = (lapack_int)w->n, M = (lapack_int)w->m, R = (lapack_int)w->r;
  lapack_int info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', N, M, w->a, N, s, Vt, N, U, R,
                                        w->work, w->lwork, w->iwork);
  if (info != 0)
    return h->error(err, LNB_ENUMERIC, "svd of a %zu x %zu matrix failed (dgesdd info %d)",
                    w->m, w->n, (int)info);
  return LNB_OK;
}

#endif
