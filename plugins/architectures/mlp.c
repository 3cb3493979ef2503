/* mlp — a multilayer perceptron, the first predictor architecture (ABI 1.5).
 *
 * Dense layers l = 1..L map h_{l-1} -> h_l with h_0 = d (the problem's
 * inputs), h_1..h_{L-1} = widths, h_L = k (its outputs):
 *   a_l = act(H_{l-1} W_l^T + 1 b_l^T)   (no activation on the last layer)
 * on a batch H_0 = X (n x d, row-major), so the outputs Z = a_L are n x k.
 * overparameterize: N replaces every W_l (out x in) by a product
 * F_N ... F_1 of N linear factors of the minimal width r = min(in, out) that
 * keeps the layer's expressiveness (paper 003 Sec. 8 and Appendix B.2: a
 * 3136 x 512 layer became 3136 x 512 times 512 x 512): F_1 r x in,
 * F_2..F_{N-1} r x r, F_N out x r; the bias and the activation follow F_N.
 *
 * The network is a chain of linear units u (one per factor) with output
 * P_u = H_{u-1} F_u^T (+ b) and H_u = act(P_u) where an activation follows.
 * Backward, with G_u = dl/dH_u (G of the last unit = dZ):
 *   dP_u = G_u * act'(P_u), dF_u = dP_u^T H_{u-1}, db = 1^T dP_u,
 *   G_{u-1} = dP_u F_u.
 * Every product is one host gemm (BLAS); the activations and biases are
 * O(n h) loops. Workspaces for up to max_rows rows are made by
 * predict_prepare; forward and backward_outputs do not allocate.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lnbp_linalg.h"
#include "lnnbench/plugin.h"

#define MLP_MAX_LAYERS 64
#define MLP_MAX_FACTORS 16

static const lnb_param_spec mlp_params[] = {
    {"widths", LNB_T_INT_LIST, NULL,
     "hidden widths h_1..h_{L-1} (unset: no hidden layer, one dense layer d -> k); the input "
     "width d and output width k come from the problem",
     "[1, 1000000]", NULL, 0},
    {"activation", LNB_T_ENUM, "relu",
     "after every hidden layer (none after the output layer): relu max(0, z), tanh, gelu "
     "z Phi(z) (exact, with erf), or linear (none: a deep linear network)",
     NULL, "relu|tanh|gelu|linear", 0},
    {"bias", LNB_T_BOOL, "true", "a bias vector b_l per dense layer (initialized to 0)", NULL,
     NULL, 0},
    {"init", LNB_T_ENUM, "he",
     "W_l (out x in): he N(0, 2/in), glorot N(0, 2/(in + out)), gaussian N(0, init_std^2), "
     "identity (ones on the diagonal, also of non-square W_l, plus N(0, init_std^2))",
     NULL, "he|glorot|gaussian|identity", 0},
    {"init_std", LNB_T_REAL, "0.01", "standard deviation of the gaussian and identity inits",
     "[0, inf)", NULL, 0},
    {"overparameterize", LNB_T_INT, "1",
     "N: every dense layer becomes a product of N linear factors of minimal width min(in, "
     "out) (paper 003 Appendix B); 1 = plain dense layers",
     "[1, 16]", NULL, 0},
    {"factor_init", LNB_T_ENUM, "product",
     "overparameterize > 1: product = the factor of the layer's shape (out x in when out <= "
     "in: F_1, else F_N) takes the layer's init and the others the identity, so the product "
     "equals the plain network's init exactly (same seed, same function at step 0); random = "
     "every factor drawn by init with its own fan-in and fan-out, as paper 003 Appendix B.2 "
     "did (the product is then another, smaller-scale, matrix)",
     NULL, "product|random", 0},
    {"inputs", LNB_T_INT, "0",
     "the input width d this network is built for; 0 = the problem's. A problem of another "
     "d is refused (at validation when the problem's shape is known from its parameters)",
     "[0, inf)", NULL, 0},
    {"outputs", LNB_T_INT, "0", "the output width k, as inputs; 0 = the problem's",
     "[0, inf)", NULL, 0},
    {0},
};

typedef enum mlp_act { ACT_NONE, ACT_RELU, ACT_TANH, ACT_GELU } mlp_act;

/* one linear unit: a dense layer's factor */
typedef struct mlp_unit {
  size_t in, out;
  lnb_tensor *W, *b; /* b NULL without bias (and on factors before the last) */
  mlp_act act;       /* after this unit; ACT_NONE inside products and at the end */
  double *P, *H;     /* max_rows x out: pre-activation, output (H == P without act) */
} mlp_unit;

