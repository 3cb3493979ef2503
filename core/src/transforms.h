/* transforms.h (internal) — step transforms the host applies around an
 * optimizer's step (ABI 1.5): learning-rate schedules with warmup, gradient
 * clipping, L2 and decoupled weight decay. */
#ifndef LNB_TRANSFORMS_H
#define LNB_TRANSFORMS_H

#include <stddef.h>
#include <stdint.h>

#include "lnnbench/plugin.h"

typedef enum lnb_sched_kind {
  LNB_SCHED_CONSTANT = 0,
  LNB_SCHED_STEP,
  LNB_SCHED_EXPONENTIAL,
  LNB_SCHED_COSINE,
  LNB_SCHED_LINEAR,
  LNB_SCHED_INVERSE_SQRT,
  LNB_SCHED_COUNT
} lnb_sched_kind;

/* One schedule: with t the step (from 1), T the run's budget of steps and
 * w = warmup, the factor s_t is t / w for t <= w (step w takes the full lr),
 * then with tau = t - w - 1 (0 at the first step after warmup, as torch's
 * schedulers count epochs from 0) and D = T - w (the decay horizon):
 *   constant      1
 *   step          gamma^floor(tau / step_size)
 *   exponential   gamma^tau
 *   cosine        f + (1 - f) (1 + cos(pi min(tau, D) / D)) / 2
 *   linear        1 - (1 - f) min(tau, D) / D
 *   inverse_sqrt  sqrt(max(w, 1) / t)
 * (f = min_factor; D = 0 gives 1). */
typedef struct lnb_schedule {
  int kind;          /* lnb_sched_kind */
  int64_t warmup;    /* >= 0 */
  int64_t step_size; /* step: >= 1 */
  double gamma;      /* step, exponential: in (0, 1] */
  double min_factor; /* cosine, linear: in [0, 1] */
  unsigned given;    /* LNB_SCHED_GIVEN_*: which keys the config wrote (text) */
  int line, column;  /* of the warmup value (or the schedule), for messages */
} lnb_schedule;

enum {
  LNB_SCHED_GIVEN_WARMUP = 1,
  LNB_SCHED_GIVEN_STEP_SIZE = 2,
  LNB_SCHED_GIVEN_GAMMA = 4,
  LNB_SCHED_GIVEN_MIN_FACTOR = 8
};

enum { LNB_CLIP_NONE = 0, LNB_CLIP_GLOBAL_NORM = 1, LNB_CLIP_VALUE = 2 };

/* The transforms of one optimizer cell; all zero = none (today's runs). */
typedef struct lnb_transforms {
  int has_schedule;
  lnb_schedule sched;
  int clip_kind; /* LNB_CLIP_* */
  double clip;   /* > 0 */
  double wd;     /* weight_decay (L2 in the gradient), >= 0 */
  double dwd;    /* decoupled_weight_decay, >= 0 */
} lnb_transforms;

const char *lnb_sched_kind_name(int kind);
/* kind of a name, or -1 */
int lnb_sched_kind_find(const char *name);
/* "constant|step|..." */
const char *lnb_sched_kind_list(void);

/* the factor s_t of step t (>= 1) with a budget of T steps */
double lnb_schedule_factor(const lnb_schedule *s, uint64_t t, uint64_t budget);
/* the schedule as one word for labels and columns, e.g.
 * "cosine/warmup=10/min_factor=0.1" (the keys the config gave) */
void lnb_schedule_text(const lnb_schedule *s, char *buf, size_t n);

/* Does the run change anything? (a constant schedule without warmup, zero
 * decays and no clip do not; the spec hash names only active transforms) */
int lnb_transforms_active(const lnb_transforms *x);
int lnb_schedule_active(const lnb_transforms *x);

/* Which transforms the optimizer accepts (LNB_TF_*): what it declares, or
 * for plugins older than 1.5 and undeclared tables clip and weight_decay. */
uint32_t lnb_optimizer_transforms(const lnb_plugin *opt);
/* Refuse what opt does not accept: 0, or -1 with a message in why naming
 * the optimizer and the key (the key's name in *key). */
int lnb_transforms_check(const lnb_plugin *opt, const lnb_transforms *x, const char **key,
                         char *why, size_t n);

/* The gradient transforms, in torch's order: clip (global norm over every
 * tensor, or elementwise to [-c, c]), then grad += wd * w. In place. */
void lnb_transforms_grads(const lnb_transforms *x, lnb_tensor *tensors, size_t ntensors);
/* w <- (1 - eta_wd) w on every tensor (decoupled decay, eta_wd = lr s_t dwd) */
void lnb_transforms_decay(double eta_wd, lnb_tensor *tensors, size_t ntensors);

#endif
