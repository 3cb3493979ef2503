/* test_adaptive — the elementwise optimizers momentum, adagrad, adadelta and
 * adam (the explicit acceleration / adaptive methods paper 003, Sec. 8 and
 * App. B, compares with depth):
 *   - a three-step trace of every variant on a 2-parameter least-squares
 *     problem, against iterates computed here with plain scalar arithmetic
 *     (tolerance 1e-14 relative per coordinate per step: the two computations
 *     differ only in rounding order, a few ulps, while a wrong sign, factor,
 *     power or epsilon placement moves the iterates by far more);
 *   - every optimizer and variant through the harness on a small lsq problem
 *     (linear and depth-2 deep_linear) lowers the loss;
 *   - invalid hyper-parameters are refused at config load, naming the
 *     parameter.
 *
 * Trace problem: lsq inline, reduction sum, A = [[2, 1], [1, 3]], b = [1, -2]:
 *   l(w) = 1/2 ||A w - b||^2,  grad = A^T (A w - b),
 * on the linear architecture (k = 1, d = 2) from w0 = (3, -2.5), where every
 * iterate of every trace stays above 2 in magnitude (relative errors are
 * meaningful) and the gradient's entries have opposite signs. */
#include "test_plugin_util.h"

static const double A22[4] = {2, 1, 1, 3};
static const double b22[2] = {1, -2};
static const double w0[2] = {3.0, -2.5}; /* grad(w0) = (2.5, -5) */

/* grad = A^T (A w - b) written out for this A, b */
static void hand_grad(const double w[2], double g[2]) {
  double r0 = 2.0 * w[0] + 1.0 * w[1] - 1.0;
  double r1 = 1.0 * w[0] + 3.0 * w[1] - (-2.0);
  g[0] = 2.0 * r0 + 1.0 * r1;
  g[1] = 1.0 * r0 + 3.0 * r1;
}

/* one key = value setting of an optimizer parameter */
typedef struct kv {
  const char *key, *value;
} kv;

/* Runs 3 steps of optimizer `name` with settings kvs (NULL-terminated) from
 * w0, comparing after step t with expect[t-1]; returns the largest relative
 * error |w - e| / |e| over steps and coordinates. */
static double trace(const char *label, const char *name, const kv *kvs,
                    const double expect[3][2]) {
  lnb_params *pp = tp_params(tp_plugin(LNB_PROBLEM, "lsq"));
  tp_set_reals(pp, "A", A22, 2, 2);
  tp_set_reals(pp, "b", b22, 1, 2);
  tp_set(pp, "reduction", "sum");
  tp_problem P = tp_problem_create(pp, 0);
  assert_int_equal(P.k, 1);
  assert_int_equal(P.d, 2);
  lnb_params *ap = tp_params(tp_plugin(LNB_ARCHITECTURE, "linear"));
  tp_set(ap, "init", "given");
  tp_set_reals(ap, "init_matrix", w0, 1, 2);
  tp_arch A = tp_arch_create(ap, 1, 2, 0);
  tp_model M;
  tp_model_init(&M, &P, &A);

  lnb_params *op = tp_params(tp_plugin(LNB_OPTIMIZER, name));
  for (const kv *s = kvs; s && s->key; s++) tp_set(op, s->key, s->value);
  const lnb_optimizer_ops *ops = op->plugin->ops;
  lnb_error err = {0};
  if (ops->validate(tp_host(), op, &err) != LNB_OK) fail_msg("%s validate: %s", label, err.msg);
  void *self = NULL;
  if (ops->create(tp_host(), op, &M.m, 0, &self, &err) != LNB_OK)
    fail_msg("%s create: %s", label, err.msg);
  lnb__params_free(op); /* create must not keep the params */

  double worst = 0;
  for (int t = 1; t <= 3; t++) {
    M.m.loss_grad(&M.m);
    if (ops->step(self, &M.m, (uint64_t)t, &err) != LNB_OK)
      fail_msg("%s step %d: %s", label, t, err.msg);
    for (int i = 0; i < 2; i++) {
      double e = expect[t - 1][i];
      assert_true(fabs(e) > 1.0); /* relative error is meaningful */
      worst = fmax(worst, fabs(A.t[0].data[i] - e) / fabs(e));
    }
  }
  print_message("  %-26s w3 = (%.17g, %.17g), max rel err %.3g (tol 1e-14)\n", label,
                expect[2][0], expect[2][1], worst);
  ops->destroy(self);
  tp_model_free(&M);
  tp_arch_destroy(&A);
  lnb__params_free(ap);
  tp_problem_destroy(&P);
  lnb__params_free(pp);
  return worst;
}

