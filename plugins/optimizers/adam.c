/* adam — Adam (Kingma & Ba 2015), elementwise on every tensor, with bias
 * correction in one of two places:
 *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
 *   hat:      lr_t = lr sqrt(1 - b2^t) / (1 - b1^t);  w <- w - lr_t m / (sqrt(v) + eps)
 *   standard: w <- w - lr m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - b1^t),
 *             v_hat = v / (1 - b2^t)
 * with m = v = 0 at create and t the step counter (from 1). */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <string.h>

#include "lnbp_optstate.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec adam_params[] = {
    {"lr", LNB_T_REAL, "0.001", "step size lr (alpha)", "(0, inf)", NULL, 0},
    {"beta1", LNB_T_REAL, "0.9", "decay rate of the first-moment average m", "[0, 1)", NULL, 0},
    {"beta2", LNB_T_REAL, "0.999", "decay rate of the second-moment average v", "[0, 1)", NULL,
     0},
    {"epsilon", LNB_T_REAL, "1e-8",
     "added to the square root in the denominator (where depends on epsilon_mode)", "(0, inf)",
     NULL, 0},
    {"epsilon_mode", LNB_T_ENUM, "hat",
     "hat: TensorFlow's w <- w - lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + epsilon); "
     "standard: Kingma & Ba's Algorithm 1, w <- w - lr m_hat / (sqrt(v_hat) + epsilon)",
     NULL, "hat|standard", 0},
    {0},
};

typedef struct adam {
  const lnb_host *host;
  double lr, b1, b2, eps;
  double lr_scale; /* the schedule's factor (1 without one; ABI 1.5) */
  double log_b1, log_b2; /* log(b1), log(b2) (-inf for 0) */
  int hat;
  lnbp_optstate st; /* buffers: m, v */
} adam;

static int adam_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), b1 = h->param_real(p, "beta1"),
         b2 = h->param_real(p, "beta2"), eps = h->param_real(p, "epsilon");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(b1 >= 0.0 && b1 < 1.0))
    return h->error(err, LNB_EINVAL, "beta1 must be in [0, 1) (got %g)", b1);
  if (!(b2 >= 0.0 && b2 < 1.0))
    return h->error(err, LNB_EINVAL, "beta2 must be in [0, 1) (got %g)", b2);
  if (!(eps > 0.0)) return h->error(err, LNB_EINVAL, "epsilon must be > 0 (got %g)", eps);
  const char *mode = h->param_string(p, "epsilon_mode");
  if (!mode || (strcmp(mode, "hat") != 0 && strcmp(mode, "standard") != 0))
    return h->error(err, LNB_EINVAL, "epsilon_mode must be hat or standard (got '%s')",
                    mode ? mode : "");
  return LNB_OK;
}

static void adam_destroy(void *self) {
  adam *A = self;
  if (!A) return;
  lnbp_optstate_free(A->host, &A->st);
  A->host->free(A);
}

static int adam_create(const lnb_host *h, const lnb_params *p, lnb_model *model, uint64_t seed,
                       void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = adam_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  adam *A = h->alloc(sizeof *A);
  if (!A) return h->error(err, LNB_ENOMEM, "out of memory");
  A->host = h;
  A->lr = h->param_real(p, "lr");
  A->lr_scale = 1.0;
  A->b1 = h->param_real(p, "beta1");
  A->b2 = h->param_real(p, "beta2");
  A->eps = h->param_real(p, "epsilon");
  /* log1p(b - 1) = log(b), accurate for b near 1 (b - 1 is exact there) */
  A->log_b1 = log1p(A->b1 - 1.0);
  A->log_b2 = log1p(A->b2 - 1.0);
  A->hat = strcmp(h->param_string(p, "epsilon_mode"), "hat") == 0;
  rc = lnbp_optstate_init(h, model, 2, &A->st, err); /* zero-filled */
  if (rc != LNB_OK) {
    adam_destroy(A);
    return rc;
  }
  *self = A;
  return LNB_OK;
}

/* 1 - b^t = -expm1(t log b), to full relative precision even when b^t is
 * close to 1 (b2 = 0.999, small t), where 1 - pow(b, t) loses digits. */
static double one_minus_pow(double log_b, uint64_t t) { return -expm1((double)t * log_b); }

