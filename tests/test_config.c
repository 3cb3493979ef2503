/* test_config.c — YAML config loading, validation and grid expansion.
 *
 * The registry is built by hand from static descriptors (no dlopen), so these
 * tests exercise config.c + params.c only. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "params.h"

/* --------------------------------------------------------- fake plugins */

static const lnb_param_spec lsq_params[] = {
    {"m", LNB_T_INT, "50", "samples", "[1, inf)", NULL, 0},
    {"d", LNB_T_INT, "10", "inputs", "[1, inf)", NULL, 0},
    {"noise", LNB_T_REAL, "0", "noise std", "[0, inf)", NULL, 0},
    {"reduction", LNB_T_ENUM, "mean", "loss reduction", NULL, "mean|sum", 0},
    {"data", LNB_T_STRING, NULL, "csv file", NULL, NULL, LNB_P_NOGRID},
    {"shift", LNB_T_MATRIX, NULL, "target shift", NULL, NULL, 0},
    {NULL, 0, NULL, NULL, NULL, NULL, 0}};

static const lnb_param_spec csv_params[] = {
    {"path", LNB_T_STRING, NULL, "csv file", NULL, NULL, LNB_P_REQUIRED},
    {NULL, 0, NULL, NULL, NULL, NULL, 0}};

static const lnb_param_spec deep_params[] = {
    {"depth", LNB_T_INT, "2", "layers", "[1, 64]", NULL, 0},
    {"width", LNB_T_INT, "1", "hidden width", "[1, inf)", NULL, 0},
    {"widths", LNB_T_INT_LIST, NULL, "hidden widths", "[1, inf)", NULL, 0},
    {"init", LNB_T_ENUM, "gaussian", "init", NULL, "gaussian|orthogonal|identity",
     0},
    {"init_std", LNB_T_REAL, "0.01", "init std", "(0, inf)", NULL, 0},
    {"balanced", LNB_T_BOOL, "false", "balanced init", NULL, NULL, 0},
    {NULL, 0, NULL, NULL, NULL, NULL, 0}};

static const lnb_param_spec gd_params[] = {
    {"lr", LNB_T_REAL, NULL, "step size", "(0, inf)", NULL, LNB_P_REQUIRED},
    {"weight_decay", LNB_T_REAL, "0", "l2", "[0, inf)", NULL, 0},
    {NULL, 0, NULL, NULL, NULL, NULL, 0}};

static const lnb_param_spec adam_params[] = {
    {"lr", LNB_T_REAL, "0.001", "step size", "(0, inf)", NULL, 0},
    {"betas", LNB_T_REAL_LIST, "0.9", "betas", "[0, 1)", NULL, 0},
    {NULL, 0, NULL, NULL, NULL, NULL, 0}};

static const lnb_param_spec precond_params[] = {
    {"mat", LNB_T_MATRIX, "1", "preconditioner", NULL, NULL, 0},
    {"tags", LNB_T_INT_LIST, "1", "tags", NULL, NULL, LNB_P_NOGRID},
    {"power", LNB_T_REAL, "1", "power", NULL, NULL, LNB_P_NOGRID},
    {NULL, 0, NULL, NULL, NULL, NULL, 0}};

static int validate_calls;

/* deep_linear: 'widths', when given, must have depth - 1 entries. */
static int deep_validate(const lnb_host *host, const lnb_params *p,
                         lnb_error *err) {
  validate_calls++;
  if (!host)
    return LNB_EINVAL;
  const lnb_value *depth = &p->v[lnb__spec_find(deep_params, "depth")];
  const lnb_value *widths = &p->v[lnb__spec_find(deep_params, "widths")];
  if (widths->set && (int64_t)widths->n != depth->i - 1) {
    err->code = LNB_EINVAL;
    snprintf(err->msg, sizeof err->msg,
             "widths has %zu entries but depth %lld needs %lld", widths->n,
             (long long)depth->i, (long long)(depth->i - 1));
    return LNB_EINVAL;
  }
  return 0;
}

static const lnb_problem_ops lsq_ops = {.struct_size =
                                            sizeof(lnb_problem_ops)};
static const lnb_arch_ops deep_ops = {.struct_size = sizeof(lnb_arch_ops),
                                      .validate = deep_validate};
/* an old, short ops struct: validate lies beyond struct_size, never called */
static const lnb_arch_ops short_ops = {
    .struct_size = (uint32_t)offsetof(lnb_arch_ops, validate),
    .validate = deep_validate};

static const lnb_plugin p_lsq =
    LNB_PLUGIN_INIT(LNB_PROBLEM, "lsq", "least squares", lsq_params, &lsq_ops);
static const lnb_plugin p_csv =
    LNB_PLUGIN_INIT(LNB_PROBLEM, "csv", "from file", csv_params, NULL);
static const lnb_plugin p_linear =
    LNB_PLUGIN_INIT(LNB_ARCHITECTURE, "linear", "W", NULL, NULL);
static const lnb_plugin p_deep = LNB_PLUGIN_INIT(
    LNB_ARCHITECTURE, "deep_linear", "product", deep_params, &deep_ops);
static const lnb_plugin p_old = LNB_PLUGIN_INIT(
    LNB_ARCHITECTURE, "old_deep", "old ABI", deep_params, &short_ops);
static const lnb_plugin p_gd =
    LNB_PLUGIN_INIT(LNB_OPTIMIZER, "gd", "gradient descent", gd_params, NULL);
static const lnb_plugin p_adam =
    LNB_PLUGIN_INIT(LNB_OPTIMIZER, "adam", "adam", adam_params, NULL);
static const lnb_plugin p_precond = LNB_PLUGIN_INIT(
    LNB_OPTIMIZER, "precond", "preconditioned", precond_params, NULL);

static char fake_path[] = "in-memory";
static lnb_loaded items[] = {
    {&p_lsq, fake_path, 0},  {&p_csv, fake_path, 0},
    {&p_linear, fake_path, 0}, {&p_deep, fake_path, 0},
    {&p_old, fake_path, 0},  {&p_gd, fake_path, 0},
    {&p_adam, fake_path, 0}, {&p_precond, fake_path, 0},
};
static lnb_registry reg = {.items = items,
                           .n = sizeof items / sizeof *items,
                           .cap = sizeof items / sizeof *items};

/* -------------------------------------------------------------- helpers */

static int load(const char *text, lnb_config *cfg, lnb_error *err) {
  memset(err, 0, sizeof *err);
  return lnb_config_load_string(text, strlen(text), "test.yaml", &reg, cfg,
                                err);
}

static void is_zeroed(const lnb_config *cfg) {
  static const lnb_config zero;
  assert_memory_equal(cfg, &zero, sizeof zero);
}

/* Load must fail with code and a message containing every needle. */
static void expect_fail(const char *text, int code, ...) {
  lnb_config cfg;
  lnb_error err;
  int rc = load(text, &cfg, &err);
  if (rc != code || err.code != code) {
    print_error("rc %d (err.code %d), expected %d; message: %s\n", rc,
                err.code, code, err.msg);
    fail();
  }
  va_list ap;
  va_start(ap, code);
  for (const char *needle; (needle = va_arg(ap, const char *)) != NULL;) {
    if (!strstr(err.msg, needle)) {
      print_error("message:  %s\nexpected: ...%s...\n", err.msg, needle);
      va_end(ap);
      fail();
    }
  }
  va_end(ap);
  is_zeroed(&cfg); /* freed on failure */
}

/* Load must succeed. */
static void expect_ok(const char *text, lnb_config *cfg) {
  lnb_error err;
  int rc = load(text, cfg, &err);
  if (rc != 0) {
    print_error("unexpected failure %d: %s\n", rc, err.msg);
    fail();
  }
  assert_int_equal(err.code, 0);
}

static const lnb_value *val(const lnb_cell *c, const char *name) {
  long j = lnb__spec_find(c->plugin->plugin->params, name);
  assert_true(j >= 0);
  return &c->params->v[j];
}

