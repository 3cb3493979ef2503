/* lbfgs — limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) with a
 * strong-Wolfe line search (Nocedal & Wright, Numerical Optimization, 2nd
 * ed., Alg. 7.4, 7.5, 3.5, 3.6), full batch, over all tensors as one vector:
 * one host step is one L-BFGS iteration
 *   d = -H g  (two-loop recursion over the last `history` pairs (s, y),
 *              H0 = (s.y / y.y) I from the newest pair; d = -g without one)
 *   w <- w + a d, a satisfying f(w + a d) <= f + c1 a g.d and
 *                 |g(w + a d).d| <= c2 |g.d|
 *   s = a d, y = g_new - g, kept when s.y > 0.
 * The first trial step is lr (min(1, 1/||g||_1) lr on the first iteration,
 * as torch.optim.LBFGS). */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <string.h>

#include "lnbp_optstate.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec lbfgs_params[] = {
    {"lr", LNB_T_REAL, "1", "first trial step of each line search (torch's lr)", "(0, inf)",
     NULL, 0},
    {"history", LNB_T_INT, "10", "m: curvature pairs (s, y) kept", "[1, 1000]", NULL, 0},
    {"c1", LNB_T_REAL, "1e-4", "sufficient-decrease constant of the Wolfe conditions", "(0, 1)",
     NULL, 0},
    {"c2", LNB_T_REAL, "0.9", "curvature constant of the strong Wolfe conditions (c1 < c2)",
     "(0, 1)", NULL, 0},
    {"max_evals", LNB_T_INT, "25", "loss-and-gradient evaluations one line search may make",
     "[1, 1000]", NULL, 0},
    {0},
};

typedef struct lbfgs {
  const lnb_host *host;
  double lr, c1, c2;
  size_t m, max_evals;
  lnbp_optstate st; /* buffers: w0, g0, d, q, then m of s and m of y */
  double *rho, *alpha; /* m each */
  size_t npairs, newest; /* pairs stored; index of the newest */
  uint64_t iters;
} lbfgs;

static int lbfgs_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), c1 = h->param_real(p, "c1"), c2 = h->param_real(p, "c2");
  int64_t m = h->param_int(p, "history"), e = h->param_int(p, "max_evals");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (m < 1 || m > 1000) return h->error(err, LNB_EINVAL, "history must be in [1, 1000]");
  if (e < 1 || e > 1000) return h->error(err, LNB_EINVAL, "max_evals must be in [1, 1000]");
  if (!(c1 > 0.0 && c1 < c2 && c2 < 1.0))
    return h->error(err, LNB_EINVAL, "need 0 < c1 < c2 < 1 (got c1 %g, c2 %g)", c1, c2);
  return LNB_OK;
}

static void lbfgs_destroy(void *self) {
  lbfgs *L = self;
  if (!L) return;
  lnbp_optstate_free(L->host, &L->st);
  if (L->rho) L->host->free(L->rho);
  if (L->alpha) L->host->free(L->alpha);
  L->host->free(L);
}

static int lbfgs_create(const lnb_host *h, const lnb_params *p, lnb_model *model, uint64_t seed,
                        void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = lbfgs_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  lbfgs *L = h->alloc(sizeof *L);
  if (!L) return h->error(err, LNB_ENOMEM, "out of memory");
  L->host = h;
  L->lr = h->param_real(p, "lr");
  L->c1 = h->param_real(p, "c1");
  L->c2 = h->param_real(p, "c2");
  L->m = (size_t)h->param_int(p, "history");
  L->max_evals = (size_t)h->param_int(p, "max_evals");
  L->rho = h->alloc(L->m * sizeof *L->rho);
  L->alpha = h->alloc(L->m * sizeof *L->alpha);
  rc = !L->rho || !L->alpha ? h->error(err, LNB_ENOMEM, "out of memory")
                            : lnbp_optstate_init(h, model, 4 + 2 * L->m, &L->st, err);
  if (rc != LNB_OK) {
    lbfgs_destroy(L);
    return rc;
  }
  *self = L;
  return LNB_OK;
}

/* ------------------------------------------- the model as one vector */

static void gather(const lnb_model *model, double *out, int grad) {
  for (size_t j = 0; j < model->ntensors; j++) {
    const lnb_tensor *T = &model->tensors[j];
    size_t n = T->rows * T->cols;
    memcpy(out, grad ? T->grad : T->data, n * sizeof *out);
    out += n;
  }
}

