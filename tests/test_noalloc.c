/* test_noalloc.c — no heap allocation inside an iteration (issue 6, "lean hot
 * loop"; plugin.h: "create() allocates everything; step()/eval()/backward()
 * never allocate").
 *
 * How allocations are counted: this executable defines malloc, calloc,
 * realloc, reallocarray, free, aligned_alloc, posix_memalign, memalign, valloc
 * and pvalloc, each counting and forwarding to glibc's __libc_* entry points
 * (under AddressSanitizer: to ASan's __interceptor_*, so ASan still owns every
 * block). They have default visibility and the executable is linked with
 * ENABLE_EXPORTS (-rdynamic), so they are in its dynamic symbol table and come
 * first in the global lookup scope: every call from the core, from the
 * dlopen'ed plugins (RTLD_LOCAL objects still bind through the global scope
 * first) and from the libraries they use (LAPACKE, LAPACK, BLIS, libgomp,
 * libc's own strdup, fopen, ...) lands here.
 *
 * One exception, counted and printed apart ("blas-rt"): the Debian BLIS 0.9
 * builds with OpenMP or pthreads allocate in their threading layer on every
 * level-3 call even with one thread (OpenMP: each call opens an `omp parallel
 * num_threads(1)` region and libgomp allocates and frees a team for each
 * one-thread region; pthreads: bli_malloc_intl of the thread handles). Calls
 * whose immediate caller is libblis or libgomp are that bucket; it must
 * balance (as many frees as allocations). With a serial BLIS the bucket does
 * not exist and every allocation counts.
 *
 * Self-checks (otherwise the test could not fail): a probe plugin built from
 * this same file (LNB_NOALLOC_PROBE) and loaded through the registry like any
 * other plugin calls malloc, calloc, realloc, aligned_alloc, posix_memalign and
 * free in its create, and each is seen; as an optimizer with
 * allocate_in_step: true it mallocs once per step and the hot-loop measurement
 * below reports exactly 100 allocations for 100 steps; LAPACKE's row-major
 * path (which allocates a transposed copy inside liblapacke) is seen too.
 *
 * The measurement (tolerance: exactly zero allocations and zero frees):
 *   for every loaded architecture x optimizer pair (with chosen parameter
 *   variants; a per-architecture problem), the run is created through the
 *   harness (lnb_run_ctx_create: problem instance, architecture, model with
 *   the harness's loss / loss_grad / end_to_end / set_end_to_end closures,
 *   optimizer — the code lnb_run_one uses), warmed up 3 iterations, then
 *   100 iterations of lnb_run_ctx_iterate (optimizer step + loss_grad, the
 *   harness's timed loop body) are counted. Pairs whose optimizer or
 *   architecture create refuses (LNB_ENOTSUP, LNB_EINVAL, LNB_EDIM) are
 *   listed and skipped; every loaded architecture and optimizer must have
 *   run with at least one partner (a new plugin without a working default
 *   gets a setup below). For every problem, 100 evals with gradient and 100
 *   without are counted, and the checkpoint metrics of problems and
 *   architectures (plugin.h: "called at checkpoints only, may not allocate");
 *   for every architecture, set_end_to_end (optimizers call it in step).
 */

#ifdef LNB_NOALLOC_PROBE
/* ------------------------------------------------------------------------
 * The probe plugin (built as a MODULE from this file). */
#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#include <stdlib.h>
#include <string.h>

#include "lnnbench/plugin.h"

typedef struct probe {
  const lnb_host *host;
  double lr;
  int allocate_in_step;
  void *keep[5];
  void *volatile last;
} probe;

static const lnb_param_spec probe_params[] = {
    {"lr", LNB_T_REAL, "0.01", "step size of the gradient step", "(0, inf)", NULL, 0},
    {"allocate_in_step", LNB_T_BOOL, "false",
     "malloc and free a gradient copy in every step (the negative control)", NULL, NULL, 0},
    {0}};

static void probe_destroy(void *self) {
  probe *s = self;
  for (size_t i = 0; i < sizeof s->keep / sizeof *s->keep; i++) free(s->keep[i]);
  s->host->free(s);
}

static int probe_create(const lnb_host *h, const lnb_params *p, lnb_model *m, uint64_t seed,
                        void **self, lnb_error *err) {
  (void)m;
  (void)seed;
  probe *s = h->alloc(sizeof *s);
  if (!s) return h->error(err, LNB_ENOMEM, "out of memory");
  s->host = h;
  s->lr = h->param_real(p, "lr");
  s->allocate_in_step = h->param_bool(p, "allocate_in_step");
  /* one call of each allocation function, made from this dlopen'ed object */
  s->keep[0] = malloc(24);
  s->keep[1] = calloc(3, 8);
  void *r = malloc(8);
  s->keep[2] = r ? realloc(r, 4096) : NULL;
  if (!s->keep[2]) free(r);
  s->keep[3] = aligned_alloc(64, 128);
  if (posix_memalign(&s->keep[4], 64, 256) != 0) s->keep[4] = NULL;
  void *tmp = malloc(16);
  s->last = tmp;
  free(s->last);
  s->last = NULL;
  for (size_t i = 0; i < 5; i++)
    if (!s->keep[i]) {
      probe_destroy(s);
      return h->error(err, LNB_ENOMEM, "out of memory");
    }
  *self = s;
  return LNB_OK;
}

static int probe_step(void *self, lnb_model *m, uint64_t t, lnb_error *err) {
  (void)t;
  probe *s = self;
  for (size_t i = 0; i < m->ntensors; i++) {
    lnb_tensor *w = &m->tensors[i];
    size_t n = w->rows * w->cols;
    const double *g = w->grad;
    double *copy = NULL;
    if (s->allocate_in_step) {
      copy = malloc(n * sizeof *copy);
      if (!copy) return s->host->error(err, LNB_ENOMEM, "out of memory");
      memcpy(copy, w->grad, n * sizeof *copy);
      s->last = copy;
      g = copy;
    }
    for (size_t j = 0; j < n; j++) w->data[j] -= s->lr * g[j];
    if (copy) free(copy);
    s->last = NULL;
    if (s->allocate_in_step) break; /* one allocation per step */
  }
  return LNB_OK;
}

static const lnb_optimizer_ops probe_ops = {
    .struct_size = sizeof probe_ops,
    .create = probe_create,
    .destroy = probe_destroy,
    .step = probe_step,
};

static const lnb_plugin probe_desc =
    LNB_PLUGIN_INIT(LNB_OPTIMIZER, "noalloc_probe",
                    "test_noalloc's probe: w <- w - lr g; allocates in create (and in step "
                    "when asked)",
                    probe_params, &probe_ops);

LNB_EXPORT const lnb_plugin *lnb_plugin_entry(uint32_t i, const lnb_host *h) {
  (void)h;
  return i == 0 ? &probe_desc : NULL;
}

#else
/* ------------------------------------------------------------------------
 * The test. */
