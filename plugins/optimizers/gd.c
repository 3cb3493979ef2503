/* gd — plain gradient descent with optional L2 weight decay:
 * w <- w - lr (grad + weight_decay w) on every tensor. */
#define _POSIX_C_SOURCE 200809L

#include "lnbp_optstate.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec gd_params[] = {
    {"lr", LNB_T_REAL, "0.01", "step size", "(0, inf)", NULL, 0},
    {"weight_decay", LNB_T_REAL, "0",
     "L2 penalty coefficient: the step uses grad + weight_decay * w", "[0, inf)", NULL, 0},
    {0},
};

typedef struct gd {
  const lnb_host *host;
  double lr, wd;
  double lr_scale; /* the schedule's factor (1 without one; ABI 1.5) */
} gd;

static int gd_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), wd = h->param_real(p, "weight_decay");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(wd >= 0.0)) return h->error(err, LNB_EINVAL, "weight_decay must be >= 0 (got %g)", wd);
  return LNB_OK;
}

static int gd_create(const lnb_host *h, const lnb_params *p, lnb_model *model, uint64_t seed,
                     void **self, lnb_error *err) {
  (void)model;
  (void)seed;
  *self = NULL;
  int rc = gd_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  gd *G = h->alloc(sizeof *G);
  if (!G) return h->error(err, LNB_ENOMEM, "out of memory");
  G->host = h;
  G->lr = h->param_real(p, "lr");
  G->lr_scale = 1.0;
  G->wd = h->param_real(p, "weight_decay");
  *self = G;
  return LNB_OK;
}

static void gd_destroy(void *self) {
  gd *G = self;
  if (G) G->host->free(G);
}

static int gd_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  (void)err;
  const gd *G = self;
  const double lr = G->lr * G->lr_scale, wd = G->wd;
  for (size_t j = 0; j < model->ntensors; j++) {
    lnb_tensor *T = &model->tensors[j];
    size_t n = T->rows * T->cols;
    double *w = T->data;
    const double *g = T->grad;
    if (wd != 0.0)
      for (size_t i = 0; i < n; i++) w[i] -= lr * (g[i] + wd * w[i]);
    else
      for (size_t i = 0; i < n; i++) w[i] -= lr * g[i];
  }
  return LNB_OK;
}


/* lnnbench bench: flops of one step, per parameter: see the loop above */
static double gd_nparams(const lnb_model *model) {
  double n = 0.0;
  for (size_t j = 0; j < model->ntensors; j++)
    n += (double)model->tensors[j].rows * (double)model->tensors[j].cols;
  return n;
}

static double gd_flops(const void *self, const lnb_model *model) {
  const gd *G = self;
  return (G->wd != 0.0 ? 4.0 : 2.0) * gd_nparams(model);
}

LNBP_LR_HOOKS(gd, gd, lr)

static const lnb_optimizer_ops gd_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = gd_create,
    .destroy = gd_destroy,
    .step = gd_step,
    .validate = gd_validate,
    .flops = gd_flops,
    .uses = LNB_USES_DECLARED,
    .transforms = LNB_TF_DECLARED | LNB_TF_ALL,
    .lr = gd_lr,
    .set_lr_scale = gd_set_lr_scale,
};

static const lnb_plugin gd_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "gd",
    .summary = "gradient descent: w <- w - lr (grad + weight_decay w)",
    .params = gd_params,
    .ops = &gd_ops,
    .description =
        "Full-batch gradient descent with a fixed step size on every parameter tensor, "
        "with optional L2 weight decay: w <- w - lr (grad + weight_decay w). It needs no "
        "state and works with any architecture. Stiefel-tagged tensors are treated as "
        "euclidean (plain gradient step, no tangent projection or retraction), so they "
        "leave the manifold; use a Riemannian optimizer to respect the tag.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &gd_desc : NULL;
}
