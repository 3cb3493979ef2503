/* rmsprop — RMSprop (Hinton, Coursera lecture 6e; centered form of Graves
 * 2013, Eq. 38-41), elementwise on every tensor, in torch.optim.RMSprop's
 * form:
 *   v <- alpha v + (1 - alpha) g^2;  centered: a <- alpha a + (1 - alpha) g,
 *   v~ = v - a^2 (else v~ = v);  d = sqrt(v~) + eps (torch) or
 *   sqrt(v~ + eps) (epsilon_mode tensorflow);
 *   momentum mu > 0: b <- mu b + g / d, w <- w - lr b;  else w <- w - lr g / d
 * with v = a = b = 0 at create. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <string.h>

#include "lnbp_optstate.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec rmsprop_params[] = {
    {"lr", LNB_T_REAL, "0.01", "step size lr", "(0, inf)", NULL, 0},
    {"alpha", LNB_T_REAL, "0.99", "decay rate of the squared-gradient average v", "[0, 1)",
     NULL, 0},
    {"epsilon", LNB_T_REAL, "1e-8", "added to the denominator (where: epsilon_mode)",
     "(0, inf)", NULL, 0},
    {"momentum", LNB_T_REAL, "0", "momentum mu of the buffer b <- mu b + g / d", "[0, 1)", NULL,
     0},
    {"centered", LNB_T_BOOL, "false",
     "divide by an estimate of the gradient's variance, v - a^2, a the gradient average",
     NULL, NULL, 0},
    {"epsilon_mode", LNB_T_ENUM, "torch",
     "torch: d = sqrt(v~) + epsilon (torch.optim.RMSprop); tensorflow: d = sqrt(v~ + epsilon) "
     "(tf.keras RMSprop)",
     NULL, "torch|tensorflow", 0},
    {0},
};

typedef struct rmsprop {
  const lnb_host *host;
  double lr;
  double lr_scale; /* the schedule's factor (1 without one; ABI 1.5) */
  double alpha, eps, mu;
  int centered, eps_inside;
  lnbp_optstate st; /* buffers: v, a, b */
} rmsprop;

static int rmsprop_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), alpha = h->param_real(p, "alpha"),
         eps = h->param_real(p, "epsilon"), mu = h->param_real(p, "momentum");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(alpha >= 0.0 && alpha < 1.0))
    return h->error(err, LNB_EINVAL, "alpha must be in [0, 1) (got %g)", alpha);
  if (!(eps > 0.0)) return h->error(err, LNB_EINVAL, "epsilon must be > 0 (got %g)", eps);
  if (!(mu >= 0.0 && mu < 1.0))
    return h->error(err, LNB_EINVAL, "momentum must be in [0, 1) (got %g)", mu);
  return LNB_OK;
}

static void rmsprop_destroy(void *self) {
  rmsprop *R = self;
  if (!R) return;
  lnbp_optstate_free(R->host, &R->st);
  R->host->free(R);
}

static int rmsprop_create(const lnb_host *h, const lnb_params *p, lnb_model *model,
                          uint64_t seed, void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = rmsprop_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  rmsprop *R = h->alloc(sizeof *R);
  if (!R) return h->error(err, LNB_ENOMEM, "out of memory");
  R->host = h;
  R->lr = h->param_real(p, "lr");
  R->lr_scale = 1.0;
  R->alpha = h->param_real(p, "alpha");
  R->eps = h->param_real(p, "epsilon");
  R->mu = h->param_real(p, "momentum");
  R->centered = h->param_bool(p, "centered");
  R->eps_inside = strcmp(h->param_string(p, "epsilon_mode"), "tensorflow") == 0;
  rc = lnbp_optstate_init(h, model, 3, &R->st, err); /* zero-filled */
  if (rc != LNB_OK) {
    rmsprop_destroy(R);
    return rc;
  }
  *self = R;
  return LNB_OK;
}

