/* test_optimizers_more.c — rmsprop, adamw, nadam and lion against
 * hand-traced updates written from their published definitions (in
 * torch.optim's form where torch has them, and the other mode each offers),
 * five steps through the harness on a small least-squares problem
 * (lsq + linear: one 2 x 4 tensor). Tolerance 1e-13 absolute on parameters
 * of order 1: a wrong coefficient or a misplaced epsilon moves them by
 * more than 1e-9. */
#include "test_plugin_util.h"

#define HEAD                                                                               \
  "name: opt\nseeds: [5]\nproblem: {plugin: lsq, m: 20, d: 4, k: 2, condition: 5, noise: " \
  "0.1, seed: 2}\narchitectures: [{plugin: linear, init: gaussian, init_std: 0.5}]\n"
#define STEPS 5
#define N 8
#define TOL 1e-13

/* the parameters and gradient before step t, for the hand trace */
typedef struct snap {
  double w[N], g[N];
  size_t n;
} snap;

static void take(const tp_trace *tr, snap *s) {
  const lnb_tensor *T = &tr->m->tensors[0];
  s->n = T->rows * T->cols;
  assert_int_equal(tr->m->ntensors, 1);
  assert_true(s->n <= N);
  memcpy(s->w, T->data, s->n * sizeof *s->w);
  memcpy(s->g, T->grad, s->n * sizeof *s->g);
}

static void check(const tp_trace *tr, const double *want, size_t n, const char *what,
                  uint64_t t) {
  const double *w = tr->m->tensors[0].data;
  for (size_t i = 0; i < n; i++)
    if (!(fabs(w[i] - want[i]) <= TOL))
      fail_msg("%s, step %llu, w[%zu] = %.17g, hand trace %.17g", what, (unsigned long long)t,
               i, w[i], want[i]);
}

static double sgn(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }

/* ----------------------------------------------------------- rmsprop */

/* torch.optim.RMSprop: v = alpha v + (1-alpha) g^2; centered: a = alpha a +
 * (1-alpha) g, v~ = v - a^2; d = sqrt(v~) + eps (tensorflow: sqrt(v~ + eps));
 * momentum: b = mu b + g/d, w -= lr b; else w -= lr g/d */
static void trace_rmsprop(const char *opts, double lr, double alpha, double eps, double mu,
                          int centered, int tf) {
  char text[1024];
  snprintf(text, sizeof text, HEAD "optimizers: [{plugin: rmsprop, %s}]\nstop: {max_iters: %d}\n",
           opts, STEPS);
  tp_trace tr;
  tp_trace_open(&tr, text);
  double v[N] = {0}, a[N] = {0}, b[N] = {0}, want[N];
  for (uint64_t t = 1; t <= STEPS; t++) {
    snap s;
    take(&tr, &s);
    for (size_t i = 0; i < s.n; i++) {
      double g = s.g[i];
      v[i] = alpha * v[i] + (1 - alpha) * g * g;
      double vt = v[i];
      if (centered) {
        a[i] = alpha * a[i] + (1 - alpha) * g;
        vt = vt - a[i] * a[i];
      }
      double d = tf ? sqrt(vt + eps) : sqrt(vt) + eps;
      if (mu > 0) {
        b[i] = mu * b[i] + g / d;
        want[i] = s.w[i] - lr * b[i];
      } else {
        want[i] = s.w[i] - lr * g / d;
      }
    }
    tp_trace_step(&tr, t);
    check(&tr, want, s.n, opts, t);
  }
  tp_trace_close(&tr);
}

static void test_rmsprop(void **state) {
  (void)state;
  trace_rmsprop("lr: 0.01", 0.01, 0.99, 1e-8, 0.0, 0, 0); /* torch defaults */
  trace_rmsprop("lr: 0.02, alpha: 0.9, centered: true", 0.02, 0.9, 1e-8, 0.0, 1, 0);
  trace_rmsprop("lr: 0.01, momentum: 0.8", 0.01, 0.99, 1e-8, 0.8, 0, 0);
  trace_rmsprop("lr: 0.005, alpha: 0.95, momentum: 0.5, centered: true, epsilon: 0.001", 0.005,
                0.95, 1e-3, 0.5, 1, 0);
  trace_rmsprop("lr: 0.01, epsilon: 0.01, epsilon_mode: tensorflow", 0.01, 0.99, 1e-2, 0.0, 0,
                1);
}

/* -------------------------------------------------------------- adamw */

