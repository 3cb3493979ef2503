/* transforms.c — step transforms the host applies around an optimizer's
 * step (ABI 1.5): schedules, clipping, weight decay. See transforms.h. */
#define _POSIX_C_SOURCE 200809L
#include "transforms.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "registry.h"

static const char *const sched_names[LNB_SCHED_COUNT] = {
    "constant", "step", "exponential", "cosine", "linear", "inverse_sqrt"};

const char *lnb_sched_kind_name(int kind) {
  return kind >= 0 && kind < LNB_SCHED_COUNT ? sched_names[kind] : "?";
}

int lnb_sched_kind_find(const char *name) {
  for (int k = 0; k < LNB_SCHED_COUNT; k++)
    if (strcmp(sched_names[k], name) == 0) return k;
  return -1;
}

const char *lnb_sched_kind_list(void) {
  return "constant|step|exponential|cosine|linear|inverse_sqrt";
}

double lnb_schedule_factor(const lnb_schedule *s, uint64_t t, uint64_t budget) {
  const uint64_t w = s->warmup > 0 ? (uint64_t)s->warmup : 0;
  if (t <= w) return (double)t / (double)w; /* w > 0 here since t >= 1 */
  const double tau = (double)(t - w - 1); /* 0 at the first step after warmup */
  const double D = budget > w ? (double)(budget - w) : 0.0;
  const double f = s->min_factor, frac = D > 0.0 ? fmin(tau, D) / D : 0.0;
  switch (s->kind) {
  case LNB_SCHED_STEP:
    return pow(s->gamma, floor(tau / (double)s->step_size));
  case LNB_SCHED_EXPONENTIAL:
    return pow(s->gamma, tau);
  case LNB_SCHED_COSINE:
    return D > 0.0 ? f + (1.0 - f) * 0.5 * (1.0 + cos(3.14159265358979323846 * frac)) : 1.0;
  case LNB_SCHED_LINEAR:
    return D > 0.0 ? 1.0 - (1.0 - f) * frac : 1.0;
  case LNB_SCHED_INVERSE_SQRT:
    return sqrt((double)(w > 0 ? w : 1) / (double)t);
  default:
    return 1.0;
  }
}

void lnb_schedule_text(const lnb_schedule *s, char *buf, size_t n) {
  int k = snprintf(buf, n, "%s", lnb_sched_kind_name(s->kind));
  size_t len = k > 0 ? (size_t)k : 0;
#define LNB__ST(flag, fmt, val)                                                  \
  if ((s->given & (flag)) && len < n) {                                          \
    k = snprintf(buf + len, n - len, fmt, val);                                  \
    len += k > 0 ? (size_t)k : 0;                                                \
  }
  LNB__ST(LNB_SCHED_GIVEN_WARMUP, "/warmup=%lld", (long long)s->warmup)
  LNB__ST(LNB_SCHED_GIVEN_STEP_SIZE, "/step_size=%lld", (long long)s->step_size)
  LNB__ST(LNB_SCHED_GIVEN_GAMMA, "/gamma=%.12g", s->gamma)
  LNB__ST(LNB_SCHED_GIVEN_MIN_FACTOR, "/min_factor=%.12g", s->min_factor)
#undef LNB__ST
}

int lnb_schedule_active(const lnb_transforms *x) {
  return x->has_schedule && !(x->sched.kind == LNB_SCHED_CONSTANT && x->sched.warmup == 0);
}

int lnb_transforms_active(const lnb_transforms *x) {
  return lnb_schedule_active(x) || x->clip_kind != LNB_CLIP_NONE || x->wd != 0.0 ||
         x->dwd != 0.0;
}

uint32_t lnb_optimizer_transforms(const lnb_plugin *opt) {
  const lnb_optimizer_ops *o = opt->ops;
  uint32_t tf = 0;
  if (o && offsetof(lnb_optimizer_ops, transforms) + sizeof o->transforms <= o->struct_size)
    tf = o->transforms;
  if (!(tf & LNB_TF_DECLARED)) return LNB_TF_CLIP | LNB_TF_WEIGHT_DECAY;
  /* a schedule needs lr and set_lr_scale, decoupled decay lr */
  if (!LNB_OPT_OP(lnb_optimizer_ops, o, lr)) tf &= ~(LNB_TF_SCHEDULE | LNB_TF_DECOUPLED);
  if (!LNB_OPT_OP(lnb_optimizer_ops, o, set_lr_scale)) tf &= ~LNB_TF_SCHEDULE;
  return tf & LNB_TF_ALL;
}

