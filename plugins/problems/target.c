/* target — l(W) = 1/2 ||W - Phi||_F^2 over the d x d end-to-end matrix W
 * (k = d): the population loss of paper 004 (Bartlett, Helmbold & Long,
 * Sec. 2.1) for isotropic inputs and least squares matrix Phi. l* = 0 at
 * W = Phi (the reference); grad l = W - Phi.
 *
 * Phi by kind:
 *   symmetric           Q diag(eigenvalues) Q^T
 *   negative_eigenvalue Q diag(-lambda, e_2, ..., e_d) Q^T (e_j = eigenvalues,
 *                       default 1; paper 004, Sec. 6: diag(-lambda, 1, ..., 1))
 *   rotation            rotation by angle_deg in the plane of q_1, q_2
 *                       (identity elsewhere)
 *   gamma_positive      gamma I + B B^T + skew (C - C^T)/sqrt(2), B, C with
 *                       N(0, 1/d) entries: asymmetric, u^T Phi u >= gamma
 *   near_identity       I + radius E / ||E||_2, E with N(0, 1) entries:
 *                       ||Phi - I||_2 = radius
 *   inline              matrix
 * Q is Haar-orthogonal from the seed (basis: random) or I (basis: standard).
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lnbp_matfun.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec tg_params[] = {
    {"kind", LNB_T_ENUM, "symmetric",
     "how Phi is built: symmetric (given spectrum), negative_eigenvalue (one eigenvalue "
     "-lambda), rotation (angle_deg in a plane), gamma_positive (random asymmetric, "
     "u^T Phi u >= gamma), near_identity (||Phi - I||_2 = radius), inline (matrix)",
     NULL, "symmetric|negative_eigenvalue|rotation|gamma_positive|near_identity|inline", 0},
    {"d", LNB_T_INT, NULL,
     "dimension (Phi is d x d, k = d); default: length of eigenvalues for symmetric, "
     "size of matrix for inline, 2 for rotation, 10 otherwise",
     "[1, 4096]", NULL, 0},
    {"eigenvalues", LNB_T_REAL_LIST, NULL,
     "symmetric: the d eigenvalues of Phi (required); negative_eigenvalue: the d-1 other, "
     "positive eigenvalues (default all 1)",
     NULL, NULL, 0},
    {"lambda", LNB_T_REAL, NULL,
     "negative_eigenvalue: Phi has the eigenvalue -lambda (paper 004, Theorems 4-5); "
     "default 1",
     "(0, inf)", NULL, 0},
    {"angle_deg", LNB_T_REAL, NULL, "rotation: angle in degrees; default 60", "[-180, 180]",
     NULL, 0},
    {"gamma", LNB_T_REAL, NULL,
     "gamma_positive: Phi = gamma I + B B^T + skew part, so u^T Phi u >= gamma for every "
     "unit u (paper 004, Definition 1); default 0.5",
     "(0, inf)", NULL, 0},
    {"skew", LNB_T_REAL, NULL,
     "gamma_positive: scale of the skew-symmetric part skew (C - C^T)/sqrt(2), C with "
     "N(0, 1/d) entries; default 1",
     "[0, inf)", NULL, 0},
    {"radius", LNB_T_REAL, NULL, "near_identity: ||Phi - I||_2 = radius; default 0.5",
     "[0, inf)", NULL, 0},
    {"basis", LNB_T_ENUM, NULL,
     "symmetric, negative_eigenvalue, rotation: eigenvectors / rotation plane from a "
     "Haar-random orthogonal Q (random, the default) or the coordinate axes (standard, "
     "e.g. Phi = diag(-lambda, 1, ..., 1))",
     NULL, "random|standard", 0},
    {"matrix", LNB_T_MATRIX, NULL, "inline: the d x d matrix Phi", NULL, NULL, LNB_P_NOGRID},
    {"seed", LNB_T_INT, NULL,
     "seed of Q, B, C, E; when unset the run seed is used (so Phi varies with seeds)",
     "[0, inf)", NULL, 0},
    {0},
};

static const lnb_metric_spec tg_metrics[] = {
    {"min_sym_eigenvalue",
     "smallest eigenvalue of (W_e + W_e^T)/2: W_e is in H_gamma iff it is >= gamma "
     "(paper 004, Sec. 5)"},
    {"min_singular_value", "smallest singular value of W_e (paper 004, Lemmas 12-13)"},
    {"identity_distance", "||W_e - I||_2, spectral distance to the identity"},
    {NULL, NULL},
};

typedef enum tg_kind {
  K_SYMMETRIC,
  K_NEGATIVE,
  K_ROTATION,
  K_GAMMA,
  K_NEAR_IDENTITY,
  K_INLINE
} tg_kind;

static const char *const tg_kind_names[] = {"symmetric",      "negative_eigenvalue",
                                            "rotation",       "gamma_positive",
                                            "near_identity",  "inline"};

typedef struct tg {
  const lnb_host *host;
  size_t d;
  double *Phi;
  double *tmp; /* d x d scratch for metrics */
  lnbp_mf_ws mf;
} tg;