static int adam_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  adam *A = self;
  if (t == 0) return A->host->error(err, LNB_EINVAL, "adam: step counter t must start at 1");
  int rc = lnbp_optstate_check(A->host, &A->st, model, "adam", err);
  if (rc != LNB_OK) return rc;
  const double b1 = A->b1, b2 = A->b2, c1 = 1.0 - b1, c2 = 1.0 - b2, eps = A->eps;
  const double bc1 = one_minus_pow(A->log_b1, t), bc2 = one_minus_pow(A->log_b2, t);
  const double lr_t = A->lr * A->lr_scale * sqrt(bc2) / bc1; /* hat */
  const double lr = A->lr * A->lr_scale;
  double *m = lnbp_optstate_buf(&A->st, 0), *v = lnbp_optstate_buf(&A->st, 1);
  for (size_t j = 0; j < model->ntensors; j++) {
    lnb_tensor *T = &model->tensors[j];
    const size_t n = T->rows * T->cols;
    double *w = T->data;
    const double *g = T->grad;
    if (A->hat) {
      for (size_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + c1 * g[i];
        v[i] = b2 * v[i] + c2 * g[i] * g[i];
        w[i] -= lr_t * m[i] / (sqrt(v[i]) + eps);
      }
    } else {
      for (size_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + c1 * g[i];
        v[i] = b2 * v[i] + c2 * g[i] * g[i];
        const double mh = m[i] / bc1, vh = v[i] / bc2;
        w[i] -= lr * mh / (sqrt(vh) + eps);
      }
    }
    m += n;
    v += n;
  }
  return LNB_OK;
}


/* lnnbench bench: flops of one step, per parameter: see the loop above */
static double adam_nparams(const lnb_model *model) {
  double n = 0.0;
  for (size_t j = 0; j < model->ntensors; j++)
    n += (double)model->tensors[j].rows * (double)model->tensors[j].cols;
  return n;
}

static double adam_flops(const void *self, const lnb_model *model) {
  const adam *A = self; /* sqrt and division count as one flop */
  return (A->hat ? 12.0 : 14.0) * adam_nparams(model);
}

LNBP_LR_HOOKS(adam, adam, lr)

static const lnb_optimizer_ops adam_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = adam_create,
    .destroy = adam_destroy,
    .step = adam_step,
    .validate = adam_validate,
    .flops = adam_flops,
    .uses = LNB_USES_DECLARED,
    .transforms = LNB_TF_DECLARED | LNB_TF_ALL,
    .lr = adam_lr,
    .set_lr_scale = adam_set_lr_scale,
};

static const lnb_plugin adam_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "adam",
    .summary = "m <- b1 m + (1-b1) g; v <- b2 v + (1-b2) g^2; "
               "w <- w - lr sqrt(1-b2^t)/(1-b1^t) m/(sqrt(v)+eps) (hat) "
               "or w <- w - lr m_hat/(sqrt(v_hat)+eps) (standard)",
    .params = adam_params,
    .ops = &adam_ops,
    .description =
        "Adam (Kingma & Ba 2015), which paper 003 (Arora, Cohen, Hazan 2018, Sec. 8, "
        "Fig. 4-right) runs on single-layer and deep linear models with TensorFlow's "
        "defaults (lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8; App. B). With m = v = 0 "
        "at the start, step t (counted from 1) applies, elementwise to every parameter w "
        "with gradient g: m <- beta1 m + (1 - beta1) g; v <- beta2 v + (1 - beta2) g^2; then "
        "epsilon_mode: hat (TensorFlow's AdamOptimizer, the efficient form at the end of "
        "Kingma & Ba's Sec. 2, epsilon-hat): lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t), "
        "w <- w - lr_t m / (sqrt(v) + epsilon); epsilon_mode: standard (Kingma & Ba's "
        "Algorithm 1, PyTorch): m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t), "
        "w <- w - lr m_hat / (sqrt(v_hat) + epsilon). The two differ only in where epsilon "
        "sits. 1 - beta^t is computed as -expm1(t log beta) for full precision. The rule is "
        "applied to every tensor alike, euclidean and stiefel-tagged: Stiefel tensors get no "
        "tangent projection or retraction, so they leave the manifold.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &adam_desc : NULL;
}
