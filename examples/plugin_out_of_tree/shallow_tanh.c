/* shallow_tanh — an out-of-tree predictor architecture (ABI 1.5): one hidden
 * layer, z = V tanh(W x), W h x d, V k x h, no bias. It has no end-to-end
 * matrix: instead of end_to_end/backward it gives predict_prepare, forward
 * and backward_outputs, and the host feeds it the inputs of a (mini-)batch
 * and the problem's gradient on its outputs (docs/PLUGINS.md, Sec. 3.10).
 *
 *   forward:  A = X W^T (n x h), H = tanh(A), Z = H V^T (n x k)
 *   backward: dV = dZ^T H, dH = dZ V, dA = dH * (1 - H^2), dW = dA^T X
 */
#include <math.h>
#include <string.h>

#include <lnnbench/plugin.h>

static const lnb_param_spec st_params[] = {
    {"hidden", LNB_T_INT, "16", "hidden width h", "[1, 100000]", NULL, 0},
    {"init_std", LNB_T_REAL, "0.3", "W and V entries are N(0, init_std^2)", "[0, inf)", NULL, 0},
    {0},
};

typedef struct st {
  const lnb_host *host;
  size_t k, d, h, cap;
  lnb_tensor t[2]; /* W (h x d), V (k x h) */
  const double *X; /* inputs of the last forward */
  double *H, *dH;  /* cap x h workspaces */
} st;

static void st_destroy(void *self) {
  st *S = self;
  if (!S) return;
  const lnb_host *hst = S->host;
  double *p[] = {S->t[0].data, S->t[0].grad, S->t[1].data, S->t[1].grad, S->H, S->dH};
  for (size_t i = 0; i < sizeof p / sizeof *p; i++)
    if (p[i]) hst->free(p[i]);
  hst->free(S);
}

static int st_create(const lnb_host *hst, const lnb_params *p, const lnb_problem_info *prob,
                     uint64_t seed, void **self, lnb_error *err) {
  st *S = hst->alloc(sizeof *S);
  if (!S) return hst->error(err, LNB_ENOMEM, "out of memory");
  S->host = hst;
  S->k = prob->k;
  S->d = prob->d;
  S->h = (size_t)hst->param_int(p, "hidden");
  size_t rows[2] = {S->h, S->k}, cols[2] = {S->d, S->h};
  const char *names[2] = {"W", "V"};
  double std = hst->param_real(p, "init_std");
  lnb_rng rng;
  hst->rng_init(&rng, seed, "shallow_tanh-init");
  for (int i = 0; i < 2; i++) {
    lnb_tensor *T = &S->t[i];
    T->name = names[i];
    T->rows = rows[i];
    T->cols = cols[i];
    T->manifold = LNB_EUCLIDEAN;
    T->data = hst->alloc(rows[i] * cols[i] * sizeof(double));
    T->grad = hst->alloc(rows[i] * cols[i] * sizeof(double));
    if (!T->data || !T->grad) {
      st_destroy(S);
      return hst->error(err, LNB_ENOMEM, "out of memory");
    }
    for (size_t j = 0; j < rows[i] * cols[i]; j++) T->data[j] = std * hst->rng_normal(&rng);
  }
  *self = S;
  return LNB_OK;
}

static lnb_tensor *st_tensors(void *self, size_t *n) {
  *n = 2;
  return ((st *)self)->t;
}

/* workspaces for batches of up to max_rows rows: made here, never in a step */
static int st_predict_prepare(void *self, size_t max_rows, lnb_error *err) {
  st *S = self;
  if (max_rows <= S->cap) return LNB_OK;
  if (S->H) S->host->free(S->H);
  if (S->dH) S->host->free(S->dH);
  S->H = S->host->alloc(max_rows * S->h * sizeof(double));
  S->dH = S->host->alloc(max_rows * S->h * sizeof(double));
  S->cap = S->H && S->dH ? max_rows : 0;
  return S->cap ? LNB_OK : S->host->error(err, LNB_ENOMEM, "out of memory");
}

static void st_forward(void *self, const double *X, size_t n, double *Z) {
  st *S = self;
  size_t d = S->d, h = S->h, k = S->k;
  S->X = X;
  S->host->gemm(LNB_NO_TRANS, LNB_TRANS, n, h, d, 1.0, X, d, S->t[0].data, d, 0.0, S->H, h);
  for (size_t i = 0; i < n * h; i++) S->H[i] = tanh(S->H[i]);
  S->host->gemm(LNB_NO_TRANS, LNB_TRANS, n, k, h, 1.0, S->H, h, S->t[1].data, h, 0.0, Z, k);
}

static void st_backward_outputs(void *self, const double *dZ, size_t n) {
  st *S = self;
  size_t d = S->d, h = S->h, k = S->k;
  const lnb_host *hst = S->host;
  hst->gemm(LNB_TRANS, LNB_NO_TRANS, k, h, n, 1.0, dZ, k, S->H, h, 0.0, S->t[1].grad, h);
  hst->gemm(LNB_NO_TRANS, LNB_NO_TRANS, n, h, k, 1.0, dZ, k, S->t[1].data, h, 0.0, S->dH, h);
  for (size_t i = 0; i < n * h; i++) S->dH[i] *= 1.0 - S->H[i] * S->H[i];
  hst->gemm(LNB_TRANS, LNB_NO_TRANS, h, d, n, 1.0, S->dH, h, S->X, d, 0.0, S->t[0].grad, d);
}

static const lnb_arch_ops st_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = st_create,
    .destroy = st_destroy,
    .tensors = st_tensors,
    /* end_to_end and backward stay NULL: a predictor */
    .predict_prepare = st_predict_prepare,
    .forward = st_forward,
    .backward_outputs = st_backward_outputs,
};

static const lnb_plugin st_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "shallow_tanh",
    .summary = "one hidden tanh layer, z = V tanh(W x) (an out-of-tree predictor example)",
    .params = st_params,
    .ops = &st_ops,
    .description = "W (hidden x d) and V (k x hidden), N(0, init_std^2), no bias. A predictor "
                   "architecture: it runs on problems with per-sample inputs and outputs "
                   "(dataset).",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &st_desc : NULL;
}