/* value of an optional real parameter, or its documented default */
static double tg_real(const lnb_host *h, const lnb_params *p, const char *name, double def) {
  return h->param_is_set(p, name) ? h->param_real(p, name) : def;
}

static int tg_kind_of(const lnb_host *h, const lnb_params *p, tg_kind *out, lnb_error *err) {
  const char *s = h->param_string(p, "kind");
  for (int i = 0; i <= K_INLINE; i++)
    if (s && strcmp(s, tg_kind_names[i]) == 0) {
      *out = (tg_kind)i;
      return LNB_OK;
    }
  return h->error(err, LNB_EINVAL, "kind: unknown value '%s'", s ? s : "");
}

/* which kinds use which parameter; a given parameter another kind would
 * ignore is an error */
static int tg_check_unused(const lnb_host *h, const lnb_params *p, tg_kind k, lnb_error *err) {
  static const struct {
    const char *name;
    unsigned kinds; /* bit per tg_kind */
  } use[] = {
      {"eigenvalues", 1u << K_SYMMETRIC | 1u << K_NEGATIVE},
      {"lambda", 1u << K_NEGATIVE},
      {"angle_deg", 1u << K_ROTATION},
      {"gamma", 1u << K_GAMMA},
      {"skew", 1u << K_GAMMA},
      {"radius", 1u << K_NEAR_IDENTITY},
      {"basis", 1u << K_SYMMETRIC | 1u << K_NEGATIVE | 1u << K_ROTATION},
      {"matrix", 1u << K_INLINE},
  };
  for (size_t i = 0; i < sizeof use / sizeof use[0]; i++)
    if (h->param_is_set(p, use[i].name) && !(use[i].kinds & (1u << k)))
      return h->error(err, LNB_EINVAL, "%s is given but kind %s does not use it", use[i].name,
                      tg_kind_names[k]);
  return LNB_OK;
}