static int rmsprop_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  rmsprop *R = self;
  int rc = lnbp_optstate_check(R->host, &R->st, model, "rmsprop", err);
  if (rc != LNB_OK) return rc;
  const double lr = R->lr * R->lr_scale, al = R->alpha, c = 1.0 - R->alpha, eps = R->eps,
               mu = R->mu;
  double *v = lnbp_optstate_buf(&R->st, 0), *a = lnbp_optstate_buf(&R->st, 1),
         *b = lnbp_optstate_buf(&R->st, 2);
  for (size_t j = 0; j < model->ntensors; j++) {
    lnb_tensor *T = &model->tensors[j];
    const size_t n = T->rows * T->cols;
    double *w = T->data;
    const double *g = T->grad;
    for (size_t i = 0; i < n; i++) {
      v[i] = al * v[i] + c * g[i] * g[i];
      double vt = v[i];
      if (R->centered) {
        a[i] = al * a[i] + c * g[i];
        vt -= a[i] * a[i];
      }
      const double d = R->eps_inside ? sqrt(vt + eps) : sqrt(vt) + eps;
      if (mu > 0.0) {
        b[i] = mu * b[i] + g[i] / d;
        w[i] -= lr * b[i];
      } else {
        w[i] -= lr * g[i] / d;
      }
    }
    v += n;
    a += n;
    b += n;
  }
  return LNB_OK;
}

/* lnnbench bench: flops of one step, per parameter: see the loop above */
static double rmsprop_flops(const void *self, const lnb_model *model) {
  const rmsprop *R = self; /* sqrt and division count as one flop */
  double n = 0.0;
  for (size_t j = 0; j < model->ntensors; j++)
    n += (double)model->tensors[j].rows * (double)model->tensors[j].cols;
  return (8.0 + (R->centered ? 5.0 : 0.0) + (R->mu > 0.0 ? 2.0 : 0.0)) * n;
}

LNBP_LR_HOOKS(rmsprop, rmsprop, lr)

static const lnb_optimizer_ops rmsprop_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = rmsprop_create,
    .destroy = rmsprop_destroy,
    .step = rmsprop_step,
    .validate = rmsprop_validate,
    .flops = rmsprop_flops,
    .uses = LNB_USES_DECLARED,
    .transforms = LNB_TF_DECLARED | LNB_TF_ALL,
    .lr = rmsprop_lr,
    .set_lr_scale = rmsprop_set_lr_scale,
};

static const lnb_plugin rmsprop_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "rmsprop",
    .summary = "v <- alpha v + (1-alpha) g^2; w <- w - lr g / (sqrt(v~) + eps) "
               "(centered: v~ = v - a^2; momentum: through b <- mu b + g / d)",
    .params = rmsprop_params,
    .ops = &rmsprop_ops,
    .description =
        "RMSprop (Hinton, Neural Networks for Machine Learning, lecture 6e; the centered "
        "variant of Graves 2013, 'Generating Sequences With Recurrent Neural Networks', Eqs. "
        "38-41), in torch.optim.RMSprop's form and defaults (lr 0.01, alpha 0.99, epsilon "
        "1e-8, momentum 0, centered false). With v = a = b = 0 at the start, each step "
        "applies, elementwise to every parameter w with gradient g: v <- alpha v + (1 - alpha) "
        "g^2; centered: a <- alpha a + (1 - alpha) g and v~ = v - a^2, else v~ = v; d = "
        "sqrt(v~) + epsilon (epsilon_mode torch) or sqrt(v~ + epsilon) (tensorflow); with "
        "momentum mu > 0: b <- mu b + g / d, w <- w - lr b; else w <- w - lr g / d. No bias "
        "correction: the first steps divide by sqrt((1 - alpha) g^2), i.e. move about "
        "lr / sqrt(1 - alpha) per coordinate. Stiefel tags are ignored.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &rmsprop_desc : NULL;
}
