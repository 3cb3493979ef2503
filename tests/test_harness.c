/* test_harness.c — the run loop against the real plugins: stop rules,
 * determinism, divergence handling, checkpoints, Theorem 4 of paper 000
 * through the whole stack. */
#include "test_plugin_util.h" /* tp_run_all, tp_free_all */

static lnb_registry reg;

static int setup(void **state) {
  (void)state;
  memset(&reg, 0, sizeof reg);
  lnb_registry_load_path(&reg, LNB_TEST_PLUGIN_DIR);
  for (size_t i = 0; i < reg.nfail; i++) fprintf(stderr, "%s\n", reg.failures[i].reason);
  return reg.nfail == 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  lnb_registry_free(&reg);
  return 0;
}

static void load(const char *text, lnb_config *cfg) {
  lnb_error err = {0};
  int rc = lnb_config_load_string(text, strlen(text), "test.yaml", &reg, cfg, &err);
  if (rc != LNB_OK) fprintf(stderr, "config error: %s\n", err.msg);
  assert_int_equal(rc, LNB_OK);
}

static const char *deep_cfg =
    "name: det\n"
    "seeds: [3, 4]\n"
    "problem: {plugin: lsq, m: 40, d: 12, k: 2, condition: 5, noise: 0.1}\n"
    "architectures:\n"
    "  - {plugin: deep_linear, depth: 3, width: 7, init: gaussian, init_std: 0.3}\n"
    "optimizers:\n"
    "  - {plugin: gd, lr: 0.05}\n"
    "stop: {max_iters: 300}\n"
    "record: {per_decade: 5, metrics: [grad_norm, end_to_end_norm]}\n";

/* Same config and seed: bit-identical losses at every checkpoint. */
static void test_determinism(void **state) {
  (void)state;
  lnb_config a, b;
  load(deep_cfg, &a);
  load(deep_cfg, &b);
  size_t na, nb;
  lnb_run_result *ra = tp_run_all(&a, &na), *rb = tp_run_all(&b, &nb);
  assert_int_equal(na, 2);
  assert_int_equal(nb, 2);
  for (size_t i = 0; i < na; i++) {
    assert_int_equal(ra[i].status, LNB_RUN_MAX_ITERS);
    assert_int_equal(ra[i].iterations, 300);
    assert_int_equal(ra[i].ncheckpoints, rb[i].ncheckpoints);
    for (size_t c = 0; c < ra[i].ncheckpoints; c++) {
      assert_int_equal(ra[i].checkpoints[c].iteration, rb[i].checkpoints[c].iteration);
      assert_memory_equal(&ra[i].checkpoints[c].loss, &rb[i].checkpoints[c].loss,
                          sizeof(double));
      assert_memory_equal(ra[i].checkpoints[c].metrics, rb[i].checkpoints[c].metrics,
                          2 * sizeof(double));
    }
    /* GD with a small step decreases this loss */
    assert_true(ra[i].final_loss < ra[i].initial_loss);
  }
  /* different seeds: different initializations, different trajectories */
  assert_true(ra[0].checkpoints[0].loss != ra[1].checkpoints[0].loss);
  tp_free_all(ra, na);
  tp_free_all(rb, nb);
  lnb_config_free(&a);
  lnb_config_free(&b);
}

/* A diverging learning rate ends as `diverged`; the other cells still run
 * and converge. */