/* Heavy ball and Nesterov, PyTorch / Sutskever form:
 * v <- mu v + g; w <- w - lr v  |  w <- w - lr (g + mu v). */
static void test_momentum_trace(void **state) {
  (void)state;
  const double lr = 0.01, mu = 0.9;
  double hb[3][2], nv[3][2];
  double w[2] = {w0[0], w0[1]}, v[2] = {0, 0}, g[2];
  for (int t = 0; t < 3; t++) {
    hand_grad(w, g);
    for (int i = 0; i < 2; i++) {
      v[i] = mu * v[i] + g[i];
      w[i] = w[i] - lr * v[i];
      hb[t][i] = w[i];
    }
  }
  w[0] = w0[0], w[1] = w0[1], v[0] = v[1] = 0;
  for (int t = 0; t < 3; t++) {
    hand_grad(w, g);
    for (int i = 0; i < 2; i++) {
      v[i] = mu * v[i] + g[i];
      w[i] = w[i] - lr * (g[i] + mu * v[i]);
      nv[t][i] = w[i];
    }
  }
  const kv heavy[] = {{"lr", "0.01"}, {"momentum", "0.9"}, {NULL, NULL}};
  const kv nest[] = {{"lr", "0.01"}, {"momentum", "0.9"}, {"nesterov", "true"}, {NULL, NULL}};
  assert_true(trace("momentum heavy ball", "momentum", heavy, hb) < 1e-14);
  assert_true(trace("momentum nesterov", "momentum", nest, nv) < 1e-14);
  /* the defaults are lr 0.01, momentum 0.9, heavy ball */
  assert_true(trace("momentum defaults", "momentum", NULL, hb) < 1e-14);
  /* the variants really differ */
  assert_true(fabs(hb[2][0] - nv[2][0]) > 1e-3);
}

/* AdaGrad: acc <- acc + g^2; w <- w - lr g / (sqrt(acc) + eps).
 * TensorFlow 1.x (paper 003, App. B): acc0 = 0.1, eps = 0;
 * PyTorch-style: acc0 = 0, eps > 0 (a large eps = 0.5 so that where it sits
 * matters far beyond the tolerance). */
static void test_adagrad_trace(void **state) {
  (void)state;
  double tf[3][2], pt[3][2];
  double lr = 0.1, acc0 = 0.1;
  double w[2] = {w0[0], w0[1]}, acc[2] = {acc0, acc0}, g[2];
  for (int t = 0; t < 3; t++) {
    hand_grad(w, g);
    for (int i = 0; i < 2; i++) {
      acc[i] = acc[i] + g[i] * g[i];
      w[i] = w[i] - lr * g[i] / sqrt(acc[i]);
      tf[t][i] = w[i];
    }
  }
  const double eps = 0.5;
  lr = 0.2;
  w[0] = w0[0], w[1] = w0[1], acc[0] = acc[1] = 0;
  for (int t = 0; t < 3; t++) {
    hand_grad(w, g);
    for (int i = 0; i < 2; i++) {
      acc[i] = acc[i] + g[i] * g[i];
      w[i] = w[i] - lr * g[i] / (sqrt(acc[i]) + eps);
      pt[t][i] = w[i];
    }
  }
  const kv tfk[] = {{"lr", "0.1"}, {NULL, NULL}}; /* initial_accumulator 0.1, epsilon 0 */
  const kv ptk[] = {{"lr", "0.2"}, {"initial_accumulator", "0"}, {"epsilon", "0.5"},
                    {NULL, NULL}};
  assert_true(trace("adagrad tensorflow", "adagrad", tfk, tf) < 1e-14);
  assert_true(trace("adagrad pytorch-style", "adagrad", ptk, pt) < 1e-14);
}