typedef struct mlp {
  const lnb_host *host;
  size_t k, d, nunits, ntensors, cap, wmax;
  mlp_unit *u;
  lnb_tensor *t;
  char (*names)[24];
  const double *X; /* the last forward's inputs */
  double *G[2];    /* max_rows x wmax: back-propagated gradients */
} mlp;

static mlp_act mlp_act_of(const char *s) {
  return strcmp(s, "relu") == 0   ? ACT_RELU
         : strcmp(s, "tanh") == 0 ? ACT_TANH
         : strcmp(s, "gelu") == 0 ? ACT_GELU
                                  : ACT_NONE;
}

static int mlp_check_shape(const lnb_host *h, const lnb_params *p, size_t k, size_t d,
                           lnb_error *err) {
  size_t in = (size_t)h->param_int(p, "inputs"), out = (size_t)h->param_int(p, "outputs");
  if (in && in != d)
    return h->error(err, LNB_EDIM, "inputs: %zu, but the problem has d = %zu inputs", in, d);
  if (out && out != k)
    return h->error(err, LNB_EDIM, "outputs: %zu, but the problem has k = %zu outputs", out, k);
  return LNB_OK;
}

static int mlp_validate(const lnb_host *h, const lnb_params *p, lnb_error *err) {
  size_t nw = 0;
  if (h->param_is_set(p, "widths")) h->param_ints(p, "widths", &nw);
  if (nw + 1 > MLP_MAX_LAYERS)
    return h->error(err, LNB_EINVAL, "widths: %zu hidden layers (at most %d)", nw,
                    MLP_MAX_LAYERS - 1);
  if (h->param_int(p, "overparameterize") == 1 && h->param_is_set(p, "factor_init") &&
      strcmp(h->param_string(p, "factor_init"), "product") != 0)
    return h->error(err, LNB_EINVAL, "factor_init is only used with overparameterize > 1");
  return LNB_OK;
}

static void mlp_free_ws(mlp *M) {
  const lnb_host *h = M->host;
  for (size_t i = 0; i < M->nunits; i++) {
    if (M->u[i].H && M->u[i].H != M->u[i].P) h->free(M->u[i].H);
    if (M->u[i].P) h->free(M->u[i].P);
    M->u[i].P = M->u[i].H = NULL;
  }
  for (int i = 0; i < 2; i++) {
    if (M->G[i]) h->free(M->G[i]);
    M->G[i] = NULL;
  }
  M->cap = 0;
}

static void mlp_destroy(void *self) {
  mlp *M = self;
  if (!M) return;
  const lnb_host *h = M->host;
  if (M->u) mlp_free_ws(M);
  for (size_t i = 0; M->t && i < M->ntensors; i++) {
    if (M->t[i].data) h->free(M->t[i].data);
    if (M->t[i].grad) h->free(M->t[i].grad);
  }
  if (M->t) h->free(M->t);
  if (M->u) h->free(M->u);
  if (M->names) h->free(M->names);
  h->free(M);
}

/* W (out x in) by the layer init rule */
static void mlp_init_matrix(const lnb_host *h, lnb_rng *rng, const char *init, double std,
                            double *W, size_t out, size_t in) {
  if (strcmp(init, "he") == 0) std = sqrt(2.0 / (double)in);
  else if (strcmp(init, "glorot") == 0) std = sqrt(2.0 / (double)(in + out));
  lnbp_fill_normal(h, rng, W, out * in, std);
  if (strcmp(init, "identity") == 0)
    for (size_t i = 0; i < lnbp_min(out, in); i++) W[i * in + i] += 1.0;
}

