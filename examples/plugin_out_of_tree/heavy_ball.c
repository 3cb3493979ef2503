/* heavy_ball — an out-of-tree stateful optimizer: Polyak's heavy ball with
 * one momentum buffer per parameter, kept through the SDK's installed
 * per-tensor state helper (lnnbench/optstate.h).
 *
 *   v <- beta v + g,   w <- w - lr s_t v          (nesterov: false)
 *   v <- beta v + g,   w <- w - lr s_t (g + beta v)  (nesterov: true)
 *
 * (the torch.optim.SGD form, v_0 = 0), s_t the schedule's factor (1 without
 * one). Everything is allocated in create; step allocates nothing.
 * `lnnbench check heavy_ball` exercises it. */
#include "lnnbench/optstate.h"
#include "lnnbench/plugin.h"

typedef struct hb {
  const lnb_host *host;
  double lr, lr_scale, beta;
  int nesterov;
  lnbp_optstate state; /* one buffer: the velocity v */
} hb;

LNBP_LR_HOOKS(hb, hb, lr)

static const lnb_param_spec hb_params[] = {
    {"lr", LNB_T_REAL, "0.01", "step size", "(0, inf)", NULL, 0},
    {"beta", LNB_T_REAL, "0.9", "momentum: the weight of the previous velocity", "[0, 1)", NULL,
     0},
    {"nesterov", LNB_T_BOOL, "false", "Nesterov's look-ahead form of the update", NULL, NULL, 0},
    {0}};

static void hb_destroy(void *self) {
  hb *s = self;
  if (!s) return;
  lnbp_optstate_free(s->host, &s->state);
  s->host->free(s);
}

static int hb_create(const lnb_host *host, const lnb_params *params, lnb_model *model,
                     uint64_t seed, void **self, lnb_error *err) {
  (void)seed;
  hb *s = host->alloc(sizeof *s);
  if (!s) return host->error(err, LNB_ENOMEM, "heavy_ball: out of memory");
  s->host = host;
  s->lr = host->param_real(params, "lr");
  s->lr_scale = 1.0;
  s->beta = host->param_real(params, "beta");
  s->nesterov = host->param_bool(params, "nesterov");
  int rc = lnbp_optstate_init(host, model, 1, &s->state, err);
  if (rc != LNB_OK) {
    host->free(s);
    return rc;
  }
  *self = s;
  return LNB_OK;
}

static int hb_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  hb *s = self;
  int rc = lnbp_optstate_check(s->host, &s->state, model, "heavy_ball", err);
  if (rc != LNB_OK) return rc;
  double *v = lnbp_optstate_buf(&s->state, 0), lr = s->lr * s->lr_scale;
  for (size_t j = 0, off = 0; j < model->ntensors; j++) {
    lnb_tensor *T = &model->tensors[j];
    for (size_t i = 0; i < T->rows * T->cols; i++, off++) {
      v[off] = s->beta * v[off] + T->grad[i];
      T->data[i] -= lr * (s->nesterov ? T->grad[i] + s->beta * v[off] : v[off]);
    }
  }
  return LNB_OK;
}

static const lnb_optimizer_ops hb_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = hb_create,
    .destroy = hb_destroy,
    .step = hb_step,
    .uses = LNB_USES_DECLARED, /* no model hook besides the gradients */
    .transforms = LNB_TF_DECLARED | LNB_TF_ALL,
    .lr = hb_lr,
    .set_lr_scale = hb_set_lr_scale,
};

static const lnb_plugin hb_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "heavy_ball",
    .summary = "Polyak's heavy ball (out-of-tree example): v <- beta v + g, w <- w - lr v",
    .params = hb_params,
    .ops = &hb_ops,
    .description = "v <- beta v + g, w <- w - lr s_t v (nesterov: w <- w - lr s_t (g + beta v)), "
                   "v_0 = 0, one velocity per parameter in lnnbench/optstate.h buffers.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &hb_desc : NULL;
}
