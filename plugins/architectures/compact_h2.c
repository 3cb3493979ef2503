/* compact_h2 — paper 000, Algorithm 4: the two-hidden-layer network
 * y = W_1 W_2 x started at the bi-optimal point of Lemma 9, collapsed to
 * n + 1 numbers. The implementation and the derivation of the coordinates
 * (w, rho) are in plugins/common/lnbp_compact.h. */
#define _POSIX_C_SOURCE 200809L

#include "lnbp_compact.h"
#include "lnnbench/plugin.h"

static int c2_create(const lnb_host *host, const lnb_params *p, const lnb_problem_info *prob,
                     uint64_t seed, void **self, lnb_error *err) {
  int rc = lnbp_compact_validate(host, p, err);
  if (rc != LNB_OK) return rc;
  return lnbp_compact_create(host, p, prob, seed, self, err, 2, "compact_h2");
}

static const lnb_arch_ops c2_ops = {
    .struct_size = sizeof(lnb_arch_ops),
    .create = c2_create,
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

static const lnb_plugin c2_desc = {
    .abi_major = LNB_ABI_MAJOR,
    .abi_minor = LNB_ABI_MINOR,
    .struct_size = sizeof(lnb_plugin),
    .kind = LNB_ARCHITECTURE,
    .name = "compact_h2",
    .summary = "paper 000 Alg. 4: two hidden layers collapsed to (w, rho), y = rho^2 A^T w; "
               "gd on it = gd on deep_linear depth 3, init bi_optimal_h2",
    .params = lnbp_compact_params,
    .ops = &c2_ops,
    .description =
        "Paper 000, Sec. 4.1, Lemmas 9-11, Theorem 12 and Algorithm 4. Needs a single-output "
        "problem that exposes its linear system A y = b (lsq; refused otherwise). The "
        "network y = W_1 W_2 x (deep_linear depth 3, whose W1, W2, W3 are the paper's W_1^T, W_2^T, x^T) "
        "started at W_1 = alpha A^T v0 e1^T, W_2 = alpha e1 x0^T, x = alpha x0 (|x0| = 1) "
        "stays on the set W_1 = A^T w e1^T, W_2 = e1 (rho x0)^T, x = rho x0 under gradient "
        "descent (W_2's first row and x receive the same update, Lemma 11), so it is stored as "
        "two tensors: w (n x 1) and rho (1 x 1); W_e = y^T with y = rho^2 A^T w. Start: "
        "w_0 = alpha v0, rho_0 = alpha (v0 from v0 or init_std as in deep_linear).\n"
        "Gradient contract: backward writes the image of the full network's gradient in "
        "these coordinates, grad_w = 2c rho^2 (A y - b) and grad_rho = rho (A^T w) . dl/dy "
        "(c the loss scale), not the partial derivatives of l(rho^2 A^T w). Since the "
        "coordinates are linear in the full weights, gd (also with weight_decay, and "
        "momentum) on compact_h2 gives exactly the iterates y_k of the same optimizer on "
        "deep_linear (depth 3, init bi_optimal_h2, same seed, init_std, v0, scale); adaptive "
        "element-wise optimizers (Adam, AdaGrad) do not.\n"
        "With alpha = 1 and the paper's loss (lsq reduction: sum) this is Algorithm 4 with "
        "v_k = w_k / rho_k^2: y_k = A A^T v_k, e_k = lr (rho_k^4 y_k - b), gamma_k = rho_k^2 "
        "y_k^T e_k, v_{k+1} = (v_k - e_k)/(1 - gamma_k)^2, rho_{k+1} = rho_k (1 - gamma_k), "
        "output rho_k^4 A^T v_k. Lemma 9 takes x = A^T v / ||A^T v||^2, whose norm is not 1, "
        "while Algorithm 4 assumes ||x_0|| = 1; its identity W_1 = A^T v x^T W_2^T also drops "
        "the factor ||x||^2. Any unit x0 keeps every invariant of Theorem 12 "
        "(range(W_2^T W_1^T A^T) = span(x0)), so a unit x0 is used. Cost per step O(nd), "
        "state n + 1.",
};

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index, const lnb_host *host) {
  (void)host;
  return index == 0 ? &c2_desc : NULL;
}