/* AdaDelta (Zeiler 2012, Alg. 1, with step scale lr):
 * acc <- rho acc + (1-rho) g^2; u = sqrt(acc_u + eps)/sqrt(acc + eps) g;
 * w <- w - lr u; acc_u <- rho acc_u + (1-rho) u^2.
 * lr = 0.5 != 1 catches lr leaking into acc_u; eps = 1e-3 makes the first
 * steps large enough to see. */
static void test_adadelta_trace(void **state) {
  (void)state;
  const double lr = 0.5, rho = 0.9, eps = 1e-3;
  double ex[3][2];
  double w[2] = {w0[0], w0[1]}, acc[2] = {0, 0}, accu[2] = {0, 0}, g[2];
  for (int t = 0; t < 3; t++) {
    hand_grad(w, g);
    for (int i = 0; i < 2; i++) {
      acc[i] = rho * acc[i] + (1.0 - rho) * g[i] * g[i];
      double u = sqrt(accu[i] + eps) / sqrt(acc[i] + eps) * g[i];
      w[i] = w[i] - lr * u;
      accu[i] = rho * accu[i] + (1.0 - rho) * u * u;
      ex[t][i] = w[i];
    }
  }
  const kv k[] = {{"lr", "0.5"}, {"rho", "0.9"}, {"epsilon", "1e-3"}, {NULL, NULL}};
  assert_true(trace("adadelta", "adadelta", k, ex) < 1e-14);

  /* defaults lr 1, rho 0.95, epsilon 1e-8 */
  double dx[3][2];
  w[0] = w0[0], w[1] = w0[1], acc[0] = acc[1] = accu[0] = accu[1] = 0;
  for (int t = 0; t < 3; t++) {
    hand_grad(w, g);
    for (int i = 0; i < 2; i++) {
      acc[i] = 0.95 * acc[i] + (1.0 - 0.95) * g[i] * g[i];
      double u = sqrt(accu[i] + 1e-8) / sqrt(acc[i] + 1e-8) * g[i];
      w[i] = w[i] - 1.0 * u;
      accu[i] = 0.95 * accu[i] + (1.0 - 0.95) * u * u;
      dx[t][i] = w[i];
    }
  }
  assert_true(trace("adadelta defaults", "adadelta", NULL, dx) < 1e-14);
}

/* Adam, both epsilon placements. 1 - beta^t is written as
 * (1 - beta)(1 + beta + ... + beta^(t-1)), exact to a few ulps (1 - pow(beta, t)
 * would lose ~1e-13 to cancellation for beta2 = 0.999). epsilon = 0.1 so
 * that hat and standard differ far beyond the tolerance.
 *   hat:      lr_t = lr sqrt(1-b2^t)/(1-b1^t); w <- w - lr_t m/(sqrt(v)+eps)
 *   standard: w <- w - lr m_hat/(sqrt(v_hat)+eps). */