static lnb_tensor *mlp_new_tensor(mlp *M, size_t rows, size_t cols, const char *fmt, size_t l,
                                  size_t j) {
  lnb_tensor *T = &M->t[M->ntensors];
  snprintf(M->names[M->ntensors], sizeof M->names[0], fmt, l, j);
  T->name = M->names[M->ntensors];
  T->rows = rows;
  T->cols = cols;
  T->manifold = LNB_EUCLIDEAN;
  T->data = M->host->alloc(rows * cols * sizeof(double));
  T->grad = M->host->alloc(rows * cols * sizeof(double));
  M->ntensors++;
  return T->data && T->grad ? T : NULL;
}

static int mlp_create(const lnb_host *h, const lnb_params *p, const lnb_problem_info *prob,
                      uint64_t seed, void **self, lnb_error *err) {
  *self = NULL;
  int rc = mlp_validate(h, p, err);
  if (rc == LNB_OK) rc = mlp_check_shape(h, p, prob->k, prob->d, err);
  if (rc != LNB_OK) return rc;
  size_t nw = 0, N = (size_t)h->param_int(p, "overparameterize");
  const int64_t *w = h->param_is_set(p, "widths") ? h->param_ints(p, "widths", &nw) : NULL;
  size_t L = nw + 1, hw[MLP_MAX_LAYERS + 1];
  hw[0] = prob->d;
  for (size_t l = 0; l < nw; l++) hw[l + 1] = (size_t)w[l];
  hw[L] = prob->k;
  int bias = h->param_bool(p, "bias");
  mlp *M = h->alloc(sizeof *M);
  if (!M) return h->error(err, LNB_ENOMEM, "out of memory");
  M->host = h;
  M->k = prob->k;
  M->d = prob->d;
  M->nunits = L * N;
  size_t maxt = M->nunits + L;
  M->u = h->alloc(M->nunits * sizeof *M->u);
  M->t = h->alloc(maxt * sizeof *M->t);
  M->names = h->alloc(maxt * sizeof *M->names);
  if (!M->u || !M->t || !M->names) goto nomem;
  mlp_act act = mlp_act_of(h->param_string(p, "activation"));
  const char *init = h->param_string(p, "init");
  double std = h->param_real(p, "init_std");
  int product = strcmp(h->param_string(p, "factor_init"), "product") == 0;
  lnb_rng rng;
  h->rng_init(&rng, seed, "mlp-init");
  for (size_t l = 0; l < L; l++) {
    size_t in = hw[l], out = hw[l + 1], r = lnbp_min(in, out);
    /* product: the factor of the layer's own shape takes its init */
    size_t own = out <= in ? 0 : N - 1;
    for (size_t j = 0; j < N; j++) {
      mlp_unit *U = &M->u[l * N + j];
      U->in = j == 0 ? in : r;
      U->out = j == N - 1 ? out : r;
      U->W = N == 1 ? mlp_new_tensor(M, U->out, U->in, "W%zu", l + 1, 0)
                    : mlp_new_tensor(M, U->out, U->in, "W%zu_%zu", l + 1, j + 1);
      if (!U->W) goto nomem;
      if (N == 1 || !product || j == own)
        mlp_init_matrix(h, &rng, init, std, U->W->data, U->out, U->in);
      else
        lnbp_eye(U->W->data, U->out, U->in);
      if (j == N - 1) {
        if (bias && !(U->b = mlp_new_tensor(M, 1, out, "b%zu", l + 1, 0))) goto nomem;
        U->act = l + 1 < L ? act : ACT_NONE;
      }
    }
  }
  *self = M;
  return LNB_OK;
nomem:
  mlp_destroy(M);
  return h->error(err, LNB_ENOMEM, "out of memory for the network");
}