/* torch.optim.AdamW: w *= 1 - lr wd; m, v as Adam; w -= lr m_hat / (sqrt(v_hat) + eps) */
static void test_adamw(void **state) {
  (void)state;
  const double lr = 0.01, wd = 0.3, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  tp_trace tr;
  tp_trace_open(&tr, HEAD "optimizers: [{plugin: adamw, lr: 0.01, weight_decay: 0.3}]\n"
                          "stop: {max_iters: 5}\n");
  double m[N] = {0}, v[N] = {0}, want[N];
  for (uint64_t t = 1; t <= STEPS; t++) {
    snap s;
    take(&tr, &s);
    for (size_t i = 0; i < s.n; i++) {
      double g = s.g[i], w = s.w[i] * (1 - lr * wd);
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      double mh = m[i] / (1 - pow(b1, (double)t)), vh = v[i] / (1 - pow(b2, (double)t));
      want[i] = w - lr * mh / (sqrt(vh) + eps);
    }
    tp_trace_step(&tr, t);
    check(&tr, want, s.n, "adamw", t);
  }
  tp_trace_close(&tr);

  /* adamw(weight_decay: l) is adam (standard) with the host's
   * decoupled_weight_decay: l, schedule included, to the last bit */
  lnb_config cfg;
  tp_load(HEAD "optimizers: [{plugin: adamw, lr: 0.01, weight_decay: 0.3, schedule: {kind: "
               "cosine, warmup: 3}}, {plugin: adam, lr: 0.01, epsilon_mode: standard, "
               "decoupled_weight_decay: 0.3, schedule: {kind: cosine, warmup: 3}}]\n"
               "stop: {max_iters: 40}\n",
          &cfg);
  size_t n = 0;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(n, 2);
  assert_true(r[0].final_loss == r[1].final_loss);
  assert_true(r[0].final_loss < r[0].initial_loss);
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* -------------------------------------------------------------- nadam */

/* torch.optim.NAdam: mu_t = b1 (1 - 0.96^(t psi)/2) (or b1), P_t = prod
 * mu_1..mu_t; m, v as Adam; m_hat = mu_{t+1} m / (1 - P_t mu_{t+1}) +
 * (1 - mu_t) g / (1 - P_t); w -= lr m_hat / (sqrt(v / (1 - b2^t)) + eps) */
static void trace_nadam(const char *opts, double lr, double psi, int torch) {
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  char text[1024];
  snprintf(text, sizeof text, HEAD "optimizers: [{plugin: nadam, %s}]\nstop: {max_iters: %d}\n",
           opts, STEPS);
  tp_trace tr;
  tp_trace_open(&tr, text);
  double m[N] = {0}, v[N] = {0}, want[N];
  for (uint64_t t = 1; t <= STEPS; t++) {
    snap s;
    take(&tr, &s);
    double P = 1.0; /* P_t, from scratch */
    for (uint64_t i = 1; i <= t; i++) P *= torch ? b1 * (1 - 0.5 * pow(0.96, (double)i * psi)) : b1;
    double mu = torch ? b1 * (1 - 0.5 * pow(0.96, (double)t * psi)) : b1;
    double mu1 = torch ? b1 * (1 - 0.5 * pow(0.96, (double)(t + 1) * psi)) : b1;
    for (size_t i = 0; i < s.n; i++) {
      double g = s.g[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      double mh = mu1 * m[i] / (1 - P * mu1) + (1 - mu) * g / (1 - P);
      double vh = v[i] / (1 - pow(b2, (double)t));
      want[i] = s.w[i] - lr * mh / (sqrt(vh) + eps);
    }
    tp_trace_step(&tr, t);
    check(&tr, want, s.n, opts, t);
  }
  tp_trace_close(&tr);
}

static void test_nadam(void **state) {
  (void)state;
  trace_nadam("lr: 0.002", 0.002, 0.004, 1); /* torch defaults */
  trace_nadam("lr: 0.01, momentum_decay: 0.5", 0.01, 0.5, 1);
  trace_nadam("lr: 0.01, mu_schedule: constant", 0.01, 0.0, 0);
}

/* --------------------------------------------------------------- lion */

/* Chen et al. 2023, Alg. 2: c = b1 m + (1-b1) g; w -= lr (sign(c) + lambda w);
 * m = b2 m + (1-b2) g (lambda: the host's decoupled_weight_decay) */
static void trace_lion(const char *opts, double lr, double b1, double b2, double lambda) {
  char text[1024];
  snprintf(text, sizeof text, HEAD "optimizers: [{plugin: lion, %s}]\nstop: {max_iters: %d}\n",
           opts, STEPS);
  tp_trace tr;
  tp_trace_open(&tr, text);
  double m[N] = {0}, want[N];
  for (uint64_t t = 1; t <= STEPS; t++) {
    snap s;
    take(&tr, &s);
    for (size_t i = 0; i < s.n; i++) {
      double c = b1 * m[i] + (1 - b1) * s.g[i];
      want[i] = s.w[i] - lr * (sgn(c) + lambda * s.w[i]);
      m[i] = b2 * m[i] + (1 - b2) * s.g[i];
    }
    tp_trace_step(&tr, t);
    check(&tr, want, s.n, opts, t);
  }
  tp_trace_close(&tr);
}

static void test_lion(void **state) {
  (void)state;
  trace_lion("lr: 0.001", 0.001, 0.9, 0.99, 0.0);
  trace_lion("lr: 0.01, beta1: 0.5, beta2: 0.9, decoupled_weight_decay: 0.2", 0.01, 0.5, 0.9,
             0.2);
  /* every coordinate moves by exactly lr (no decay) */
  tp_trace tr;
  tp_trace_open(&tr, HEAD "optimizers: [{plugin: lion, lr: 0.0625}]\nstop: {max_iters: 2}\n");
  snap s;
  take(&tr, &s);
  tp_trace_step(&tr, 1);
  for (size_t i = 0; i < s.n; i++)
    assert_true(fabs(tr.m->tensors[0].data[i] - s.w[i]) == (s.g[i] != 0.0 ? 0.0625 : 0.0));
  tp_trace_close(&tr);
}

/* -------------------------------------------------------------- lbfgs */

/* Every step of lbfgs (history 3) against N&W's definition written another
 * way: the direction -H g with H the explicit BFGS matrix recursion
 * H <- (I - rho s y^T) H (I - rho y s^T) + rho s s^T from H0 = (s.y/y.y) I over
 * the last 3 pairs with s.y > 0 (Eq. 7.19, the matrix the two-loop
 * recursion applies), the step along it satisfying the strong Wolfe
 * conditions, and convergence on the quadratic. */
static void trace_lbfgs(double c2, int min_checked) {
  const size_t M = 3;
  const double c1 = 1e-4;
  char text[1024];
  snprintf(text, sizeof text,
           HEAD "optimizers: [{plugin: lbfgs, history: 3, c2: %g}]\nstop: {max_iters: 40}\n", c2);
  tp_trace tr;
  tp_trace_open(&tr, text);
  double S[3][N], Y[3][N];
  size_t np = 0;
  double f_first = NAN, f_last = NAN;
  int checked = 0; /* steps above rounding level */
  for (uint64_t t = 1; t <= 40; t++) {
    snap s0;
    take(&tr, &s0);
    const size_t n = s0.n;
    double f0 = tr.m->loss(tr.m);
    if (t == 1) f_first = f0;
    /* H explicitly */
    double H[N * N] = {0}, d[N];
    if (np) {
      const double *s = S[np - 1], *y = Y[np - 1];
      double sy = 0, yy = 0;
      for (size_t i = 0; i < n; i++) sy += s[i] * y[i], yy += y[i] * y[i];
      for (size_t i = 0; i < n; i++) H[i * n + i] = sy / yy;
    }
    for (size_t k = 0; k < np; k++) {
      const double *s = S[k], *y = Y[k];
      double sy = 0;
      for (size_t i = 0; i < n; i++) sy += s[i] * y[i];
      double rho = 1 / sy, V[N * N], T1[N * N], T2[N * N];
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) V[i * n + j] = (i == j) - rho * y[i] * s[j]; /* I - rho y s^T */
      for (size_t i = 0; i < n; i++) /* T1 = V^T H */
        for (size_t j = 0; j < n; j++) {
          double a = 0;
          for (size_t q = 0; q < n; q++) a += V[q * n + i] * H[q * n + j];
          T1[i * n + j] = a;
        }
      for (size_t i = 0; i < n; i++) /* T2 = T1 V + rho s s^T */
        for (size_t j = 0; j < n; j++) {
          double a = 0;
          for (size_t q = 0; q < n; q++) a += T1[i * n + q] * V[q * n + j];
          T2[i * n + j] = a + rho * s[i] * s[j];
        }
      memcpy(H, T2, sizeof T2);
    }
    double gd_ = 0;
    for (size_t i = 0; i < n; i++) {
      double a = 0;
      for (size_t j = 0; j < n; j++) a += H[i * n + j] * s0.g[j];
      d[i] = np ? -a : -s0.g[i];
      gd_ += s0.g[i] * d[i];
    }
    if (!(gd_ < 0)) fail_msg("step %llu: no descent direction in the trace", (unsigned long long)t);
    tp_trace_step(&tr, t);
    snap s1;
    take(&tr, &s1);
    double f1 = tr.m->loss(tr.m);
    f_last = f1;
    double dd = 0, Dd = 0, DD = 0;
    double D[N];
    for (size_t i = 0; i < n; i++) {
      D[i] = s1.w[i] - s0.w[i];
      dd += d[i] * d[i], Dd += D[i] * d[i], DD += D[i] * D[i];
    }
    if (DD == 0) break; /* converged to rounding: lbfgs stays put */
    double alpha = Dd / dd, r2 = 0, g1d = 0;
    for (size_t i = 0; i < n; i++) r2 += (D[i] - alpha * d[i]) * (D[i] - alpha * d[i]);
    for (size_t i = 0; i < n; i++) g1d += s1.g[i] * d[i];
    int above_rounding = f0 - f1 > 1e-12 * fabs(f0);
    checked += above_rounding;
    if (above_rounding && !(alpha > 0 && sqrt(r2) <= 1e-8 * sqrt(DD)))
      fail_msg("step %llu: step not along -H g (alpha %g, off by %g of %g)", (unsigned long long)t,
               alpha, sqrt(r2), sqrt(DD));
    if (above_rounding) { /* away from rounding level, the Wolfe conditions */
      assert_true(f1 <= f0 + c1 * alpha * gd_ + 1e-14 * fabs(f0));
      if (!(fabs(g1d) <= c2 * fabs(gd_) * (1 + 1e-9)))
        fail_msg("step %llu: curvature condition |%g| > %g |%g|", (unsigned long long)t, g1d, c2,
                 gd_);
    }
    double sy = 0;
    for (size_t i = 0; i < n; i++) sy += D[i] * (s1.g[i] - s0.g[i]);
    if (sy > 0) {
      if (np == M) {
        memmove(S[0], S[1], 2 * sizeof S[0]);
        memmove(Y[0], Y[1], 2 * sizeof Y[0]);
        np--;
      }
      for (size_t i = 0; i < n; i++) S[np][i] = D[i], Y[np][i] = s1.g[i] - s0.g[i];
      np++;
    }
  }
  tp_trace_close(&tr);
  print_message("lbfgs c2 %g: %d of 40 steps checked above rounding level; loss %.3g -> %.3g\n",
                c2, checked, f_first, f_last);
  assert_true(checked >= min_checked);
}

static void test_lbfgs(void **state) {
  (void)state;
  trace_lbfgs(0.9, 15);
  trace_lbfgs(0.1, 3); /* tight: most steps need the zoom */
  /* the quadratic is solved: from 1e-1 to l* (within 1e-12 relative) */
  lnb_config cfg;
  tp_load(HEAD "optimizers: [{plugin: lbfgs, history: 10}]\nstop: {max_iters: 100, target_gap: "
               "1.0e-13}\n",
          &cfg);
  size_t nr = 0;
  lnb_run_result *r = tp_run_all(&cfg, &nr);
  print_message("lbfgs history 10: gap %.3g after %llu steps (%s)\n", r[0].final_gap,
                (unsigned long long)r[0].iterations, lnb_run_status_name(r[0].status));
  assert_int_equal(r[0].status, LNB_RUN_CONVERGED);
  assert_true(r[0].iterations < 60);
  tp_free_all(r, nr);
  lnb_config_free(&cfg);
}

/* each documents its rule and accepts the step transforms */
static void test_describe(void **state) {
  (void)state;
  const char *const names[] = {"rmsprop", "adamw", "nadam", "lion"};
  for (size_t i = 0; i < 4; i++) {
    const lnb_plugin *p = tp_plugin(LNB_OPTIMIZER, names[i]);
    assert_non_null(p->description);
    assert_true(strlen(p->description) > 200);
    const lnb_optimizer_ops *o = p->ops;
    assert_true(o->transforms & LNB_TF_DECLARED);
    assert_true(o->transforms & LNB_TF_SCHEDULE);
    assert_non_null(o->lr);
    assert_non_null(o->set_lr_scale);
  }
  /* lbfgs documents its rule and refuses every transform, saying why */
  const lnb_plugin *p = tp_plugin(LNB_OPTIMIZER, "lbfgs");
  assert_non_null(strstr(p->description, "strong Wolfe"));
  const lnb_optimizer_ops *o = p->ops;
  assert_int_equal(o->transforms, LNB_TF_DECLARED);
  assert_non_null(strstr(o->transforms_note, "line search"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rmsprop), cmocka_unit_test(test_adamw),
      cmocka_unit_test(test_nadam),   cmocka_unit_test(test_lion),
      cmocka_unit_test(test_lbfgs),   cmocka_unit_test(test_describe),
  };
  return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