#define _GNU_SOURCE /* prototypes of memalign, valloc, pvalloc, reallocarray */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <link.h>

#include <cmocka.h>
#include <lapacke.h>

#include "config.h"
#include "harness.h"
#include "host.h"
#include "provenance.h"
#include "registry.h"

#if defined(__SANITIZE_ADDRESS__)
#define NA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NA_ASAN 1
#endif
#endif
#ifndef NA_ASAN
#define NA_ASAN 0
#endif

/* ------------------------------------------------------------ the counter */

enum { NA_MALLOC, NA_CALLOC, NA_REALLOC, NA_ALIGNED, NA_POSIX_MEMALIGN, NA_KINDS };

/* External linkage on purpose: glibc declares malloc & co. `leaf`, which lets
 * the compiler assume they touch no data private to this unit. */
int noalloc_counting;
unsigned long noalloc_allocs, noalloc_frees, noalloc_kind[NA_KINDS];
unsigned long noalloc_rt_allocs, noalloc_rt_frees;

/* Executable segments of the BLAS threading runtime (libblis, libgomp) when
 * BLIS is built with OpenMP or pthreads: BLIS 0.9 enters a parallel region
 * (OpenMP: `omp parallel num_threads(1)`; libgomp never caches one-thread
 * teams) or mallocs its pthread bookkeeping on every level-3 call, even with
 * one thread. Calls whose immediate caller lies there are counted apart
 * (rt_*), reported, and must balance; everything else must be zero. With a
 * serial BLIS there are no such ranges and every allocation counts. */
typedef struct na_range {
  uintptr_t lo, hi;
} na_range;
static na_range na_rt[32];
static int na_nrt;

static inline int na_in_rt(const void *ra) {
  uintptr_t a = (uintptr_t)ra;
  for (int i = 0; i < na_nrt; i++)
    if (a >= na_rt[i].lo && a < na_rt[i].hi) return 1;
  return 0;
}

static inline void na_count_alloc(int kind, const void *ra) {
  if (!__atomic_load_n(&noalloc_counting, __ATOMIC_RELAXED)) return;
  if (na_in_rt(ra)) {
    __atomic_fetch_add(&noalloc_rt_allocs, 1, __ATOMIC_RELAXED);
    return;
  }
  __atomic_fetch_add(&noalloc_allocs, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&noalloc_kind[kind], 1, __ATOMIC_RELAXED);
}

static inline void na_count_free(const void *p, const void *ra) {
  if (!p || !__atomic_load_n(&noalloc_counting, __ATOMIC_RELAXED)) return;
  __atomic_fetch_add(na_in_rt(ra) ? &noalloc_rt_frees : &noalloc_frees, 1, __ATOMIC_RELAXED);
}

typedef struct na_counts {
  unsigned long allocs, frees, kind[NA_KINDS];
  unsigned long rt_allocs, rt_frees; /* from the BLAS threading runtime */
} na_counts;

/* nothing allocated or freed, except balanced BLAS-runtime pairs */
static int na_clean(const na_counts *c) {
  return c->allocs == 0 && c->frees == 0 && c->rt_allocs == c->rt_frees;
}

static void na_start(void) {
  __atomic_store_n(&noalloc_allocs, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&noalloc_frees, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&noalloc_rt_allocs, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&noalloc_rt_frees, 0, __ATOMIC_SEQ_CST);
  for (int k = 0; k < NA_KINDS; k++) __atomic_store_n(&noalloc_kind[k], 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&noalloc_counting, 1, __ATOMIC_SEQ_CST);
}

static na_counts na_stop(void) {
  __atomic_store_n(&noalloc_counting, 0, __ATOMIC_SEQ_CST);
  na_counts c;
  c.allocs = __atomic_load_n(&noalloc_allocs, __ATOMIC_SEQ_CST);
  c.frees = __atomic_load_n(&noalloc_frees, __ATOMIC_SEQ_CST);
  c.rt_allocs = __atomic_load_n(&noalloc_rt_allocs, __ATOMIC_SEQ_CST);
  c.rt_frees = __atomic_load_n(&noalloc_rt_frees, __ATOMIC_SEQ_CST);
  for (int k = 0; k < NA_KINDS; k++)
    c.kind[k] = __atomic_load_n(&noalloc_kind[k], __ATOMIC_SEQ_CST);
  return c;
}

/* BLIS's configuration (blis.h is not included beside lapacke.h) */
extern long bli_info_get_enable_openmp(void);
extern long bli_info_get_enable_pthreads(void);

static int na_rt_segments(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  (void)data;
  const char *name = info->dlpi_name;
  if (!name || (!strstr(name, "/libgomp.so") && !strstr(name, "/libblis.so"))) return 0;
  for (int i = 0; i < info->dlpi_phnum && na_nrt < 32; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
    na_rt[na_nrt].lo = info->dlpi_addr + ph->p_vaddr;
    na_rt[na_nrt].hi = na_rt[na_nrt].lo + ph->p_memsz;
    na_nrt++;
  }
  return 0;
}

static const char *na_rt_name(void) {
  if ((int)bli_info_get_enable_openmp()) return "BLIS (OpenMP)";
  if ((int)bli_info_get_enable_pthreads()) return "BLIS (pthreads)";
  return NULL;
}

static void na_install(void) {
  na_nrt = 0;
  if (na_rt_name()) dl_iterate_phdr(na_rt_segments, NULL);
}

/* The allocator the definitions below forward to: glibc's, or, under
 * AddressSanitizer, ASan's (which must see every block it is asked to free). */
#if NA_ASAN
#define NA_REAL(f) __interceptor_##f
#define NA_HOW "forwarding to AddressSanitizer's __interceptor_*"
#else
#define NA_REAL(f) __libc_##f
#define NA_HOW "forwarding to glibc's __libc_*"
#endif
extern void *NA_REAL(malloc)(size_t);
extern void *NA_REAL(calloc)(size_t, size_t);
extern void *NA_REAL(realloc)(void *, size_t);
extern void *NA_REAL(memalign)(size_t, size_t);
extern void *NA_REAL(valloc)(size_t);
extern void *NA_REAL(pvalloc)(size_t);
extern void NA_REAL(free)(void *);
#if NA_ASAN
extern void *__interceptor_aligned_alloc(size_t, size_t);
extern int __interceptor_posix_memalign(void **, size_t, size_t);
extern void *__interceptor_reallocarray(void *, size_t, size_t);
#endif

/* visible: the project builds with -fvisibility=hidden, and a hidden
 * definition would not be in the dynamic symbol table */
#define NA_EXPORT __attribute__((visibility("default"), noinline))
#define NA_RA __builtin_return_address(0)