static double dot(const double *a, const double *b, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/* the line search's view: w = w0 + a d, phi(a) = f, dphi(a) = g.d */
typedef struct lbfgs_line {
  lbfgs *L;
  lnb_model *model;
  const double *w0, *d;
} lbfgs_line;

static double line_eval(void *ctx, double a, double *dphi) {
  lbfgs_line *ln = ctx;
  const double *w0 = ln->w0, *d = ln->d;
  for (size_t j = 0; j < ln->model->ntensors; j++) {
    lnb_tensor *T = &ln->model->tensors[j];
    size_t n = T->rows * T->cols;
    for (size_t i = 0; i < n; i++) T->data[i] = w0[i] + a * d[i];
    w0 += n;
    d += n;
  }
  double f = ln->model->loss_grad(ln->model);
  double s = 0.0;
  d = ln->d;
  for (size_t j = 0; j < ln->model->ntensors; j++) {
    const lnb_tensor *T = &ln->model->tensors[j];
    size_t n = T->rows * T->cols;
    s += dot(T->grad, d, n);
    d += n;
  }
  *dphi = s;
  return f;
}

/* ------------------------------------------ strong-Wolfe line search */

/* one point of phi(a) = f(w + a d): a, phi, phi' */
typedef struct ls_pt {
  double a, f, df;
} ls_pt;

typedef struct ls_search {
  double (*eval)(void *ctx, double a, double *dphi);
  void *ctx;
  double f0, df0, c1, c2;
  size_t evals, max_evals;
  double last; /* a of the last evaluation */
} ls_search;

static ls_pt ls_at(ls_search *S, double a) {
  ls_pt p = {a, 0.0, 0.0};
  p.f = S->eval(S->ctx, a, &p.df);
  S->evals++;
  S->last = a;
  return p;
}

static int ls_armijo_fails(const ls_search *S, const ls_pt *p) {
  return !(p->f <= S->f0 + S->c1 * p->a * S->df0);
}

static int ls_curvature_holds(const ls_search *S, const ls_pt *p) {
  return fabs(p->df) <= -S->c2 * S->df0;
}

/* the minimizer of the cubic interpolating phi and phi' at lo and hi
 * (Nocedal & Wright Eq. 3.59), kept 10% of the interval away from its ends;
 * the midpoint when the cubic has no minimizer there */
static double ls_cubic(const ls_pt *lo, const ls_pt *hi) {
  const double mid = 0.5 * (lo->a + hi->a), w = fabs(hi->a - lo->a);
  const double d1 = lo->df + hi->df - 3.0 * (lo->f - hi->f) / (lo->a - hi->a);
  const double disc = d1 * d1 - lo->df * hi->df;
  if (!(disc >= 0.0) || !isfinite(disc)) return mid;
  const double d2 = (hi->a > lo->a ? 1.0 : -1.0) * sqrt(disc);
  const double a = hi->a - (hi->a - lo->a) * (hi->df + d2 - d1) / (hi->df - lo->df + 2.0 * d2);
  const double left = fmin(lo->a, hi->a) + 0.1 * w, right = fmax(lo->a, hi->a) - 0.1 * w;
  return isfinite(a) && a >= left && a <= right ? a : mid;
}

/* Alg. 3.6: lo satisfies sufficient decrease with the lowest phi so far,
 * phi'(lo) (hi - lo) < 0 */
static ls_pt ls_zoom(ls_search *S, ls_pt lo, ls_pt hi) {
  while (S->evals < S->max_evals && fabs(hi.a - lo.a) > 1e-14 * fabs(lo.a + hi.a)) {
    ls_pt p = ls_at(S, ls_cubic(&lo, &hi));
    if (ls_armijo_fails(S, &p) || p.f >= lo.f) {
      hi = p;
    } else {
      if (ls_curvature_holds(S, &p)) return p;
      if (p.df * (hi.a - lo.a) >= 0.0) hi = lo;
      lo = p;
    }
  }
  return lo; /* out of evaluations: the best point found (a = 0 if none) */
}

/* Alg. 3.5 from the trial step a0, doubling while phi still decreases; the
 * accepted step (0 when no point decreased the loss) */
static ls_pt ls_strong_wolfe(ls_search *S, double a0) {
  ls_pt prev = {0.0, S->f0, S->df0};
  double a = a0;
  while (S->evals < S->max_evals) {
    ls_pt p = ls_at(S, a);
    if (ls_armijo_fails(S, &p) || (S->evals > 1 && p.f >= prev.f)) return ls_zoom(S, prev, p);
    if (ls_curvature_holds(S, &p)) return p;
    if (p.df >= 0.0) return ls_zoom(S, p, prev);
    prev = p;
    a *= 2.0;
  }
  return prev;
}

/* d = -H g by the two-loop recursion (Nocedal & Wright Alg. 7.4) */
static void direction(lbfgs *L, const double *g, double *d) {
  const size_t n = L->st.total, m = L->m;
  memcpy(d, g, n * sizeof *d);
  for (size_t k = 0; k < L->npairs; k++) { /* newest to oldest */
    size_t i = (L->newest + m - k) % m;
    const double *s = lnbp_optstate_buf(&L->st, 4 + i), *y = lnbp_optstate_buf(&L->st, 4 + m + i);
    L->alpha[i] = L->rho[i] * dot(s, d, n);
    for (size_t q = 0; q < n; q++) d[q] -= L->alpha[i] * y[q];
  }
  if (L->npairs) {
    const double *s = lnbp_optstate_buf(&L->st, 4 + L->newest),
                 *y = lnbp_optstate_buf(&L->st, 4 + m + L->newest);
    const double gamma = dot(s, y, n) / dot(y, y, n);
    for (size_t q = 0; q < n; q++) d[q] *= gamma;
  }
  for (size_t k = L->npairs; k-- > 0;) { /* oldest to newest */
    size_t i = (L->newest + m - k) % m;
    const double *s = lnbp_optstate_buf(&L->st, 4 + i), *y = lnbp_optstate_buf(&L->st, 4 + m + i);
    const double beta = L->rho[i] * dot(y, d, n);
    for (size_t q = 0; q < n; q++) d[q] += s[q] * (L->alpha[i] - beta);
  }
  for (size_t q = 0; q < n; q++) d[q] = -d[q];
}

static int lbfgs_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  lbfgs *L = self;
  int rc = lnbp_optstate_check(L->host, &L->st, model, "lbfgs", err);
  if (rc != LNB_OK) return rc;
  const size_t n = L->st.total, m = L->m;
  double *w0 = lnbp_optstate_buf(&L->st, 0), *g0 = lnbp_optstate_buf(&L->st, 1),
         *d = lnbp_optstate_buf(&L->st, 2), *g1 = lnbp_optstate_buf(&L->st, 3);
  gather(model, w0, 0);
  gather(model, g0, 1);
  const double f0 = model->loss(model); /* the grads stay those of w0 */
  double dphi0;
  direction(L, g0, d);
  if (!((dphi0 = dot(g0, d, n)) < 0.0)) { /* not a descent direction: restart */
    L->npairs = 0;
    for (size_t q = 0; q < n; q++) d[q] = -g0[q];
    dphi0 = dot(g0, d, n);
  }
  if (!(dphi0 < 0.0)) return LNB_OK; /* zero gradient: a stationary point, stay */
  double a0 = L->lr;
  if (L->iters == 0) {
    double g1norm = 0.0;
    for (size_t q = 0; q < n; q++) g1norm += fabs(g0[q]);
    a0 = fmin(1.0, 1.0 / g1norm) * L->lr;
  }
  lbfgs_line ln = {L, model, w0, d};
  ls_search S = {line_eval, &ln, f0, dphi0, L->c1, L->c2, 0, L->max_evals, 0.0};
  const ls_pt r = ls_strong_wolfe(&S, a0);
  if (!(r.a > 0.0)) { /* no decrease found: stay at w0 and forget the curvature */
    line_eval(&ln, 0.0, &dphi0);
    L->npairs = 0;
    return LNB_OK;
  }
  if (r.a != S.last) { /* the accepted point was not the last one evaluated */
    double dphi;
    line_eval(&ln, r.a, &dphi);
  }
  L->iters++;
  /* s = a d, y = g1 - g0; kept when s.y > 0 (H stays positive definite) */
  gather(model, g1, 1);
  size_t slot = L->npairs ? (L->newest + 1) % m : L->newest;
  double *s = lnbp_optstate_buf(&L->st, 4 + slot), *y = lnbp_optstate_buf(&L->st, 4 + m + slot);
  for (size_t q = 0; q < n; q++) {
    s[q] = r.a * d[q];
    y[q] = g1[q] - g0[q];
  }
  const double sy = dot(s, y, n);
  if (sy > 0.0) {
    L->rho[slot] = 1.0 / sy;
    L->newest = slot;
    if (L->npairs < m) L->npairs++;
  }
  return LNB_OK;
}

