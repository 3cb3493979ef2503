/* lnnbench/plugin.h — the one header a plugin includes.
 *
 * A plugin shared object exports exactly one symbol, lnb_plugin_entry, which
 * the host calls with index 0, 1, 2, ... until it returns NULL. Each returned
 * descriptor is one problem, architecture or optimizer. Descriptors are
 * append-only: the host reads no field past struct_size, and a descriptor with
 * another ABI major is refused.
 *
 * Conventions
 *   - float64 everywhere; matrices are row-major and contiguous.
 *   - The end-to-end matrix W_e is k x d (k outputs, d inputs): the model
 *     computes y = W_e x.
 *   - create() allocates everything; step()/eval()/backward() never allocate.
 *   - Optional ops may be NULL. Fallible ops return LNB_OK or a negative
 *     lnb_status and fill the lnb_error via host->error().
 */
#ifndef LNNBENCH_PLUGIN_H
#define LNNBENCH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lnnbench/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LNB_ABI_MAJOR 1
#define LNB_ABI_MINOR 5 /* 1.1: host read_libsvm; metrics in problem/arch ops;
                          1.2: optional flops estimates in problem/arch/optimizer ops;
                          1.3: what a run uses (optimizer ops.uses, problem_info
                               uses/metrics), so architectures size only that;
                          1.4: sample-level problems (nsamples, batch_prepare,
                               eval_rows, eval_split); host read_idx;
                          1.5: step transforms (optimizer ops.transforms, lr,
                               set_lr_scale, transforms_note); host
                               note_data_file; predictor architectures
                               (forward/backward_outputs on batches of inputs)
                               and the problem ops that feed them (inputs,
                               loss_outputs, split_samples, shape);
                               arch ops gradient_note */

#if defined(_WIN32)
#define LNB_EXPORT __declspec(dllexport)
#else
#define LNB_EXPORT __attribute__((visibility("default")))
#endif

typedef enum lnb_kind {
  LNB_PROBLEM = 1,
  LNB_ARCHITECTURE = 2,
  LNB_OPTIMIZER = 3
} lnb_kind;

/* ---------------------------------------------------------------- params */

typedef enum lnb_type {
  LNB_T_INT = 1,   /* 64-bit integer; YAML 3 or 1e3 (exact integers only) */
  LNB_T_REAL,      /* finite double; 1e-3, 1.0e-3, 2 */
  LNB_T_BOOL,      /* true / false */
  LNB_T_STRING,    /* any scalar text (paths, names) */
  LNB_T_ENUM,      /* one of spec.choices, "a|b|c" */
  LNB_T_INT_LIST,  /* flow list of integers; a list of lists is a grid axis */
  LNB_T_REAL_LIST, /* flow list of reals; a list of lists is a grid axis */
  LNB_T_MATRIX     /* list of equal-length rows of reals (or one flat row) */
} lnb_type;

/* One declared parameter. Arrays of specs end with an entry whose name is
 * NULL. Every YAML key of a plugin block is validated against these.
 *   default_value: text parsed like YAML input; NULL = no default (the
 *                  parameter is "unset" unless given; see LNB_P_REQUIRED).
 *   range:         for INT/REAL (and list elements), an interval such as
 *                  "(0, inf)", "[1, 64]", "[0, 1)"; NULL = any finite value.
 *   choices:       for ENUM, "a|b|c". */
typedef struct lnb_param_spec {
  const char *name;
  lnb_type type;
  const char *default_value;
  const char *help;
  const char *range;
  const char *choices;
  uint32_t flags;
} lnb_param_spec;

#define LNB_P_REQUIRED 0x1u /* must be given in the config */
#define LNB_P_NOGRID 0x2u   /* a YAML list here is never a grid axis */

/* Resolved parameter values of one run (opaque; read through lnb_host). */
typedef struct lnb_params lnb_params;

/* ------------------------------------------------------------------- rng */

/* Deterministic generator (xoshiro256**). Seed it with host->rng_init from
 * the seed given to create() and a stream name, so that different consumers
 * of one run seed draw independent streams. */
typedef struct lnb_rng {
  uint64_t s[4];
  double spare;
  int has_spare;
} lnb_rng;

/* ------------------------------------------------------------ host table */

typedef enum lnb_trans { LNB_NO_TRANS = 0, LNB_TRANS = 1 } lnb_trans;

/* A scalar quantity a plugin can report at checkpoints, requested by name in
 * the config's record.metrics. Arrays end with an entry whose name is NULL. */
