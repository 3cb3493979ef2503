/* power_projection — the regularized gradient methods of paper 004
 * (Bartlett, Helmbold & Long) for deep linear networks with square layers
 * Theta_1..Theta_L (W_e = Theta_L ... Theta_1). This file declares two
 * optimizers:
 *
 *   power_projection (Sec. 5.2, Theorem 3): init Theta_i = gamma^{1/L} I;
 *     each step: Theta_i <- Theta_i - lr dl/dTheta_i (every layer), then
 *     Psi = Frobenius projection of Theta_L...Theta_1 onto
 *     H_gamma = {A : u^T A u >= gamma for all unit u}, then the layers are set
 *     to the balanced factorization of Psi (Definition 3) through the
 *     architecture's set_end_to_end (deep_linear with square layers).
 *
 *   step_and_project (Sec. 6): Theta_i <- Theta_i - lr (dl/dTheta_i +
 *     penalty (Theta_i - I)) (gradient descent on l + penalty/2 sum_i
 *     ||I - Theta_i||_F^2, "Penalty Regularized Gradient Descent", Theorem 4),
 *     then, when psi is given, each Theta_i is projected onto
 *     {A : ||A - I||_2 <= psi} (the psi-step-and-project template, Theorem
 *     5). init_gamma, when given, first sets Theta_i = init_gamma^{1/L} I.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <string.h>

#include "lnbp_matfun.h"
#include "lnnbench/plugin.h"

/* ------------------------------------------------------------ shared */

/* every tensor n x n with n = k = d; 0 if not */
static int pp_square(const lnb_model *m) {
  if (m->k != m->d || m->ntensors == 0) return 0;
  for (size_t j = 0; j < m->ntensors; j++)
    if (m->tensors[j].rows != m->d || m->tensors[j].cols != m->d) return 0;
  return 1;
}

static int pp_refuse_shape(const lnb_host *h, const lnb_model *m, const char *who,
                           lnb_error *err) {
  size_t j = 0;
  while (j < m->ntensors && m->tensors[j].rows == m->d && m->tensors[j].cols == m->d) j++;
  if (m->k != m->d)
    return h->error(err, LNB_ENOTSUP,
                    "%s needs a square end-to-end matrix (k = d, paper 004's d x d "
                    "setting); the problem gives k = %zu, d = %zu",
                    who, m->k, m->d);
  return h->error(err, LNB_ENOTSUP,
                  "%s needs every layer to be %zu x %zu (architecture '%s' with width = d); "
                  "tensor %s is %zu x %zu",
                  who, m->d, m->d, m->architecture ? m->architecture : "?",
                  j < m->ntensors ? m->tensors[j].name : "?",
                  j < m->ntensors ? m->tensors[j].rows : 0,
                  j < m->ntensors ? m->tensors[j].cols : 0);
}

/* every layer = c I (c = gamma^{1/L}) */
static void pp_set_scaled_identity(lnb_model *m, double gamma) {
  double c = pow(gamma, 1.0 / (double)m->ntensors);
  for (size_t j = 0; j < m->ntensors; j++) {
    lnb_tensor *T = &m->tensors[j];
    lnbp_eye(T->data, T->rows, T->cols);
    for (size_t i = 0; i < T->rows && i < T->cols; i++) T->data[i * T->cols + i] = c;
  }
}

/* ---------------------------------------------------- power_projection */

static const lnb_param_spec pp_params[] = {
    {"lr", LNB_T_REAL, "0.01", "step size eta of the gradient step", "(0, inf)", NULL, 0},
    {"gamma", LNB_T_REAL, "0.05",
     "positivity parameter: the hypothesis space is H_gamma = {A : u^T A u >= gamma}, the "
     "layers start at gamma^{1/L} I; Theorem 3 needs u^T Phi u > gamma",
     "(0, inf)", NULL, 0},
    {0},
};

typedef struct pp {
  const lnb_host *host;
  double lr, gamma;
  size_t n;
  double *Psi; /* n x n projected product */
  lnbp_mf_ws mf;
} pp;

static int pp_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), g = h->param_real(p, "gamma");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(g > 0.0)) return h->error(err, LNB_EINVAL, "gamma must be > 0 (got %g)", g);
  return LNB_OK;
}

static void pp_destroy(void *self) {
  pp *P = self;
  if (!P) return;
  const lnb_host *h = P->host;
  if (P->Psi) h->free(P->Psi);
  lnbp_mf_ws_free(h, &P->mf);
  h->free(P);
}

