/* adagrad — diagonal AdaGrad (Duchi, Hazan, Singer 2011), elementwise on
 * every tensor:
 *   acc <- acc + g^2
 *   w   <- w - lr g / (sqrt(acc) + epsilon)
 * with acc = initial_accumulator at create. epsilon = 0 with
 * initial_accumulator = 0.1 (the defaults) is TensorFlow 1.x's
 * AdagradOptimizer, the one paper 003 used; initial_accumulator = 0 with
 * epsilon > 0 is PyTorch's form. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>

#include "lnbp_optstate.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec adagrad_params[] = {
    {"lr", LNB_T_REAL, "0.01", "step size lr", "(0, inf)", NULL, 0},
    {"initial_accumulator", LNB_T_REAL, "0.1",
     "starting value of every squared-gradient accumulator (TensorFlow: 0.1, PyTorch: 0)",
     "[0, inf)", NULL, 0},
    {"epsilon", LNB_T_REAL, "0",
     "added to sqrt(acc) in the denominator (0 = TensorFlow 1.x rule; PyTorch uses 1e-10)",
     "[0, inf)", NULL, 0},
    {0},
};

typedef struct adagrad {
  const lnb_host *host;
  double lr, eps;
  double lr_scale; /* the schedule's factor (1 without one; ABI 1.5) */
  lnbp_optstate st; /* one buffer: acc */
} adagrad;

static int adagrad_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), a0 = h->param_real(p, "initial_accumulator"),
         eps = h->param_real(p, "epsilon");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(a0 >= 0.0))
    return h->error(err, LNB_EINVAL, "initial_accumulator must be >= 0 (got %g)", a0);
  if (!(eps >= 0.0)) return h->error(err, LNB_EINVAL, "epsilon must be >= 0 (got %g)", eps);
  if (a0 == 0.0 && eps == 0.0)
    return h->error(err, LNB_EINVAL,
                    "initial_accumulator = 0 with epsilon = 0 divides by zero "
                    "(g / sqrt(acc) with acc = 0 for a zero gradient): set "
                    "initial_accumulator > 0 (TensorFlow: 0.1) or epsilon > 0 (PyTorch: 1e-10)");
  return LNB_OK;
}

static void adagrad_destroy(void *self) {
  adagrad *A = self;
  if (!A) return;
  lnbp_optstate_free(A->host, &A->st);
  A->host->free(A);
}

static int adagrad_create(const lnb_host *h, const lnb_params *p, lnb_model *model,
                          uint64_t seed, void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = adagrad_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  adagrad *A = h->alloc(sizeof *A);
  if (!A) return h->error(err, LNB_ENOMEM, "out of memory");
  A->host = h;
  A->lr = h->param_real(p, "lr");
  A->lr_scale = 1.0;
  A->eps = h->param_real(p, "epsilon");
  rc = lnbp_optstate_init(h, model, 1, &A->st, err);
  if (rc != LNB_OK) {
    adagrad_destroy(A);
    return rc;
  }
  const double a0 = h->param_real(p, "initial_accumulator");
  double *acc = lnbp_optstate_buf(&A->st, 0);
  for (size_t i = 0; i < A->st.total; i++) acc[i] = a0;
  *self = A;
  return LNB_OK;
}

static int adagrad_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  adagrad *A = self;
  int rc = lnbp_optstate_check(A->host, &A->st, model, "adagrad", err);
  if (rc != LNB_OK) return rc;
  const double lr = A->lr * A->lr_scale, eps = A->eps;
  double *acc = lnbp_optstate_buf(&A->st, 0);
  for (size_t j = 0; j < model->ntensors; j++) {
    lnb_tensor *T = &model->tensors[j];
    const size_t n = T->rows * T->cols;
    double *w = T->data;
    const double *g = T->grad;
    for (size_t i = 0; i < n; i++) {
      acc[i] += g[i] * g[i];
      w[i] -= lr * g[i] / (sqrt(acc[i]) + eps);
    }
    acc += n;
  }
  return LNB_OK;
}


/* lnnbench bench: flops of one step, per parameter: see the loop above */
static double adagrad_nparams(const lnb_model *model) {
  double n = 0.0;
  for (size_t j = 0; j < model->ntensors; j++)
    n += (double)model->tensors[j].rows * (double)model->tensors[j].cols;
  return n;
}

static double adagrad_flops(const void *self, const lnb_model *model) {
  (void)self;
  return 7.0 * adagrad_nparams(model); /* sqrt and division count as one flop */
}

LNBP_LR_HOOKS(adagrad, adagrad, lr)

static const lnb_optimizer_ops adagrad_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = adagrad_create,
    .destroy = adagrad_destroy,
    .step = adagrad_step,
    .validate = adagrad_validate,
    .flops = adagrad_flops,
    .uses = LNB_USES_DECLARED,
    .transforms = LNB_TF_DECLARED | LNB_TF_ALL,
    .lr = adagrad_lr,
    .set_lr_scale = adagrad_set_lr_scale,
};

static const lnb_plugin adagrad_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "adagrad",
    .summary = "acc <- acc + grad^2; w <- w - lr grad / (sqrt(acc) + epsilon)",
    .params = adagrad_params,
    .ops = &adagrad_ops,
    .description =
        "Diagonal AdaGrad (Duchi, Hazan, Singer 2011), one of the explicit adaptive methods "
        "paper 003 (Arora, Cohen, Hazan 2018, Sec. 8, Fig. 4-left; TensorFlow "
        "implementation, App. B) compares with depth. With acc = initial_accumulator at "
        "the start, each step applies, elementwise to every parameter w with gradient g: "
        "acc <- acc + g^2, then w <- w - lr g / (sqrt(acc) + epsilon). The defaults "
        "(initial_accumulator 0.1, epsilon 0) are TensorFlow 1.x's AdagradOptimizer, "
        "w <- w - lr g / sqrt(acc); PyTorch's Adagrad is initial_accumulator 0 with "
        "epsilon 1e-10. initial_accumulator 0 with epsilon 0 is refused (division by zero). "
        "The rule is applied to every tensor alike, euclidean and stiefel-tagged: Stiefel "
        "tensors get no tangent projection or retraction, so they leave the manifold.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &adagrad_desc : NULL;
}