static void test_adam_trace(void **state) {
  (void)state;
  const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 0.1;
  double hat[3][2], std[3][2];
  for (int mode = 0; mode < 2; mode++) {
    double w[2] = {w0[0], w0[1]}, m[2] = {0, 0}, v[2] = {0, 0}, g[2];
    double s1 = 0, s2 = 0; /* 1 + b + ... + b^(t-1) */
    for (int t = 0; t < 3; t++) {
      s1 = 1.0 + b1 * s1;
      s2 = 1.0 + b2 * s2;
      double bc1 = (1.0 - b1) * s1, bc2 = (1.0 - b2) * s2;
      hand_grad(w, g);
      for (int i = 0; i < 2; i++) {
        m[i] = b1 * m[i] + (1.0 - b1) * g[i];
        v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
        if (mode == 0) {
          double lr_t = lr * sqrt(bc2) / bc1;
          w[i] = w[i] - lr_t * m[i] / (sqrt(v[i]) + eps);
          hat[t][i] = w[i];
        } else {
          double mh = m[i] / bc1, vh = v[i] / bc2;
          w[i] = w[i] - lr * mh / (sqrt(vh) + eps);
          std[t][i] = w[i];
        }
      }
    }
  }
  const kv hk[] = {{"lr", "0.1"}, {"epsilon", "0.1"}, {NULL, NULL}};
  const kv sk[] = {{"lr", "0.1"}, {"epsilon", "0.1"}, {"epsilon_mode", "standard"},
                   {NULL, NULL}};
  assert_true(trace("adam hat", "adam", hk, hat) < 1e-14);
  assert_true(trace("adam standard", "adam", sk, std) < 1e-14);
  print_message("  adam hat vs standard at step 3: %.3g apart\n",
                fabs(hat[2][0] - std[2][0]));
  assert_true(fabs(hat[2][0] - std[2][0]) > 1e-4);

  /* non-default betas (b1 = 0.5, b2 = 0.75) in standard mode: a wrong power
   * of beta in the bias correction shows at once */
  double ex[3][2];
  {
    const double c1 = 0.5, c2 = 0.75;
    double w[2] = {w0[0], w0[1]}, m[2] = {0, 0}, v[2] = {0, 0}, g[2];
    double p1 = 1.0, p2 = 1.0; /* b^t, exact for these betas */
    for (int t = 0; t < 3; t++) {
      p1 *= c1;
      p2 *= c2;
      hand_grad(w, g);
      for (int i = 0; i < 2; i++) {
        m[i] = c1 * m[i] + (1.0 - c1) * g[i];
        v[i] = c2 * v[i] + (1.0 - c2) * g[i] * g[i];
        w[i] = w[i] - 0.05 * (m[i] / (1.0 - p1)) / (sqrt(v[i] / (1.0 - p2)) + 1e-8);
        ex[t][i] = w[i];
      }
    }
  }
  const kv bk[] = {{"lr", "0.05"}, {"beta1", "0.5"}, {"beta2", "0.75"},
                   {"epsilon_mode", "standard"}, {NULL, NULL}};
  assert_true(trace("adam b1 .5 b2 .75 standard", "adam", bk, ex) < 1e-14);
}

/* ---------------------------------------------------- through the harness */

/* Every optimizer and variant, on the linear model and a depth-2 network,
 * lowers the loss of a small lsq problem in 300 steps. The learning rates are
 * moderate ones for this problem (Hessian top eigenvalue 1, reduction mean).
 * Tolerance: the gap l - l* shrinks at least to 0.7 of its initial value
 * (AdaDelta with its defaults, whose first steps are ~sqrt(epsilon) = 1e-4,
 * reaches 0.6; the others reach far lower; a sign error raises the loss). */
