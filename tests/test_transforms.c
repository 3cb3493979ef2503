/* test_transforms.c — the host's step transforms (ABI 1.5): schedule
 * factors against hand-computed values, clipping and L2 decay on tensors,
 * the refusals of optimizers that do not accept a transform (old plugins
 * among them), and whole steps through the harness (gd and adam with
 * schedule + clip + weight decay + decoupled decay) against hand-traced
 * updates from the rules' defining statements. */
#include "test_plugin_util.h"

#include "results.h"
#include "transforms.h"

static lnb_schedule sched(int kind, int64_t warmup) {
  lnb_schedule s;
  memset(&s, 0, sizeof s);
  s.kind = kind;
  s.warmup = warmup;
  s.gamma = 0.1;
  return s;
}

#define FACTOR(s, t, T, want) assert_float_equal(lnb_schedule_factor(&(s), (t), (T)), (want), 1e-15)

/* s_t = t/w for t <= w; then tau = t - w - 1, D = T - w */
static void test_schedule_factors(void **state) {
  (void)state;
  /* cosine, warmup 10, budget 110: D = 100 */
  lnb_schedule s = sched(LNB_SCHED_COSINE, 10);
  FACTOR(s, 1, 110, 0.1);
  FACTOR(s, 5, 110, 0.5);
  FACTOR(s, 10, 110, 1.0);
  FACTOR(s, 11, 110, 1.0);                      /* tau 0 */
  FACTOR(s, 61, 110, 0.5);                      /* tau 50: (1 + cos(pi/2)) / 2 */
  FACTOR(s, 36, 110, 0.8535533905932737);       /* tau 25: (1 + cos(pi/4)) / 2 */
  FACTOR(s, 110, 110, 0.0002467198171342);      /* tau 99: (1 - cos(pi/100)) / 2 */
  FACTOR(s, 500, 110, 0.0);                     /* past the budget: held at the end */
  s.min_factor = 0.1;
  FACTOR(s, 61, 110, 0.55); /* 0.1 + 0.9 * 0.5 */
  FACTOR(s, 10, 110, 1.0);
  /* linear, no warmup, budget 100, min_factor 0.2 */
  s = sched(LNB_SCHED_LINEAR, 0);
  s.min_factor = 0.2;
  FACTOR(s, 1, 100, 1.0);
  FACTOR(s, 51, 100, 0.6); /* 1 - 0.8 * 50/100 */
  FACTOR(s, 100, 100, 0.208);
  /* step: step_size 3, gamma 0.5, warmup 2 */
  s = sched(LNB_SCHED_STEP, 2);
  s.step_size = 3;
  s.gamma = 0.5;
  FACTOR(s, 1, 100, 0.5);
  FACTOR(s, 2, 100, 1.0);
  FACTOR(s, 5, 100, 1.0);
  FACTOR(s, 6, 100, 0.5);
  FACTOR(s, 9, 100, 0.25);
  /* exponential gamma 0.9, no warmup: gamma^(t-1) */
  s = sched(LNB_SCHED_EXPONENTIAL, 0);
  s.gamma = 0.9;
  FACTOR(s, 1, 100, 1.0);
  FACTOR(s, 3, 100, 0.81);
  /* inverse_sqrt: sqrt(max(w, 1) / t) after warmup */
  s = sched(LNB_SCHED_INVERSE_SQRT, 4);
  FACTOR(s, 2, 100, 0.5);
  FACTOR(s, 4, 100, 1.0);
  FACTOR(s, 16, 100, 0.5);
  s = sched(LNB_SCHED_INVERSE_SQRT, 0);
  FACTOR(s, 1, 100, 1.0);
  FACTOR(s, 4, 100, 0.5);
  /* constant */
  s = sched(LNB_SCHED_CONSTANT, 0);
  FACTOR(s, 7, 10, 1.0);
  s = sched(LNB_SCHED_CONSTANT, 4);
  FACTOR(s, 1, 10, 0.25);
  FACTOR(s, 7, 10, 1.0);
}

