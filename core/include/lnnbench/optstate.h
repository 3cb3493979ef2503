/* lnnbench/optstate.h — per-element state buffers for elementwise
 * optimizers (momentum, adagrad, adadelta, adam; header only, installed with
 * the SDK beside plugin.h; in-tree plugins may still include
 * "lnbp_optstate.h").
 *
 * create() calls lnbp_optstate_init, which records the shapes of the model's
 * tensors and allocates nbuf zero-filled buffers, each holding one double per
 * parameter of every tensor, laid out tensor after tensor. step() calls
 * lnbp_optstate_check (no allocation) and walks the tensors with a running
 * offset into the buffers, e.g. for buffer 0 as a velocity v:
 *
 *   double *v = lnbp_optstate_buf(&S, 0);
 *   for (size_t j = 0, off = 0; j < model->ntensors; j++) {
 *     lnb_tensor *T = &model->tensors[j];
 *     for (size_t i = 0; i < T->rows * T->cols; i++, off++) ... v[off] ...
 *   }
 *
 * All memory through the host table; destroy() calls lnbp_optstate_free.
 * LNBP_LR_HOOKS defines the ABI 1.5 lr / set_lr_scale hooks.
 */
#ifndef LNNBENCH_OPTSTATE_H
#define LNNBENCH_OPTSTATE_H
#define LNBP_OPTSTATE_H /* the old in-tree name of this guard */

#include <stddef.h>
#include <stdint.h>

#include "lnnbench/plugin.h"

typedef struct lnbp_optstate {
  size_t ntensors; /* number of tensors seen at create */
  size_t total;    /* sum of rows * cols over them */
  size_t nbuf;     /* number of state buffers */
  size_t *shape;   /* 2 * ntensors: rows, cols */
  double *buf;     /* nbuf * total doubles, zero at create */
} lnbp_optstate;

static inline void lnbp_optstate_free(const lnb_host *h, lnbp_optstate *S) {
  if (S->shape) h->free(S->shape);
  if (S->buf) h->free(S->buf);
  S->shape = NULL;
  S->buf = NULL;
}

/* Allocate nbuf zeroed buffers matching the model's tensors. */
static inline int lnbp_optstate_init(const lnb_host *h, const lnb_model *model, size_t nbuf,
                                     lnbp_optstate *S, lnb_error *err) {
  S->ntensors = model->ntensors;
  S->nbuf = nbuf;
  S->total = 0;
  S->shape = NULL;
  S->buf = NULL;
  for (size_t j = 0; j < model->ntensors; j++) {
    const lnb_tensor *T = &model->tensors[j];
    if (T->cols && T->rows > SIZE_MAX / T->cols)
      return h->error(err, LNB_EINVAL, "tensor '%s' is too large", T->name ? T->name : "?");
    size_t n = T->rows * T->cols;
    if (n > SIZE_MAX - S->total)
      return h->error(err, LNB_EINVAL, "model of architecture '%s' is too large",
                      model->architecture ? model->architecture : "?");
    S->total += n;
  }
  if (nbuf && S->total > SIZE_MAX / sizeof(double) / nbuf)
    return h->error(err, LNB_EINVAL, "optimizer state too large (%zu parameters)", S->total);
  S->shape = h->alloc((S->ntensors ? 2 * S->ntensors : 1) * sizeof(size_t));
  S->buf = h->alloc((nbuf && S->total ? nbuf * S->total : 1) * sizeof(double));
  if (!S->shape || !S->buf) {
    lnbp_optstate_free(h, S);
    return h->error(err, LNB_ENOMEM, "out of memory (optimizer state, %zu parameters)",
                    S->total);
  }
  for (size_t j = 0; j < model->ntensors; j++) {
    S->shape[2 * j] = model->tensors[j].rows;
    S->shape[2 * j + 1] = model->tensors[j].cols;
  }
  return LNB_OK;
}

/* buffer b (0 <= b < nbuf) */
static inline double *lnbp_optstate_buf(const lnbp_optstate *S, size_t b) {
  return S->buf + b * S->total;
}

/* The model stepped must have the tensors the state was sized for. */
static inline int lnbp_optstate_check(const lnb_host *h, const lnbp_optstate *S,
                                      const lnb_model *model, const char *who, lnb_error *err) {
  if (model->ntensors != S->ntensors)
    return h->error(err, LNB_EINVAL, "%s: the model has %zu tensors, its state was sized for %zu",
                    who, model->ntensors, S->ntensors);
  for (size_t j = 0; j < S->ntensors; j++) {
    const lnb_tensor *T = &model->tensors[j];
    if (T->rows != S->shape[2 * j] || T->cols != S->shape[2 * j + 1])
      return h->error(err, LNB_EINVAL,
                      "%s: tensor %zu ('%s') is %zu x %zu, its state was sized for %zu x %zu",
                      who, j, T->name ? T->name : "?", T->rows, T->cols, S->shape[2 * j],
                      S->shape[2 * j + 1]);
  }
  return LNB_OK;
}

/* The step-transform hooks (ABI 1.5) of an optimizer whose state struct
 * `type` holds its configured step size in `field` and the schedule's factor
 * in `field##_scale` (set to 1.0 in create; the step uses field *
 * field##_scale): defines prefix##_lr and prefix##_set_lr_scale for the ops
 * table's .lr and .set_lr_scale. */
#define LNBP_LR_HOOKS(prefix, type, field)                                      \
  static double prefix##_lr(const void *self) { return ((const type *)self)->field; } \
  static void prefix##_set_lr_scale(void *self, double s) { ((type *)self)->field##_scale = s; }

#endif