NA_EXPORT void *malloc(size_t n) {
  na_count_alloc(NA_MALLOC, NA_RA);
  return NA_REAL(malloc)(n);
}
NA_EXPORT void *calloc(size_t n, size_t s) {
  na_count_alloc(NA_CALLOC, NA_RA);
  return NA_REAL(calloc)(n, s);
}
NA_EXPORT void *realloc(void *p, size_t n) {
  na_count_alloc(NA_REALLOC, NA_RA);
  return NA_REAL(realloc)(p, n);
}
NA_EXPORT void *reallocarray(void *p, size_t n, size_t s) {
  na_count_alloc(NA_REALLOC, NA_RA);
#if NA_ASAN
  return __interceptor_reallocarray(p, n, s);
#else
  if (s && n > SIZE_MAX / s) {
    errno = ENOMEM;
    return NULL;
  }
  return __libc_realloc(p, n * s);
#endif
}
NA_EXPORT void free(void *p) {
  na_count_free(p, NA_RA);
  NA_REAL(free)(p);
}
NA_EXPORT void *aligned_alloc(size_t a, size_t n) {
  na_count_alloc(NA_ALIGNED, NA_RA);
#if NA_ASAN
  return __interceptor_aligned_alloc(a, n);
#else
  return __libc_memalign(a, n);
#endif
}
NA_EXPORT void *memalign(size_t a, size_t n) {
  na_count_alloc(NA_ALIGNED, NA_RA);
  return NA_REAL(memalign)(a, n);
}
NA_EXPORT int posix_memalign(void **out, size_t a, size_t n) {
  na_count_alloc(NA_POSIX_MEMALIGN, NA_RA);
#if NA_ASAN
  return __interceptor_posix_memalign(out, a, n);
#else
  if (a < sizeof(void *) || (a & (a - 1)) != 0) return EINVAL;
  void *p = __libc_memalign(a, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
#endif
}
NA_EXPORT void *valloc(size_t n) {
  na_count_alloc(NA_ALIGNED, NA_RA);
  return NA_REAL(valloc)(n);
}
NA_EXPORT void *pvalloc(size_t n) {
  na_count_alloc(NA_ALIGNED, NA_RA);
  return NA_REAL(pvalloc)(n);
}

/* ------------------------------------------------------------- fixtures */

static lnb_registry reg;

static int setup(void **state) {
  (void)state;
  memset(&reg, 0, sizeof reg);
  na_install();
  lnb_blas_set_threads(1); /* as lnnbench run with threads: 1 */
  lnb_registry_load_path(&reg, LNB_TEST_PLUGIN_DIR ":" LNB_TEST_NOALLOC_PROBE_DIR);
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
  int rc = lnb_config_load_string(text, strlen(text), "noalloc.yaml", &reg, cfg, &err);
  if (rc != LNB_OK) fail_msg("config error: %s\n--- config ---\n%s", err.msg, text);
}

/* ----------------------------------------------------------- setups */

#define NA_PROBE "noalloc_probe"
#define NA_WARMUP 3
#define NA_STEPS 100

/* An architecture with the problem it runs on (YAML flow mappings). */
typedef struct arch_setup {
  const char *plugin, *label, *arch, *problem;
} arch_setup;

/* lsq data: k = 3 for the general architectures; k = 1 where the model is a
 * vector (stiefel_linear, diagonal, conv, compact_*), which for compact_* is
 * underdetermined (m < d) so that A y = b has solutions (paper 000); a square
 * d x d target for deep_linear with square layers (power_projection,
 * step_and_project). */
#define LSQ3 "{plugin: lsq, m: 40, d: 8, k: 3, condition: 5, noise: 0.1, seed: 1}"
#define LSQ1 "{plugin: lsq, m: 40, d: 8, k: 1, condition: 5, noise: 0.1, seed: 1}"
#define LSQ_UNDER "{plugin: lsq, m: 5, d: 9, k: 1, condition: 3, seed: 1}"
#define TARGET6 "{plugin: target, kind: gamma_positive, d: 6, gamma: 0.5, seed: 1}"
/* predictor architectures (ABI 1.5) need per-sample inputs and outputs */
#define CSV_SOFTMAX                                                                              \
  "{plugin: dataset, name: csv, path: " LNB_TEST_SOURCE_DIR "/tests/data/binary_classes.csv, "  \
  "loss: softmax}"

static const arch_setup arch_setups[] = {
    {"linear", "linear, lsq k=3", "{plugin: linear, init: gaussian, init_std: 0.1}", LSQ3},
    {"linear", "linear, lsq k=1", "{plugin: linear, init: gaussian, init_std: 0.1}", LSQ1},
    {"deep_linear", "deep_linear N=3 w=5, lsq k=3",
     "{plugin: deep_linear, depth: 3, width: 5, init: gaussian, init_std: 0.4}", LSQ3},
    {"deep_linear", "deep_linear N=1, lsq k=3",
     "{plugin: deep_linear, depth: 1, init: gaussian, init_std: 0.1}", LSQ3},
    {"deep_linear", "deep_linear N=3 square, target",
     "{plugin: deep_linear, depth: 3, init: identity}", TARGET6},
    {"stiefel_linear", "stiefel_linear h=2, lsq k=1",
     "{plugin: stiefel_linear, depth: 2, x_std: 0.3}", LSQ1},
    {"diagonal", "diagonal L=3, lsq k=1", "{plugin: diagonal, depth: 3, alpha: 0.5}", LSQ1},
    {"conv", "conv L=3 k=3, lsq k=1", "{plugin: conv, depth: 3, filter_size: 3, alpha: 0.5}",
     LSQ1},
    {"compact_h1", "compact_h1, lsq m<d", "{plugin: compact_h1, init_std: 0.3}", LSQ_UNDER},
    {"compact_h2", "compact_h2, lsq m<d", "{plugin: compact_h2, init_std: 0.3}", LSQ_UNDER},
    {"mlp", "mlp tanh 5,4 bias, softmax",
     "{plugin: mlp, widths: [5, 4], activation: tanh}", CSV_SOFTMAX},
    {"mlp", "mlp relu N=2, softmax",
     "{plugin: mlp, widths: [3], overparameterize: 2, factor_init: random}", CSV_SOFTMAX},
    {"mlp", "mlp gelu no bias, softmax",
     "{plugin: mlp, widths: [4], activation: gelu, bias: false}", CSV_SOFTMAX},
};
#define N_ARCH_SETUPS (sizeof arch_setups / sizeof *arch_setups)

typedef struct opt_setup {
  const char *plugin, *label, *yaml;
} opt_setup;

/* Parameter variants that take different branches of a step. */
static const opt_setup opt_setups[] = {
    {"gd", "gd wd", "{plugin: gd, lr: 0.01, weight_decay: 0.001}"},
    {"momentum", "momentum", "{plugin: momentum, lr: 0.01}"},
    {"momentum", "momentum nesterov", "{plugin: momentum, lr: 0.01, nesterov: true}"},
    {"adagrad", "adagrad", "{plugin: adagrad, lr: 0.01, epsilon: 1.0e-10}"},
    {"adadelta", "adadelta", "{plugin: adadelta}"},
    {"adam", "adam hat", "{plugin: adam, lr: 0.001}"},
    {"adam", "adam standard", "{plugin: adam, lr: 0.001, epsilon_mode: standard}"},
    {"riemannian_qr", "riemannian_qr", "{plugin: riemannian_qr, lr: 0.01}"},
    {"riemannian_qr", "riemannian_qr armijo", "{plugin: riemannian_qr, line_search: armijo}"},
    {"power_projection", "power_projection",
     "{plugin: power_projection, lr: 0.01, gamma: 0.05}"},
    {"step_and_project", "step_and_project psi",
     "{plugin: step_and_project, lr: 0.01, psi: 0.5, penalty: 0.1, init_gamma: 0.5}"},
    {"step_and_project", "step_and_project", "{plugin: step_and_project, lr: 0.01}"},
    {"e2e_precond", "e2e_precond N=3",
     "{plugin: e2e_precond, depth: 3, lr: 0.01, weight_decay: 0.001}"},
    {"rmsprop", "rmsprop centered momentum",
     "{plugin: rmsprop, lr: 0.001, centered: true, momentum: 0.5}"},
    {"adamw", "adamw", "{plugin: adamw, lr: 0.001}"},
    {"nadam", "nadam", "{plugin: nadam, lr: 0.001}"},
    {"lion", "lion", "{plugin: lion, lr: 0.0001}"},
    {"lbfgs", "lbfgs", "{plugin: lbfgs, history: 4}"},
};
#define N_OPT_SETUPS (sizeof opt_setups / sizeof *opt_setups)

/* Problems for the eval measurement. */
static const char *const problem_setups[] = {
    LSQ3,
    "{plugin: lsq, m: 30, d: 6, k: 2, reduction: sum, seed: 2}",
    TARGET6,
    "{plugin: target, kind: symmetric, eigenvalues: [3, 1, -0.5, 2], seed: 1}",
    "{plugin: matrix_sensing, mode: sensing, k: 5, d: 6, rank: 2, m: 40, seed: 1}",
    "{plugin: matrix_sensing, mode: completion, k: 5, d: 6, rank: 2, m: 20, seed: 1}",
    "{plugin: matrix_sensing, mode: prop5}",
    "{plugin: classification, loss: exp, m: 30, d: 6, seed: 1}",
    "{plugin: classification, loss: logistic, m: 30, d: 6, seed: 1}",
    "{plugin: lp_regression, p: 2, m: 40, d: 6, k: 2, seed: 1}",
    "{plugin: lp_regression, p: 4, m: 40, d: 6, k: 2, noise: 0.1, seed: 1}",
    "{plugin: dataset, name: csv, path: " LNB_TEST_SOURCE_DIR "/tests/data/small_header.csv, "
    "loss: squared, eval: residual}",
    "{plugin: dataset, name: csv, path: " LNB_TEST_SOURCE_DIR "/tests/data/small_header.csv, "
    "loss: lp, p: 4}",
    "{plugin: dataset, name: csv, path: " LNB_TEST_SOURCE_DIR "/tests/data/binary_classes.csv, "
    "loss: softmax}",
    "{plugin: dataset, name: csv, path: " LNB_TEST_SOURCE_DIR "/tests/data/binary_classes.csv, "
    "loss: logistic}",
};
#define N_PROBLEM_SETUPS (sizeof problem_setups / sizeof *problem_setups)

static int known(const char *name, lnb_kind kind) {
  if (kind == LNB_ARCHITECTURE) {
    for (size_t i = 0; i < N_ARCH_SETUPS; i++)
      if (strcmp(arch_setups[i].plugin, name) == 0) return 1;
  } else if (kind == LNB_OPTIMIZER) {
    if (strcmp(name, NA_PROBE) == 0) return 1;
    for (size_t i = 0; i < N_OPT_SETUPS; i++)
      if (strcmp(opt_setups[i].plugin, name) == 0) return 1;
  } else {
    char key[160];
    snprintf(key, sizeof key, "{plugin: %s,", name);
    for (size_t i = 0; i < N_PROBLEM_SETUPS; i++)
      if (strncmp(problem_setups[i], key, strlen(key)) == 0) return 1;
    snprintf(key, sizeof key, "{plugin: %s}", name);
    for (size_t i = 0; i < N_PROBLEM_SETUPS; i++)
      if (strcmp(problem_setups[i], key) == 0) return 1;
  }
  return 0;
}


/* ------------------------------------------------------------ helpers */

/* growable text */
typedef struct na_buf {
  char *s;
  size_t n, cap;
} na_buf;

static void na_printf(na_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void na_printf(na_buf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
    va_end(ap);
    assert_true(w >= 0);
    if (b->s && b->n + (size_t)w < b->cap) {
      b->n += (size_t)w;
      return;
    }
    size_t cap = 2 * (b->cap + (size_t)w) + 256;
    char *t = realloc(b->s, cap);
    assert_non_null(t);
    if (!b->s) t[0] = '\0';
    b->s = t;
    b->cap = cap;
  }
}

static int loaded(lnb_kind kind, const char *name) {
  return lnb_registry_find(&reg, kind, name) != NULL;
}

static int refusal(int rc) { return rc == LNB_ENOTSUP || rc == LNB_EINVAL || rc == LNB_EDIM; }

static const char *code_name(int rc) {
  switch (rc) {
  case LNB_ENOTSUP: return "ENOTSUP";
  case LNB_EINVAL: return "EINVAL";
  case LNB_EDIM: return "EDIM";
  case LNB_ENOMEM: return "ENOMEM";
  case LNB_ENUMERIC: return "ENUMERIC";
  default: return "error";
  }
}

/* the problem view an architecture gets at create, as the harness builds it */
static lnb_problem_info problem_info(const lnb_problem_inst *pi, lnb_linsys *ls) {
  const lnb_problem_ops *pops = pi->cell->plugin->plugin->ops;
  int (*linsys)(const void *, lnb_linsys *) = LNB_OPT_OP(lnb_problem_ops, pops, linear_system);
  const double *(*refop)(const void *) = LNB_OPT_OP(lnb_problem_ops, pops, reference);
  int have_ls = linsys ? linsys(pi->self, ls) : 0;
  lnb_problem_info info = {.struct_size = sizeof info,
                           .k = pi->k,
                           .d = pi->d,
                           .reference = refop ? refop(pi->self) : NULL,
                           .linsys = have_ls ? ls : NULL};
  return info;
}

/* ------------------------------------------------------- measuring a run */

typedef struct run_counts {
  int rc;            /* of lnb_run_ctx_create, or of the failing step */
  int step_failed;
  na_counts create;  /* while creating the run (architecture, model, optimizer) */
  na_counts loop;    /* over NA_STEPS iterations */
  double loss;       /* after the loop */
  char message[LNB_ERROR_MSG_MAX];
} run_counts;

/* Create run `spec` through the harness, warm up NA_WARMUP iterations, count
 * NA_STEPS iterations (optimizer step + loss_grad). */
static void measure_run(const lnb_config *cfg, const lnb_run_spec *spec, lnb_problem_inst *pi,
                        run_counts *out) {
  memset(out, 0, sizeof *out);
  /* the problem instance (once per cell, shared by runs) is not counted */
  lnb_problem_inst_prepare(pi, spec->problem, spec->seed);
  if (pi->failed) fail_msg("%s", pi->message);
  lnb_run_result res;
  lnb_run_ctx *ctx = NULL;
  na_start();
  out->rc = lnb_run_ctx_create(cfg, spec, pi, &ctx, &res);
  out->create = na_stop();
  if (out->rc != LNB_OK) {
    snprintf(out->message, sizeof out->message, "%s", res.message);
    return;
  }
  lnb_error err = {0};
  double loss = lnb_run_ctx_loss_grad(ctx); /* iteration 0, as lnb_run_one */
  uint64_t t = 1;
  int rc = LNB_OK;
  for (; t <= NA_WARMUP && rc == LNB_OK; t++) rc = lnb_run_ctx_iterate(ctx, t, &loss, &err);
  if (rc == LNB_OK) {
    na_start();
    for (int i = 0; i < NA_STEPS && rc == LNB_OK; i++, t++)
      rc = lnb_run_ctx_iterate(ctx, t, &loss, &err);
    out->loop = na_stop();
  }
  if (rc != LNB_OK) {
    out->rc = rc;
    out->step_failed = 1;
    snprintf(out->message, sizeof out->message, "step %llu failed: %s",
             (unsigned long long)(t - 1), err.msg);
  }
  out->loss = loss;
  lnb_run_ctx_destroy(ctx);
}

/* YAML of a one-problem, one-architecture config with the given optimizer
 * blocks */
static void config_text(na_buf *b, const char *problem, const char *arch,
                        const char *const *opts, size_t nopts) {
  b->n = 0;
  na_printf(b, "name: noalloc\nseeds: [1]\nproblem: %s\narchitectures:\n  - %s\noptimizers:\n",
            problem, arch);
  for (size_t i = 0; i < nopts; i++) na_printf(b, "  - %s\n", opts[i]);
  na_printf(b, "stop: {max_iters: %d}\n", NA_WARMUP + NA_STEPS);
}

/* ------------------------------------------------------------- self-checks */

/* The counter sees allocations made by the test, by a shared library
 * (LAPACKE's row-major path copies into a malloc'ed transpose), and by a
 * plugin loaded through the registry, in its create (each allocation
 * function) and in its step (the negative control: exactly one malloc per
 * step must be reported as NA_STEPS allocations by the same measurement the
 * real pairs go through). */
static void test_counter_sees_allocations(void **state) {
  (void)state;
  printf("allocation counter: malloc & co. defined in the test executable (exported), %s; "
         "BLAS threading runtime counted apart: %s\n",
         NA_HOW, na_nrt ? na_rt_name() : "no (serial BLIS)");
  /* the test's own call */
  na_start();
  void *volatile p = malloc(100);
  free(p);
  na_counts c = na_stop();
  assert_int_equal(c.allocs, 1);
  assert_int_equal(c.frees, 1);

  /* a shared library's call */
  double A[9] = {4, 1, 0, 1, 3, 1, 0, 1, 2};
  na_start();
  lapack_int info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', 3, A, 3);
  c = na_stop();
  assert_int_equal(info, 0);
  printf("LAPACKE_dpotrf (row-major, 3x3): %lu allocations, %lu frees\n", c.allocs, c.frees);
  assert_true(c.allocs >= 1);
  assert_true(c.frees >= 1);

  /* a plugin's create: run linear + the probe through the harness, then call
   * the probe's create once more, counting only that call */
  assert_true(loaded(LNB_OPTIMIZER, NA_PROBE));
  const char *opts[] = {"{plugin: " NA_PROBE ", lr: 0.01}",
                        "{plugin: " NA_PROBE ", lr: 0.01, allocate_in_step: true}"};
  na_buf b = {0};
  config_text(&b, LSQ3, "{plugin: linear, init: gaussian, init_std: 0.1}", opts, 2);
  lnb_config cfg;
  load(b.s, &cfg);
  size_t n = 0;
  lnb_run_spec *runs = lnb_expand_runs(&cfg, &n);
  assert_non_null(runs);
  assert_int_equal(n, 2);
  lnb_problem_inst pi;
  memset(&pi, 0, sizeof pi);
  lnb_problem_inst_prepare(&pi, runs[0].problem, runs[0].seed);
  assert_false(pi.failed);
  lnb_run_result res;
  lnb_run_ctx *ctx = NULL;
  assert_int_equal(lnb_run_ctx_create(&cfg, &runs[0], &pi, &ctx, &res), LNB_OK);
  const lnb_optimizer_ops *pops = runs[0].optimizer->plugin->plugin->ops;
  void *self = NULL;
  lnb_error err = {0};
  na_start();
  int rc = pops->create(lnb_host_get(), runs[0].optimizer->params, lnb_run_ctx_model(ctx),
                        runs[0].seed, &self, &err);
  c = na_stop();
  assert_int_equal(rc, LNB_OK);
  pops->destroy(self);
  lnb_run_ctx_destroy(ctx);
  printf("probe plugin create: %lu allocations (malloc %lu, calloc %lu, realloc %lu, "
         "aligned %lu, posix_memalign %lu), %lu frees\n",
         c.allocs, c.kind[NA_MALLOC], c.kind[NA_CALLOC], c.kind[NA_REALLOC], c.kind[NA_ALIGNED],
         c.kind[NA_POSIX_MEMALIGN], c.frees);
  /* its own calls: 3 malloc, calloc, realloc, aligned_alloc, posix_memalign,
   * free; plus its state through host->alloc */
  assert_true(c.allocs >= 8);
  assert_true(c.frees >= 1);
  assert_true(c.kind[NA_MALLOC] >= 3);
  assert_true(c.kind[NA_CALLOC] >= 1);
  assert_true(c.kind[NA_REALLOC] >= 1);
  assert_true(c.kind[NA_ALIGNED] >= 1);
  assert_true(c.kind[NA_POSIX_MEMALIGN] >= 1);

  /* the hot-loop measurement on the probe: clean, then allocating */
  run_counts rcnt;
  measure_run(&cfg, &runs[0], &pi, &rcnt);
  assert_int_equal(rcnt.rc, LNB_OK);
  assert_true(rcnt.create.allocs >= 8);
  assert_int_equal(rcnt.loop.allocs, 0);
  assert_int_equal(rcnt.loop.frees, 0);
  measure_run(&cfg, &runs[1], &pi, &rcnt);
  assert_int_equal(rcnt.rc, LNB_OK);
  printf("probe with allocate_in_step: %lu allocations, %lu frees in %d steps\n",
         rcnt.loop.allocs, rcnt.loop.frees, NA_STEPS);
  assert_int_equal(rcnt.loop.allocs, NA_STEPS);
  assert_int_equal(rcnt.loop.frees, NA_STEPS);
  lnb_problem_inst_release(&pi);
  free(runs);
  lnb_config_free(&cfg);
  free(b.s);
}

/* ------------------------------------------------------------ the pairs */

/* Every loaded architecture x optimizer pair: zero allocations and zero frees
 * over NA_STEPS iterations (tolerance: exactly 0). */
static void test_pairs_do_not_allocate(void **state) {
  (void)state;
  /* architecture setups: the table's, then defaults for any other loaded one */
  size_t na_arch = 0, cap = N_ARCH_SETUPS + reg.n;
  arch_setup *as = calloc(cap, sizeof *as);
  char **owned = calloc(cap, sizeof *owned);
  assert_non_null(as);
  assert_non_null(owned);
  for (size_t i = 0; i < N_ARCH_SETUPS; i++)
    if (loaded(LNB_ARCHITECTURE, arch_setups[i].plugin)) as[na_arch++] = arch_setups[i];
  size_t nowned = 0;
  for (size_t i = 0; i < reg.n; i++) {
    const lnb_plugin *pl = reg.items[i].plugin;
    if (pl->kind != LNB_ARCHITECTURE || known(pl->name, LNB_ARCHITECTURE)) continue;
    na_buf t = {0};
    na_printf(&t, "{plugin: %s}", pl->name);
    owned[nowned++] = t.s;
    as[na_arch++] = (arch_setup){pl->name, pl->name, t.s, LSQ1};
  }
  /* optimizer setups likewise (the probe is not one of them) */
  size_t no = 0;
  const char **oy = calloc(N_OPT_SETUPS + reg.n, sizeof *oy);
  const char **ol = calloc(N_OPT_SETUPS + reg.n, sizeof *ol);
  assert_non_null(oy);
  assert_non_null(ol);
  for (size_t i = 0; i < N_OPT_SETUPS; i++)
    if (loaded(LNB_OPTIMIZER, opt_setups[i].plugin)) {
      oy[no] = opt_setups[i].yaml;
      ol[no++] = opt_setups[i].label;
    }
  for (size_t i = 0; i < reg.n; i++) {
    const lnb_plugin *pl = reg.items[i].plugin;
    if (pl->kind != LNB_OPTIMIZER || known(pl->name, LNB_OPTIMIZER)) continue;
    na_buf t = {0};
    na_printf(&t, "{plugin: %s}", pl->name);
    owned = realloc(owned, (nowned + 1) * sizeof *owned);
    assert_non_null(owned);
    owned[nowned++] = t.s;
    oy[no] = t.s;
    ol[no++] = pl->name;
  }

  na_buf table = {0}, skipped = {0}, bad = {0}, text = {0};
  na_printf(&table, "%-32s %-22s %5s %6s %5s %7s %6s\n", "architecture, problem", "optimizer",
            "steps", "allocs", "frees", "blas-rt", "create");
  size_t nrun = 0, nskip = 0, nbad = 0;
  int *arch_ran = calloc(na_arch, sizeof *arch_ran);
  int *opt_ran = calloc(no, sizeof *opt_ran);
  assert_non_null(arch_ran);
  assert_non_null(opt_ran);
  for (size_t a = 0; a < na_arch; a++) {
    config_text(&text, as[a].problem, as[a].arch, oy, no);
    lnb_config cfg;
    load(text.s, &cfg);
    size_t n = 0;
    lnb_run_spec *runs = lnb_expand_runs(&cfg, &n);
    assert_non_null(runs);
    assert_int_equal(n, no);
    lnb_problem_inst pi;
    memset(&pi, 0, sizeof pi);
    for (size_t r = 0; r < n; r++) {
      size_t o = runs[r].optimizer->block;
      run_counts c;
      measure_run(&cfg, &runs[r], &pi, &c);
      if (c.rc != LNB_OK && refusal(c.rc) && !c.step_failed) {
        nskip++;
        na_printf(&skipped, "  %s + %s: %s: %s\n", as[a].label, ol[o], code_name(c.rc),
                  c.message);
        continue;
      }
      if (c.rc != LNB_OK) {
        nbad++;
        na_printf(&bad, "  %s + %s: %s: %s\n", as[a].label, ol[o], code_name(c.rc), c.message);
        continue;
      }
      nrun++;
      arch_ran[a] = 1;
      opt_ran[o] = 1;
      int ok = na_clean(&c.loop) && isfinite(c.loss);
      na_printf(&table, "%-32s %-22s %5d %6lu %5lu %7lu %6lu%s\n", as[a].label, ol[o], NA_STEPS,
                c.loop.allocs, c.loop.frees, c.loop.rt_allocs,
                c.create.allocs + c.create.rt_allocs,
                ok ? "" : (isfinite(c.loss) ? "  <-- allocates" : "  <-- diverged"));
      if (!ok) {
        nbad++;
        na_printf(&bad,
                  "  %s + %s: %lu allocations, %lu frees (BLAS runtime %lu / %lu) in %d "
                  "steps, loss %g\n",
                  as[a].label, ol[o], c.loop.allocs, c.loop.frees, c.loop.rt_allocs,
                  c.loop.rt_frees, NA_STEPS, c.loss);
      }
    }
    lnb_problem_inst_release(&pi);
    free(runs);
    lnb_config_free(&cfg);
  }
  printf("%s", table.s);
  printf("%zu pairs measured, %zu skipped (create refused):\n%s", nrun, nskip,
         skipped.s ? skipped.s : "");
  /* every plugin was measured with at least one partner */
  for (size_t a = 0; a < na_arch; a++)
    if (!arch_ran[a]) {
      nbad++;
      na_printf(&bad, "  %s ran with no optimizer: give it a setup in test_noalloc.c\n",
                as[a].label);
    }
  for (size_t o = 0; o < no; o++)
    if (!opt_ran[o]) {
      nbad++;
      na_printf(&bad, "  %s ran on no architecture: give it a setup in test_noalloc.c\n",
                ol[o]);
    }
  if (nbad) print_error("%zu failures:\n%s", nbad, bad.s);
  assert_int_equal(nbad, 0);
  for (size_t i = 0; i < nowned; i++) free(owned[i]);
  free(owned);
  free(as);
  free(oy);
  free(ol);
  free(arch_ran);
  free(opt_ran);
  free(table.s);
  free(skipped.s);
  free(bad.s);
  free(text.s);
}

/* ------------------------------------------------- problems and metrics */

/* Every problem's eval, with and without gradient, NA_STEPS times each, and
 * its checkpoint metrics (10 calls each): zero allocations (exactly). */
static void test_problem_eval_does_not_allocate(void **state) {
  (void)state;
  size_t np = 0;
  const char **py = calloc(N_PROBLEM_SETUPS + reg.n, sizeof *py);
  char **owned = calloc(reg.n + 1, sizeof *owned);
  size_t nowned = 0;
  assert_non_null(py);
  assert_non_null(owned);
  for (size_t i = 0; i < N_PROBLEM_SETUPS; i++) {
    char name[64];
    assert_int_equal(sscanf(problem_setups[i], "{plugin: %63[a-z0-9_]", name), 1);
    if (loaded(LNB_PROBLEM, name)) py[np++] = problem_setups[i];
  }
  for (size_t i = 0; i < reg.n; i++) {
    const lnb_plugin *pl = reg.items[i].plugin;
    if (pl->kind != LNB_PROBLEM || known(pl->name, LNB_PROBLEM)) continue;
    na_buf t = {0};
    na_printf(&t, "{plugin: %s}", pl->name);
    owned[nowned++] = t.s;
    py[np++] = t.s;
  }
  na_buf text = {0}, table = {0};
  size_t nbad = 0;
  na_printf(&table, "%-80s %9s %7s %6s %7s %7s\n", "problem", "eval+grad", "blas-rt", "eval",
            "blas-rt", "metrics");
  const char *gd[] = {"{plugin: gd}"};
  for (size_t i = 0; i < np; i++) {
    config_text(&text, py[i], "{plugin: linear}", gd, 1);
    lnb_config cfg;
    load(text.s, &cfg);
    size_t n = 0;
    lnb_run_spec *runs = lnb_expand_runs(&cfg, &n);
    assert_non_null(runs);
    lnb_problem_inst pi;
    memset(&pi, 0, sizeof pi);
    lnb_problem_inst_prepare(&pi, runs[0].problem, runs[0].seed);
    if (pi.failed) fail_msg("%s", pi.message);
    const lnb_problem_ops *ops = runs[0].problem->plugin->plugin->ops;
    size_t kd = pi.k * pi.d;
    double *W = calloc(kd, sizeof *W), *G = calloc(kd, sizeof *G);
    assert_non_null(W);
    assert_non_null(G);
    lnb_rng rng;
    lnb__rng_init(&rng, 5, "noalloc");
    for (size_t j = 0; j < kd; j++) W[j] = 0.3 * lnb__rng_normal(&rng);
    volatile double sink = 0.0;
    for (int w = 0; w < NA_WARMUP; w++) sink += ops->eval(pi.self, W, G);
    na_start();
    for (int s = 0; s < NA_STEPS; s++) sink += ops->eval(pi.self, W, G);
    na_counts cg = na_stop();
    na_start();
    for (int s = 0; s < NA_STEPS; s++) sink += ops->eval(pi.self, W, NULL);
    na_counts cl = na_stop();
    const lnb_metric_spec *ms = LNB_OPT_OP(lnb_problem_ops, ops, metrics);
    double (*metric)(void *, size_t, const double *) = LNB_OPT_OP(lnb_problem_ops, ops, metric);
    na_counts cm = {0};
    if (ms && metric) {
      for (size_t m = 0; ms[m].name; m++) sink += metric(pi.self, m, W);
      na_start();
      for (size_t m = 0; ms[m].name; m++)
        for (int s = 0; s < 10; s++) sink += metric(pi.self, m, W);
      cm = na_stop();
    }
    assert_true(isfinite(sink) || !isfinite(sink)); /* used */
    int ok = na_clean(&cg) && na_clean(&cl) && na_clean(&cm);
    na_printf(&table, "%-80s %9lu %7lu %6lu %7lu %7lu%s\n", py[i], cg.allocs, cg.rt_allocs,
              cl.allocs, cl.rt_allocs, cm.allocs + cm.rt_allocs,
              ok ? "" : "  <-- allocates or frees");
    if (!ok) nbad++;
    free(W);
    free(G);
    lnb_problem_inst_release(&pi);
    free(runs);
    lnb_config_free(&cfg);
  }
  printf("%s(allocations over %d evals; metrics: 10 calls of each)\n", table.s, NA_STEPS);
  assert_int_equal(nbad, 0);
  for (size_t i = 0; i < nowned; i++) free(owned[i]);
  free(owned);
  free(py);
  free(text.s);
  free(table.s);
}

/* Every architecture's checkpoint metrics (10 calls each) and its
 * set_end_to_end (10 calls; optimizers call it in step, e.g.
 * power_projection), on the setups of the pair test: zero allocations
 * (exactly). set_end_to_end is given the architecture's own current W_e. */
/* Mini-batch runs (ABI 1.4, shuffle and replacement, with an epoch turning
 * over inside the measured steps) allocate nothing per step either: batch
 * buffers and the epoch order are made at create. */
/* the three mini-batch runs of `problem` x `arch` x opts: clean loops */
static void minibatch_clean(na_buf *text, const char *problem, const char *arch,
                            const char *const *opts) {
  config_text(text, problem, arch, opts, 3);
  lnb_config cfg;
  load(text->s, &cfg);
  size_t n = 0;
  lnb_run_spec *runs = lnb_expand_runs(&cfg, &n);
  assert_int_equal(n, 3);
  lnb_problem_inst pi;
  memset(&pi, 0, sizeof pi);
  for (size_t r = 0; r < n; r++) {
    run_counts c;
    measure_run(&cfg, &runs[r], &pi, &c);
    print_message("  %s, %s, %s: %lu allocs, %lu frees per %d steps %s\n", problem, arch,
                  opts[r], c.loop.allocs, c.loop.frees, NA_STEPS, c.message);
    assert_int_equal(c.rc, LNB_OK);
    assert_true(isfinite(c.loss));
    assert_true(na_clean(&c.loop));
  }
  lnb_problem_inst_release(&pi);
  free(runs);
  lnb_config_free(&cfg);
}

static void test_minibatch_does_not_allocate(void **state) {
  (void)state;
  static const char *const opts[] = {
      "{plugin: gd, lr: 0.01, batch_size: 7}",
      "{plugin: adam, lr: 0.001, batch_size: 7, sampling: replacement}",
      "{plugin: momentum, lr: 0.01, batch_size: 5}"};
  static const char *const problems[] = {LSQ3,
                                         "{plugin: lp_regression, p: 4, m: 40, d: 6, k: 2, "
                                         "noise: 0.1, seed: 1}"};
  na_buf text = {0};
  for (size_t q = 0; q < 2; q++)
    minibatch_clean(&text, problems[q], "{plugin: deep_linear, depth: 2, width: 4}", opts);
  /* a predictor architecture (ABI 1.5) on mini-batches: the rows are
   * gathered into the problem's buffers, forward and backward run in the
   * workspaces of predict_prepare */
  static const char *const popts[] = {
      "{plugin: gd, lr: 0.01, batch_size: 4}",
      "{plugin: adam, lr: 0.001, batch_size: 4, sampling: replacement}",
      "{plugin: momentum, lr: 0.01, batch_size: 3}"};
  minibatch_clean(&text, CSV_SOFTMAX, "{plugin: mlp, widths: [6, 3], activation: relu}", popts);
  free(text.s);
}

static void test_arch_metrics_do_not_allocate(void **state) {
  (void)state;
  na_buf text = {0}, table = {0};
  size_t nbad = 0;
  na_printf(&table, "%-32s %8s %15s %16s\n", "architecture, problem", "metrics",
            "set_end_to_end", "at -W_e");
  const char *gd[] = {"{plugin: gd}"};
  for (size_t a = 0; a < N_ARCH_SETUPS; a++) {
    if (!loaded(LNB_ARCHITECTURE, arch_setups[a].plugin)) continue;
    config_text(&text, arch_setups[a].problem, arch_setups[a].arch, gd, 1);
    lnb_config cfg;
    load(text.s, &cfg);
    size_t n = 0;
    lnb_run_spec *runs = lnb_expand_runs(&cfg, &n);
    assert_non_null(runs);
    lnb_problem_inst pi;
    memset(&pi, 0, sizeof pi);
    lnb_problem_inst_prepare(&pi, runs[0].problem, runs[0].seed);
    if (pi.failed) fail_msg("%s", pi.message);
    lnb_linsys ls;
    lnb_problem_info info = problem_info(&pi, &ls);
    const lnb_arch_ops *aops = runs[0].architecture->plugin->plugin->ops;
    void *self = NULL;
    lnb_error err = {0};
    int rc = aops->create(lnb_host_get(), runs[0].architecture->params, &info, runs[0].seed,
                          &self, &err);
    if (rc != LNB_OK) fail_msg("%s: %s", arch_setups[a].label, err.msg);
    size_t kd = pi.k * pi.d;
    double *We = calloc(kd, sizeof *We);
    assert_non_null(We);
    if (aops->end_to_end) aops->end_to_end(self, We); /* predictors have none */
    const lnb_metric_spec *ms = LNB_OPT_OP(lnb_arch_ops, aops, metrics);
    double (*metric)(void *, size_t) = LNB_OPT_OP(lnb_arch_ops, aops, metric);
    int (*set)(void *, const double *, lnb_error *) =
        LNB_OPT_OP(lnb_arch_ops, aops, set_end_to_end);
    volatile double sink = 0.0;
    na_counts cm = {0}, cs = {0};
    if (ms && metric) {
      for (size_t m = 0; ms[m].name; m++) sink += metric(self, m);
      na_start();
      for (size_t m = 0; ms[m].name; m++)
        for (int s = 0; s < 10; s++) sink += metric(self, m);
      cm = na_stop();
    }
    /* set_end_to_end at W_e and at -W_e (for square deep_linear, -I has the
     * eigenvalue -1: no principal real root, the SVD fallback is taken) */
    char sete[2][32] = {"-", "-"};
    int setrc = LNB_OK;
    for (int sign = 0; set && sign < 2 && setrc == LNB_OK; sign++) {
      if (sign)
        for (size_t j = 0; j < kd; j++) We[j] = -We[j];
      setrc = set(self, We, &err); /* warm-up */
      if (setrc == LNB_OK) {
        na_start();
        for (int s = 0; s < 10 && setrc == LNB_OK; s++) setrc = set(self, We, &err);
        na_counts c = na_stop();
        snprintf(sete[sign], sizeof sete[sign], "%lu (rt %lu)", c.allocs, c.rt_allocs);
        if (!na_clean(&c)) cs = c;
        /* and it sets what was asked: end_to_end gives W_e back (relative
         * tolerance 1e-10; a wrong factor or transpose is O(1)) */
        double *back = calloc(kd, sizeof *back), scale = 1.0;
        assert_non_null(back);
        aops->end_to_end(self, back);
        for (size_t j = 0; j < kd; j++) scale = fmax(scale, fabs(We[j]));
        for (size_t j = 0; j < kd; j++)
          if (!(fabs(back[j] - We[j]) <= 1e-10 * scale))
            fail_msg("%s: set_end_to_end%s then end_to_end: entry %zu is %.17g, not %.17g",
                     arch_setups[a].label, sign ? "(-W_e)" : "", j, back[j], We[j]);
        free(back);
      } else {
        snprintf(sete[sign], sizeof sete[sign], "%s", code_name(setrc));
      }
    }
    (void)sink;
    int ok = na_clean(&cm) && na_clean(&cs) &&
             (setrc == LNB_OK || setrc == LNB_ENOTSUP);
    na_printf(&table, "%-32s %8lu %15s %16s%s\n", arch_setups[a].label, cm.allocs, sete[0],
              sete[1],
              ok ? "" : "  <-- allocates, frees or fails");
    if (!ok) nbad++;
    aops->destroy(self);
    free(We);
    lnb_problem_inst_release(&pi);
    free(runs);
    lnb_config_free(&cfg);
  }
  printf("%s(allocations over 10 calls of each metric and of set_end_to_end)\n", table.s);
  assert_int_equal(nbad, 0);
  free(text.s);
  free(table.s);
}

/* Step transforms (ABI 1.5: schedule, clip, L2 and decoupled decay, applied
 * by the host in the timed step) allocate nothing per step either. */
static void test_transforms_do_not_allocate(void **state) {
  (void)state;
  static const char *const opts[] = {
      "{plugin: adam, lr: 0.001, schedule: {kind: cosine, warmup: 5}, clip: {global_norm: "
      "0.1}, weight_decay: 0.01, decoupled_weight_decay: 0.01}",
      "{plugin: gd, lr: 0.01, schedule: {kind: step, step_size: 7, gamma: 0.5}, clip: {value: "
      "0.01}, decoupled_weight_decay: 0.1}",
      "{plugin: momentum, lr: 0.01, schedule: {kind: inverse_sqrt, warmup: 3}, batch_size: 5}"};
  na_buf text = {0};
  config_text(&text, LSQ3, "{plugin: deep_linear, depth: 2, width: 4}", opts, 3);
  lnb_config cfg;
  load(text.s, &cfg);
  size_t n = 0;
  lnb_run_spec *runs = lnb_expand_runs(&cfg, &n);
  assert_int_equal(n, 3);
  lnb_problem_inst pi;
  memset(&pi, 0, sizeof pi);
  for (size_t r = 0; r < n; r++) {
    run_counts c;
    measure_run(&cfg, &runs[r], &pi, &c);
    print_message("  %s: %lu allocs, %lu frees per %d steps\n", opts[r], c.loop.allocs,
                  c.loop.frees, NA_STEPS);
    assert_int_equal(c.rc, LNB_OK);
    assert_true(isfinite(c.loss));
    assert_true(na_clean(&c.loop));
  }
  lnb_problem_inst_release(&pi);
  free(runs);
  lnb_config_free(&cfg);
  free(text.s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counter_sees_allocations),
      cmocka_unit_test(test_pairs_do_not_allocate),
      cmocka_unit_test(test_problem_eval_does_not_allocate),
      cmocka_unit_test(test_arch_metrics_do_not_allocate),
      cmocka_unit_test(test_minibatch_does_not_allocate),
      cmocka_unit_test(test_transforms_do_not_allocate),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

#endif