static uint64_t fnv(const char *s) {
  uint64_t h = UINT64_C(14695981039346656037);
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= UINT64_C(1099511628211);
  }
  return h;
}

/* ---------------------------------------------------------------- tests */

static const char grid_yaml[] =
    "name: grid\n"                                                   /* 1 */
    "seeds: [0, 1, 2]\n"                                             /* 2 */
    "problem: { plugin: lsq, m: [50, 60] }\n"                        /* 3 */
    "architectures:\n"                                               /* 4 */
    "  - { plugin: linear }\n"                                       /* 5 */
    "  - { plugin: deep_linear, depth: [2, 3], init: [gaussian, orthogonal] }\n"
    "optimizers:\n"                                                  /* 7 */
    "  - { plugin: gd, lr: [1.0e-3, 1.0e-2, 0.1] }\n";               /* 8 */

static void test_grid_expansion(void **state) {
  (void)state;
  lnb_config cfg;
  validate_calls = 0;
  expect_ok(grid_yaml, &cfg);
  assert_string_equal(cfg.name, "grid");
  assert_string_equal(cfg.path, "test.yaml");
  assert_string_equal(cfg.dir, ".");
  assert_string_equal(cfg.text, grid_yaml);
  assert_true(cfg.hash == fnv(grid_yaml));
  assert_int_equal(cfg.nseeds, 3);
  assert_true(cfg.seeds[0] == 0 && cfg.seeds[1] == 1 && cfg.seeds[2] == 2);
  assert_int_equal(cfg.problems.n, 2);
  assert_int_equal(cfg.architectures.n, 5);
  assert_int_equal(cfg.optimizers.n, 3);
  /* 2 problems x (1 + 2x2) architectures x 3 lrs x 3 seeds */
  assert_int_equal(lnb_config_run_count(&cfg), 90);
  assert_int_equal(validate_calls, 4); /* every deep_linear cell */

  /* problems: m axis; defaults applied elsewhere */
  for (size_t i = 0; i < 2; i++) {
    const lnb_cell *c = &cfg.problems.cells[i];
    assert_ptr_equal(c->plugin->plugin, &p_lsq);
    assert_int_equal(c->block, 0);
    assert_int_equal(c->line, 3);
    assert_int_equal(c->column, 10);
    assert_int_equal(val(c, "m")->i, i ? 60 : 50);
    assert_true(val(c, "m")->given && val(c, "m")->axis && val(c, "m")->set);
    assert_int_equal(val(c, "d")->i, 10);
    assert_true(val(c, "d")->set && !val(c, "d")->given && !val(c, "d")->axis);
    assert_string_equal(val(c, "reduction")->s, "mean");
    assert_false(val(c, "data")->set);
    assert_string_equal(c->params->config_dir, cfg.dir);
    assert_ptr_equal(c->params->config_dir, cfg.dir);
  }

  /* architectures: linear, then depth x init with init fastest */
  const lnb_cell *a = cfg.architectures.cells;
  assert_ptr_equal(a[0].plugin->plugin, &p_linear);
  assert_int_equal(a[0].block, 0);
  assert_int_equal(a[0].line, 5);
  assert_int_equal(a[0].column, 5);
  static const struct {
    int depth;
    const char *init;
  } want[4] = {{2, "gaussian"}, {2, "orthogonal"}, {3, "gaussian"},
               {3, "orthogonal"}};
  for (size_t i = 0; i < 4; i++) {
    const lnb_cell *c = &a[1 + i];
    assert_ptr_equal(c->plugin->plugin, &p_deep);
    assert_int_equal(c->block, 1);
    assert_int_equal(c->line, 6);
    assert_int_equal(c->column, 5);
    assert_int_equal(val(c, "depth")->i, want[i].depth);
    assert_string_equal(val(c, "init")->s, want[i].init);
    assert_true(val(c, "init")->axis && val(c, "depth")->axis);
    assert_int_equal(val(c, "width")->i, 1);
    assert_false(val(c, "width")->given);
    assert_true(val(c, "init_std")->r == 0.01);
  }

  static const double lrs[3] = {1e-3, 1e-2, 0.1};
  for (size_t i = 0; i < 3; i++) {
    const lnb_cell *c = &cfg.optimizers.cells[i];
    assert_true(val(c, "lr")->r == lrs[i]);
    assert_true(val(c, "lr")->given && val(c, "lr")->axis);
    assert_true(val(c, "weight_decay")->r == 0.0);
    assert_int_equal(c->line, 8);
  }
  assert_string_equal(val(&cfg.optimizers.cells[0], "lr")->text, "0.001");
  lnb_config_free(&cfg);
  is_zeroed(&cfg);
  lnb_config_free(&cfg); /* twice is harmless */
}

/* Block-style YAML, several blocks per kind, multi-key product order. */
static void test_grid_block_style(void **state) {
  (void)state;
  lnb_config cfg;
  expect_ok("name: b\n"
            "problem:\n"
            "  - plugin: lsq\n"
            "    noise: [0, 0.5]\n"
            "    m: [5, 6, 7]\n"
            "  - plugin: csv\n"
            "    path: data.csv\n"
            "architectures:\n"
            "  plugin: linear\n"
            "optimizers:\n"
            "  - { plugin: gd, lr: 0.5 }\n"
            "  - { plugin: adam }\n",
            &cfg);
  assert_int_equal(cfg.problems.n, 7);
  assert_int_equal(cfg.architectures.n, 1);
  assert_int_equal(cfg.optimizers.n, 2);
  assert_int_equal(lnb_config_run_count(&cfg), 14);
  /* noise slow, m fast */
  for (size_t i = 0; i < 6; i++) {
    const lnb_cell *c = &cfg.problems.cells[i];
    assert_true(val(c, "noise")->r == (i < 3 ? 0.0 : 0.5));
    assert_int_equal(val(c, "m")->i, 5 + (int)(i % 3));
    assert_int_equal(c->line, 3);
    assert_int_equal(c->column, 5);
  }
  const lnb_cell *csv = &cfg.problems.cells[6];
  assert_ptr_equal(csv->plugin->plugin, &p_csv);
  assert_int_equal(csv->block, 1);
  assert_int_equal(csv->line, 6);
  assert_string_equal(val(csv, "path")->s, "data.csv");
  assert_false(val(csv, "path")->axis);
  assert_int_equal(cfg.architectures.cells[0].line, 9);
  const lnb_cell *gd = &cfg.optimizers.cells[0];
  assert_true(val(gd, "lr")->r == 0.5);
  assert_true(val(gd, "lr")->given);
  assert_false(val(gd, "lr")->axis);
  const lnb_cell *adam = &cfg.optimizers.cells[1];
  assert_int_equal(adam->block, 1);
  assert_true(val(adam, "lr")->r == 0.001);
  assert_false(val(adam, "lr")->given);
  lnb_config_free(&cfg);
}

static const char minimal[] = "name: m\n"
                              "problem: { plugin: lsq }\n"
                              "architectures: [{ plugin: linear }]\n"
                              "optimizers: [{ plugin: gd, lr: 0.1 }]\n";