typedef struct lnb_metric_spec {
  const char *name; /* [a-z0-9_]+, unique across the plugin */
  const char *help; /* one line: what it measures, which paper statement */
} lnb_metric_spec;

typedef struct lnb_host {
  uint32_t struct_size;
  uint32_t abi_major, abi_minor;

  /* logging: level 0 = error, 1 = warning, 2 = info, 3 = debug */
  void (*log)(int level, const char *fmt, ...)
      __attribute__((format(printf, 2, 3)));
  /* fill err (code + formatted message) and return code */
  int (*error)(lnb_error *err, int code, const char *fmt, ...)
      __attribute__((format(printf, 3, 4)));

  /* parameters (name must be one the plugin declared) */
  int (*param_is_set)(const lnb_params *p, const char *name);
  int64_t (*param_int)(const lnb_params *p, const char *name);
  double (*param_real)(const lnb_params *p, const char *name);
  int (*param_bool)(const lnb_params *p, const char *name);
  const char *(*param_string)(const lnb_params *p, const char *name); /* also ENUM */
  const int64_t *(*param_ints)(const lnb_params *p, const char *name, size_t *n);
  const double *(*param_reals)(const lnb_params *p, const char *name, size_t *n);
  const double *(*param_matrix)(const lnb_params *p, const char *name,
                                size_t *rows, size_t *cols);
  /* directory of the config file, to resolve relative data paths */
  const char *(*config_dir)(const lnb_params *p);

  /* random numbers */
  void (*rng_init)(lnb_rng *r, uint64_t seed, const char *stream);
  uint64_t (*rng_u64)(lnb_rng *r);
  double (*rng_uniform)(lnb_rng *r); /* [0, 1) */
  double (*rng_normal)(lnb_rng *r);  /* N(0, 1) */

  /* memory: 64-byte aligned, zero-filled; NULL on failure */
  void *(*alloc)(size_t bytes);
  void (*free)(void *p);

  /* monotonic clock, seconds */
  double (*now)(void);

  /* dense linear algebra (row-major), so plugins need not link BLAS:
   * C = alpha * op(A) * op(B) + beta * C, op(A) m x k, op(B) k x n. */
  void (*gemm)(lnb_trans ta, lnb_trans tb, size_t m, size_t n, size_t k,
               double alpha, const double *A, size_t lda, const double *B,
               size_t ldb, double beta, double *C, size_t ldc);
  /* thin SVD of the m x n matrix A (overwritten): A = U diag(s) Vt with
   * U m x r, s r, Vt r x n, r = min(m, n). U or Vt may be NULL. */
  int (*svd)(size_t m, size_t n, double *A, double *s, double *U, double *Vt,
             lnb_error *err);

  /* numeric text tables: CSV (comma, optional header line). On success
   * *data (free with host->free) holds rows x cols reals, row-major. */
  int (*read_csv)(const char *path, double **data, size_t *rows, size_t *cols,
                  lnb_error *err);

  /* (appended) LIBSVM / SVMlight text: one sample per line,
   * `label idx:val idx:val ...` with 1-based strictly increasing indices;
   * omitted indices are 0; `#` starts a comment; blank lines are skipped; a
   * `qid:N` token right after the label is accepted and ignored. On success
   * *X (rows x cols, dense row-major) and *y (rows labels) are host-allocated
   * (free with host->free). cols = d when d > 0 (an index above d is an
   * error), else the largest index present. Errors read "path:line: reason".
   * Check host->struct_size before use: older hosts lack this entry. */
  int (*read_libsvm)(const char *path, size_t d, double **X, double **y,
                     size_t *rows, size_t *cols, lnb_error *err);

  /* (appended, 1.4) IDX files (the MNIST / Fashion-MNIST format), plain or
   * gzip-compressed (recognized by the gzip magic 1f 8b; concatenated gzip
   * members are one stream). The file is the magic 00 00 08 NN, NN
   * big-endian 32-bit sizes, then their product of unsigned bytes (type code
   * 0x08; other type codes are refused, named). On success dims[0..*ndims)
   * holds the sizes (dims must have room for LNB_IDX_MAX_DIMS) and *data
   * (free with host->free) their product of bytes, row-major. Refused, with
   * "path: reason": not a regular file, a wrong magic, NN outside
   * [1, LNB_IDX_MAX_DIMS], a size 0, more than LNB_IDX_MAX_BYTES (1 GiB) of
   * content, data cut short, bytes after the data (or after the gzip
   * stream), corrupt or truncated gzip data. Check host->struct_size before
   * use: older hosts lack this entry. */
  int (*read_idx)(const char *path, unsigned char **data, size_t *dims, size_t *ndims,
                  lnb_error *err);

  /* (appended, 1.5) A data file the plugin reads by itself (not through
   * read_csv, read_libsvm or read_idx, which note theirs): call it from the
   * problem's validate hook with the path, so the file's content hash
   * becomes part of every run's identity (--resume reruns runs whose data
   * changed) and of manifest.json. Returns 0, or -1 when the file cannot be
   * read (the plugin's own read reports why). Check host->struct_size
   * before use: older hosts lack this entry. */
  int (*note_data_file)(const char *path);
} lnb_host;