static int pp_create(const lnb_host *h, const lnb_params *p, lnb_model *m, uint64_t seed,
                     void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = pp_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  if (!m->architecture || strcmp(m->architecture, "deep_linear") != 0)
    return h->error(err, LNB_ENOTSUP,
                    "power_projection needs the deep_linear architecture (square layers, "
                    "balanced factorization through set_end_to_end); got '%s'",
                    m->architecture ? m->architecture : "?");
  if (!m->set_end_to_end)
    return h->error(err, LNB_ENOTSUP,
                    "power_projection needs set_end_to_end, which architecture '%s' lacks",
                    m->architecture);
  if (!pp_square(m)) return pp_refuse_shape(h, m, "power_projection", err);
  pp *P = h->alloc(sizeof *P);
  if (!P) return h->error(err, LNB_ENOMEM, "out of memory");
  P->host = h;
  P->lr = h->param_real(p, "lr");
  P->gamma = h->param_real(p, "gamma");
  P->n = m->d;
  P->Psi = h->alloc(P->n * P->n * sizeof(double));
  if (!P->Psi) {
    pp_destroy(P);
    return h->error(err, LNB_ENOMEM, "out of memory");
  }
  if ((rc = lnbp_mf_ws_init(h, &P->mf, P->n, err)) != LNB_OK) {
    pp_destroy(P);
    return rc;
  }
  /* Theta_i^(0) = gamma^{1/L} I (Sec. 5.2): the balanced factorization of gamma I */
  pp_set_scaled_identity(m, P->gamma);
  *self = P;
  return LNB_OK;
}

static int pp_step(void *self, lnb_model *m, uint64_t t, lnb_error *err) {
  (void)t;
  pp *P = self;
  const double lr = P->lr;
  /* gradient step on every layer (grads are those of the current layers) */
  for (size_t j = 0; j < m->ntensors; j++) {
    lnb_tensor *T = &m->tensors[j];
    size_t n = T->rows * T->cols;
    for (size_t i = 0; i < n; i++) T->data[i] -= lr * T->grad[i];
  }
  /* power project: Psi = Proj_{H_gamma}(Theta_L ... Theta_1) */
  m->loss(m);
  const double *We = m->end_to_end(m);
  int rc = lnbp_mf_project_hgamma(&P->mf, We, P->gamma, P->Psi, NULL, err);
  if (rc != LNB_OK) return rc;
  /* factor: the layers become the balanced factorization of Psi */
  return m->set_end_to_end(m, P->Psi, err);
}

static const lnb_optimizer_ops pp_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = pp_create,
    .destroy = pp_destroy,
    .step = pp_step,
    .validate = pp_validate,
    .uses = LNB_USES_DECLARED | LNB_USES_SET_END_TO_END,
    /* clip and L2 decay act on the gradient half of the step only */
    .transforms = LNB_TF_DECLARED | LNB_TF_CLIP | LNB_TF_WEIGHT_DECAY,
    .transforms_note = "each step ends with a projection onto H_gamma and a balanced "
                       "re-factorization, which has no step size: a schedule or decoupled "
                       "decay would scale only the gradient half of Theorem 3's step",
};

static const lnb_plugin pp_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "power_projection",
    .summary = "GD step on every layer, project the product onto H_gamma, re-factor it "
               "balanced (paper 004, Sec. 5.2)",
    .params = pp_params,
    .ops = &pp_ops,
    .description =
        "Power projection of paper 004 (Bartlett, Helmbold & Long), Sec. 5.2, for "
        "deep_linear with square layers (width = d, k = d; other architectures and shapes "
        "are refused). At create every layer is set to gamma^{1/L} I. Each step: "
        "Theta_i <- Theta_i - lr Theta_{i+1:L}^T (W_e - Phi) Theta_{1:i-1}^T on every layer "
        "(the tensors' gradients); Psi = Frobenius projection of Theta_L...Theta_1 onto "
        "H_gamma = {A : u^T A u >= gamma for all unit u} (eigenvalues of the symmetric part "
        "below gamma clamped up to gamma, skew part kept); then the layers are set to the "
        "balanced factorization of Psi (Definition 3: Psi = R P, "
        "Theta_j = R^{j/L} P^{1/L} R^{-(j-1)/L} with principal roots) by deep_linear's "
        "set_end_to_end. Theorem 3: if u^T Phi u > gamma for every unit u, the loss falls "
        "below eps in poly(d, ||Phi||_F, 1/gamma) log(1/eps) steps (for lr = 1/(c L d^5 "
        "||Phi||_F^2)). Allocates nothing per step.",
};

/* ---------------------------------------------------- step_and_project */

static const lnb_param_spec sp_params[] = {
    {"lr", LNB_T_REAL, "0.01", "step size eta", "(0, inf)", NULL, 0},
    {"psi", LNB_T_REAL, NULL,
     "radius: after the step each layer is projected onto {A : ||A - I||_2 <= psi} (paper "
     "004, Sec. 6); unset = no projection",
     "[0, inf)", NULL, 0},
    {"penalty", LNB_T_REAL, "0",
     "kappa: gradient descent on l + kappa/2 sum_i ||I - Theta_i||_F^2 (Penalty "
     "Regularized Gradient Descent, Theorem 4)",
     "[0, inf)", NULL, 0},
    {"init_gamma", LNB_T_REAL, NULL,
     "when given, every layer starts at init_gamma^{1/L} I (the template's gamma >= 0); "
     "unset = keep the architecture's init",
     "[0, inf)", NULL, 0},
    {0},
};