int lnb_transforms_check(const lnb_plugin *opt, const lnb_transforms *x, const char **key,
                         char *why, size_t n) {
  uint32_t tf = lnb_optimizer_transforms(opt);
  const lnb_optimizer_ops *o = opt->ops;
  const char *note = LNB_OPT_OP(lnb_optimizer_ops, o, transforms_note);
  int declared = o && offsetof(lnb_optimizer_ops, transforms) + sizeof o->transforms <=
                          o->struct_size && (o->transforms & LNB_TF_DECLARED);
  int has_lr = LNB_OPT_OP(lnb_optimizer_ops, o, lr) != NULL;
  struct {
    int given;
    uint32_t flag;
    const char *key, *what;
  } want[] = {
      {x->has_schedule, LNB_TF_SCHEDULE, "schedule", "a learning-rate schedule"},
      {x->clip_kind != LNB_CLIP_NONE, LNB_TF_CLIP, "clip", "gradient clipping"},
      {x->wd != 0.0, LNB_TF_WEIGHT_DECAY, "weight_decay", "L2 weight decay in the gradient"},
      {x->dwd != 0.0, LNB_TF_DECOUPLED, "decoupled_weight_decay", "decoupled weight decay"},
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    if (!want[i].given || (tf & want[i].flag)) continue;
    *key = want[i].key;
    const char *reason;
    if (!declared)
      reason = "it declares no step transforms (built for plugin ABI 1.4 or older, or "
               "`transforms` left 0): only clip and weight_decay are applied to it";
    else if (note)
      reason = note;
    else if ((want[i].flag & (LNB_TF_SCHEDULE | LNB_TF_DECOUPLED)) && !has_lr)
      reason = "it has no step size (lr) to scale";
    else
      reason = "it does not declare it";
    snprintf(why, n, "optimizer '%s' does not accept %s: %s", opt->name, want[i].what, reason);
    return -1;
  }
  return 0;
}

void lnb_transforms_grads(const lnb_transforms *x, lnb_tensor *tensors, size_t ntensors) {
  if (x->clip_kind == LNB_CLIP_GLOBAL_NORM) {
    double s2 = 0.0;
    for (size_t j = 0; j < ntensors; j++) {
      const double *g = tensors[j].grad;
      for (size_t i = 0, m = tensors[j].rows * tensors[j].cols; i < m; i++) s2 += g[i] * g[i];
    }
    const double norm = sqrt(s2);
    if (norm > x->clip) { /* g <- g c / ||g|| (Optax clip_by_global_norm) */
      const double f = x->clip / norm;
      for (size_t j = 0; j < ntensors; j++) {
        double *g = tensors[j].grad;
        for (size_t i = 0, m = tensors[j].rows * tensors[j].cols; i < m; i++) g[i] *= f;
      }
    }
  } else if (x->clip_kind == LNB_CLIP_VALUE) {
    const double c = x->clip;
    for (size_t j = 0; j < ntensors; j++) {
      double *g = tensors[j].grad;
      for (size_t i = 0, m = tensors[j].rows * tensors[j].cols; i < m; i++)
        g[i] = g[i] > c ? c : g[i] < -c ? -c : g[i];
    }
  }
  if (x->wd != 0.0) {
    const double wd = x->wd;
    for (size_t j = 0; j < ntensors; j++) {
      double *g = tensors[j].grad;
      const double *w = tensors[j].data;
      for (size_t i = 0, m = tensors[j].rows * tensors[j].cols; i < m; i++) g[i] += wd * w[i];
    }
  }
}

void lnb_transforms_decay(double eta_wd, lnb_tensor *tensors, size_t ntensors) {
  const double f = 1.0 - eta_wd;
  for (size_t j = 0; j < ntensors; j++) {
    double *w = tensors[j].data;
    for (size_t i = 0, m = tensors[j].rows * tensors[j].cols; i < m; i++) w[i] *= f;
  }
}