static const lnb_optimizer_ops lbfgs_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = lbfgs_create,
    .destroy = lbfgs_destroy,
    .step = lbfgs_step,
    .validate = lbfgs_validate,
    .uses = LNB_USES_DECLARED,
    .transforms = LNB_TF_DECLARED,
    .transforms_note = "lbfgs takes its step length from a line search that re-evaluates the "
                       "loss and gradient: a schedule, clipping or decay of the first gradient "
                       "only would break its Wolfe conditions",
};

static const lnb_plugin lbfgs_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "lbfgs",
    .summary = "L-BFGS, history m, strong-Wolfe line search; one iteration per step",
    .params = lbfgs_params,
    .ops = &lbfgs_ops,
    .description =
        "Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) on all parameters as one "
        "vector w, full batch, one iteration per step (torch.optim.LBFGS makes max_iter "
        "iterations per step; here the run's max_iters counts them). With g the gradient "
        "and (s_i, y_i) the last `history` curvature pairs: d = -H g by the two-loop "
        "recursion (Nocedal & Wright Alg. 7.4) with H0 = (s.y / y.y) I from the newest pair "
        "(d = -g without pairs, or when d is no descent direction: the pairs are then "
        "dropped); the step a satisfies the strong Wolfe conditions f(w + a d) <= f(w) + c1 "
        "a g.d and |g(w + a d).d| <= c2 |g.d| (Alg. 3.5 bracketing by doubling, Alg. 3.6 "
        "zoom with safeguarded cubic interpolation), starting from a = lr (min(1, 1/||g||_1) "
        "lr on the first iteration, as torch), at most max_evals loss-and-gradient "
        "evaluations; when none decreases the loss the step stays put. Then s = a d, y = "
        "g(w + a d) - g(w), kept when s.y > 0. Every trial point costs one loss and gradient "
        "through the model, timed as part of the step. Stiefel tags are ignored.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &lbfgs_desc : NULL;
}