static void test_clip_and_l2(void **state) {
  (void)state;
  /* two tensors whose gradients have global norm 5 */
  double g1[2] = {3, 0}, g2[2] = {0, 4}, w1[2] = {1, 2}, w2[2] = {-1, 0.5};
  lnb_tensor T[2] = {{"a", w1, g1, 1, 2, LNB_EUCLIDEAN}, {"b", w2, g2, 2, 1, LNB_EUCLIDEAN}};
  lnb_transforms x;
  memset(&x, 0, sizeof x);
  x.clip_kind = LNB_CLIP_GLOBAL_NORM;
  x.clip = 10.0; /* above the norm: untouched, bitwise */
  lnb_transforms_grads(&x, T, 2);
  assert_true(g1[0] == 3.0 && g1[1] == 0.0 && g2[0] == 0.0 && g2[1] == 4.0);
  x.clip = 1.0; /* g <- g / 5 */
  lnb_transforms_grads(&x, T, 2);
  assert_float_equal(g1[0], 0.6, 1e-15);
  assert_float_equal(g2[1], 0.8, 1e-15);
  assert_true(g1[1] == 0.0 && g2[0] == 0.0);
  /* by value to [-c, c], then L2: g + wd w (torch: clip before step, decay in it) */
  double g3[3] = {3, -5, 1}, w3[3] = {1, 2, -4};
  lnb_tensor T3 = {"c", w3, g3, 1, 3, LNB_EUCLIDEAN};
  memset(&x, 0, sizeof x);
  x.clip_kind = LNB_CLIP_VALUE;
  x.clip = 2.0;
  x.wd = 0.5;
  lnb_transforms_grads(&x, &T3, 1);
  assert_float_equal(g3[0], 2.0 + 0.5, 1e-15);
  assert_float_equal(g3[1], -2.0 + 1.0, 1e-15);
  assert_float_equal(g3[2], 1.0 - 2.0, 1e-15);
  lnb_transforms_decay(0.25, &T3, 1);
  assert_float_equal(w3[0], 0.75, 1e-15);
  assert_float_equal(w3[2], -3.0, 1e-15);
}

/* ------------------------------------------------------------ refusals */

static int fake_create(const lnb_host *h, const lnb_params *p, lnb_model *m, uint64_t s,
                       void **self, lnb_error *err) {
  (void)h, (void)p, (void)m, (void)s, (void)err;
  *self = NULL;
  return LNB_ENOTSUP;
}
static void fake_destroy(void *self) { (void)self; }
static int fake_step(void *self, lnb_model *m, uint64_t t, lnb_error *err) {
  (void)self, (void)m, (void)t, (void)err;
  return LNB_OK;
}
static double fake_lr(const void *self) {
  (void)self;
  return 1.0;
}
static void fake_scale(void *self, double s) { (void)self, (void)s; }

