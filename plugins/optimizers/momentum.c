/* momentum — heavy-ball (Polyak) and Nesterov momentum, elementwise on every
 * tensor, in the PyTorch / Sutskever et al. (2013) form:
 *   v <- mu v + g
 *   heavy ball: w <- w - lr v
 *   nesterov:   w <- w - lr (g + mu v)      (v already updated)
 * with v = 0 at create. */
#define _POSIX_C_SOURCE 200809L

#include "lnbp_optstate.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec momentum_params[] = {
    {"lr", LNB_T_REAL, "0.01", "step size lr", "(0, inf)", NULL, 0},
    {"momentum", LNB_T_REAL, "0.9", "momentum coefficient mu: v <- mu v + grad", "[0, 1)", NULL,
     0},
    {"nesterov", LNB_T_BOOL, "false",
     "Nesterov's form: step along grad + mu v instead of v (heavy ball)", NULL, NULL, 0},
    {0},
};

typedef struct momentum {
  const lnb_host *host;
  double lr, mu;
  double lr_scale; /* the schedule's factor (1 without one; ABI 1.5) */
  int nesterov;
  lnbp_optstate st; /* one buffer: v */
} momentum;

static int momentum_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), mu = h->param_real(p, "momentum");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(mu >= 0.0 && mu < 1.0))
    return h->error(err, LNB_EINVAL, "momentum must be in [0, 1) (got %g)", mu);
  return LNB_OK;
}

static void momentum_destroy(void *self) {
  momentum *M = self;
  if (!M) return;
  lnbp_optstate_free(M->host, &M->st);
  M->host->free(M);
}

static int momentum_create(const lnb_host *h, const lnb_params *p, lnb_model *model,
                           uint64_t seed, void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = momentum_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  momentum *M = h->alloc(sizeof *M);
  if (!M) return h->error(err, LNB_ENOMEM, "out of memory");
  M->host = h;
  M->lr = h->param_real(p, "lr");
  M->lr_scale = 1.0;
  M->mu = h->param_real(p, "momentum");
  M->nesterov = h->param_bool(p, "nesterov");
  rc = lnbp_optstate_init(h, model, 1, &M->st, err);
  if (rc != LNB_OK) {
    momentum_destroy(M);
    return rc;
  }
  *self = M;
  return LNB_OK;
}

static int momentum_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  momentum *M = self;
  int rc = lnbp_optstate_check(M->host, &M->st, model, "momentum", err);
  if (rc != LNB_OK) return rc;
  const double lr = M->lr * M->lr_scale, mu = M->mu;
  double *v = lnbp_optstate_buf(&M->st, 0);
  for (size_t j = 0; j < model->ntensors; j++) {
    lnb_tensor *T = &model->tensors[j];
    const size_t n = T->rows * T->cols;
    double *w = T->data;
    const double *g = T->grad;
    if (M->nesterov) {
      for (size_t i = 0; i < n; i++) {
        v[i] = mu * v[i] + g[i];
        w[i] -= lr * (g[i] + mu * v[i]);
      }
    } else {
      for (size_t i = 0; i < n; i++) {
        v[i] = mu * v[i] + g[i];
        w[i] -= lr * v[i];
      }
    }
    v += n;
  }
  return LNB_OK;
}


/* lnnbench bench: flops of one step, per parameter: see the loop above */
static double momentum_nparams(const lnb_model *model) {
  double n = 0.0;
  for (size_t j = 0; j < model->ntensors; j++)
    n += (double)model->tensors[j].rows * (double)model->tensors[j].cols;
  return n;
}

static double momentum_flops(const void *self, const lnb_model *model) {
  const momentum *M = self;
  return (M->nesterov ? 6.0 : 4.0) * momentum_nparams(model);
}

LNBP_LR_HOOKS(momentum, momentum, lr)

static const lnb_optimizer_ops momentum_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = momentum_create,
    .destroy = momentum_destroy,
    .step = momentum_step,
    .validate = momentum_validate,
    .flops = momentum_flops,
    .uses = LNB_USES_DECLARED,
    .transforms = LNB_TF_DECLARED | LNB_TF_ALL,
    .lr = momentum_lr,
    .set_lr_scale = momentum_set_lr_scale,
};

static const lnb_plugin momentum_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "momentum",
    .summary = "v <- mu v + grad; w <- w - lr v (heavy ball) or w <- w - lr (grad + mu v) "
               "(nesterov: true)",
    .params = momentum_params,
    .ops = &momentum_ops,
    .description =
        "Gradient descent with momentum, the explicit acceleration that paper 003 (Arora, "
        "Cohen, Hazan 2018, Sec. 1 and 8) compares with the implicit acceleration of depth; "
        "heavy ball after Polyak (1964), Nesterov's accelerated gradient (Nesterov 1983) in "
        "the form of Sutskever et al. (2013) used by PyTorch's SGD. With v = 0 at the start, "
        "step t applies, elementwise to every parameter w with gradient g: "
        "v <- mu v + g, then heavy ball (nesterov: false): w <- w - lr v; Nesterov "
        "(nesterov: true): w <- w - lr (g + mu v), using the v just updated. mu = momentum; "
        "momentum: 0 is plain gradient descent. The rule is applied to every tensor alike, "
        "euclidean and stiefel-tagged: Stiefel tensors get no tangent projection or "
        "retraction, so they leave the manifold.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &momentum_desc : NULL;
}