static void test_defaults(void **state) {
  (void)state;
  lnb_config cfg;
  expect_ok(minimal, &cfg);
  assert_int_equal(cfg.nseeds, 1);
  assert_true(cfg.seeds[0] == 0);
  assert_int_equal(cfg.stop.max_iters, 10000);
  assert_false(cfg.stop.has_target);
  assert_true(cfg.stop.target_gap == 0.0);
  assert_true(cfg.stop.max_seconds == 0.0);
  assert_int_equal(cfg.record.per_decade, 10);
  assert_int_equal(cfg.record.every, 0);
  assert_int_equal(cfg.record.nmetrics, 0);
  /* no stop.target_gap: every time to target would be ∞, so the default
   * ranking is by the final loss (was seconds_to_target, an all-∞ tie) */
  assert_string_equal(cfg.select.best_by, "final_loss");
  assert_int_equal(cfg.select.ntune, 1);
  assert_string_equal(cfg.select.tune[0], "lr");
  assert_null(cfg.report.baseline);
  assert_int_equal(cfg.threads, 1);
  assert_int_equal(lnb_config_run_count(&cfg), 1);
  lnb_config_free(&cfg);
  /* with a target the default stays seconds to target */
  expect_ok("name: m\nproblem: { plugin: lsq }\narchitectures: [{ plugin: linear }]\n"
            "optimizers: [{ plugin: gd, lr: 0.1 }]\nstop: { target_gap: 1.0e-6 }\n",
            &cfg);
  assert_string_equal(cfg.select.best_by, "seconds_to_target");
  lnb_config_free(&cfg);
}

static void test_sections(void **state) {
  (void)state;
  lnb_config cfg;
  expect_ok("name: s\n"
            "seeds: 7\n"
            "problem: { plugin: lsq }\n"
            "architectures: [{ plugin: deep_linear }]\n"
            "optimizers: [{ plugin: gd, lr: 0.1 }]\n"
            "stop: { max_iters: 100000, target_gap: 1.0e-3, max_seconds: 60 }\n"
            "record: { per_decade: 4, every: 100, top_k: 5, metrics: [dist_to_reference, "
            "singular_values] }\n"
            "select: { best_by: final_gap, tune: [lr, init_std] }\n"
            "report: { baseline: \"deep_linear+gd\" }\n"
            "threads: 4\n",
            &cfg);
  assert_int_equal(cfg.nseeds, 1);
  assert_true(cfg.seeds[0] == 7);
  assert_int_equal(cfg.stop.max_iters, 100000);
  assert_true(cfg.stop.has_target);
  assert_true(cfg.stop.target_gap == 1e-3);
  assert_true(cfg.stop.max_seconds == 60.0);
  assert_int_equal(cfg.record.per_decade, 4);
  assert_int_equal(cfg.record.every, 100);
  assert_int_equal(cfg.record.nmetrics, 2);
  assert_string_equal(cfg.record.metrics[0], "dist_to_reference");
  assert_string_equal(cfg.record.metrics[1], "singular_values");
  assert_int_equal(cfg.record.top_k, 5);
  assert_string_equal(cfg.select.best_by, "final_gap");
  assert_int_equal(cfg.select.ntune, 2);
  assert_string_equal(cfg.select.tune[1], "init_std");
  assert_string_equal(cfg.report.baseline, "deep_linear+gd");
  assert_int_equal(cfg.threads, 4);
  lnb_config_free(&cfg);

  /* single names instead of lists; an empty tune list */
  expect_ok("name: s\n"
            "problem: { plugin: lsq }\n"
            "architectures: [{ plugin: linear }]\n"
            "optimizers: [{ plugin: gd, lr: 0.1 }]\n"
            "record: { metrics: nuclear_norm }\n"
            "select: { tune: [] }\n",
            &cfg);
  assert_int_equal(cfg.record.nmetrics, 1);
  assert_string_equal(cfg.record.metrics[0], "nuclear_norm");
  assert_int_equal(cfg.record.top_k, 3);
  lnb_config_free(&cfg);

  /* metric names are checked against the core and the config's plugins */
  expect_fail("name: s\n"
              "problem: { plugin: lsq }\n"
              "architectures: [{ plugin: linear }]\n"
              "optimizers: [{ plugin: gd, lr: 0.1 }]\n"
              "record: { metrics: [grad_norm, nuclear_nrom] }\n",
              LNB_EINVAL, "test.yaml:5:32: record.metrics: unknown metric 'nuclear_nrom'",
              "did you mean 'nuclear_norm'?", NULL);
  assert_int_equal(cfg.select.ntune, 0);
  lnb_config_free(&cfg);

  expect_fail("name: s\nstop: { max_iter: 5 }\n", LNB_EINVAL,
              "test.yaml:2:9: unknown key 'max_iter' in 'stop'; did you mean "
              "'max_iters'? (valid: max_iters, target_gap, max_seconds, max_epochs)",
              NULL);
  expect_fail("name: s\nrecord: { per_decad: 5 }\n", LNB_EINVAL,
              "test.yaml:2:11:", "did you mean 'per_decade'?", NULL);
  expect_fail("name: s\nselect: { best_by: final_los }\n", LNB_EINVAL,
              "test.yaml:2:20:", "did you mean 'final_loss'?",
              "seconds_to_target, iters_to_target, final_loss, final_gap",
              NULL);
  expect_fail("report: { basline: x }\n", LNB_EINVAL, "test.yaml:1:11:",
              "did you mean 'baseline'?", NULL);
  expect_fail("stop: { max_iters: 0 }\n", LNB_EINVAL,
              "test.yaml:1:20: stop.max_iters: value 0 is out of range "
              "(expected int in [1, inf))",
              NULL);
  expect_fail("stop: { target_gap: -1 }\n", LNB_EINVAL, "test.yaml:1:21:",
              "stop.target_gap", "(0, inf)", NULL);
  expect_fail("stop: { max_seconds: .nan }\n", LNB_EINVAL, "test.yaml:1:22:",
              "stop.max_seconds", "finite", NULL);
  expect_fail("threads: 0\n", LNB_EINVAL, "test.yaml:1:10: threads:",
              "[1, 1024]", NULL);
  expect_fail("stop: [1]\n", LNB_EINVAL,
              "test.yaml:1:7: stop: wrong type: got a list (expected a "
              "mapping)",
              NULL);
  expect_fail("record: { metrics: [a, a] }\n", LNB_EINVAL,
              "test.yaml:1:24: record.metrics: 'a' is listed twice", NULL);
  expect_fail("report: { baseline: [a] }\n", LNB_EINVAL, "test.yaml:1:21:",
              "report.baseline: wrong type: got a list", NULL);
  /* select.tune names must exist in some architecture or optimizer */
  expect_fail("name: t\n"
              "problem: { plugin: lsq }\n"
              "architectures: [{ plugin: linear }]\n"
              "optimizers: [{ plugin: gd, lr: 0.1 }]\n"
              "select: { tune: [lr, lrr] }\n",
              LNB_EINVAL, "test.yaml:5:22:", "'lrr'", "did you mean 'lr'?",
              NULL);
}

static void test_unknown_keys(void **state) {
  (void)state;
  expect_fail("name: u\n"
              "problem: { plugin: lsq }\n"
              "architectures: [{ plugin: linear }]\n"
              "optimizers:\n"
              "  - { plugin: gd, lrr: 0.1 }\n",
              LNB_EINVAL,
              "test.yaml:5:19: unknown parameter 'lrr' for optimizer 'gd'; "
              "did you mean 'lr'? (valid: lr, weight_decay)",
              NULL);
  /* block style, exact position of the key */
  expect_fail("name: u\n"
              "optimizers:\n"
              "  - plugin: gd\n"
              "    lr: 0.1\n"
              "    weight_decy: 0.1\n",
              LNB_EINVAL, "test.yaml:5:5: unknown parameter 'weight_decy'",
              "did you mean 'weight_decay'?", NULL);
  /* no suggestion when nothing is close */
  expect_fail("problem: { plugin: lsq, zzzzzzzz: 1 }\n", LNB_EINVAL,
              "test.yaml:1:25: unknown parameter 'zzzzzzzz' for problem 'lsq' "
              "(valid: m, d, noise, reduction, data, shift)",
              NULL);
  expect_fail("architectures: [{ plugin: linear, depth: 2 }]\n", LNB_EINVAL,
              "test.yaml:1:35: unknown parameter 'depth' for architecture "
              "'linear' (it takes no parameters)",
              NULL);
  expect_fail("name: u\noptimizer: [{ plugin: gd }]\n", LNB_EINVAL,
              "test.yaml:2:1: unknown top-level key 'optimizer'; did you mean "
              "'optimizers'?",
              "(valid: name, seeds, problem, architectures, optimizers, stop, "
              "record, select, report, threads)",
              NULL);
}