static lnb_tensor *mlp_tensors(void *self, size_t *n) {
  mlp *M = self;
  *n = M->ntensors;
  return M->t;
}

static int mlp_predict_prepare(void *self, size_t max_rows, lnb_error *err) {
  mlp *M = self;
  const lnb_host *h = M->host;
  if (max_rows <= M->cap) return LNB_OK;
  mlp_free_ws(M);
  size_t wmax = M->d;
  for (size_t i = 0; i < M->nunits; i++) {
    mlp_unit *U = &M->u[i];
    wmax = lnbp_max(wmax, U->out);
    U->P = h->alloc(max_rows * U->out * sizeof(double));
    U->H = U->act != ACT_NONE ? h->alloc(max_rows * U->out * sizeof(double)) : U->P;
    if (!U->P || !U->H) goto nomem;
  }
  for (int i = 0; i < 2; i++)
    if (!(M->G[i] = h->alloc(max_rows * wmax * sizeof(double)))) goto nomem;
  M->cap = max_rows;
  M->wmax = wmax;
  return LNB_OK;
nomem:
  mlp_free_ws(M);
  return h->error(err, LNB_ENOMEM, "out of memory for batches of %zu rows", max_rows);
}

static const double SQRT1_2 = 0.70710678118654752440;
static const double INV_SQRT_2PI = 0.39894228040143267794;

/* The elementwise passes, written so the compiler can vectorize them (no
 * aliasing between the arrays, no branch in the body); each result is the
 * same IEEE operation per element as the plain loop, so vectorized or not
 * the numbers are bit-identical. */
static void mlp_add_row(double *restrict y, const double *restrict x, size_t n) {
  for (size_t a = 0; a < n; a++) y[a] += x[a];
}

static void mlp_add_bias(double *P, const double *b, size_t n, size_t o) {
  for (size_t r = 0; r < n; r++) mlp_add_row(P + r * o, b, o);
}

static void mlp_relu(double *restrict H, const double *restrict P, size_t n) {
  for (size_t e = 0; e < n; e++) H[e] = P[e] > 0.0 ? P[e] : 0.0;
}

/* D *= relu'(P): D where P > 0, else 0 (also where D is inf or NaN: relu' is 0 there,
 * as in torch's threshold_backward) */
static void mlp_relu_mask(double *restrict D, const double *restrict P, size_t n) {
  for (size_t e = 0; e < n; e++) D[e] = P[e] > 0.0 ? D[e] : 0.0;
}

static void mlp_forward(void *self, const double *X, size_t n, double *Z) {
  mlp *M = self;
  const lnb_host *h = M->host;
  M->X = X;
  const double *in = X;
  for (size_t i = 0; i < M->nunits; i++) {
    mlp_unit *U = &M->u[i];
    size_t o = U->out;
    double *P = i + 1 == M->nunits ? Z : U->P;
    h->gemm(LNB_NO_TRANS, LNB_TRANS, n, o, U->in, 1.0, in, U->in, U->W->data, U->in, 0.0, P, o);
    if (U->b) mlp_add_bias(P, U->b->data, n, o);
    double *H = U->H;
    switch (U->act) {
    case ACT_RELU: mlp_relu(H, P, n * o); break;
    case ACT_TANH:
      for (size_t e = 0; e < n * o; e++) H[e] = tanh(P[e]);
      break;
    case ACT_GELU:
      for (size_t e = 0; e < n * o; e++) H[e] = 0.5 * P[e] * (1.0 + erf(P[e] * SQRT1_2));
      break;
    case ACT_NONE:
      break;
    }
    in = U->act != ACT_NONE ? H : P;
  }
}