/* resolve d and check the kind's parameters */
static int tg_resolve(const lnb_host *h, const lnb_params *p, tg_kind *kind, size_t *d,
                      lnb_error *err) {
  int rc = tg_kind_of(h, p, kind, err);
  if (rc != LNB_OK) return rc;
  if ((rc = tg_check_unused(h, p, *kind, err)) != LNB_OK) return rc;
  int dset = h->param_is_set(p, "d");
  size_t dv = dset ? (size_t)h->param_int(p, "d") : 0;
  size_t n = 0;
  const double *ev = h->param_is_set(p, "eigenvalues") ? h->param_reals(p, "eigenvalues", &n)
                                                       : NULL;
  switch (*kind) {
  case K_SYMMETRIC:
    if (!ev || n == 0)
      return h->error(err, LNB_EINVAL,
                      "kind symmetric needs eigenvalues (a list of the d eigenvalues of Phi)");
    if (dset && dv != n)
      return h->error(err, LNB_EDIM, "eigenvalues has %zu entries but d = %zu", n, dv);
    dv = n;
    break;
  case K_NEGATIVE:
    if (!dset) dv = ev ? n + 1 : 10;
    if (dv < 1) return h->error(err, LNB_EINVAL, "d must be >= 1");
    if (ev) {
      if (n + 1 != dv)
        return h->error(err, LNB_EDIM,
                        "kind negative_eigenvalue: eigenvalues lists the d-1 = %zu other "
                        "eigenvalues but has %zu entries",
                        dv - 1, n);
      for (size_t i = 0; i < n; i++)
        if (!(ev[i] > 0.0))
          return h->error(err, LNB_EINVAL,
                          "kind negative_eigenvalue: eigenvalues[%zu] = %g must be > 0 (only "
                          "one eigenvalue, -lambda, is negative)",
                          i, ev[i]);
    }
    break;
  case K_ROTATION:
    if (!dset) dv = 2;
    if (dv < 2) return h->error(err, LNB_EINVAL, "kind rotation needs d >= 2 (got %zu)", dv);
    break;
  case K_INLINE: {
    if (!h->param_is_set(p, "matrix"))
      return h->error(err, LNB_EINVAL, "kind inline needs matrix (the d x d Phi)");
    size_t r = 0, c = 0;
    const double *M = h->param_matrix(p, "matrix", &r, &c);
    if (!M || r == 0 || r != c)
      return h->error(err, LNB_EDIM, "matrix is %zu x %zu but must be square (d x d)", r, c);
    if (dset && dv != r)
      return h->error(err, LNB_EDIM, "matrix is %zu x %zu but d = %zu", r, c, dv);
    dv = r;
    break;
  }
  default:
    if (!dset) dv = 10;
    break;
  }
  *d = dv;
  return LNB_OK;
}

static int tg_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  tg_kind k;
  size_t d;
  return tg_resolve(h, p, &k, &d, err);
}

static void tg_destroy(void *self) {
  tg *P = self;
  if (!P) return;
  const lnb_host *h = P->host;
  if (P->Phi) h->free(P->Phi);
  if (P->tmp) h->free(P->tmp);
  lnbp_mf_ws_free(h, &P->mf);
  h->free(P);
}

/* Phi = Q diag(ev) Q^T */
static void tg_conjugate_diag(const lnb_host *h, const double *Q, const double *ev, size_t d,
                              double *tmp, double *Phi) {
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++) tmp[i * d + j] = Q[i * d + j] * ev[j];
  h->gemm(LNB_NO_TRANS, LNB_TRANS, d, d, d, 1.0, tmp, d, Q, d, 0.0, Phi, d);
}