static void test_unknown_plugin(void **state) {
  (void)state;
  expect_fail("optimizers:\n  - { plugin: gdd, lr: 0.1 }\n", LNB_EINVAL,
              "test.yaml:2:15: unknown optimizer 'gdd'; did you mean 'gd'? "
              "(available: gd, adam, precond)",
              NULL);
  expect_fail("problem: { plugin: deep_linear }\n", LNB_EINVAL,
              "test.yaml:1:20: unknown problem 'deep_linear' (available: lsq, "
              "csv)",
              NULL);
  expect_fail("architectures:\n  - { depth: 2 }\n", LNB_EINVAL,
              "test.yaml:2:5: architecture block has no 'plugin' key",
              "linear, deep_linear, old_deep", NULL);
  expect_fail("architectures:\n  - { plugin: [linear] }\n", LNB_EINVAL,
              "test.yaml:2:15: architecture block: 'plugin' has wrong type: "
              "got a list",
              NULL);
  expect_fail("architectures:\n  - { plugin: }\n", LNB_EINVAL,
              "test.yaml:2:", "'plugin' has wrong type: got null", NULL);
}

static void test_yaml_syntax(void **state) {
  (void)state;
  expect_fail("name: y\n"
              "problem: { plugin: lsq }\n"
              "optimizers: [{ plugin: gd, lr: 0.1 ]\n",
              LNB_EPARSE,
              "test.yaml:3:36: YAML syntax error: did not find expected ',' "
              "or '}' (while parsing a flow mapping at line 3, column 14)",
              NULL);
  expect_fail("name: y\n"
              "seeds: [0, 1\n",
              LNB_EPARSE, "test.yaml:3:1: YAML syntax error: did not find "
                          "expected ',' or ']'",
              NULL);
  expect_fail("name: y\n"
              "problem:\n"
              "  plugin: lsq\n"
              " m: 3\n",
              LNB_EPARSE, "test.yaml:4:2: YAML syntax error:", NULL);
  /* invalid UTF-8 */
  expect_fail("name: y\nseeds: \xff\n", LNB_EPARSE,
              "test.yaml:2:8: YAML read error:", NULL);
  expect_fail("name: *nope\n", LNB_EPARSE, "test.yaml:1:7:",
              "found undefined alias", NULL);
}

static void test_wrong_types(void **state) {
  (void)state;
  expect_fail("optimizers: [{ plugin: gd, lr: { a: 1 } }]\n", LNB_EINVAL,
              "test.yaml:1:32: parameter 'lr' of optimizer 'gd': wrong type: "
              "got a mapping (expected real in (0, inf))",
              NULL);
  expect_fail("optimizers: [{ plugin: gd, lr: }]\n", LNB_EINVAL,
              "test.yaml:1:", "parameter 'lr' of optimizer 'gd': wrong type: "
                              "got null (expected real in (0, inf))",
              NULL);
  expect_fail("optimizers:\n  - plugin: gd\n    lr: ~\n", LNB_EINVAL,
              "test.yaml:3:9: parameter 'lr' of optimizer 'gd': wrong type: "
              "got null",
              NULL);
  expect_fail("optimizers: [{ plugin: gd, lr: [0.1, [0.2]] }]\n", LNB_EINVAL,
              "test.yaml:1:38: parameter 'lr' of optimizer 'gd': wrong type: "
              "got a list as a grid axis element",
              NULL);
  expect_fail("architectures: [{ plugin: deep_linear, depth: 2.5 }]\n",
              LNB_EINVAL,
              "test.yaml:1:47: parameter 'depth' of architecture "
              "'deep_linear': '2.5': not an integer",
              "[1, 64]", NULL);
  expect_fail("architectures: [{ plugin: deep_linear, balanced: maybe }]\n",
              LNB_EINVAL, "test.yaml:1:50: parameter 'balanced'",
              "not a boolean", NULL);
  expect_fail("architectures: [{ plugin: deep_linear, init: gaussain }]\n",
              LNB_EINVAL, "test.yaml:1:46: parameter 'init' of architecture "
                          "'deep_linear': 'gaussain' is not one of "
                          "gaussian|orthogonal|identity; did you mean "
                          "'gaussian'?",
              NULL);
  expect_fail("name: [a]\n", LNB_EINVAL,
              "test.yaml:1:7: name: wrong type: got a list", NULL);
  expect_fail("name: a/b\n", LNB_EINVAL,
              "test.yaml:1:7: name: 'a/b' cannot be used as a directory name",
              NULL);
  expect_fail("seeds: -1\n", LNB_EINVAL,
              "test.yaml:1:8: seeds: value -1 is out of range", NULL);
  expect_fail("seeds: [0, 1.5]\n", LNB_EINVAL,
              "test.yaml:1:12: seeds: '1.5': not an integer", NULL);
  expect_fail("seeds: [0, 1, 0]\n", LNB_EINVAL,
              "test.yaml:1:15: seeds: seed 0 is listed twice", NULL);
  expect_fail("seeds: []\n", LNB_EINVAL, "test.yaml:1:8: seeds: empty list",
              NULL);
  /* a mapping is { count, from } (grid sugar): another key is named */
  expect_fail("seeds: { a: 1 }\n", LNB_EINVAL,
              "test.yaml:1:10: unknown key 'a' in 'seeds' (valid: count, from)", NULL);
  expect_fail("problem: 5\n", LNB_EINVAL,
              "test.yaml:1:10: problem: wrong type: got a scalar", NULL);
  expect_fail("optimizers: [5]\n", LNB_EINVAL,
              "test.yaml:1:14: optimizers: entry 1 has wrong type: got a "
              "scalar",
              NULL);
  expect_fail("optimizers: []\n", LNB_EINVAL,
              "test.yaml:1:13: optimizers: empty list", NULL);
  expect_fail("- a\n- b\n", LNB_EINVAL,
              "test.yaml:1:1: wrong type: the config is a list", NULL);
  expect_fail("", LNB_EINVAL, "test.yaml: empty config", NULL);
  expect_fail("# only a comment\n", LNB_EINVAL, "test.yaml: empty config",
              NULL);
  expect_fail("name: a\n---\nname: b\n", LNB_EINVAL,
              "test.yaml:3:1: a second YAML document", NULL);
  expect_fail("? [a]\n: 1\n", LNB_EINVAL,
              "test.yaml:1:3: the config: keys must be plain names, got a "
              "list as a key",
              NULL);
}

