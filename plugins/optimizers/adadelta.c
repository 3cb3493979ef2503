/* adadelta — AdaDelta (Zeiler 2012, Algorithm 1), elementwise on every
 * tensor, with an optional step scale lr (as in TensorFlow and PyTorch):
 *   acc   <- rho acc + (1 - rho) g^2
 *   u     <- sqrt(acc_u + eps) / sqrt(acc + eps) g
 *   w     <- w - lr u
 *   acc_u <- rho acc_u + (1 - rho) u^2
 * with acc = acc_u = 0 at create. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>

#include "lnbp_optstate.h"
#include "lnnbench/plugin.h"

static const lnb_param_spec adadelta_params[] = {
    {"lr", LNB_T_REAL, "1.0",
     "scale of the AdaDelta step (1 = Zeiler's method; TensorFlow 1.x's default is 0.001)",
     "(0, inf)", NULL, 0},
    {"rho", LNB_T_REAL, "0.95", "decay rate rho of the running averages of g^2 and u^2",
     "[0, 1)", NULL, 0},
    {"epsilon", LNB_T_REAL, "1e-8",
     "epsilon inside both square roots (RMS[y] = sqrt(E[y^2] + epsilon))", "(0, inf)", NULL,
     0},
    {0},
};

typedef struct adadelta {
  const lnb_host *host;
  double lr, rho, eps;
  double lr_scale; /* the schedule's factor (1 without one; ABI 1.5) */
  lnbp_optstate st; /* buffers: acc (E[g^2]), acc_u (E[u^2]) */
} adadelta;

static int adadelta_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  double lr = h->param_real(p, "lr"), rho = h->param_real(p, "rho"),
         eps = h->param_real(p, "epsilon");
  if (!(lr > 0.0)) return h->error(err, LNB_EINVAL, "lr must be > 0 (got %g)", lr);
  if (!(rho >= 0.0 && rho < 1.0))
    return h->error(err, LNB_EINVAL, "rho must be in [0, 1) (got %g)", rho);
  if (!(eps > 0.0)) return h->error(err, LNB_EINVAL, "epsilon must be > 0 (got %g)", eps);
  return LNB_OK;
}

static void adadelta_destroy(void *self) {
  adadelta *A = self;
  if (!A) return;
  lnbp_optstate_free(A->host, &A->st);
  A->host->free(A);
}

static int adadelta_create(const lnb_host *h, const lnb_params *p, lnb_model *model,
                           uint64_t seed, void **self, lnb_error *err) {
  (void)seed;
  *self = NULL;
  int rc = adadelta_validate(h, p, err);
  if (rc != LNB_OK) return rc;
  adadelta *A = h->alloc(sizeof *A);
  if (!A) return h->error(err, LNB_ENOMEM, "out of memory");
  A->host = h;
  A->lr = h->param_real(p, "lr");
  A->lr_scale = 1.0;
  A->rho = h->param_real(p, "rho");
  A->eps = h->param_real(p, "epsilon");
  rc = lnbp_optstate_init(h, model, 2, &A->st, err); /* zero-filled */
  if (rc != LNB_OK) {
    adadelta_destroy(A);
    return rc;
  }
  *self = A;
  return LNB_OK;
}

static int adadelta_step(void *self, lnb_model *model, uint64_t t, lnb_error *err) {
  (void)t;
  adadelta *A = self;
  int rc = lnbp_optstate_check(A->host, &A->st, model, "adadelta", err);
  if (rc != LNB_OK) return rc;
  const double lr = A->lr * A->lr_scale, rho = A->rho, eps = A->eps, c = 1.0 - rho;
  double *acc = lnbp_optstate_buf(&A->st, 0), *accu = lnbp_optstate_buf(&A->st, 1);
  for (size_t j = 0; j < model->ntensors; j++) {
    lnb_tensor *T = &model->tensors[j];
    const size_t n = T->rows * T->cols;
    double *w = T->data;
    const double *g = T->grad;
    for (size_t i = 0; i < n; i++) {
      acc[i] = rho * acc[i] + c * g[i] * g[i];
      const double u = sqrt(accu[i] + eps) / sqrt(acc[i] + eps) * g[i];
      w[i] -= lr * u;
      accu[i] = rho * accu[i] + c * u * u;
    }
    acc += n;
    accu += n;
  }
  return LNB_OK;
}


/* lnnbench bench: flops of one step, per parameter: see the loop above */
static double adadelta_nparams(const lnb_model *model) {
  double n = 0.0;
  for (size_t j = 0; j < model->ntensors; j++)
    n += (double)model->tensors[j].rows * (double)model->tensors[j].cols;
  return n;
}

static double adadelta_flops(const void *self, const lnb_model *model) {
  (void)self;
  return 16.0 * adadelta_nparams(model); /* sqrt and division count as one flop */
}

LNBP_LR_HOOKS(adadelta, adadelta, lr)

static const lnb_optimizer_ops adadelta_ops = {
    .struct_size = sizeof(lnb_optimizer_ops),
    .create = adadelta_create,
    .destroy = adadelta_destroy,
    .step = adadelta_step,
    .validate = adadelta_validate,
    .flops = adadelta_flops,
    .uses = LNB_USES_DECLARED,
    .transforms = LNB_TF_DECLARED | LNB_TF_ALL,
    .lr = adadelta_lr,
    .set_lr_scale = adadelta_set_lr_scale,
};

static const lnb_plugin adadelta_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_OPTIMIZER,
    .name = "adadelta",
    .summary = "acc <- rho acc + (1-rho) g^2; u = sqrt(acc_u+eps)/sqrt(acc+eps) g; "
               "w <- w - lr u; acc_u <- rho acc_u + (1-rho) u^2",
    .params = adadelta_params,
    .ops = &adadelta_ops,
    .description =
        "AdaDelta (Zeiler 2012, Algorithm 1), one of the explicit adaptive methods paper 003 "
        "(Arora, Cohen, Hazan 2018, Sec. 8, Fig. 4-left; TensorFlow implementation, App. B) "
        "compares with depth. With acc = acc_u = 0 at the start, each step applies, "
        "elementwise to every parameter w with gradient g: acc <- rho acc + (1 - rho) g^2; "
        "u = sqrt(acc_u + epsilon) / sqrt(acc + epsilon) g (acc_u from the previous step); "
        "w <- w - lr u; acc_u <- rho acc_u + (1 - rho) u^2. lr = 1 is Zeiler's method "
        "(and PyTorch's default); TensorFlow 1.x's AdadeltaOptimizer applies the same rule "
        "with default lr 0.001. Defaults rho 0.95 and epsilon 1e-8 are TensorFlow's "
        "(Zeiler used epsilon 1e-6 on MNIST). The rule is applied to every tensor alike, "
        "euclidean and stiefel-tagged: Stiefel tensors get no tangent projection or "
        "retraction, so they leave the manifold.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &adadelta_desc : NULL;
}