static int tg_build(tg *P, const lnb_params *p, tg_kind kind, uint64_t seed, lnb_error *err) {
  const lnb_host *h = P->host;
  size_t d = P->d, dd = d * d;
  if (h->param_is_set(p, "seed")) seed = (uint64_t)h->param_int(p, "seed");
  lnb_rng rng;
  h->rng_init(&rng, seed, "target-phi");
  double *Q = h->alloc(dd * sizeof(double));
  double *B = h->alloc(dd * sizeof(double));
  double *ev = h->alloc(d * sizeof(double));
  int rc = LNB_OK;
  if (!Q || !B || !ev) {
    rc = h->error(err, LNB_ENOMEM, "out of memory building a %zu x %zu target", d, d);
    goto done;
  }
  int random_basis =
      !h->param_is_set(p, "basis") || strcmp(h->param_string(p, "basis"), "random") == 0;
  if (kind == K_SYMMETRIC || kind == K_NEGATIVE || kind == K_ROTATION) {
    if (random_basis) {
      if ((rc = lnbp_random_orthonormal(h, &rng, d, d, Q, err)) != LNB_OK) goto done;
    } else {
      lnbp_eye(Q, d, d);
    }
  }
  switch (kind) {
  case K_SYMMETRIC: {
    size_t n = 0;
    const double *e = h->param_reals(p, "eigenvalues", &n);
    tg_conjugate_diag(h, Q, e, d, B, P->Phi);
    break;
  }
  case K_NEGATIVE: {
    ev[0] = -tg_real(h, p, "lambda", 1.0);
    for (size_t i = 1; i < d; i++) ev[i] = 1.0;
    if (h->param_is_set(p, "eigenvalues")) {
      size_t n = 0;
      const double *e = h->param_reals(p, "eigenvalues", &n);
      for (size_t i = 1; i < d; i++) ev[i] = e[i - 1];
    }
    tg_conjugate_diag(h, Q, ev, d, B, P->Phi);
    break;
  }
  case K_ROTATION: {
    /* Phi = I + (cos t - 1)(u u^T + v v^T) + sin t (v u^T - u v^T), u, v the
     * first two columns of Q: Phi u = cos t u + sin t v */
    double t = tg_real(h, p, "angle_deg", 60.0) * M_PI / 180.0, c = cos(t), s = sin(t);
    if (d == 2 && Q[0] * Q[3] - Q[1] * Q[2] < 0.0) { /* keep the orientation for d = 2 */
      Q[1] = -Q[1];
      Q[3] = -Q[3];
    }
    lnbp_eye(P->Phi, d, d);
    for (size_t i = 0; i < d; i++)
      for (size_t j = 0; j < d; j++) {
        double ui = Q[i * d], vi = Q[i * d + 1], uj = Q[j * d], vj = Q[j * d + 1];
        P->Phi[i * d + j] += (c - 1.0) * (ui * uj + vi * vj) + s * (vi * uj - ui * vj);
      }
    break;
  }
  case K_GAMMA: {
    double gamma = tg_real(h, p, "gamma", 0.5), skew = tg_real(h, p, "skew", 1.0);
    double sd = 1.0 / sqrt((double)d);
    lnbp_fill_normal(h, &rng, B, dd, sd);
    lnbp_fill_normal(h, &rng, Q, dd, sd); /* C */
    h->gemm(LNB_NO_TRANS, LNB_TRANS, d, d, d, 1.0, B, d, B, d, 0.0, P->Phi, d);
    for (size_t i = 0; i < d; i++) {
      P->Phi[i * d + i] += gamma;
      for (size_t j = 0; j < d; j++)
        P->Phi[i * d + j] += skew * (Q[i * d + j] - Q[j * d + i]) / sqrt(2.0);
    }
    double m = lnbp_mf_min_sym_eig(&P->mf, P->Phi);
    if (!(m >= gamma * (1.0 - 1e-12))) {
      rc = h->error(err, LNB_ENUMERIC,
                    "gamma_positive: built Phi has min eigenvalue %.17g of its symmetric part, "
                    "below gamma = %g",
                    m, gamma);
      goto done;
    }
    break;
  }
  case K_NEAR_IDENTITY: {
    double r = tg_real(h, p, "radius", 0.5);
    lnbp_fill_normal(h, &rng, B, dd, 1.0);
    if ((rc = lnbp_mf_singular_values(&P->mf, B, err)) != LNB_OK) goto done;
    double f = P->mf.s[0] > 0.0 ? r / P->mf.s[0] : 0.0;
    for (size_t i = 0; i < dd; i++) P->Phi[i] = f * B[i];
    for (size_t i = 0; i < d; i++) P->Phi[i * d + i] += 1.0;
    break;
  }
  case K_INLINE: {
    size_t r = 0, c = 0;
    lnbp_copy(P->Phi, h->param_matrix(p, "matrix", &r, &c), dd);
    break;
  }
  }
  if (!lnbp_mf_finite(P->Phi, dd))
    rc = h->error(err, LNB_ENUMERIC, "Phi has a non-finite entry");
done:
  if (Q) h->free(Q);
  if (B) h->free(B);
  if (ev) h->free(ev);
  return rc;
}