static void test_bad_numbers(void **state) {
  (void)state;
  static const struct {
    const char *lr, *why;
  } bad[] = {
      {"nan", "not a finite number"},  {".nan", "not a finite number"},
      {"inf", "not a finite number"},  {"-.inf", "not a finite number"},
      {"1e-3x", "trailing characters"}, {"0x10", "trailing characters"},
      {"-0.1", "out of range"},         {"0", "out of range"},
      {"abc", "not a number"},          {"1e999", "out of range"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char text[256];
    snprintf(text, sizeof text,
             "name: n\n"
             "optimizers:\n"
             "  - { plugin: gd, weight_decay: 0, lr: %s }\n",
             bad[i].lr);
    expect_fail(text, LNB_EINVAL,
                "test.yaml:3:40: parameter 'lr' of optimizer 'gd': ",
                bad[i].why, "(0, inf)", NULL);
  }
  /* inside a grid axis: the location of the bad element */
  expect_fail("optimizers:\n  - { plugin: gd, lr: [0.1, 0.2,\n      nan] }\n",
              LNB_EINVAL,
              "test.yaml:3:7: parameter 'lr' of optimizer 'gd': 'nan': not a "
              "finite number",
              NULL);
  /* a quoted number is still checked strictly */
  expect_fail("optimizers: [{ plugin: gd, lr: \"-1\" }]\n", LNB_EINVAL,
              "test.yaml:1:32:", "out of range", NULL);
  lnb_config cfg;
  expect_ok("name: q\nproblem: { plugin: lsq, reduction: \"sum\", m: '7' }\n"
            "architectures: [{ plugin: linear }]\n"
            "optimizers: [{ plugin: gd, lr: 1e-3 }]\n",
            &cfg);
  assert_string_equal(val(&cfg.problems.cells[0], "reduction")->s, "sum");
  assert_int_equal(val(&cfg.problems.cells[0], "m")->i, 7);
  lnb_config_free(&cfg);
}

static void test_required(void **state) {
  (void)state;
  expect_fail("name: r\n"
              "optimizers:\n"
              "  - { plugin: gd, weight_decay: 0.1 }\n",
              LNB_EINVAL,
              "test.yaml:3:5: optimizer 'gd': missing required parameter 'lr' "
              "(expected real in (0, inf))",
              NULL);
  expect_fail("problem: [{ plugin: lsq }, { plugin: csv }]\n", LNB_EINVAL,
              "test.yaml:1:28: problem 'csv': missing required parameter "
              "'path'",
              NULL);
  expect_fail("name: r\n", LNB_EINVAL,
              "test.yaml:1:1: missing required key 'problem'", NULL);
  expect_fail("problem: { plugin: lsq }\n"
              "architectures: [{ plugin: linear }]\n"
              "optimizers: [{ plugin: gd, lr: 0.1 }]\n",
              LNB_EINVAL, "test.yaml:1:1: missing required key 'name'", NULL);
  expect_fail("name: r\nproblem: { plugin: lsq }\n"
              "architectures: [{ plugin: linear }]\n",
              LNB_EINVAL, "missing required key 'optimizers'", NULL);
}

static void test_list_params(void **state) {
  (void)state;
  lnb_config cfg;
  /* a flat list is one value; a list of lists is a grid axis; a scalar is
   * a list of one */
  expect_ok("name: l\n"
            "problem: { plugin: lsq }\n"
            "architectures:\n"
            "  - { plugin: deep_linear, depth: 3, widths: [4, 8] }\n"
            "  - { plugin: deep_linear, depth: 3, widths: [[4, 4], [8, 8]] }\n"
            "  - { plugin: deep_linear, depth: 2, widths: 5 }\n"
            "optimizers:\n"
            "  - { plugin: adam, betas: [[0.9, 0.99], [0.5]] }\n"
            "  - { plugin: adam, betas: [0.5, 0.25] }\n",
            &cfg);
  assert_int_equal(cfg.architectures.n, 4);
  const lnb_value *w = val(&cfg.architectures.cells[0], "widths");
  assert_int_equal(w->n, 2);
  assert_true(w->ints[0] == 4 && w->ints[1] == 8);
  assert_false(w->axis);
  assert_true(w->given);
  assert_string_equal(w->text, "[4,8]");
  w = val(&cfg.architectures.cells[1], "widths");
  assert_true(w->axis && w->n == 2 && w->ints[0] == 4);
  w = val(&cfg.architectures.cells[2], "widths");
  assert_true(w->axis && w->n == 2 && w->ints[0] == 8);
  w = val(&cfg.architectures.cells[3], "widths");
  assert_true(!w->axis && w->n == 1 && w->ints[0] == 5);
  assert_int_equal(cfg.optimizers.n, 3);
  const lnb_value *b = val(&cfg.optimizers.cells[0], "betas");
  assert_true(b->axis && b->n == 2 && b->reals[1] == 0.99);
  b = val(&cfg.optimizers.cells[1], "betas");
  assert_true(b->axis && b->n == 1 && b->reals[0] == 0.5);
  b = val(&cfg.optimizers.cells[2], "betas");
  assert_true(!b->axis && b->n == 2 && b->reals[1] == 0.25);
  lnb_config_free(&cfg);

  expect_fail("architectures: [{ plugin: deep_linear, widths: [4, 0] }]\n",
              LNB_EINVAL,
              "test.yaml:1:52: parameter 'widths' of architecture "
              "'deep_linear': element 2: value 0 is out of range",
              "[1, inf)", NULL);
  expect_fail("architectures: [{ plugin: deep_linear, widths: [[4], 5] }]\n",
              LNB_EINVAL, "test.yaml:1:48: parameter 'widths'",
              "mixes numbers and lists", NULL);
  expect_fail("architectures: [{ plugin: deep_linear, widths: [] }]\n",
              LNB_EINVAL, "test.yaml:1:48: parameter 'widths'", "empty list",
              NULL);
  expect_fail("architectures: [{ plugin: deep_linear, widths: [[4], []] }]\n",
              LNB_EINVAL, "test.yaml:1:54: parameter 'widths'", "empty list",
              NULL);
  expect_fail("architectures: [{ plugin: deep_linear, widths: [[[4]]] }]\n",
              LNB_EINVAL, "test.yaml:1:50: parameter 'widths'",
              "wrong type: got a list as a list element", NULL);
  expect_fail("architectures: [{ plugin: deep_linear, widths: {a: 1} }]\n",
              LNB_EINVAL, "test.yaml:1:48:", "wrong type: got a mapping",
              "list of int in [1, inf)", NULL);
  /* NOGRID list: a list of lists is refused */
  expect_fail("optimizers: [{ plugin: precond, tags: [[1], [2]] }]\n",
              LNB_EINVAL, "test.yaml:1:39: parameter 'tags' of optimizer "
                          "'precond': a list of lists would be a grid axis, "
                          "but this parameter cannot be a grid axis",
              NULL);
  /* NOGRID scalars */
  expect_fail("optimizers: [{ plugin: precond, power: [1, 2] }]\n",
              LNB_EINVAL, "test.yaml:1:40: parameter 'power'",
              "cannot be a grid axis", NULL);
  expect_fail("problem: { plugin: lsq, data: [a.csv, b.csv] }\n", LNB_EINVAL,
              "test.yaml:1:31: parameter 'data' of problem 'lsq': wrong type: "
              "got a list (this parameter cannot be a grid axis)",
              NULL);
}

static void test_matrix_params(void **state) {
  (void)state;
  lnb_config cfg;
  expect_ok("name: mx\n"
            "problem: { plugin: lsq }\n"
            "architectures: [{ plugin: linear }]\n"
            "optimizers:\n"
            "  - { plugin: precond, mat: [[1, 2, 3], [4, 5, 6]] }\n"
            "  - { plugin: precond, mat: [1, 2, 3] }\n"
            "  - { plugin: precond, mat: 2.5 }\n"
            "  - { plugin: precond, mat: [[[1]], [[1, 0], [0, 1]]] }\n"
            "  - { plugin: precond }\n",
            &cfg);
  assert_int_equal(cfg.optimizers.n, 6);
  const lnb_value *m = val(&cfg.optimizers.cells[0], "mat");
  assert_int_equal(m->rows, 2);
  assert_int_equal(m->cols, 3);
  assert_true(m->reals[5] == 6.0 && m->reals[3] == 4.0);
  assert_false(m->axis);
  m = val(&cfg.optimizers.cells[1], "mat");
  assert_true(m->rows == 1 && m->cols == 3 && m->reals[2] == 3.0);
  m = val(&cfg.optimizers.cells[2], "mat");
  assert_true(m->rows == 1 && m->cols == 1 && m->reals[0] == 2.5);
  m = val(&cfg.optimizers.cells[3], "mat");
  assert_true(m->axis && m->rows == 1 && m->cols == 1);
  m = val(&cfg.optimizers.cells[4], "mat");
  assert_true(m->axis && m->rows == 2 && m->cols == 2 && m->reals[3] == 1.0);
  m = val(&cfg.optimizers.cells[5], "mat");
  assert_true(m->set && !m->given && m->rows == 1 && m->cols == 1);
  lnb_config_free(&cfg);

  expect_fail("optimizers: [{ plugin: precond, mat: [[1, 2], [3]] }]\n",
              LNB_EINVAL,
              "test.yaml:1:47: parameter 'mat' of optimizer 'precond': matrix "
              "rows differ in length: row 2 has 1 entries, row 1 has 2",
              NULL);
  expect_fail("optimizers: [{ plugin: precond, mat: [[1, x]] }]\n",
              LNB_EINVAL, "test.yaml:1:43: parameter 'mat'",
              "element 2: 'x': not a number", NULL);
  expect_fail("optimizers: [{ plugin: precond, mat: [] }]\n", LNB_EINVAL,
              "test.yaml:1:38:", "empty matrix", NULL);
  expect_fail("optimizers: [{ plugin: precond, mat: [[1], 2] }]\n",
              LNB_EINVAL, "test.yaml:1:44:", "mixes numbers and rows", NULL);
  expect_fail("optimizers: [{ plugin: precond, mat: [[[1]], [2]] }]\n",
              LNB_EINVAL, "test.yaml:1:38:", "inconsistent nesting", NULL);
  expect_fail("problem: { plugin: lsq, shift: [[1, .inf]] }\n", LNB_EINVAL,
              "test.yaml:1:37: parameter 'shift' of problem 'lsq': element 2",
              "not a finite number", NULL);
}

static void test_empty_axis_and_duplicates(void **state) {
  (void)state;
  expect_fail("optimizers: [{ plugin: gd, lr: [] }]\n", LNB_EINVAL,
              "test.yaml:1:32: parameter 'lr' of optimizer 'gd': empty grid "
              "axis",
              NULL);
  expect_fail("optimizers: [{ plugin: gd, lr: [0.1, 1e-1] }]\n", LNB_EINVAL,
              "test.yaml:1:38:", "value 0.1 appears twice in the grid axis",
              NULL);
  expect_fail("optimizers:\n  - { plugin: gd, lr: 0.1, lr: 0.2 }\n",
              LNB_EINVAL,
              "test.yaml:2:28: duplicate key 'lr' in optimizer block (first "
              "given at line 2, column 19)",
              NULL);
  expect_fail("name: a\nseeds: 1\nname: b\n", LNB_EINVAL,
              "test.yaml:3:1: duplicate key 'name' in the config (first given "
              "at line 1, column 1)",
              NULL);
  expect_fail("stop: { max_iters: 1, max_iters: 2 }\n", LNB_EINVAL,
              "test.yaml:1:23: duplicate key 'max_iters' in stop", NULL);
}

static void test_validate_hook(void **state) {
  (void)state;
  expect_fail("name: v\n"
              "problem: { plugin: lsq }\n"
              "architectures:\n"
              "  - { plugin: linear }\n"
              "  - { plugin: deep_linear, depth: [3, 2], widths: [4, 4] }\n",
              LNB_EINVAL,
              "test.yaml:5:5: architecture 'deep_linear': widths has 2 "
              "entries but depth 2 needs 1 (grid point: depth=2)",
              NULL);
  /* no grid: no grid-point suffix */
  lnb_config cfg;
  lnb_error err;
  int rc = load("architectures:\n"
                "  - { plugin: deep_linear, depth: 4, widths: [4, 4] }\n",
                &cfg, &err);
  assert_int_equal(rc, LNB_EINVAL);
  assert_string_equal(err.msg, "test.yaml:2:5: architecture 'deep_linear': "
                               "widths has 2 entries but depth 4 needs 3");
  /* an ops struct too short to hold validate: the hook is not called */
  validate_calls = 0;
  expect_ok("name: v\n"
            "problem: { plugin: lsq }\n"
            "architectures: [{ plugin: old_deep, depth: 4, widths: [4] }]\n"
            "optimizers: [{ plugin: gd, lr: 0.1 }]\n",
            &cfg);
  assert_int_equal(validate_calls, 0);
  lnb_config_free(&cfg);
}

static void test_aliases_and_axes_types(void **state) {
  (void)state;
  lnb_config cfg;
  expect_ok("name: al\n"
            "problem: { plugin: lsq, reduction: [mean, sum] }\n"
            "architectures: [{ plugin: deep_linear, balanced: [true, false] }]\n"
            "optimizers:\n"
            "  - { plugin: gd, lr: &lrs [0.1, 0.2] }\n"
            "  - { plugin: adam, lr: *lrs }\n",
            &cfg);
  assert_int_equal(cfg.problems.n, 2);
  assert_string_equal(val(&cfg.problems.cells[1], "reduction")->s, "sum");
  assert_int_equal(cfg.architectures.n, 2);
  assert_true(val(&cfg.architectures.cells[0], "balanced")->b == 1);
  assert_true(val(&cfg.architectures.cells[1], "balanced")->b == 0);
  assert_int_equal(cfg.optimizers.n, 4);
  assert_true(val(&cfg.optimizers.cells[3], "lr")->r == 0.2);
  assert_ptr_equal(cfg.optimizers.cells[3].plugin->plugin, &p_adam);
  assert_int_equal(lnb_config_run_count(&cfg), 16);
  lnb_config_free(&cfg);
}

static void test_paths_and_files(void **state) {
  (void)state;
  lnb_config cfg;
  lnb_error err;
  assert_int_equal(lnb_config_load_string(minimal, strlen(minimal),
                                          "configs/sub/x.yaml", &reg, &cfg,
                                          &err),
                   0);
  assert_string_equal(cfg.dir, "configs/sub");
  assert_string_equal(cfg.problems.cells[0].params->config_dir,
                      "configs/sub");
  lnb_config_free(&cfg);
  assert_int_equal(lnb_config_load_string(minimal, strlen(minimal), "/x.yaml",
                                          &reg, &cfg, &err),
                   0);
  assert_string_equal(cfg.dir, "/");
  lnb_config_free(&cfg);

  /* messages use the path as given */
  int rc = lnb_config_load_string("name: [", 7, "dir/c.yaml", &reg, &cfg, &err);
  assert_int_equal(rc, LNB_EPARSE);
  assert_string_equal(err.msg, "dir/c.yaml:1:8: YAML syntax error: did not "
                               "find expected node content (while parsing a "
                               "flow node at line 1, column 8)");

  /* missing file */
  rc = lnb_config_load("/nonexistent/dir/none.yaml", &reg, &cfg, &err);
  assert_int_equal(rc, LNB_EIO);
  assert_int_equal(err.code, LNB_EIO);
  assert_non_null(strstr(err.msg, "/nonexistent/dir/none.yaml"));
  assert_non_null(strstr(err.msg, strerror(ENOENT)));
  is_zeroed(&cfg);

  /* a real file */
  char tmpl[] = "/tmp/lnb_test_config_XXXXXX";
  int fd = mkstemp(tmpl);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  fputs(grid_yaml, f);
  fclose(f);
  rc = lnb_config_load(tmpl, &reg, &cfg, &err);
  if (rc)
    print_error("%s\n", err.msg);
  assert_int_equal(rc, 0);
  assert_string_equal(cfg.dir, "/tmp");
  assert_string_equal(cfg.path, tmpl);
  assert_string_equal(cfg.text, grid_yaml);
  assert_true(cfg.hash == fnv(grid_yaml));
  assert_int_equal(lnb_config_run_count(&cfg), 90);
  lnb_config_free(&cfg);

  /* a directory is not a config */
  rc = lnb_config_load("/tmp", &reg, &cfg, &err);
  assert_int_equal(rc, LNB_EIO);
  assert_non_null(strstr(err.msg, "/tmp: "));
  unlink(tmpl);
}

static void test_run_count_guards(void **state) {
  (void)state;
  lnb_config cfg;
  memset(&cfg, 0, sizeof cfg);
  assert_int_equal(lnb_config_run_count(&cfg), 0);
  assert_int_equal(lnb_config_run_count(NULL), 0);
  lnb_config_free(&cfg);
  lnb_config_free(NULL);
  /* a grid far too large is refused before any cell is allocated:
   * 100 x 100 x 100 x 2 problem cells */
  static char big[8192];
  size_t len = 0;
  len += (size_t)snprintf(big + len, sizeof big - len,
                          "name: big\nproblem: { plugin: lsq,\n");
  static const char *const axes[3] = {"m", "d", "noise"};
  for (int a = 0; a < 3; a++) {
    len += (size_t)snprintf(big + len, sizeof big - len, "  %s: [", axes[a]);
    for (int i = 1; i <= 100; i++)
      len += (size_t)snprintf(big + len, sizeof big - len, "%s%d",
                              i > 1 ? ", " : "", i);
    len += (size_t)snprintf(big + len, sizeof big - len, "],\n");
  }
  snprintf(big + len, sizeof big - len, "  reduction: [mean, sum] }\n");
  expect_fail(big, LNB_EINVAL,
              "test.yaml:2:10: problem 'lsq': grid too large (more than "
              "100000 cells in one block)",
              NULL);
}

/* issue 13: hostile configs cost time linear in what was written and fail
 * cleanly with a position */
static char *repeat_text(const char *head, const char *unit, size_t n, const char *mid,
                         const char *unit2, size_t n2, const char *tail) {
  size_t len = strlen(head) + strlen(unit) * n + strlen(mid) + strlen(unit2) * n2 +
               strlen(tail) + 1;
  char *t = malloc(len), *p = t;
  assert_non_null(t);
  if (!t) return NULL;
  p += sprintf(p, "%s", head);
  for (size_t i = 0; i < n; i++) p += sprintf(p, "%s", unit);
  p += sprintf(p, "%s", mid);
  for (size_t i = 0; i < n2; i++) p += sprintf(p, "%s", unit2);
  sprintf(p, "%s", tail);
  return t;
}

static void test_nesting_depth(void **state) {
  (void)state;
  /* the root mapping + 65 lists: refused where the 65th level opens (the
   * 64th '['); 64 levels are parsed (and fail later for what they are) */
  char *t = repeat_text("name: x\nproblem: ", "[", 65, "", "]", 65, "\n");
  expect_fail(t, LNB_EINVAL, "test.yaml:2:73: lists and mappings nested more than 64 deep",
              NULL);
  free(t);
  t = repeat_text("name: x\nproblem: ", "[", 63, "", "]", 63, "\n");
  expect_fail(t, LNB_EINVAL, "test.yaml:2:11: problem: entry 1 has wrong type", NULL);
  free(t);
  /* 200000 deep (400 KB) took minutes inside libyaml; now refused at once */
  t = repeat_text("name: x\nproblem: ", "{a: ", 200000, "1", "}", 200000, "\n");
  expect_fail(t, LNB_EINVAL, "test.yaml:2:", "nested more than 64 deep", NULL);
  free(t);
  /* block sequences nest as deep on one line */
  t = repeat_text("name: x\nproblem:\n  ", "- ", 100, "1", "", 0, "\n");
  expect_fail(t, LNB_EINVAL, "test.yaml:3:", "nested more than 64 deep", NULL);
  free(t);
}

static void test_alias_expansion(void **state) {
  (void)state;
  /* ten levels of ten aliases each: 10^10 values from a few hundred bytes */
  char laughs[2048];
  size_t len = (size_t)snprintf(laughs, sizeof laughs, "a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n");
  for (int i = 1; i < 10; i++) {
    len += (size_t)snprintf(laughs + len, sizeof laughs - len, "a%d: &a%d [", i, i);
    for (int k = 0; k < 10; k++)
      len += (size_t)snprintf(laughs + len, sizeof laughs - len, "%s*a%d", k ? ", " : "", i - 1);
    len += (size_t)snprintf(laughs + len, sizeof laughs - len, "]\n");
  }
  expect_fail(laughs, LNB_EINVAL, "aliases expand a list here to more than", NULL);
  /* a node containing itself */
  expect_fail("name: x\nproblem: &p [*p]\n", LNB_EINVAL,
              "test.yaml:2:10: a list here contains itself through an alias", NULL);
  expect_fail("name: x\nproblem: &p {plugin: lsq, m: *p}\n", LNB_EINVAL,
              "test.yaml:2:10: a mapping here contains itself through an alias", NULL);
  /* ordinary reuse is fine (test_aliases_and_axes_types) */
}

static void test_merge_key_refused(void **state) {
  (void)state;
  expect_fail("name: x\nproblem: { <<: { plugin: lsq }, m: 3 }\n", LNB_EINVAL,
              "test.yaml:2:12: problem block: YAML merge keys ('<<') are not supported", NULL);
  expect_fail("name: x\nstop: { <<: { max_iters: 3 } }\n", LNB_EINVAL,
              "test.yaml:2:9: stop: YAML merge keys", NULL);
}

static void test_control_characters_escaped(void **state) {
  (void)state;
  lnb_config cfg;
  lnb_error err;
  const char *t = "name: x\nproblem: { plugin: lsq, \"\\e[2J\\x9b\\x07x\": 1 }\n";
  assert_int_equal(load(t, &cfg, &err), LNB_EINVAL);
  assert_non_null(strstr(err.msg, "unknown parameter '\\x1B[2J\\xC2\\x9B\\x07x'"));
  for (const unsigned char *p = (const unsigned char *)err.msg; *p; p++) {
    assert_true(*p >= 0x20 && *p != 0x7f);
    if (*p == 0xC2) assert_false(p[1] >= 0x80 && p[1] <= 0x9F);
  }
}

static void test_duplicate_cells(void **state) {
  (void)state;
  lnb_config cfg;
  /* identical blocks would run twice and count as two seeds */
  expect_fail("name: x\nproblem: { plugin: lsq }\n"
              "architectures: [{ plugin: linear }]\n"
              "optimizers:\n"
              "  - { plugin: gd, lr: [0.1, 0.2] }\n"
              "  - { plugin: gd, lr: 0.2 }\n",
              LNB_EINVAL,
              "test.yaml:6:5: optimizer 'gd(lr=0.2)' is given twice: by this block and by "
              "the block at line 5, column 5",
              NULL);
  expect_fail("name: x\nproblem: [{ plugin: lsq, m: 5 }, { plugin: lsq, m: 5 }]\n"
              "architectures: [{ plugin: linear }]\noptimizers: [{ plugin: gd, lr: 1 }]\n",
              LNB_EINVAL, "test.yaml:2:34: problem 'lsq(m=5)' is given twice", "line 2, column 11",
              NULL);
  expect_fail("name: x\nproblem: { plugin: lsq }\n"
              "architectures: [{ plugin: deep_linear, depth: 2 }, { plugin: deep_linear, depth: 2 }]\n"
              "optimizers: [{ plugin: gd, lr: 1 }]\n",
              LNB_EINVAL, "architecture 'deep_linear(depth=2)' is given twice", NULL);
  /* the same optimizer cell paired with different architectures is fine ... */
  expect_ok("name: x\nproblem: { plugin: lsq }\n"
            "architectures: [{ plugin: linear }, { plugin: deep_linear }]\n"
            "optimizers:\n"
            "  - { plugin: gd, lr: 0.1, with: [linear] }\n"
            "  - { plugin: gd, lr: 0.1, with: [deep_linear] }\n",
            &cfg);
  assert_int_equal(lnb_config_run_count(&cfg), 2);
  lnb_config_free(&cfg);
  /* ... but not when some architecture meets both */
  expect_fail("name: x\nproblem: { plugin: lsq }\n"
              "architectures: [{ plugin: linear }, { plugin: deep_linear }]\n"
              "optimizers:\n"
              "  - { plugin: gd, lr: 0.1, with: [linear] }\n"
              "  - { plugin: gd, lr: 0.1 }\n",
              LNB_EINVAL, "test.yaml:6:5: optimizer 'gd(lr=0.1)' is given twice", NULL);
}

static void test_baseline_checked(void **state) {
  (void)state;
  lnb_config cfg;
  static const char head[] = "name: x\nproblem: { plugin: lsq }\n"
                             "architectures: [{ plugin: deep_linear, depth: [1, 2] }]\n"
                             "optimizers: [{ plugin: gd, lr: [0.1, 0.2] }]\n";
  char t[1024];
  /* plugin pair and full model label (tuned lr left out) are accepted */
  snprintf(t, sizeof t, "%sreport: { baseline: deep_linear+gd }\n", head);
  expect_ok(t, &cfg);
  lnb_config_free(&cfg);
  snprintf(t, sizeof t, "%sreport: { baseline: \"deep_linear(depth=2)+gd\" }\n", head);
  expect_ok(t, &cfg);
  lnb_config_free(&cfg);
  /* a typo is refused with the closest model */
  snprintf(t, sizeof t, "%sreport: { baseline: \"deep_linear(depth=3)+gd\" }\n", head);
  expect_fail(t, LNB_EINVAL, "test.yaml:5:21: unknown report.baseline 'deep_linear(depth=3)+gd'",
              "did you mean 'deep_linear(depth=", NULL);
  snprintf(t, sizeof t, "%sreport: { baseline: linear+gd }\n", head);
  expect_fail(t, LNB_EINVAL, "unknown report.baseline 'linear+gd'", NULL);
}

/* Duplicate checks are O(n log n): 200000 grid values, 200000 seeds or keys
 * took minutes with pairwise comparison. The first repeat in file order is
 * still the one named. */
static void test_duplicates_found_fast(void **state) {
  (void)state;
  size_t n = 200000;
  char *t = malloc(n * 16 + 512), *p = t;
  assert_non_null(t);
  if (!t) return;
  p += sprintf(p, "name: x\nproblem: { plugin: lsq }\narchitectures: [{ plugin: linear }]\n"
                  "optimizers: [{ plugin: gd, lr: [");
  for (size_t i = 0; i < n; i++) p += sprintf(p, "%s%zue-9", i ? "," : "", i + 1);
  p += sprintf(p, ",7e-9,5e-9] }]\n");
  time_t t0 = time(NULL);
  expect_fail(t, LNB_EINVAL, "value 7e-09 appears twice in the grid axis (element 7 and 200001)",
              NULL);
  p = t;
  p += sprintf(p, "name: x\nseeds: [");
  for (size_t i = 0; i < n; i++) p += sprintf(p, "%s%zu", i ? "," : "", i);
  p += sprintf(p, ",12,3]\n");
  expect_fail(t, LNB_EINVAL, "seeds: seed 12 is listed twice (also element 13)", NULL);
  p = t;
  p += sprintf(p, "name: x\nstop: {");
  for (size_t i = 0; i < n; i++) p += sprintf(p, "%sk%zu: 1", i ? "," : "", i);
  p += sprintf(p, ",k5: 2}\n");
  expect_fail(t, LNB_EINVAL, "duplicate key 'k5' in stop (first given at line 2", NULL);
  assert_true(time(NULL) - t0 < 20); /* loose: a regression test for a hang */
  free(t);
}

/* Grid sugar: logspace/linspace under a numeric parameter expand to the
 * values written with 6 significant digits (int parameters rounded), range
 * checked like written values; seeds: { count, from }. Hand-computed:
 * logspace [1e-3, 1, 4] = 10^-3, 10^-2, 10^-1, 10^0; linspace [1, 3, 3] =
 * 1, 2, 3; seeds {count: 3, from: 5} = 5, 6, 7. (Before: each refused as a
 * wrong type.) */
static void test_grid_sugar(void **state) {
  (void)state;
  lnb_config cfg;
  expect_ok("name: s\nseeds: { count: 3, from: 5 }\nproblem: { plugin: lsq }\n"
            "architectures: [{ plugin: deep_linear, depth: { linspace: [1, 3, 3] } }]\n"
            "optimizers: [{ plugin: gd, lr: { logspace: [1.0e-3, 1, 4] } }]\n",
            &cfg);
  assert_int_equal(cfg.nseeds, 3);
  assert_true(cfg.seeds[0] == 5 && cfg.seeds[1] == 6 && cfg.seeds[2] == 7);
  assert_int_equal(cfg.architectures.n, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(val(&cfg.architectures.cells[i], "depth")->i, (int64_t)i + 1);
    assert_true(val(&cfg.architectures.cells[i], "depth")->axis);
  }
  static const char *lr[] = {"0.001", "0.01", "0.1", "1"};
  assert_int_equal(cfg.optimizers.n, 4);
  for (size_t i = 0; i < 4; i++)
    assert_string_equal(val(&cfg.optimizers.cells[i], "lr")->text, lr[i]);
  assert_true(val(&cfg.optimizers.cells[3], "lr")->r == 1.0);
  lnb_config_free(&cfg);
  expect_ok("name: s\nseeds: { count: 2 }\nproblem: { plugin: lsq }\n"
            "architectures: [{ plugin: linear }]\n"
            "optimizers: [{ plugin: gd, lr: { linspace: [0.5, 1, 3] } }]\n",
            &cfg);
  assert_true(cfg.seeds[0] == 0 && cfg.seeds[1] == 1);
  assert_string_equal(val(&cfg.optimizers.cells[1], "lr")->text, "0.75");
  lnb_config_free(&cfg);
  expect_fail("optimizers: [{ plugin: gd, lr: { logspace: [0, 1, 3] } }]\n", LNB_EINVAL,
              "test.yaml:1:44: parameter 'lr' of optimizer 'gd': logspace: from and to "
              "must be > 0", NULL);
  expect_fail("optimizers: [{ plugin: gd, lr: { linspace: [0, 1, 3] } }]\n", LNB_EINVAL,
              "linspace: value 1 (0):", NULL); /* lr must be > 0 */
  expect_fail("optimizers: [{ plugin: gd, lr: { linspace: [0.1, 1, 1] } }]\n", LNB_EINVAL,
              "n must be an int in [2, 100000]", NULL);
  expect_fail("optimizers: [{ plugin: gd, lr: { lnspace: [0.1, 1, 2] } }]\n", LNB_EINVAL,
              "unknown key 'lnspace' in 'lr'; did you mean 'linspace'?", NULL);
  expect_fail("architectures: [{ plugin: deep_linear, depth: { linspace: [1, 2, 3] } }]\n",
              LNB_EINVAL, "values 2 and 3 are both 2", NULL); /* 1, 1.5 -> 2, 2 */
  expect_fail("seeds: { from: 3 }\n", LNB_EINVAL, "seeds: missing 'count'", NULL);
  expect_fail("seeds: { count: 0 }\n", LNB_EINVAL, "seeds.count", NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grid_expansion),
      cmocka_unit_test(test_grid_block_style),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_grid_sugar),
      cmocka_unit_test(test_sections),
      cmocka_unit_test(test_unknown_keys),
      cmocka_unit_test(test_unknown_plugin),
      cmocka_unit_test(test_yaml_syntax),
      cmocka_unit_test(test_wrong_types),
      cmocka_unit_test(test_bad_numbers),
      cmocka_unit_test(test_required),
      cmocka_unit_test(test_list_params),
      cmocka_unit_test(test_matrix_params),
      cmocka_unit_test(test_empty_axis_and_duplicates),
      cmocka_unit_test(test_validate_hook),
      cmocka_unit_test(test_aliases_and_axes_types),
      cmocka_unit_test(test_paths_and_files),
      cmocka_unit_test(test_run_count_guards),
      cmocka_unit_test(test_nesting_depth),
      cmocka_unit_test(test_alias_expansion),
      cmocka_unit_test(test_merge_key_refused),
      cmocka_unit_test(test_control_characters_escaped),
      cmocka_unit_test(test_duplicate_cells),
      cmocka_unit_test(test_baseline_checked),
      cmocka_unit_test(test_duplicates_found_fast),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