static void mlp_backward_outputs(void *self, const double *dZ, size_t n) {
  mlp *M = self;
  const lnb_host *h = M->host;
  const double *G = dZ; /* dl/d(output of unit i) */
  int buf = 0;
  for (size_t i = M->nunits; i-- > 0;) {
    mlp_unit *U = &M->u[i];
    size_t o = U->out, in = U->in;
    double *D = (double *)G; /* dl/dP: G itself without activation */
    if (U->act != ACT_NONE) { /* G is one of ours (the last unit has no activation) */
      const double *P = U->P, *H = U->H;
      switch (U->act) { /* one loop per activation, so each is a plain (vectorizable) loop */
      case ACT_RELU: mlp_relu_mask(D, P, n * o); break;
      case ACT_TANH:
        for (size_t e = 0; e < n * o; e++) D[e] *= 1.0 - H[e] * H[e];
        break;
      default: /* gelu: Phi(z) + z phi(z) */
        for (size_t e = 0; e < n * o; e++)
          D[e] *= 0.5 * (1.0 + erf(P[e] * SQRT1_2)) +
                  P[e] * INV_SQRT_2PI * exp(-0.5 * P[e] * P[e]);
        break;
      }
    }
    const double *A = i == 0 ? M->X : M->u[i - 1].act != ACT_NONE ? M->u[i - 1].H : M->u[i - 1].P;
    h->gemm(LNB_TRANS, LNB_NO_TRANS, o, in, n, 1.0, D, o, A, in, 0.0, U->W->grad, in);
    if (U->b) {
      double *gb = U->b->grad;
      lnbp_zero(gb, o);
      for (size_t r = 0; r < n; r++) mlp_add_row(gb, D + r * o, o);
    }
    if (i > 0) {
      double *next = M->G[buf];
      buf ^= 1;
      h->gemm(LNB_NO_TRANS, LNB_NO_TRANS, n, in, o, 1.0, D, o, U->W->data, in, 0.0, next, in);
      G = next;
    }
  }
}

static const lnb_arch_ops mlp_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = mlp_create,
    .destroy = mlp_destroy,
    .tensors = mlp_tensors,
    .validate = mlp_validate,
    .predict_prepare = mlp_predict_prepare,
    .forward = mlp_forward,
    .backward_outputs = mlp_backward_outputs,
    .check_shape = mlp_check_shape,
};

static const lnb_plugin mlp_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "mlp",
    .summary = "multilayer perceptron (relu/tanh/gelu/linear), optional bias and "
               "overparameterization of each dense layer by a product of linear factors",
    .params = mlp_params,
    .ops = &mlp_ops,
    .description =
        "A predictor architecture (ABI 1.5): it maps a batch of inputs X (n x d) to outputs "
        "Z (n x k) and has no end-to-end matrix, so it runs on problems with per-sample "
        "inputs and outputs (dataset) and W_e-based metrics are empty for it. Dense layers "
        "d -> widths... -> k, a_l = act(a_{l-1} W_l^T + b_l) with no activation on the "
        "output layer; tensors W1, b1, W2, b2, ... (W_l is out x in, b_l 1 x out, biases "
        "start at 0).\n"
        "overparameterize: N replaces every W_l (out x in) by F_N ... F_1 of minimal width "
        "r = min(in, out) (paper 003 Sec. 8 / Appendix B.2): F_1 r x in, F_2..F_{N-1} r x r, "
        "F_N out x r, tensors Wl_1..Wl_N. factor_init: product (default) sets the factor of "
        "the layer's own shape to the layer's init and the others to the identity, so the "
        "product EQUALS the plain network's init (same seed: the same function at step 0, "
        "only the parameterization differs); random draws every factor by init (paper 003's "
        "own choice), which makes the product a different, smaller matrix, not near zero "
        "for he/glorot.\n"
        "Forward and backward are host gemm calls (BLAS) with O(n width) loops for biases "
        "and activations (gelu exact: z Phi(z)); workspaces for the largest batch are made "
        "once (predict_prepare), a step allocates nothing. With activation: linear and bias: "
        "false it is deep_linear evaluated sample by sample (a test checks equal "
        "trajectories).",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &mlp_desc : NULL;
}