static void test_refusals(void **state) {
  (void)state;
  /* an optimizer built for ABI 1.4: its table ends before `transforms` */
  lnb_optimizer_ops old = {.struct_size = offsetof(lnb_optimizer_ops, transforms),
                           .create = fake_create,
                           .destroy = fake_destroy,
                           .step = fake_step,
                           .uses = LNB_USES_DECLARED};
  lnb_plugin pl = {LNB_ABI_MAJOR, 4, sizeof pl, LNB_OPTIMIZER, "old14", "x", NULL, &old, NULL};
  lnb_transforms x;
  memset(&x, 0, sizeof x);
  const char *key = NULL;
  char why[512];
  assert_int_equal(lnb_optimizer_transforms(&pl), LNB_TF_CLIP | LNB_TF_WEIGHT_DECAY);
  x.clip_kind = LNB_CLIP_VALUE, x.clip = 1.0, x.wd = 0.1;
  assert_int_equal(lnb_transforms_check(&pl, &x, &key, why, sizeof why), 0);
  x.has_schedule = 1;
  x.sched = sched(LNB_SCHED_COSINE, 0);
  assert_int_equal(lnb_transforms_check(&pl, &x, &key, why, sizeof why), -1);
  assert_string_equal(key, "schedule");
  assert_non_null(strstr(why, "'old14'"));
  assert_non_null(strstr(why, "1.4 or older"));
  x.has_schedule = 0, x.dwd = 0.1;
  assert_int_equal(lnb_transforms_check(&pl, &x, &key, why, sizeof why), -1);
  assert_string_equal(key, "decoupled_weight_decay");

  /* declared, but no lr: a schedule and decoupled decay have nothing to scale */
  lnb_optimizer_ops nolr = old;
  nolr.struct_size = sizeof nolr;
  nolr.transforms = LNB_TF_DECLARED | LNB_TF_ALL;
  pl.ops = &nolr;
  assert_int_equal(lnb_optimizer_transforms(&pl), LNB_TF_CLIP | LNB_TF_WEIGHT_DECAY);
  assert_int_equal(lnb_transforms_check(&pl, &x, &key, why, sizeof why), -1);
  assert_non_null(strstr(why, "no step size"));
  /* with lr but no set_lr_scale: decoupled decay yes, schedule no */
  nolr.lr = fake_lr;
  assert_int_equal(lnb_transforms_check(&pl, &x, &key, why, sizeof why), 0);
  x.has_schedule = 1;
  assert_int_equal(lnb_transforms_check(&pl, &x, &key, why, sizeof why), -1);
  assert_string_equal(key, "schedule");
  nolr.set_lr_scale = fake_scale;
  assert_int_equal(lnb_transforms_check(&pl, &x, &key, why, sizeof why), 0);

  /* in-tree: power_projection refuses a schedule, quoting its note */
  const lnb_plugin *pp = tp_plugin(LNB_OPTIMIZER, "power_projection");
  assert_int_equal(lnb_transforms_check(pp, &x, &key, why, sizeof why), -1);
  assert_non_null(strstr(why, "projection"));
  const char *const accepting[] = {"gd", "momentum", "adagrad", "adadelta", "adam"};
  for (size_t i = 0; i < sizeof accepting / sizeof *accepting; i++)
    assert_int_equal(lnb_optimizer_transforms(tp_plugin(LNB_OPTIMIZER, accepting[i])),
                     LNB_TF_ALL);
}

/* ------------------------------------------------- through the harness */

#define TR_HEAD                                                                           \
  "name: tf\nseeds: [3]\nproblem: {plugin: lsq, m: 20, d: 4, k: 2, condition: 5, noise: 0.1, " \
  "seed: 2}\narchitectures: [{plugin: linear, init: gaussian, init_std: 0.5}]\n"

/* gd, lr 0.1, cosine with warmup 2 over a budget of 4 steps (s = 0.5, 1, 1,
 * 0.5), clip by global norm 0.05, decoupled decay 0.5:
 *   g' = g min(1, 0.05 / ||g||);  w <- w (1 - 0.1 s 0.5) - 0.1 s g' */
static void test_gd_traced(void **state) {
  (void)state;
  tp_trace tr;
  tp_trace_open(&tr, TR_HEAD "optimizers: [{plugin: gd, lr: 0.1, schedule: {kind: cosine, "
                          "warmup: 2}, clip: {global_norm: 0.05}, "
                          "decoupled_weight_decay: 0.5}]\nstop: {max_iters: 4}\n");
  const double s[4] = {0.5, 1.0, 1.0, 0.5};
  lnb_tensor *T = &tr.m->tensors[0];
  size_t n = T->rows * T->cols;
  double want[8];
  assert_true(n <= 8);
  int clipped = 0;
  for (uint64_t t = 1; t <= 4; t++) {
    double g2 = 0.0;
    for (size_t i = 0; i < n; i++) g2 += T->grad[i] * T->grad[i];
    double f = sqrt(g2) > 0.05 ? 0.05 / sqrt(g2) : 1.0, eta = 0.1 * s[t - 1];
    clipped += f < 1.0;
    for (size_t i = 0; i < n; i++) want[i] = T->data[i] * (1.0 - eta * 0.5) - eta * f * T->grad[i];
    tp_trace_step(&tr, t);
    for (size_t i = 0; i < n; i++) assert_float_equal(T->data[i], want[i], 1e-14);
  }
  assert_true(clipped > 0); /* the clip did act */
  tp_trace_close(&tr);
}

