/* lion — Lion, EvoLved Sign Momentum (Chen et al. 2023, 'Symbolic Discovery
 * of Optimization Algorithms', Program 1 / Alg. 2), elementwise on every
 * tensor:
 *   c = beta1 m + (1 - beta1) g;  w <- w - lr sign(c);
 *   m <- beta2 m + (1 - beta2) g
 * with m = 0 at create and sign(0) = 0. The paper's decoupled weight decay
 * (w <- w - lr (sign(c) + lambda w)) is the host's decoupled_weight_decay. */
#define _POSIX_C_SOURCE 200809L

#include "lnbp_optstate.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec lion_params[] = {
    {"lr", LNB_T_REAL, "0.0001", "step size lr (every coordinate moves by exactly lr)",
     "(0, inf)", NULL, 0},
    {"beta1", LNB_T_REAL, "0.9", "interpolation of the update direction c", "[0, 1]", NULL, 0},
    {"beta2", LNB_T_REAL, "0.99", "decay rate of the momentum m", "[0, 1)", NULL, 0},
    {0},
};

typedef struct lion {
  const lnb_host *host;
  double lr;
  double lr_scale; /* the schedule's factor (1 without one; ABI 1.5) */
  double b1, b2;
  lnbp_optstate st; /* buffer: m */
} lion;

static int lion_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), b1 = h->param_real(p, "beta1"),
         b2 = h->param_real(p, "beta2");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(b1 >= 0.0 && b1 <= 1.0))
    return h->error(err, LNB_EINVAL, "beta1 must be in [0, 1] (got %g)", b1);
  if (!(b2 >= 0.0 && b2 < 1.0))
    return h->error(err, LNB_EINVAL, "beta2 must be in [0, 1) (got %g)", b2);
  return LNB_OK;
}

static void lion_destroy(void *self) {
  lion *L = self;
  if (!L) return;
  lnbp_optstate_free(L->host, &L->st);
  L->host->free(L);
}

static int lion_create(const lnb_host *h, const lnb_params *p, lnb_model *model, uint64_t seed,
                       void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = lion_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  lion *L = h->alloc(sizeof *L);
  if (!L) return h->error(err, LNB_ENOMEM, "out of memory");
  L->host = h;
  L->lr = h->param_real(p, "lr");
  L->lr_scale = 1.0;
  L->b1 = h->param_real(p, "beta1");
  L->b2 = h->param_real(p, "beta2");
  rc = lnbp_optstate_init(h, model, 1, &L->st, err); /* zero-filled */
  if (rc != LNB_OK) {
    lion_destroy(L);
    return rc;
  }
  *self = L;
  return LNB_OK;
}

static int lion_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  lion *L = self;
  int rc = lnbp_optstate_check(L->host, &L->st, model, "lion", err);
  if (rc != LNB_OK) return rc;
  const double lr = L->lr * L->lr_scale, b1 = L->b1, b2 = L->b2;
  double *m = lnbp_optstate_buf(&L->st, 0);
  for (size_t j = 0; j < model->ntensors; j++) {
    lnb_tensor *T = &model->tensors[j];
    const size_t n = T->rows * T->cols;
    double *w = T->data;
    const double *g = T->grad;
    for (size_t i = 0; i < n; i++) {
      const double c = b1 * m[i] + (1.0 - b1) * g[i];
      w[i] -= c > 0.0 ? lr : c < 0.0 ? -lr : 0.0;
      m[i] = b2 * m[i] + (1.0 - b2) * g[i];
    }
    m += n;
  }
  return LNB_OK;
}

/* lnnbench bench: flops of one step, per parameter: see the loop above */
static double lion_flops(const void *self, const lnb_model *model) {
  (void)self;
  double n = 0.0;
  for (size_t j = 0; j < model->ntensors; j++)
    n += (double)model->tensors[j].rows * (double)model->tensors[j].cols;
  return 8.0 * n;
}

LNBP_LR_HOOKS(lion, lion, lr)

static const lnb_optimizer_ops lion_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = lion_create,
    .destroy = lion_destroy,
    .step = lion_step,
    .validate = lion_validate,
    .flops = lion_flops,
    .uses = LNB_USES_DECLARED,
    .transforms = LNB_TF_DECLARED | LNB_TF_ALL,
    .lr = lion_lr,
    .set_lr_scale = lion_set_lr_scale,
};

static const lnb_plugin lion_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "lion",
    .summary = "c = b1 m + (1-b1) g; w <- w - lr sign(c); m <- b2 m + (1-b2) g",
    .params = lion_params,
    .ops = &lion_ops,
    .description =
        "Lion, EvoLved Sign Momentum (Chen et al. 2023, 'Symbolic Discovery of Optimization "
        "Algorithms', Program 1 and Alg. 2), with the paper's defaults (beta1 0.9, beta2 "
        "0.99; lr 1e-4, the paper advising 3-10x smaller than AdamW's). With m = 0 at the "
        "start, each step applies, elementwise to every parameter w with gradient g: c = "
        "beta1 m + (1 - beta1) g; w <- w - lr sign(c) (sign(0) = 0); m <- beta2 m + (1 - "
        "beta2) g. Every coordinate with c != 0 moves by exactly lr, so with a constant lr "
        "the iterates end in an O(lr) oscillation around a minimizer: give it a schedule "
        "(cosine, as the paper). The paper's weight decay, w <- w - lr (sign(c) + lambda w), "
        "is the block's decoupled_weight_decay: lambda (applied by the host before the "
        "step, with the scheduled lr; the same update since sign(c) does not read w). "
        "Stiefel tags are ignored.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &lion_desc : NULL;
}