#define LNB_IDX_MAX_DIMS 4
#define LNB_IDX_MAX_BYTES ((size_t)1 << 30)


/* ---------------------------------------------------------------- problem */

/* Optional linear-system view of a least-squares problem: the loss is
 * scale * ||X W^T - Y||_F^2 with X m x d and Y m x k (row-major). */
typedef struct lnb_linsys {
  const double *X, *Y;
  size_t m;
  double scale;
} lnb_linsys;

typedef struct lnb_problem_ops {
  uint32_t struct_size;
  /* required */
  int (*create)(const lnb_host *host, const lnb_params *params, uint64_t seed,
                void **self, lnb_error *err);
  void (*destroy)(void *self);
  void (*dims)(const void *self, size_t *k, size_t *d);
  /* loss at the k x d matrix We; if grad != NULL also writes dl/dWe there */
  double (*eval)(void *self, const double *We, double *grad);
  /* optional */
  int (*optimum)(const void *self, double *lstar);        /* 1 if l* known */
  const double *(*reference)(const void *self);           /* k x d theta* or NULL */
  int (*linear_system)(const void *self, lnb_linsys *out); /* 1 if available */
  /* cheap cross-parameter checks run before any run starts */
  int (*validate)(const lnb_host *host, const lnb_params *params, lnb_error *err);
  /* optional metrics: value of metrics[index] at the k x d matrix We (NaN
   * when undefined); called at checkpoints only, may not allocate */
  const lnb_metric_spec *metrics;
  double (*metric)(void *self, size_t index, const double *We);
  /* (appended, 1.2) optional: estimated floating-point operations of one
   * eval, with the gradient when grad is 1 (`lnnbench bench` reports GFLOP/s
   * from these; without it the host counts its own gemm calls instead) */
  double (*flops)(const void *self, int grad);

  /* (appended, 1.4) Sample-level problems: the loss is a sum over
   * nsamples(self) training samples, l(W) = sum_i c * l_i(W) (c the
   * problem's scale, e.g. 1/(2m) for a mean), so that a subset of them gives
   * a stochastic estimate of it (mini-batches). A problem provides nsamples,
   * batch_prepare and eval_rows together, or none of them. */
  size_t (*nsamples)(const void *self);
  /* Called once before the timed loop of a run that samples: make room for
   * batches of up to max_rows rows (eval_rows may not allocate). */
  int (*batch_prepare)(void *self, size_t max_rows, lnb_error *err);
  /* The unbiased estimate of eval's loss from the training samples
   * rows[0..n) (each in [0, nsamples), repeats allowed):
   * (nsamples / n) * sum_{j < n} c * l_{rows[j]}(We), and its gradient into
   * grad (k x d) when grad is not NULL. Over all rows in order it equals
   * eval up to rounding. Called in the timed loop: no allocation. */
  double (*eval_rows)(void *self, const double *We, const size_t *rows, size_t n,
                      double *grad);
  /* Optional, untimed (checkpoints): the loss of split (LNB_SPLIT_TRAIN, or
   * LNB_SPLIT_TEST: the held-out samples, NaN when the problem has none)
   * at We, on the scale of eval (a mean where eval is one), and, when
   * accuracy is not NULL, the fraction of that split's samples classified
   * correctly (NaN when the problem is no classification). */
  double (*eval_split)(void *self, int split, const double *We, double *accuracy);

  /* (appended, 1.5) The per-sample form that predictor architectures need
   * (lnb_arch_ops.forward): the inputs of samples, and the loss on the
   * outputs a model gives for them. A problem provides inputs, loss_outputs
   * and split_samples together (with the 1.4 sample-level ops), or none of
   * them; one without is end-to-end only and refuses predictor
   * architectures at validation. Rows are named as in eval_rows: rows[0..n)
   * of the split, or, when rows is NULL, the n consecutive rows from first.
   * Neither op allocates (gathering rows uses the buffers of batch_prepare,
   * which the host calls with the largest n it will ask for). */
  /* samples of split (LNB_SPLIT_TRAIN: nsamples; LNB_SPLIT_TEST: 0 if none) */
  size_t (*split_samples)(const void *self, int split);
  /* the n x d inputs of those rows (the problem's memory, valid until the
   * next call of any op) */
  const double *(*inputs)(void *self, int split, const size_t *rows, size_t first, size_t n);
  /* Given the n x k outputs Z of those rows, the loss on them: for the
   * training split the unbiased estimate of eval_rows, (nsamples / n) *
   * sum_j c * l_{row j}(Z_j), for the test split the same on the scale of
   * eval_split; dZ (n x k, when not NULL) its gradient with respect to Z;
   * *accuracy (when not NULL) the fraction of these rows classified
   * correctly, NaN when the problem is no classification. */
  double (*loss_outputs)(void *self, int split, const size_t *rows, size_t first, size_t n,
                         const double *Z, double *dZ, double *accuracy);
  /* optional, at validation (cheap: no data loaded): the k x d shape the
   * parameters give; 1 when known, 0 when only create can tell */
  int (*shape)(const lnb_host *host, const lnb_params *params, size_t *k, size_t *d);
} lnb_problem_ops;