/* adam (epsilon_mode standard = torch), lr 0.01, linear schedule warmup 1,
 * min_factor 0.2 over 5 steps (s = 1, 1, 0.8, 0.6, 0.4), weight_decay 0.2
 * (L2), decoupled 0.1: torch's AdamW with the L2 term of torch's Adam:
 *   g' = g + 0.2 w;  w <- w (1 - eta 0.1);  m <- b1 m + (1-b1) g';
 *   v <- b2 v + (1-b2) g'^2;  w <- w - eta m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) */
static void test_adam_traced(void **state) {
  (void)state;
  tp_trace tr;
  tp_trace_open(&tr, TR_HEAD "optimizers: [{plugin: adam, lr: 0.01, epsilon_mode: standard, "
                          "schedule: {kind: linear, warmup: 1, min_factor: 0.2}, "
                          "weight_decay: 0.2, decoupled_weight_decay: 0.1}]\n"
                          "stop: {max_iters: 5}\n");
  const double s[5] = {1.0, 1.0, 0.8, 0.6, 0.4}, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  lnb_tensor *T = &tr.m->tensors[0];
  size_t n = T->rows * T->cols;
  double m[8] = {0}, v[8] = {0}, want[8];
  assert_true(n <= 8);
  for (uint64_t t = 1; t <= 5; t++) {
    double eta = 0.01 * s[t - 1];
    for (size_t i = 0; i < n; i++) {
      double g = T->grad[i] + 0.2 * T->data[i];
      double w = T->data[i] * (1.0 - eta * 0.1);
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      double mh = m[i] / (1 - pow(b1, (double)t)), vh = v[i] / (1 - pow(b2, (double)t));
      want[i] = w - eta * mh / (sqrt(vh) + eps);
    }
    tp_trace_step(&tr, t);
    for (size_t i = 0; i < n; i++) assert_float_equal(T->data[i], want[i], 1e-13);
  }
  tp_trace_close(&tr);
}

/* Every optimizer that accepts a schedule scales its step by the host's
 * factor and by nothing else: three steps at lr 0.01 under a linear warmup
 * of 4 (factors 1/4, 1/2, 3/4) equal, bit for bit, three steps at lr 0.02
 * under a warmup of 8 (factors 1/8, 2/8, 3/8) — the same lr x factor each
 * step, exactly (powers of two). A plugin that ignored set_lr_scale, applied
 * it twice, or let the factor reach its state other than through lr, would
 * differ (checked: dropping the scale in gd's step fails here). */
static void three_steps(const char *opt, double lr, int warmup, double *out, size_t *n) {
  tp_trace tr;
  char text[1024];
  snprintf(text, sizeof text,
           TR_HEAD "optimizers: [{plugin: %s, lr: %.17g, schedule: {kind: linear, warmup: %d}}]\n"
                   "stop: {max_iters: 10}\n",
           opt, lr, warmup);
  tp_trace_open(&tr, text);
  for (uint64_t t = 1; t <= 3; t++) tp_trace_step(&tr, t);
  lnb_tensor *T = &tr.m->tensors[0];
  *n = T->rows * T->cols;
  assert_true(*n <= 16);
  memcpy(out, T->data, *n * sizeof *out);
  tp_trace_close(&tr);
}

