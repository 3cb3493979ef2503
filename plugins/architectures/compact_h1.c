/* compact_h1 — paper 000, Algorithm 3: the one-hidden-layer network
 * y = W x started at the bi-optimal point W_0 = A^T v0 x0^T (Theorem 6),
 * collapsed to n + 1 numbers. The implementation and the derivation of the
 * coordinates (w, rho) are in plugins/common/lnbp_compact.h. */
#define _POSIX_C_SOURCE 200809L

#include "lnbp_compact.h"
#include "lnnbench/plugin.h"

static int c1_create(const lnb_host *host, const lnb_params *p, const lnb_problem_info *prob,
                     uint64_t seed, void **self, lnb_error *err) {
  int rc = lnbp_compact_validate(host, p, err);
  if (rc != LNB_OK) return rc;
  return lnbp_compact_create(host, p, prob, seed, self, err, 1, "compact_h1");
}

static const lnb_arch_ops c1_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = c1_create,
    .destroy = lnbp_compact_destroy,
    .tensors = lnbp_compact_tensors,
    .end_to_end = lnbp_compact_end_to_end,
    .backward = lnbp_compact_backward,
    .validate = lnbp_compact_validate,
    .metrics = lnbp_compact_metrics,
    .metric = lnbp_compact_metric,
    .gradient_note = "backward writes the image of the full network's gradient in the "
                     "compact coordinates, not their partial derivatives (see the description)",
};

static const lnb_plugin c1_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "compact_h1",
    .summary = "paper 000 Alg. 3: one hidden layer collapsed to (w, rho), y = rho A^T w; "
               "gd on it = gd on deep_linear depth 2, init bi_optimal_h1",
    .params = lnbp_compact_params,
    .ops = &c1_ops,
    .description =
        "Paper 000, Sec. 3, Theorem 6 and Algorithm 3. Needs a single-output problem that "
        "exposes its linear system A y = b (lsq; refused otherwise). The one-hidden-layer "
        "network y = W x (deep_linear depth 2, whose W1 and W2 are the paper's W^T and x^T) started at W_0 = "
        "alpha A^T v0 x0^T, x_0 = alpha x0 (|x0| = 1) stays on the set W = A^T w x0^T, x = rho "
        "x0 under gradient descent, so it is stored as two tensors: w (n x 1) and rho (1 x 1); "
        "W_e = y^T with y = rho A^T w. Start: w_0 = alpha v0, rho_0 = alpha (v0 from v0 or "
        "init_std as in deep_linear).\n"
        "Gradient contract: backward writes the image of the full network's gradient in "
        "these coordinates, grad_w = 2c rho (A y - b) and grad_rho = (A^T w) . dl/dy (c the "
        "loss scale), not the partial derivatives of l(rho A^T w). Since the coordinates "
        "are linear in the full weights, gd (also with weight_decay, and momentum) on "
        "compact_h1 gives exactly the iterates y_k of the same optimizer on deep_linear "
        "(depth 2, init bi_optimal_h1, same seed, init_std, v0, scale); adaptive "
        "element-wise optimizers (Adam, AdaGrad) do not.\n"
        "With alpha = 1 and the paper's loss (lsq reduction: sum) this is Algorithm 3 with "
        "v_k = w_k / rho_k: y_k = A A^T v_k, r_k = lr (rho_k^2 y_k - b), gamma_k = y_k^T "
        "r_k, v_{k+1} = (v_k - r_k)/(1 - gamma_k), rho_{k+1} = rho_k (1 - gamma_k), output "
        "rho_k^2 A^T v_k. (The text before Algorithm 3 omits lr in gamma_k and writes rho_k "
        "for rho_k^2 in the v update; the algorithm box is the one that matches gradient "
        "descent.) Cost per step O(nd), state n + 1.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &c1_desc : NULL;
}
