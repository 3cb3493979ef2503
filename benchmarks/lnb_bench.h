/* lnb_bench.h — a small C API over Google Benchmark (C++, Debian libbenchmark-dev).
 *
 * Register named benchmarks with a C function and user data, time a
 * keep-running loop, pause/resume the clock, read arguments, report counters
 * (plain values, per-iteration averages, rates such as FLOP/s), then run them
 * with Google Benchmark's own command-line flags (--benchmark_filter,
 * --benchmark_format=json, --benchmark_repetitions, --benchmark_min_time,
 * --benchmark_out, ...). Everything Google Benchmark writes (console table,
 * JSON with its context block) is unchanged; results are also handed back to
 * C through a callback.
 *
 *   static void bm(lnb_bench_state *st, void *user) {
 *     size_t n = (size_t)lnb_bench_range(st, 0);
 *     while (lnb_bench_keep_running(st)) work(user, n);
 *     lnb_bench_counter(st, "FLOPS", 2.0 * n * n * n, LNB_BENCH_ITER_RATE);
 *   }
 *   ...
 *   lnb_bench *b = lnb_bench_register("gemm", bm, data);
 *   lnb_bench_arg(b, 256);
 *   lnb_bench_arg(b, 512);
 *   return lnb_bench_main(&argc, argv, NULL, NULL) < 0 ? 2 : 0;
 */
#ifndef LNB_BENCH_H
#define LNB_BENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lnb_bench lnb_bench;             /* a registered benchmark */
typedef struct lnb_bench_state lnb_bench_state; /* one run of it */
typedef void (*lnb_bench_fn)(lnb_bench_state *st, void *user);

/* Counter flags (Google Benchmark's benchmark::Counter::Flags). */
enum {
  LNB_BENCH_PLAIN = 0,          /* reported as given */
  LNB_BENCH_RATE = 1 << 0,      /* divided by the run's seconds */
  LNB_BENCH_PER_ITER = 1 << 2,  /* multiplied by the iteration count (a per-iteration
                                   quantity; with RATE: a rate, e.g. flops of one iteration
                                   -> FLOP/s) */
  LNB_BENCH_AVG_ITERS = 1 << 3, /* divided by the iteration count */
  LNB_BENCH_ITER_RATE = LNB_BENCH_RATE | LNB_BENCH_PER_ITER,
  LNB_BENCH_INVERT = (int)(1u << 31) /* finally inverted */
};

typedef enum lnb_bench_unit {
  LNB_BENCH_NS = 0,
  LNB_BENCH_US,
  LNB_BENCH_MS,
  LNB_BENCH_S
} lnb_bench_unit;

/* ---------------------------------------------------------------- register */

/* Register fn under name (copied); user is passed back unchanged. The
 * returned handle configures the benchmark; it stays owned by the library.
 * NULL on failure. */
lnb_bench *lnb_bench_register(const char *name, lnb_bench_fn fn, void *user);
/* One more instance with argument list {a} (read with lnb_bench_range(st, 0)). */
void lnb_bench_arg(lnb_bench *b, int64_t a);
/* One more instance with the argument list a[0..n-1]. */
void lnb_bench_args(lnb_bench *b, const int64_t *a, size_t n);
/* Names of the arguments, shown in the benchmark name ("n:256"). */
void lnb_bench_arg_names(lnb_bench *b, const char *const *names, size_t n);
void lnb_bench_set_unit(lnb_bench *b, lnb_bench_unit unit);
void lnb_bench_use_real_time(lnb_bench *b);
/* Minimum seconds per run (overrides --benchmark_min_time for this one). */
void lnb_bench_min_time(lnb_bench *b, double seconds);
/* Fixed iteration count (instead of the min-time rule). */
void lnb_bench_iterations(lnb_bench *b, int64_t n);

/* ------------------------------------------------------------- in the body */

/* 1 while the benchmark should run another iteration (starts the clock on
 * the first call, stops it on the last). */
int lnb_bench_keep_running(lnb_bench_state *st);
void lnb_bench_pause(lnb_bench_state *st);
void lnb_bench_resume(lnb_bench_state *st);
/* Argument pos of this instance (0 when it has none). */
int64_t lnb_bench_range(const lnb_bench_state *st, size_t pos);
/* Iterations done so far (after the loop: all of them). */
int64_t lnb_bench_iterations_done(const lnb_bench_state *st);
/* Set (or overwrite) a user counter; flags from the enum above. */
void lnb_bench_counter(lnb_bench_state *st, const char *name, double value, int flags);
void lnb_bench_label(lnb_bench_state *st, const char *label);
void lnb_bench_items_processed(lnb_bench_state *st, int64_t items);
/* Mark the run failed (reported with the message, no timings); the loop
 * should be left (lnb_bench_keep_running returns 0 afterwards). */
void lnb_bench_skip_with_error(lnb_bench_state *st, const char *message);

/* --------------------------------------------------------------------- run */

/* A key/value pair added to the JSON context block (and console header). */
void lnb_bench_add_context(const char *key, const char *value);

/* One reported run: an iteration run, or an aggregate of repetitions
 * (aggregate = "mean", "median", "stddev", "cv"; "" for a plain run). Times
 * are per iteration, in seconds. Pointers are valid during the callback. */
typedef struct lnb_bench_result {
  const char *name;      /* full name as reported (with /args, _median, ...) */
  const char *family;    /* the name given at registration */
  const char *aggregate; /* "" for an iteration run */
  int64_t family_index, instance_index; /* registration order; instance within it */
  int64_t repetition;                   /* repetition index, -1 for aggregates */
  int64_t iterations;
  double real_seconds, cpu_seconds;
  int error;             /* the run was skipped with an error */
  const char *error_message;
  size_t ncounters;
  const char *const *counter_names;
  const double *counter_values; /* as reported (rates already divided) */
} lnb_bench_result;
typedef void (*lnb_bench_result_fn)(const lnb_bench_result *r, void *ctx);

/* Parse Google Benchmark's flags out of argv (argv[0] is the program name;
 * the --benchmark_* flags and --v are removed, *argc is updated; anything
 * else is left for the caller). Call before lnb_bench_run. --help prints
 * Google Benchmark's flag help and exits, as in Google Benchmark. */
void lnb_bench_init(int *argc, char **argv);
/* Run every registered benchmark that --benchmark_filter selects, reporting
 * in --benchmark_format to stdout (and to --benchmark_out if given), calling
 * on_result (may be NULL) for each reported run. Returns the number of
 * benchmarks that matched the filter. */
size_t lnb_bench_run(lnb_bench_result_fn on_result, void *ctx);
/* lnb_bench_init + refuse leftover arguments (printed, returns -1) +
 * lnb_bench_run + lnb_bench_shutdown. */
long lnb_bench_main(int *argc, char **argv, lnb_bench_result_fn on_result, void *ctx);
void lnb_bench_shutdown(void);

/* Google Benchmark's version string, e.g. "1.7.1" (from pkg-config at build
 * time; "unknown" otherwise). */
const char *lnb_bench_library_version(void);

#ifdef __cplusplus
}
#endif
#endif