static void test_divergence_does_not_stop_sweep(void **state) {
  (void)state;
  lnb_config cfg;
  load("name: div\n"
       "problem: {plugin: lsq, m: 30, d: 10, condition: 3}\n"
       "architectures: [{plugin: linear}]\n"
       "optimizers: [{plugin: gd, lr: [1000.0, 0.5]}]\n"
       "stop: {max_iters: 20000, target_gap: 1.0e-10}\n",
       &cfg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(n, 2);
  assert_int_equal(r[0].status, LNB_RUN_DIVERGED);
  assert_true(strstr(r[0].message, "iteration") != NULL);
  assert_true(r[0].iterations < 200);
  assert_int_equal(r[1].status, LNB_RUN_CONVERGED);
  assert_true(r[1].final_gap <= 1e-10);
  assert_true(r[1].iters_to_target > 0);
  assert_true(r[1].seconds_to_target >= 0);
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* Checkpoints: 0, log-spaced, the final iterate; increasing iterations. */
static void test_checkpoints(void **state) {
  (void)state;
  lnb_config cfg;
  load("name: cp\n"
       "problem: {plugin: lsq, m: 20, d: 5}\n"
       "architectures: [{plugin: linear}]\n"
       "optimizers: [{plugin: gd, lr: 0.01}]\n"
       "stop: {max_iters: 1234}\n"
       "record: {per_decade: 4}\n",
       &cfg);
  /* ceil(10^(j/4)): 1, 2, 4, 6, 10, 18, 32, 57, 100, ... */
  const uint64_t expect[] = {0, 1, 2, 4, 6, 10, 18, 32, 57, 100, 178, 317, 563, 1000, 1234};
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(r[0].status, LNB_RUN_MAX_ITERS);
  assert_int_equal(r[0].ncheckpoints, sizeof expect / sizeof *expect);
  for (size_t i = 0; i < r[0].ncheckpoints; i++) {
    assert_int_equal(r[0].checkpoints[i].iteration, expect[i]);
    if (i) assert_true(r[0].checkpoints[i].seconds >= r[0].checkpoints[i - 1].seconds);
  }
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* The run loop walks the schedule with lnb_next_checkpoint: it must list
 * exactly the iterations lnb_is_checkpoint accepts, which are the
 * definition's ceil(10^(j/ppd)) and the multiples of record.every, written
 * out independently here, for t up to 2e5. */
static void test_checkpoint_iterator(void **state) {
  (void)state;
  const int ppds[] = {1, 3, 4, 10, 25, 100};
  const int64_t everys[] = {0, 7, 1000};
  enum { T = 200000 };
  unsigned char *want = malloc(T + 1);
  assert_non_null(want);
  for (size_t a = 0; a < sizeof ppds / sizeof *ppds; a++)
    for (size_t b = 0; b < sizeof everys / sizeof *everys; b++) {
      lnb_config cfg;
      memset(&cfg, 0, sizeof cfg);
      cfg.record.per_decade = ppds[a];
      cfg.record.every = everys[b];
      memset(want, 0, T + 1);
      want[0] = 1;
      for (int j = 0;; j++) {
        double v = ceil(pow(10.0, (double)j / ppds[a]) - 1e-9);
        if (v > T) break;
        want[(size_t)v] = 1;
      }
      if (everys[b] > 0)
        for (int64_t t = everys[b]; t <= T; t += everys[b]) want[t] = 1;
      uint64_t t = 0;
      size_t seen = 1;
      for (;;) {
        uint64_t n = lnb_next_checkpoint(&cfg, t);
        assert_true(n > t);
        for (uint64_t u = t + 1; u < n && u <= T; u++) assert_false(want[u]);
        if (n > T) break;
        assert_true(want[n]);
        assert_true(lnb_is_checkpoint(&cfg, n));
        assert_false(n > 1 && lnb_is_checkpoint(&cfg, n - 1) && !want[n - 1]);
        t = n;
        seen++;
      }
      size_t count = 0;
      for (size_t u = 0; u <= T; u++) count += want[u];
      assert_int_equal(seen, count);
    }
  free(want);
}

/* ABI 1.3: the run tells the architecture what it uses. gd declares no
 * hook, so its model has no set_end_to_end and deep_linear allocates none of
 * that hook's workspaces (calling the op anyway is LNB_ENOTSUP, by name);
 * power_projection declares it and gets a working one; an architecture
 * metric is computed only when recorded (NaN otherwise) — and the recorded
 * one agrees with the value from an instance told nothing (all workspaces). */
static void test_run_declares_uses(void **state) {
  (void)state;
  lnb_config cfg;
  load("name: uses\n"
       "problem: {plugin: target, kind: rotation, d: 2, angle_deg: 30}\n"
       "architectures: [{plugin: deep_linear, depth: 3, init: identity}]\n"
       "optimizers: [{plugin: gd, lr: 0.1}, {plugin: power_projection, gamma: 0.05, lr: 0.1}]\n"
       "stop: {max_iters: 10}\n"
       "record: {metrics: [layer_norm_product]}\n",
       &cfg);
  size_t n = 0;
  lnb_run_spec *runs = lnb_expand_runs(&cfg, &n);
  assert_int_equal(n, 2);
  lnb_problem_inst pi;
  memset(&pi, 0, sizeof pi);
  const double We[4] = {0.9, -0.2, 0.3, 1.1};
  for (size_t i = 0; i < n; i++) {
    int is_gd = strcmp(runs[i].optimizer->plugin->plugin->name, "gd") == 0;
    lnb_run_ctx *c = NULL;
    lnb_run_result res;
    assert_int_equal(lnb_run_ctx_create(&cfg, &runs[i], &pi, &c, &res), LNB_OK);
    lnb_model *m = lnb_run_ctx_model(c);
    void *arch = NULL;
    lnb_run_ctx_plugins(c, NULL, &arch, NULL);
    const lnb_arch_ops *aops = runs[i].architecture->plugin->plugin->ops;
    lnb_error err = {0};
    if (is_gd) {
      assert_null(m->set_end_to_end);
      assert_int_equal(aops->set_end_to_end(arch, We, &err), LNB_ENOTSUP);
      assert_non_null(strstr(err.msg, "LNB_USES_SET_END_TO_END"));
    } else {
      assert_non_null(m->set_end_to_end);
      assert_int_equal(m->set_end_to_end(m, We, &err), LNB_OK);
      double got[4];
      aops->end_to_end(arch, got);
      for (int j = 0; j < 4; j++) assert_true(fabs(got[j] - We[j]) <= 1e-14);
    }
    /* metrics: 0 unbalancedness (not recorded), 1 layer_norm_product (recorded) */
    assert_true(isnan(aops->metric(arch, 0)));
    double lnp = aops->metric(arch, 1);
    assert_true(isfinite(lnp));
    /* the same parameters in an instance told nothing: every metric */
    lnb_problem_info info = {.struct_size = sizeof info, .k = 2, .d = 2};
    void *full = NULL;
    assert_int_equal(aops->create(lnb_host_get(), runs[i].architecture->params, &info, 0,
                                  &full, &err),
                     LNB_OK);
    size_t nt = 0, nf = 0;
    lnb_tensor *t = aops->tensors(arch, &nt), *tf = aops->tensors(full, &nf);
    assert_int_equal(nt, nf);
    for (size_t j = 0; j < nt; j++)
      memcpy(tf[j].data, t[j].data, t[j].rows * t[j].cols * sizeof(double));
    assert_true(aops->metric(full, 1) == lnp);
    assert_true(isfinite(aops->metric(full, 0)));
    assert_int_equal(aops->set_end_to_end(full, We, &err), LNB_OK);
    aops->destroy(full);
    lnb_run_ctx_destroy(c);
  }
  lnb_problem_inst_release(&pi);
  free(runs);
  lnb_config_free(&cfg);
}

/* Paper 000, Theorem 4 end to end: GD on the underdetermined 2x3 system of
 * Sec. 5.2, started at y0 = 0, converges to theta* (the run's reference);
 * the recorded distance to theta* falls below 1e-8. */
static void test_min_norm_through_harness(void **state) {
  (void)state;
  lnb_config cfg;
  load("name: thm4\n"
       "problem: {plugin: lsq, A: [[5, -3, 1], [3, 1, -1]], b: [6, 4], reduction: sum}\n"
       "architectures: [{plugin: linear, init: zero}]\n"
       "optimizers: [{plugin: gd, lr: 0.02}]\n"
       "stop: {max_iters: 100000, target_gap: 1.0e-24}\n"
       "record: {metrics: [dist_to_reference]}\n",
       &cfg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  const lnb_checkpoint *last = &r[0].checkpoints[r[0].ncheckpoints - 1];
  assert_true(r[0].status == LNB_RUN_CONVERGED || r[0].status == LNB_RUN_MAX_ITERS);
  assert_true(last->metrics[0] < 1e-8);
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* stop.max_seconds ends a run as timeout. */
static void test_timeout(void **state) {
  (void)state;
  lnb_config cfg;
  load("name: to\n"
       "problem: {plugin: lsq, m: 400, d: 200}\n"
       "architectures: [{plugin: deep_linear, depth: 4, width: 200}]\n"
       "optimizers: [{plugin: gd, lr: 1.0e-4}]\n"
       "stop: {max_iters: 100000000, max_seconds: 0.2}\n",
       &cfg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(r[0].status, LNB_RUN_TIMEOUT);
  assert_true(r[0].seconds_total >= 0.2);
  assert_true(r[0].seconds_total < 5.0);
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* A plugin error inside one run (balanced init impossible: width below the
 * rank) marks that run `error` with the plugin's message. */
static void test_create_error_is_run_error(void **state) {
  (void)state;
  lnb_config cfg;
  load("name: err\n"
       "problem: {plugin: lsq, m: 20, d: 6, k: 3}\n"
       "architectures:\n"
       "  - {plugin: deep_linear, depth: 2, width: 1, init: balanced, init_std: 1.0}\n"
       "  - {plugin: linear}\n"
       "optimizers: [{plugin: gd, lr: 0.01}]\n"
       "stop: {max_iters: 10}\n",
       &cfg);
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(n, 2);
  assert_int_equal(r[0].status, LNB_RUN_ERROR);
  assert_true(strstr(r[0].message, "deep_linear") != NULL);
  assert_int_equal(r[1].status, LNB_RUN_MAX_ITERS);
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* Core metrics at iteration 0 of W_e = [[3, 0], [0, -2]]: singular values
 * (3, 2), nuclear norm 5, det sign -1, effective rank exp(H(0.6, 0.4)). */
static void test_core_metrics(void **state) {
  (void)state;
  lnb_config cfg;
  load("name: m\n"
       "problem: {plugin: lsq, m: 10, d: 2, k: 2}\n"
       "architectures: [{plugin: linear, init: given, init_matrix: [[3, 0], [0, -2]]}]\n"
       "optimizers: [{plugin: gd, lr: 1.0e-3}]\n"
       "stop: {max_iters: 1}\n"
       "record: {top_k: 3, metrics: [singular_values, nuclear_norm, det_sign, effective_rank,"
       " end_to_end_norm, projection_2d]}\n",
       &cfg);
  assert_int_equal(lnb_metric_ncols(&cfg), 3 + 1 + 1 + 1 + 1 + 2);
  char name[64];
  lnb_metric_colname(&cfg, 2, name, sizeof name);
  assert_string_equal(name, "singular_values_3");
  lnb_metric_colname(&cfg, 8, name, sizeof name);
  assert_string_equal(name, "projection_2d_2");
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  const double *m = r[0].checkpoints[0].metrics;
  assert_true(fabs(m[0] - 3.0) < 1e-14 && fabs(m[1] - 2.0) < 1e-14);
  assert_true(m[2] == 0.0); /* only two singular values exist */
  assert_true(fabs(m[3] - 5.0) < 1e-14);
  assert_true(m[4] == -1.0);
  double h = -(0.6 * log(0.6) + 0.4 * log(0.4));
  assert_true(fabs(m[5] - exp(h)) < 1e-14);
  assert_true(fabs(m[6] - sqrt(13.0)) < 1e-14);
  /* the projection is fixed: a second run gives the same numbers */
  lnb_run_result *r2 = tp_run_all(&cfg, &n);
  assert_memory_equal(&m[7], &r2[0].checkpoints[0].metrics[7], 2 * sizeof(double));
  assert_true(isfinite(m[7]) && isfinite(m[8]));
  tp_free_all(r, n);
  tp_free_all(r2, n);
  lnb_config_free(&cfg);

  /* with two entries, projection_2d is W_e itself */
  load("name: m2\n"
       "problem: {plugin: lsq, m: 10, d: 2, k: 1}\n"
       "architectures: [{plugin: linear, init: given, init_matrix: [[3, -4]]}]\n"
       "optimizers: [{plugin: gd, lr: 1.0e-3}]\n"
       "stop: {max_iters: 1}\n"
       "record: {metrics: [projection_2d]}\n",
       &cfg);
  r = tp_run_all(&cfg, &n);
  assert_true(r[0].checkpoints[0].metrics[0] == 3.0);
  assert_true(r[0].checkpoints[0].metrics[1] == -4.0);
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* `with:` pairs an optimizer with some architecture plugins only. */
static void test_with_pairs(void **state) {
  (void)state;
  lnb_config cfg;
  load("name: w\n"
       "seeds: [0, 1]\n"
       "problem: {plugin: lsq, m: 20, d: 4}\n"
       "architectures: [{plugin: linear}, {plugin: deep_linear, depth: [2, 3], width: 4}]\n"
       "optimizers:\n"
       "  - {plugin: gd, lr: 0.01}\n"
       "  - {plugin: e2e_precond, depth: [2, 3], lr: 0.01, with: linear}\n"
       "stop: {max_iters: 3}\n",
       &cfg);
  /* per seed: gd on 3 architectures + e2e_precond (2 depths) on linear only */
  assert_int_equal(lnb_config_run_count(&cfg), 2 * (3 + 2));
  size_t n;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(n, 10);
  for (size_t i = 0; i < n; i++) assert_int_equal(r[i].status, LNB_RUN_MAX_ITERS);
  tp_free_all(r, n);
  lnb_config_free(&cfg);

  lnb_error err = {0};
  const char *bad = "name: w\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
                    "optimizers: [{plugin: gd, with: [linera]}]\n";
  assert_int_equal(lnb_config_load_string(bad, strlen(bad), "w.yaml", &reg, &cfg, &err),
                   LNB_EINVAL);
  assert_non_null(strstr(err.msg, "w.yaml:4:34:"));
  assert_non_null(strstr(err.msg, "did you mean 'linear'"));
  /* with parameter values: only deep_linear cells of depth 2 (2.0 == 2) */
  load("name: w\n"
       "problem: {plugin: lsq, m: 20, d: 4}\n"
       "architectures: [{plugin: linear}, {plugin: deep_linear, depth: [2, 3], width: 4}]\n"
       "optimizers: [{plugin: gd, lr: 0.01, with: [\"deep_linear(depth=2.0)\"]}]\n"
       "stop: {max_iters: 3}\n",
       &cfg);
  assert_int_equal(lnb_config_run_count(&cfg), 1);
  lnb_config_free(&cfg);
  const char *badkey = "name: w\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
                       "optimizers: [{plugin: gd, with: [\"deep_linear(dpeth=2)\"]}]\n";
  assert_int_equal(lnb_config_load_string(badkey, strlen(badkey), "w.yaml", &reg, &cfg, &err),
                   LNB_EINVAL);
  assert_non_null(strstr(err.msg, "no parameter 'dpeth'"));
  const char *none = "name: w\nproblem: {plugin: lsq}\narchitectures: [{plugin: linear}]\n"
                     "optimizers: [{plugin: gd, with: [deep_linear]}]\n";
  assert_int_equal(lnb_config_load_string(none, strlen(none), "w.yaml", &reg, &cfg, &err),
                   LNB_EINVAL);
  assert_non_null(strstr(err.msg, "zero runs"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_determinism),
      cmocka_unit_test(test_divergence_does_not_stop_sweep),
      cmocka_unit_test(test_checkpoints),
      cmocka_unit_test(test_checkpoint_iterator),
      cmocka_unit_test(test_run_declares_uses),
      cmocka_unit_test(test_min_norm_through_harness),
      cmocka_unit_test(test_timeout),
      cmocka_unit_test(test_create_error_is_run_error),
      cmocka_unit_test(test_core_metrics),
      cmocka_unit_test(test_with_pairs),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