static int tg_create(const lnb_host *h, const lnb_params *p, uint64_t seed, void **self,
                     lnb_error *err) {
  *self = NULL;
  tg_kind kind;
  size_t d;
  int rc = tg_resolve(h, p, &kind, &d, err);
  if (rc != LNB_OK) return rc;
  tg *P = h->alloc(sizeof *P);
  if (!P) return h->error(err, LNB_ENOMEM, "out of memory");
  P->host = h;
  P->d = d;
  P->Phi = h->alloc(d * d * sizeof(double));
  P->tmp = h->alloc(d * d * sizeof(double));
  if (!P->Phi || !P->tmp) {
    rc = h->error(err, LNB_ENOMEM, "out of memory for a %zu x %zu target", d, d);
    goto fail;
  }
  if ((rc = lnbp_mf_ws_init(h, &P->mf, d, err)) != LNB_OK) goto fail;
  if ((rc = tg_build(P, p, kind, seed, err)) != LNB_OK) goto fail;
  *self = P;
  return LNB_OK;
fail:
  tg_destroy(P);
  return rc;
}

static void tg_dims(const void *self, size_t *k, size_t *d) {
  const tg *P = self;
  *k = P->d;
  *d = P->d;
}

static double tg_eval(void *self, const double *We, double *grad) {
  const tg *P = self;
  size_t n = P->d * P->d;
  double s = 0.0;
  if (grad) {
    for (size_t i = 0; i < n; i++) {
      double r = We[i] - P->Phi[i];
      grad[i] = r;
      s += r * r;
    }
  } else {
    for (size_t i = 0; i < n; i++) {
      double r = We[i] - P->Phi[i];
      s += r * r;
    }
  }
  return 0.5 * s;
}

static int tg_optimum(const void *self, double *lstar) {
  (void)self;
  *lstar = 0.0;
  return 1;
}

static const double *tg_reference(const void *self) { return ((const tg *)self)->Phi; }

static double tg_metric(void *self, size_t index, const double *We) {
  tg *P = self;
  size_t d = P->d;
  switch (index) {
  case 0:
    return lnbp_mf_min_sym_eig(&P->mf, We);
  case 1:
    return lnbp_mf_singular_values(&P->mf, We, NULL) == LNB_OK ? P->mf.s[d - 1] : NAN;
  case 2:
    lnbp_copy(P->tmp, We, d * d);
    for (size_t i = 0; i < d; i++) P->tmp[i * d + i] -= 1.0;
    return lnbp_mf_singular_values(&P->mf, P->tmp, NULL) == LNB_OK ? P->mf.s[0] : NAN;
  default:
    return NAN;
  }
}

static const lnb_problem_ops tg_ops = {
    .struct_size = sizeof(lnb_problem_ops),
    .create = tg_create,
    .destroy = tg_destroy,
    .dims = tg_dims,
    .eval = tg_eval,
    .optimum = tg_optimum,
    .reference = tg_reference,
    .validate = tg_validate,
    .metrics = tg_metrics,
    .metric = tg_metric,
};

static const lnb_plugin tg_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_PROBLEM,
    .name = "target",
    .summary = "l(W) = 1/2 ||W - Phi||_F^2 for a d x d target Phi (paper 004)",
    .params = tg_params,
    .ops = &tg_ops,
    .description =
        "The population loss of paper 004 (Bartlett, Helmbold & Long, Sec. 2.1) for "
        "isotropic inputs: l(W) = 1/2 ||W - Phi||_F^2 over the d x d end-to-end matrix W "
        "(k = d); grad l(W) = W - Phi; l* = 0, reference theta* = Phi.\n"
        "kind symmetric: Phi = Q diag(eigenvalues) Q^T. negative_eigenvalue: Q diag(-lambda, "
        "e_2..e_d) Q^T with e_j = eigenvalues (default 1), the target of Theorems 4-5 on "
        "which identity-initialized GD stays at loss >= lambda^2/2 for even depth. "
        "rotation: rotation by angle_deg in the plane of the first two columns of Q "
        "(identity elsewhere; counter-clockwise for d = 2 in either basis). gamma_positive: gamma I + B B^T + skew (C - C^T)/sqrt(2) with "
        "B, C ~ N(0, 1/d), checked to have u^T Phi u >= gamma (Definition 1; Theorem 3's "
        "targets). near_identity: I + radius E/||E||_2, E ~ N(0, 1). inline: matrix.\n"
        "Q is Haar-random from the seed (basis: random) or I (basis: standard). Metrics: "
        "min_sym_eigenvalue, min_singular_value, identity_distance of W_e.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &tg_desc : NULL;
}