enum { LNB_SPLIT_TRAIN = 0, LNB_SPLIT_TEST = 1 };

/* ----------------------------------------------------------- architecture */

typedef enum lnb_manifold { LNB_EUCLIDEAN = 0, LNB_STIEFEL = 1 } lnb_manifold;

/* One parameter tensor: a rows x cols matrix with its gradient buffer.
 * name: shown in messages (optimizers quote it); never NULL or empty. The
 * host and optimizers keep the pointer, not a copy: it must point to a string
 * literal or to memory of the instance that stays valid and unchanged from
 * create until destroy (not a stack buffer of create). */
typedef struct lnb_tensor {
  const char *name;
  double *data;
  double *grad;
  size_t rows, cols;
  lnb_manifold manifold;
} lnb_tensor;

/* Model hooks a run uses (ABI 1.3). An optimizer declares the hooks its step
 * calls in lnb_optimizer_ops.uses; the host hands the run's set to the
 * architecture's create in lnb_problem_info.uses, so that the architecture
 * allocates the workspaces of those hooks only (e.g. deep_linear's balanced
 * factorization for set_end_to_end). A word without LNB_USES_DECLARED says
 * nothing: everything must be assumed (plugins and hosts older than 1.3, or
 * a zero-initialized struct). */
#define LNB_USES_DECLARED 0x80000000u
#define LNB_USES_SET_END_TO_END 0x1u /* model->set_end_to_end */

/* What an architecture may know of the problem, and of the run, when it
 * initializes. Everything it points to is valid during create only. */
typedef struct lnb_problem_info {
  uint32_t struct_size;
  size_t k, d;
  const double *reference; /* k x d theta*, or NULL */
  const lnb_linsys *linsys; /* or NULL */
  /* (appended, 1.3) read through lnb_info_uses / lnb_info_records */
  uint32_t uses;               /* LNB_USES_* of the run's optimizer */
  const char *const *metrics;  /* names of this architecture's own metrics the
                                  run records, NULL-terminated; NULL = unknown */
} lnb_problem_info;

/* Will the run use the hook `flag` (LNB_USES_*)? 1 when the host did not say. */
static inline int lnb_info_uses(const lnb_problem_info *info, uint32_t flag) {
  if (!info || info->struct_size < offsetof(lnb_problem_info, uses) + sizeof info->uses)
    return 1;
  return !(info->uses & LNB_USES_DECLARED) || (info->uses & flag) != 0;
}

/* Will the run record the architecture metric `name`? 1 when the host did
 * not say. A metric not recorded is never asked for (its metric() may then
 * return NaN). */
static inline int lnb_info_records(const lnb_problem_info *info, const char *name) {
  if (!info || info->struct_size < offsetof(lnb_problem_info, metrics) + sizeof info->metrics ||
      !info->metrics)
    return 1;
  for (const char *const *m = info->metrics; *m; m++)
    if (strcmp(*m, name) == 0) return 1;
  return 0;
}