typedef struct sp {
  const lnb_host *host;
  double lr, kappa, psi;
  int project;
  lnbp_mf_ws mf; /* only when projecting */
} sp;

static int sp_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), k = h->param_real(p, "penalty");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(k >= 0.0)) return h->error(err, LNB_EINVAL, "penalty must be >= 0 (got %g)", k);
  if (h->param_is_set(p, "psi") && !(h->param_real(p, "psi") >= 0.0))
    return h->error(err, LNB_EINVAL, "psi must be >= 0 (got %g)", h->param_real(p, "psi"));
  if (h->param_is_set(p, "init_gamma") && !(h->param_real(p, "init_gamma") >= 0.0))
    return h->error(err, LNB_EINVAL, "init_gamma must be >= 0 (got %g)",
                    h->param_real(p, "init_gamma"));
  return LNB_OK;
}

static void sp_destroy(void *self) {
  sp *S = self;
  if (!S) return;
  lnbp_mf_ws_free(S->host, &S->mf);
  S->host->free(S);
}

static int sp_create(const lnb_host *h, const lnb_params *p, lnb_model *m, uint64_t seed,
                     void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = sp_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  int project = h->param_is_set(p, "psi"), init = h->param_is_set(p, "init_gamma");
  if ((project || init) && !pp_square(m))
    return pp_refuse_shape(h, m, project ? "step_and_project with psi" :
                                          "step_and_project with init_gamma", err);
  sp *S = h->alloc(sizeof *S);
  if (!S) return h->error(err, LNB_ENOMEM, "out of memory");
  S->host = h;
  S->lr = h->param_real(p, "lr");
  S->kappa = h->param_real(p, "penalty");
  S->project = project;
  S->psi = project ? h->param_real(p, "psi") : 0.0;
  if (project && (rc = lnbp_mf_ws_init(h, &S->mf, m->d, err)) != LNB_OK) {
    sp_destroy(S);
    return rc;
  }
  if (init) pp_set_scaled_identity(m, h->param_real(p, "init_gamma"));
  *self = S;
  return LNB_OK;
}

static int sp_step(void *self, lnb_model *m, uint64_t t, lnb_error *err) {
  (void)t;
  sp *S = self;
  const double lr = S->lr, kappa = S->kappa;
  for (size_t j = 0; j < m->ntensors; j++) {
    lnb_tensor *T = &m->tensors[j];
    size_t r = T->rows, c = T->cols;
    double *w = T->data;
    const double *g = T->grad;
    if (kappa != 0.0) {
      /* d/dTheta kappa/2 ||I - Theta||^2 = kappa (Theta - I) (rectangular I) */
      for (size_t a = 0; a < r; a++)
        for (size_t b = 0; b < c; b++) {
          size_t i = a * c + b;
          w[i] -= lr * (g[i] + kappa * (w[i] - (a == b ? 1.0 : 0.0)));
        }
    } else {
      for (size_t i = 0; i < r * c; i++) w[i] -= lr * g[i];
    }
    if (S->project) {
      int rc = lnbp_mf_project_spectral_ball(&S->mf, w, S->psi, w, NULL, err);
      if (rc != LNB_OK) return rc;
    }
  }
  return LNB_OK;
}

static const lnb_optimizer_ops sp_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = sp_create,
    .destroy = sp_destroy,
    .step = sp_step,
    .validate = sp_validate,
    .uses = LNB_USES_DECLARED,
};

static const lnb_plugin sp_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "step_and_project",
    .summary = "Theta <- Proj_{||Theta - I||_2 <= psi}(Theta - lr (grad + penalty (Theta - "
               "I))) (paper 004, Sec. 6)",
    .params = sp_params,
    .ops = &sp_ops,
    .description =
        "The regularized gradient methods that paper 004 (Bartlett, Helmbold & Long), "
        "Sec. 6, proves fail on symmetric targets with a negative eigenvalue. Each step, on "
        "every tensor: Theta <- Theta - lr (grad + penalty (Theta - I)), i.e. gradient "
        "descent on l + penalty/2 sum_i ||I - Theta_i||_F^2 (Penalty Regularized Gradient "
        "Descent, Theorem 4; the paper's proof writes the step as (1 - kappa) Theta + kappa "
        "I - eta grad, i.e. its kappa is lr * penalty here); then, when psi is given, "
        "Theta <- I + U min(S, psi) V^T with Theta - I = U S V^T, the Frobenius projection "
        "onto {A : ||A - I||_2 <= psi} (psi-step-and-project, Theorem 5). With init_gamma "
        "every layer starts at init_gamma^{1/L} I. Theorems 4-5: from identity-multiple "
        "inits on a symmetric Phi with eigenvalue -lambda and even depth L (or psi <= 1), "
        "the loss stays >= lambda^2/2 (in exact arithmetic: in a random eigenbasis with "
        "L = 2, rounding lets gd and the penalty escape the saddle after a few hundred "
        "steps; psi <= 1 does not). psi and init_gamma need square layers (k = d = "
        "every width); the penalty alone works on any tensors (rectangular I).",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &pp_desc : index == 1 ? &sp_desc : NULL;
}