static void test_schedule_scales_every_optimizer(void **state) {
  (void)state;
  static const char *const names[] = {"gd",    "momentum", "adagrad", "adadelta", "adam",
                                      "adamw", "nadam",    "rmsprop", "lion"};
  for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
    double a[16], b[16], z[16];
    size_t na, nb, nz;
    three_steps(names[k], 0.01, 4, a, &na);
    three_steps(names[k], 0.02, 8, b, &nb);
    three_steps(names[k], 0.01, 8, z, &nz); /* half the step: must differ */
    assert_int_equal(na, nb);
    if (memcmp(a, b, na * sizeof *a) != 0)
      fail_msg("%s: lr 0.01 x t/4 and lr 0.02 x t/8 give different iterates", names[k]);
    if (memcmp(a, z, na * sizeof *a) == 0)
      fail_msg("%s: the schedule's factor does not reach the step", names[k]);
  }
}

/* the lr metric: lr times the factor of the last step (of step 1 at 0) */
static void test_lr_metric(void **state) {
  (void)state;
  lnb_config cfg;
  tp_load(TR_HEAD "optimizers: [{plugin: gd, lr: 0.1, schedule: {kind: cosine, warmup: 2}}, "
                  "{plugin: gd, lr: 0.1}]\nstop: {max_iters: 4}\n"
                  "record: {every: 1, metrics: [lr]}\n",
          &cfg);
  size_t n = 0;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(n, 2);
  const double want[5] = {0.05, 0.05, 0.1, 0.1, 0.05};
  assert_int_equal(r[0].ncheckpoints, 5);
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(r[0].checkpoints[i].iteration, i);
    assert_float_equal(r[0].checkpoints[i].metrics[0], want[i], 1e-15);
    assert_true(r[1].checkpoints[i].metrics[0] == 0.1);
  }
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

/* Without transforms nothing changes: a constant schedule without warmup and
 * zero decays hash as if absent; a schedule whose factor is always 1.0
 * (cosine with min_factor 1) calls set_lr_scale every step and gives
 * bit-identical trajectories to no schedule at all. */
static void test_defaults_identical(void **state) {
  (void)state;
  static const char *const opts[] = {"{plugin: adam, lr: 0.01}", "{plugin: gd, lr: 0.1}",
                                     "{plugin: momentum, lr: 0.05}",
                                     "{plugin: adagrad, lr: 0.05}", "{plugin: adadelta}"};
  for (size_t q = 0; q < sizeof opts / sizeof *opts; q++) {
    char text[3][1024];
    char base[256];
    snprintf(base, sizeof base, "%.*s", (int)strlen(opts[q]) - 1, opts[q]);
    snprintf(text[0], sizeof text[0], TR_HEAD "optimizers: [%s}]\nstop: {max_iters: 30}\n",
             base);
    snprintf(text[1], sizeof text[1],
             TR_HEAD "optimizers: [%s, schedule: {kind: constant}, decoupled_weight_decay: 0, "
                     "clip: [{global_norm: 1e300}]}]\nstop: {max_iters: 30}\n",
             base);
    snprintf(text[2], sizeof text[2],
             TR_HEAD "optimizers: [%s, schedule: {kind: cosine, min_factor: 1}}]\n"
                     "stop: {max_iters: 30}\n",
             base);
    lnb_config cfg[3];
    lnb_run_result *r[3];
    uint64_t h[3];
    for (int k = 0; k < 3; k++) {
      tp_load(text[k], &cfg[k]);
      size_t n = 0;
      lnb_run_spec *runs = lnb_expand_runs(&cfg[k], &n);
      assert_int_equal(n, 1);
      h[k] = lnb_run_spec_hash(&cfg[k], &runs[0]);
      free(runs);
      r[k] = tp_run_all(&cfg[k], &n);
    }
    assert_true(h[0] != h[1]); /* the clip is active (if never acting) */
    assert_true(h[0] != h[2]);
    for (int k = 1; k < 3; k++) {
      assert_int_equal(r[k]->ncheckpoints, r[0]->ncheckpoints);
      for (size_t i = 0; i < r[0]->ncheckpoints; i++)
        assert_true(r[k]->checkpoints[i].loss == r[0]->checkpoints[i].loss);
      assert_true(r[k]->final_loss == r[0]->final_loss);
    }
    for (int k = 0; k < 3; k++) {
      tp_free_all(r[k], 1);
      lnb_config_free(&cfg[k]);
    }
  }
  /* hash: no keys == constant schedule without warmup and zero decays */
  lnb_config a, b;
  tp_load(TR_HEAD "optimizers: [{plugin: adam}]\n", &a);
  tp_load(TR_HEAD "optimizers: [{plugin: adam, schedule: {kind: constant}, weight_decay: 0, "
                  "decoupled_weight_decay: 0}]\n",
          &b);
  size_t n;
  lnb_run_spec *ra = lnb_expand_runs(&a, &n), *rb = lnb_expand_runs(&b, &n);
  assert_true(lnb_run_spec_hash(&a, ra) == lnb_run_spec_hash(&b, rb));
  free(ra);
  free(rb);
  lnb_config_free(&a);
  lnb_config_free(&b);
}