typedef struct lnb_arch_ops {
  uint32_t struct_size;
  /* required */
  int (*create)(const lnb_host *host, const lnb_params *params,
                const lnb_problem_info *problem, uint64_t seed, void **self,
                lnb_error *err);
  void (*destroy)(void *self);
  lnb_tensor *(*tensors)(void *self, size_t *n);
  /* write the k x d end-to-end matrix of the current parameters */
  void (*end_to_end)(void *self, double *We);
  /* given dl/dWe at the parameters of the last end_to_end call, write every
   * tensor's grad; may consume what end_to_end cached (the host calls it
   * once after each end_to_end) */
  void (*backward)(void *self, const double *gradWe);
  /* optional: set the parameters so that end_to_end gives We (e.g. balanced
   * factorization); return LNB_ENOTSUP if impossible for this instance */
  int (*set_end_to_end)(void *self, const double *We, lnb_error *err);
  int (*validate)(const lnb_host *host, const lnb_params *params, lnb_error *err);
  /* optional metrics of the current parameters (e.g. unbalancedness);
   * NaN when undefined; called at checkpoints only, may not allocate */
  const lnb_metric_spec *metrics;
  double (*metric)(void *self, size_t index);
  /* (appended, 1.2) optional: estimated floating-point operations of one
   * end_to_end, plus one backward when backward is 1 */
  double (*flops)(const void *self, int backward);

  /* (appended, 1.5) Predictor architectures: a model that maps a batch of
   * inputs to outputs, n x d -> n x k, and need not be linear. An
   * architecture gives end_to_end and backward (a linear model: the host
   * uses them, the faster path) or leaves both NULL and gives
   * predict_prepare, forward and backward_outputs (the host then feeds it
   * the problem's inputs and loss_outputs, which the problem must have). */
  /* before the first forward (untimed): workspaces for up to max_rows rows */
  int (*predict_prepare)(void *self, size_t max_rows, lnb_error *err);
  /* Z (n x k, the host's) = the model's outputs on the n x d inputs X,
   * n <= max_rows; may cache what backward_outputs needs. No allocation. */
  void (*forward)(void *self, const double *X, size_t n, double *Z);
  /* given dZ = dl/dZ (n x k) for the last forward's X, write every tensor's
   * grad (dl/dtensor, summed over the n rows). No allocation. */
  void (*backward_outputs)(void *self, const double *dZ, size_t n);
  /* optional, at validation: refuse (nonzero, err filled) a problem shape
   * k x d these parameters cannot take (checked against the problem's shape
   * op when it has one) */
  int (*check_shape)(const lnb_host *host, const lnb_params *params, size_t k, size_t d,
                     lnb_error *err);
  /* (appended, 1.5) Optional one line, for an architecture whose backward by
   * design writes something other than the partial derivatives of
   * <gradWe, end_to_end(tensors)> (e.g. the image of a larger network's
   * gradient in reduced coordinates): what it writes. `lnnbench check` then
   * skips its finite-difference check of backward and quotes this. */
  const char *gradient_note;
} lnb_arch_ops;

/* ---------------------------------------------------------------- model */

/* The host's view of architecture + problem that optimizers work on. */
typedef struct lnb_model {
  uint32_t struct_size;
  lnb_tensor *tensors;
  size_t ntensors;
  size_t k, d;
  const char *architecture; /* plugin name, for messages */
  /* loss at the current parameters, no gradients touched */
  double (*loss)(struct lnb_model *m);
  /* loss and every tensor's grad at the current parameters */
  double (*loss_grad)(struct lnb_model *m);
  /* current k x d end-to-end matrix (valid after loss/loss_grad); NULL
   * (the member itself) for predictor architectures, which have none */
  const double *(*end_to_end)(struct lnb_model *m);
  /* NULL when the architecture has no set_end_to_end hook */
  int (*set_end_to_end)(struct lnb_model *m, const double *We, lnb_error *err);
  void *host_ctx; /* the host's; do not touch */
} lnb_model;

/* --------------------------------------------------------------- optimizer */