static void test_harness_decreases(void **state) {
  (void)state;
  static const char *cfg_text =
      "name: adaptive\n"
      "seeds: [1]\n"
      "problem: {plugin: lsq, m: 30, d: 6, k: 2, condition: 3, noise: 0.1, seed: 5}\n"
      "architectures:\n"
      "  - {plugin: linear}\n"
      "  - {plugin: deep_linear, depth: 2, width: 6, init: gaussian, init_std: 0.3}\n"
      "optimizers:\n"
      "  - {plugin: momentum, lr: 0.05, momentum: 0.9, nesterov: [false, true]}\n"
      "  - {plugin: adagrad, lr: 0.1}\n"
      "  - {plugin: adagrad, lr: 0.1, initial_accumulator: 0, epsilon: 1.0e-10}\n"
      "  - {plugin: adadelta}\n"
      "  - {plugin: adadelta, epsilon: 1.0e-6}\n"
      "  - {plugin: adam, lr: 0.01, epsilon_mode: [hat, standard]}\n"
      "stop: {max_iters: 300}\n"
      "record: {per_decade: 2}\n";
  lnb_config cfg;
  lnb_error err = {0};
  int rc = lnb_config_load_string(cfg_text, strlen(cfg_text), "adaptive.yaml", &tp_reg, &cfg,
                                  &err);
  if (rc != LNB_OK) fail_msg("config: %s", err.msg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  lnb_run_spec *runs = lnb_expand_runs(&cfg, &n);
  assert_int_equal(n, 2 * 8);
  for (size_t i = 0; i < n; i++) {
    print_message("  %-12s %-9s gap %.4g -> %.4g\n", runs[i].architecture->plugin->plugin->name,
                  runs[i].optimizer->plugin->plugin->name, r[i].initial_loss - r[i].lstar,
                  r[i].final_gap);
    assert_int_equal(r[i].status, LNB_RUN_MAX_ITERS);
    assert_int_equal(r[i].iterations, 300);
    assert_true(isfinite(r[i].final_loss));
    assert_true(r[i].lstar_known);
    assert_true(r[i].final_loss < r[i].initial_loss);
    assert_true(r[i].final_gap <= 0.7 * (r[i].initial_loss - r[i].lstar));
  }
  free(runs);
  for (size_t i = 0; i < n; i++) lnb_run_result_free(&r[i]);
  free(r);
  lnb_config_free(&cfg);
}

/* ------------------------------------------------ refused hyper-parameters */

/* The optimizer block `block` must be refused at load with a message that
 * names `param`. */
static void refused(const char *block, const char *param) {
  char text[1024];
  snprintf(text, sizeof text,
           "name: bad\n"
           "problem: {plugin: lsq, m: 10, d: 3}\n"
           "architectures: [{plugin: linear}]\n"
           "optimizers:\n"
           "  - %s\n",
           block);
  lnb_config cfg;
  lnb_error err = {0};
  int rc = lnb_config_load_string(text, strlen(text), "bad.yaml", &tp_reg, &cfg, &err);
  if (rc == LNB_OK) {
    lnb_config_free(&cfg);
    fail_msg("accepted: %s", block);
  }
  print_message("  %-58s -> %s\n", block, err.msg);
  if (!strstr(err.msg, param)) fail_msg("message for %s does not name %s: %s", block, param,
                                        err.msg);
}

static void test_refused(void **state) {
  (void)state;
  refused("{plugin: adam, beta1: 1}", "beta1");
  refused("{plugin: adam, beta1: 1.0}", "beta1");
  refused("{plugin: adam, beta2: 1}", "beta2");
  refused("{plugin: adam, epsilon: 0}", "epsilon");
  refused("{plugin: adam, epsilon_mode: tf}", "epsilon_mode");
  refused("{plugin: adadelta, rho: 1}", "rho");
  refused("{plugin: adadelta, epsilon: 0}", "epsilon");
  refused("{plugin: momentum, momentum: 1}", "momentum");
  refused("{plugin: adagrad, initial_accumulator: -1}", "initial_accumulator");
  /* cross-check in validate: 0 / sqrt(0) */
  refused("{plugin: adagrad, initial_accumulator: 0}", "initial_accumulator");
  refused("{plugin: adagrad, initial_accumulator: 0, epsilon: 0}", "epsilon");
  static const char *names[] = {"momentum", "adagrad", "adadelta", "adam"};
  for (int i = 0; i < 4; i++) {
    char b[128];
    snprintf(b, sizeof b, "{plugin: %s, lr: 0}", names[i]);
    refused(b, "lr");
    snprintf(b, sizeof b, "{plugin: %s, lr: -0.1}", names[i]);
    refused(b, "lr");
    /* in a grid: the bad point is refused */
    snprintf(b, sizeof b, "{plugin: %s, lr: [0.1, 0]}", names[i]);
    refused(b, "lr");
  }
  /* the validate hooks themselves (create calls them too) */
  lnb_params *p = tp_params(tp_plugin(LNB_OPTIMIZER, "adagrad"));
  tp_set(p, "initial_accumulator", "0");
  lnb_error err = {0};
  const lnb_optimizer_ops *ops = p->plugin->ops;
  assert_int_equal(ops->validate(tp_host(), p, &err), LNB_EINVAL);
  assert_non_null(strstr(err.msg, "initial_accumulator"));
  tp_set(p, "epsilon", "1e-10");
  assert_int_equal(ops->validate(tp_host(), p, &err), LNB_OK);
  lnb__params_free(p);
}

/* The rule is elementwise on every tensor (Stiefel-tagged or not): on a
 * depth-3 deep_linear model (three tensors) one Adam (hat, defaults) step
 * equals the single-parameter rule applied to every entry of every tensor,
 * i.e. the state is laid out tensor by tensor. At t = 1 from m = v = 0:
 * m = (1-b1) g, v = (1-b2) g^2, w <- w - lr sqrt(1-b2)/(1-b1) m/(sqrt(v)+eps).
 * Tolerance 1e-14 relative. */
static void test_multi_tensor(void **state) {
  (void)state;
  lnb_params *pp = tp_params(tp_plugin(LNB_PROBLEM, "lsq"));
  tp_set_reals(pp, "A", A22, 2, 2);
  tp_set_reals(pp, "b", b22, 1, 2);
  tp_problem P = tp_problem_create(pp, 0);
  lnb_params *ap = tp_params(tp_plugin(LNB_ARCHITECTURE, "deep_linear"));
  tp_set(ap, "depth", "3");
  tp_set(ap, "width", "3");
  tp_set(ap, "init", "gaussian");
  tp_set(ap, "init_std", "0.5");
  tp_arch A = tp_arch_create(ap, 1, 2, 3);
  assert_int_equal(A.n, 3);
  tp_model M;
  tp_model_init(&M, &P, &A);
  lnb_params *op = tp_params(tp_plugin(LNB_OPTIMIZER, "adam"));
  const lnb_optimizer_ops *ops = op->plugin->ops;
  lnb_error err = {0};
  void *self = NULL;
  assert_int_equal(ops->create(tp_host(), op, &M.m, 0, &self, &err), LNB_OK);
  M.m.loss_grad(&M.m);
  double expect[64];
  size_t off = 0;
  for (size_t j = 0; j < A.n; j++)
    for (size_t i = 0; i < A.t[j].rows * A.t[j].cols; i++, off++) {
      assert_true(off < 64);
      double g = A.t[j].grad[i], m = (1.0 - 0.9) * g, v = (1.0 - 0.999) * g * g;
      double lr_t = 0.001 * sqrt(1.0 - 0.999) / (1.0 - 0.9);
      expect[off] = A.t[j].data[i] - lr_t * m / (sqrt(v) + 1e-8);
    }
  assert_int_equal(ops->step(self, &M.m, 1, &err), LNB_OK);
  double worst = 0;
  off = 0;
  for (size_t j = 0; j < A.n; j++)
    for (size_t i = 0; i < A.t[j].rows * A.t[j].cols; i++, off++)
      worst = fmax(worst, fabs(A.t[j].data[i] - expect[off]) / fabs(expect[off]));
  print_message("  adam on 3 tensors (%zu entries), step 1: max rel err %.3g (tol 1e-14)\n",
                off, worst);
  assert_true(worst < 1e-14);
  ops->destroy(self);
  lnb__params_free(op);
  tp_model_free(&M);
  tp_arch_destroy(&A);
  lnb__params_free(ap);
  tp_problem_destroy(&P);
  lnb__params_free(pp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_momentum_trace), cmocka_unit_test(test_adagrad_trace),
      cmocka_unit_test(test_adadelta_trace), cmocka_unit_test(test_adam_trace),
      cmocka_unit_test(test_harness_decreases), cmocka_unit_test(test_refused),
      cmocka_unit_test(test_multi_tensor),
  };
  return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