/* Grid axes: lists of schedules, clips and decays multiply the block's cells
 * and appear in their labels. */
static void test_grid_axes(void **state) {
  (void)state;
  lnb_config cfg;
  tp_load(TR_HEAD "optimizers: [{plugin: adam, lr: [0.1, 0.01], schedule: [{kind: cosine, "
                  "warmup: 3}, {kind: step, step_size: 2, gamma: 0.5}], "
                  "decoupled_weight_decay: [0, 0.01, 0.1]}]\nstop: {max_iters: 10}\n",
          &cfg);
  assert_int_equal(cfg.optimizers.n, 12);
  char *label = lnb_cell_label(&cfg.optimizers.cells[0], NULL, 0);
  assert_string_equal(label, "adam(lr=0.1,schedule=cosine/warmup=3,decoupled_weight_decay=0)");
  free(label);
  label = lnb_cell_label(&cfg.optimizers.cells[11], NULL, 0);
  assert_string_equal(label,
                      "adam(lr=0.01,schedule=step/step_size=2/gamma=0.5,"
                      "decoupled_weight_decay=0.1)");
  free(label);
  lnb_config_free(&cfg);
  /* gd's own weight_decay parameter stays the plugin's */
  tp_load(TR_HEAD "optimizers: [{plugin: gd, weight_decay: 0.1}]\n", &cfg);
  assert_int_equal(cfg.optimizers.cells[0].tf.wd, 0.0);
  assert_false(cfg.optimizers.cells[0].given & LNB_GIVEN_WEIGHT_DECAY);
  lnb_config_free(&cfg);
}

/* A mini-batch run's budget is its epochs' steps: 20 samples in batches of
 * 6 take 4 steps an epoch (6, 6, 6, 2), 2.5 epochs 8 + 2 = 10 steps. A
 * linear schedule over them reaches min_factor + (1 - min_factor)/10 at
 * step 10. */
static void test_minibatch_budget(void **state) {
  (void)state;
  lnb_config cfg;
  tp_load(TR_HEAD "optimizers: [{plugin: gd, lr: 0.1, batch_size: 6, schedule: {kind: "
                  "linear}}]\nstop: {max_iters: 1000, max_epochs: 2.5}\n"
                  "record: {every: 1, metrics: [lr]}\n",
          &cfg);
  size_t n = 0;
  lnb_run_result *r = tp_run_all(&cfg, &n);
  assert_int_equal(r[0].iterations, 10);
  const lnb_checkpoint *last = &r[0].checkpoints[r[0].ncheckpoints - 1];
  assert_int_equal(last->iteration, 10);
  assert_float_equal(last->metrics[0], 0.1 * 0.1, 1e-15); /* 1 - 9/10 */
  tp_free_all(r, n);
  lnb_config_free(&cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schedule_factors), cmocka_unit_test(test_clip_and_l2),
      cmocka_unit_test(test_refusals),         cmocka_unit_test(test_gd_traced),
      cmocka_unit_test(test_adam_traced), cmocka_unit_test(test_schedule_scales_every_optimizer),      cmocka_unit_test(test_lr_metric),
      cmocka_unit_test(test_defaults_identical), cmocka_unit_test(test_grid_axes),
      cmocka_unit_test(test_minibatch_budget),
  };
  return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