typedef struct lnb_optimizer_ops {
  uint32_t struct_size;
  /* required: allocate all state here; refuse (LNB_ENOTSUP) models lacking
   * what the optimizer needs, with a message naming the architecture */
  int (*create)(const lnb_host *host, const lnb_params *params,
                lnb_model *model, uint64_t seed, void **self, lnb_error *err);
  void (*destroy)(void *self);
  /* one update; the tensors' grads are those of the current parameters.
   * t counts steps from 1. Must not allocate. */
  int (*step)(void *self, lnb_model *model, uint64_t t, lnb_error *err);
  int (*validate)(const lnb_host *host, const lnb_params *params, lnb_error *err);
  /* (appended, 1.2) optional: estimated floating-point operations of one
   * step's own arithmetic, not counting the model->loss / loss_grad /
   * set_end_to_end calls it makes (the host counts those itself) */
  double (*flops)(const void *self, const lnb_model *model);
  /* (appended, 1.3) LNB_USES_DECLARED | the LNB_USES_* hooks step() calls.
   * Declared without LNB_USES_SET_END_TO_END, the model's set_end_to_end is
   * NULL. Left 0 (undeclared), every hook the architecture has is offered
   * and the architecture sizes for all of them. */
  uint32_t uses;

  /* (appended, 1.5) Step transforms the host applies around step() (the
   * config's schedule / clip / weight_decay / decoupled_weight_decay keys of
   * an optimizer block; see docs/PLUGINS.md). `transforms` declares which
   * the optimizer accepts: LNB_TF_DECLARED | LNB_TF_*. Left 0 (undeclared,
   * and for plugins built for 1.4 or older) clip and weight_decay are
   * accepted (they only change the gradients step() is handed) and schedule
   * and decoupled_weight_decay are refused by name at validation. */
  uint32_t transforms;
  /* The step size the optimizer was configured with (its `lr`), unscaled:
   * the base of a schedule, of decoupled decay and of the `lr` metric. NULL:
   * the optimizer has no step size (LNB_TF_SCHEDULE and LNB_TF_DECOUPLED
   * then cannot be declared). Called outside step(); may not allocate. */
  double (*lr)(const void *self);
  /* With a schedule, the host calls this before every step t with the
   * schedule's factor s_t (> 0); that step then uses lr * s_t wherever the
   * rule says lr. Never called without a schedule: start from 1.0, so that
   * runs without one are bit-identical to before (x * 1.0 == x). No
   * allocation. */
  void (*set_lr_scale)(void *self, double scale);
  /* Optional one line: why a transform the optimizer does not declare makes
   * no sense for it (e.g. "its projection step has no step size"); the
   * host's refusal and `describe` quote it. */
  const char *transforms_note;
} lnb_optimizer_ops;

#define LNB_TF_DECLARED 0x80000000u
#define LNB_TF_SCHEDULE 0x1u     /* schedule: needs lr and set_lr_scale */
#define LNB_TF_CLIP 0x2u         /* clip: of the grads step() is handed */
#define LNB_TF_WEIGHT_DECAY 0x4u /* weight_decay: grad += wd * w before step() */
#define LNB_TF_DECOUPLED 0x8u    /* decoupled_weight_decay: w *= 1 - lr s_t wd
                                    before step(); needs lr */
#define LNB_TF_ALL (LNB_TF_SCHEDULE | LNB_TF_CLIP | LNB_TF_WEIGHT_DECAY | LNB_TF_DECOUPLED)

/* -------------------------------------------------------------- descriptor */

typedef struct lnb_plugin {
  uint32_t abi_major, abi_minor;
  uint32_t struct_size; /* sizeof(lnb_plugin) the plugin was built with */
  lnb_kind kind;
  const char *name;    /* stable id used in YAML: [a-z0-9_]+ */
  const char *summary; /* one line */
  const lnb_param_spec *params;
  const void *ops; /* lnb_problem_ops / lnb_arch_ops / lnb_optimizer_ops */
  const char *description; /* optional longer text for `describe` */
} lnb_plugin;

typedef const lnb_plugin *(*lnb_plugin_entry_fn)(uint32_t index,
                                                 const lnb_host *host);

#define LNB_PLUGIN_ENTRY_SYMBOL "lnb_plugin_entry"

/* Declared for plugin shared objects; each defines it once. */
LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t index,
                                              const lnb_host *host);

#define LNB_PLUGIN_INIT(kind_, name_, summary_, params_, ops_)             \
  {LNB_ABI_MAJOR, LNB_ABI_MINOR, (uint32_t)sizeof(lnb_plugin), (kind_),    \
   (name_), (summary_), (params_), (ops_), NULL}

#ifdef __cplusplus
}
#endif
#endif
