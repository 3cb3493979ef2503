/* test_loader.c — the plugin loader against good and broken fixture plugins
 * (tests/fixtures) and against the project's own plugin directory. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry.h"

/* cmocka 1.1's assert_float_equal rounds to float */
#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

#define FIXDIR LNB_TEST_FIXTURE_DIR
#define MISSING_DIR "/nonexistent/lnnbench-test-loader-no-such-dir"

/* ------------------------------------------------------------ expectations */

/* Files of the fixture directory that load. */
static const char *const good_files[] = {"00_good.so", "short_desc.so"};
#define NGOOD (sizeof good_files / sizeof *good_files)
/* Plugins they declare. */
#define NLOADED 3

typedef struct expect {
  const char *file;    /* in the fixture directory */
  const char *phrase;  /* must occur in the reason */
  const char *phrase2; /* and this too, unless NULL */
} expect;

/* Every refused fixture, with the key phrase of its reason. Phrases that
 * depend on the build (ABI numbers, paths) are filled in by setup. */
static char abi_phrase[128];
static char dup_phrase[4096];

static expect refused[] = {
    {"abi_major.so", abi_phrase, "this lnnbench speaks ABI"},
    {"arch_no_backward.so",
     "architecture 'fixture_broken' lacks required op 'backward'", NULL},
    {"bad_default.so", "optimizer 'fixture_broken' has malformed param specs",
     NULL},
    {"bad_kind.so", "plugin 'fixture_broken' has invalid kind 7", NULL},
    {"bad_name.so", "optimizer #0 has invalid name 'Fixture-Name'",
     "[a-z0-9_]+"},
    {"bad_spec.so", "optimizer 'fixture_broken' has malformed param specs",
     NULL},
    {"dup_in_file.so",
     "duplicate optimizer 'fixture_broken' (declared twice in this file)",
     NULL},
    {"dup_name.so", dup_phrase, NULL},
    {"empty_name.so", "optimizer #0 has no name", NULL},
    {"missing_ops.so", "optimizer 'fixture_nostep' lacks required op 'step'",
     NULL},
    {"no_entry.so", "not an lnnbench plugin: no symbol 'lnb_plugin_entry'",
     NULL},
    {"no_plugins.so", "declares no plugins", NULL},
    {"no_summary.so", "optimizer 'fixture_broken' has no summary", NULL},
    {"not_a_plugin.so", "cannot load shared object", NULL},
    {"null_name.so", "optimizer #0 has no name", NULL},
    {"null_ops.so", "optimizer 'fixture_broken' has no ops table", NULL},
    {"null_params.so", "optimizer 'fixture_broken' has no params array", NULL},
    {"problem_no_eval.so", "problem 'fixture_broken' lacks required op 'eval'",
     NULL},
    {"small_ops.so",
     "optimizer 'fixture_broken' has an ops table of struct_size", NULL},
    {"small_struct.so", "has descriptor struct_size", "smaller than the minimum"},
    {"too_many.so", "returned more than 1024 descriptors", NULL},
    {"unresolved.so", "cannot load shared object",
     "lnb_fixture_function_nobody_defines"},
};
#define NREFUSED (sizeof refused / sizeof *refused)

static int setup(void **state) {
  (void)state;
  snprintf(abi_phrase, sizeof abi_phrase,
           "plugin 'fixture_future' was built for ABI %d.%d",
           LNB_ABI_MAJOR + 1, LNB_ABI_MINOR);
  snprintf(dup_phrase, sizeof dup_phrase,
           "duplicate optimizer 'fixture_gd' (already loaded from %s/00_good.so)",
           FIXDIR);
  return 0;
}

static void fixture_path(char *buf, size_t len, const char *file) {
  snprintf(buf, len, "%s/%s", FIXDIR, file);
}

static void dump_failures(const lnb_registry *r) {
  for (size_t i = 0; i < r->nfail; i++)
    print_message("  failure: %s\n", r->failures[i].reason);
}

/* failures recorded for path (counted), the last one returned */
static const lnb_load_failure *failure_for(const lnb_registry *r,
                                           const char *path, size_t *count) {
  const lnb_load_failure *f = NULL;
  *count = 0;
  for (size_t i = 0; i < r->nfail; i++) {
    if (strcmp(r->failures[i].path, path) == 0) {
      f = &r->failures[i];
      (*count)++;
    }
  }
  return f;
}

static int contains(const char *hay, const char *needle) {
  return needle == NULL || strstr(hay, needle) != NULL;
}

/* every refused fixture appears exactly `times` times with its phrase, and
 * each reason starts with "<path>: " */
static void check_refusals(const lnb_registry *r, size_t times) {
  for (size_t i = 0; i < NREFUSED; i++) {
    char path[4096];
    fixture_path(path, sizeof path, refused[i].file);
    size_t count;
    const lnb_load_failure *f = failure_for(r, path, &count);
    if (!f || count != times) {
      print_error("%s: expected %zu failure(s), got %zu\n", refused[i].file,
                  times, count);
      dump_failures(r);
      fail();
    }
    size_t pl = strlen(path);
    if (strncmp(f->reason, path, pl) != 0 || strncmp(f->reason + pl, ": ", 2)) {
      print_error("reason does not start with '%s: ': %s\n", path, f->reason);
      fail();
    }
    if (!contains(f->reason, refused[i].phrase) ||
        !contains(f->reason, refused[i].phrase2)) {
      print_error("%s: reason lacks '%s'%s%s: %s\n", refused[i].file,
                  refused[i].phrase, refused[i].phrase2 ? " / " : "",
                  refused[i].phrase2 ? refused[i].phrase2 : "", f->reason);
      fail();
    }
  }
}

/* ------------------------------------------------------------------ tests */

static void test_kind_name(void **state) {
  (void)state;
  assert_string_equal(lnb_kind_name(LNB_PROBLEM), "problem");
  assert_string_equal(lnb_kind_name(LNB_ARCHITECTURE), "architecture");
  assert_string_equal(lnb_kind_name(LNB_OPTIMIZER), "optimizer");
}

static void test_fixture_dir(void **state) {
  (void)state;
  lnb_registry r = {0};
  assert_int_equal(lnb_registry_load_path(&r, FIXDIR), 0);

  if (r.nfail != NREFUSED)
    dump_failures(&r);
  assert_int_equal(r.nfail, NREFUSED);
  check_refusals(&r, 1);
  assert_int_equal(r.n, NLOADED);

  /* the good files load and nothing of them is refused */
  for (size_t i = 0; i < NGOOD; i++) {
    char path[4096];
    size_t count;
    fixture_path(path, sizeof path, good_files[i]);
    assert_null(failure_for(&r, path, &count));
  }
  /* directory.so is skipped silently (not a regular file) */
  {
    char path[4096];
    size_t count;
    fixture_path(path, sizeof path, "directory.so");
    assert_null(failure_for(&r, path, &count));
  }

  /* failures come in sorted file order */
  for (size_t i = 1; i < r.nfail; i++)
    assert_true(strcmp(r.failures[i - 1].path, r.failures[i].path) < 0);

  char good[4096];
  fixture_path(good, sizeof good, "00_good.so");
  const lnb_loaded *opt = lnb_registry_find(&r, LNB_OPTIMIZER, "fixture_gd");
  assert_non_null(opt);
  assert_string_equal(opt->path, good);
  assert_int_equal(opt->plugin->kind, LNB_OPTIMIZER);
  assert_string_equal(opt->plugin->name, "fixture_gd");
  assert_int_equal(opt->nspecs, 1);
  assert_string_equal(opt->plugin->params[0].name, "lr");

  /* same name, other kind: allowed */
  const lnb_loaded *pb = lnb_registry_find(&r, LNB_PROBLEM, "fixture_gd");
  assert_non_null(pb);
  assert_ptr_not_equal(pb, opt);
  assert_string_equal(pb->path, good);
  assert_int_equal(pb->nspecs, 0);
  assert_null(lnb_registry_find(&r, LNB_ARCHITECTURE, "fixture_gd"));

  const lnb_loaded *sh = lnb_registry_find(&r, LNB_OPTIMIZER, "fixture_short");
  assert_non_null(sh);
  assert_int_equal(sh->plugin->struct_size,
                   offsetof(lnb_plugin, ops) + sizeof(const void *));

  /* nothing of a refused file was added */
  assert_null(lnb_registry_find(&r, LNB_OPTIMIZER, "fixture_future"));
  assert_null(lnb_registry_find(&r, LNB_OPTIMIZER, "fixture_nostep"));
  assert_null(lnb_registry_find(&r, LNB_OPTIMIZER, "fixture_broken"));
  assert_null(lnb_registry_find(&r, LNB_PROBLEM, "fixture_broken"));
  assert_null(lnb_registry_find(&r, LNB_OPTIMIZER, "fixture_unresolved"));
  assert_null(lnb_registry_find(&r, LNB_OPTIMIZER, "nope"));

  size_t n = 99;
  const char **names = lnb_registry_names(&r, LNB_OPTIMIZER, &n);
  assert_non_null(names);
  assert_int_equal(n, 2);
  assert_string_equal(names[0], "fixture_gd");
  assert_string_equal(names[1], "fixture_short");
  free(names);
  names = lnb_registry_names(&r, LNB_PROBLEM, &n);
  assert_non_null(names);
  assert_int_equal(n, 1);
  assert_string_equal(names[0], "fixture_gd");
  free(names);
  names = lnb_registry_names(&r, LNB_ARCHITECTURE, &n);
  assert_non_null(names); /* empty, but not an allocation failure */
  assert_int_equal(n, 0);
  free(names);

  /* exactly the two good files stay open */
  assert_int_equal(r.nhandles, NGOOD);

  lnb_registry_free(&r);
  assert_int_equal(r.n, 0);
  assert_int_equal(r.nfail, 0);
  assert_int_equal(r.nhandles, 0);
  assert_null(r.items);
  lnb_registry_free(&r); /* again: harmless */
}

static void test_load_file(void **state) {
  (void)state;
  lnb_registry r = {0};
  char path[4096];

  fixture_path(path, sizeof path, "00_good.so");
  assert_int_equal(lnb_registry_load_file(&r, path), 0);
  assert_int_equal(r.n, 2);
  assert_int_equal(r.nfail, 0);

  fixture_path(path, sizeof path, "missing_ops.so");
  assert_int_equal(lnb_registry_load_file(&r, path), -1);
  assert_int_equal(r.n, 2);
  assert_int_equal(r.nfail, 1);
  assert_string_equal(r.failures[0].path, path);

  /* the same good file again: both of its plugins are duplicates */
  fixture_path(path, sizeof path, "00_good.so");
  assert_int_equal(lnb_registry_load_file(&r, path), -1);
  assert_int_equal(r.n, 2);
  assert_int_equal(r.nfail, 2);
  assert_non_null(strstr(r.failures[1].reason, dup_phrase));
  assert_int_equal(r.nhandles, 1);

  /* a file that does not exist */
  fixture_path(path, sizeof path, "no_such_file.so");
  assert_int_equal(lnb_registry_load_file(&r, path), -1);
  assert_int_equal(r.nfail, 3);
  assert_string_equal(r.failures[2].path, path);
  assert_non_null(strstr(r.failures[2].reason, "cannot load shared object"));

  /* the loaded plugins still work after the refused reloads */
  const lnb_loaded *pb = lnb_registry_find(&r, LNB_PROBLEM, "fixture_gd");
  assert_non_null(pb);
  assert_non_null(pb->plugin->ops);
  lnb_registry_free(&r);
}

/* a bare file name is the file in the current directory, not a search of the
 * library path */
static void test_bare_file_name(void **state) {
  (void)state;
  char cwd[4096];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(FIXDIR), 0);
  lnb_registry r = {0};
  int rc = lnb_registry_load_file(&r, "00_good.so");
  int rc2 = lnb_registry_load_file(&r, "no_entry.so");
  assert_int_equal(chdir(cwd), 0);
  assert_int_equal(rc, 0);
  assert_int_equal(r.n, 2);
  assert_string_equal(r.items[0].path, "00_good.so");
  assert_int_equal(rc2, -1);
  assert_int_equal(r.nfail, 1);
  assert_string_equal(r.failures[0].reason,
                      "no_entry.so: not an lnnbench plugin: no symbol "
                      "'lnb_plugin_entry'");
  lnb_registry_free(&r);
}

static void test_same_dir_twice(void **state) {
  (void)state;
  lnb_registry r = {0};
  assert_int_equal(lnb_registry_load_path(&r, FIXDIR), 0);
  assert_int_equal(r.n, NLOADED);
  assert_int_equal(r.nfail, NREFUSED);
  assert_int_equal(lnb_registry_load_path(&r, FIXDIR), 0);
  assert_int_equal(r.n, NLOADED);
  assert_int_equal(r.nhandles, NGOOD);
  /* the broken ones fail again the same way, the good ones as duplicates */
  assert_int_equal(r.nfail, 2 * NREFUSED + NGOOD);
  check_refusals(&r, 2);

  char path[4096];
  size_t count;
  fixture_path(path, sizeof path, "00_good.so");
  const lnb_load_failure *f = failure_for(&r, path, &count);
  assert_non_null(f);
  assert_int_equal(count, 1);
  assert_non_null(strstr(f->reason, dup_phrase));

  fixture_path(path, sizeof path, "short_desc.so");
  f = failure_for(&r, path, &count);
  assert_non_null(f);
  assert_int_equal(count, 1);
  assert_non_null(strstr(f->reason, "duplicate optimizer 'fixture_short' "
                                    "(already loaded from "));
  assert_non_null(strstr(f->reason, path + strlen(FIXDIR)));
  lnb_registry_free(&r);
}

static void test_missing_dir(void **state) {
  (void)state;
  lnb_registry r = {0};
  assert_int_equal(lnb_registry_load_path(&r, MISSING_DIR), 0);
  assert_int_equal(r.n, 0);
  assert_int_equal(r.nfail, 1);
  assert_string_equal(r.failures[0].path, MISSING_DIR);
  assert_non_null(strstr(r.failures[0].reason,
                         MISSING_DIR ": cannot open plugin directory"));
  lnb_registry_free(&r);
}

static void test_path_list(void **state) {
  (void)state;
  lnb_registry r = {0};

  /* nothing at all */
  assert_int_equal(lnb_registry_load_path(&r, ""), 0);
  assert_int_equal(lnb_registry_load_path(&r, ":::"), 0);
  assert_int_equal(r.n + r.nfail, 0);

  /* empty entries are skipped; both directories are looked at, in order */
  assert_int_equal(
      lnb_registry_load_path(&r, ":" FIXDIR "::" MISSING_DIR ":"), 0);
  assert_int_equal(r.n, NLOADED);
  assert_int_equal(r.nfail, NREFUSED + 1);
  check_refusals(&r, 1);
  assert_string_equal(r.failures[r.nfail - 1].path, MISSING_DIR);

  /* a trailing slash on a directory makes no double slash */
  lnb_registry r2 = {0};
  assert_int_equal(lnb_registry_load_path(&r2, MISSING_DIR ":" FIXDIR "/"), 0);
  assert_int_equal(r2.n, NLOADED);
  assert_int_equal(r2.nfail, NREFUSED + 1);
  assert_string_equal(r2.failures[0].path, MISSING_DIR);
  check_refusals(&r2, 1);

  lnb_registry_free(&r);
  lnb_registry_free(&r2);
}

/* ---- the good fixture optimizer really steps, through its loaded ops ---- */

static int th_error(lnb_error *err, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  err->code = code;
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return code;
}
static double th_param_real(const lnb_params *p, const char *name) {
  (void)p;
  return strcmp(name, "lr") == 0 ? 0.5 : 0.0;
}
static void *th_alloc(size_t bytes) { return calloc(1, bytes); }
static void th_free(void *p) { free(p); }

static void test_good_fixture_runs(void **state) {
  (void)state;
  lnb_registry r = {0};
  char path[4096];
  fixture_path(path, sizeof path, "00_good.so");
  assert_int_equal(lnb_registry_load_file(&r, path), 0);

  lnb_host host;
  memset(&host, 0, sizeof host);
  host.struct_size = sizeof host;
  host.abi_major = LNB_ABI_MAJOR;
  host.abi_minor = LNB_ABI_MINOR;
  host.error = th_error;
  host.param_real = th_param_real;
  host.alloc = th_alloc;
  host.free = th_free;

  /* problem: 0.5 * ||W - [1, 2]||^2 */
  const lnb_loaded *pl = lnb_registry_find(&r, LNB_PROBLEM, "fixture_gd");
  assert_non_null(pl);
  const lnb_problem_ops *pops = pl->plugin->ops;
  lnb_error err = {0};
  void *prob = NULL;
  assert_int_equal(pops->create(&host, NULL, 1, &prob, &err), LNB_OK);
  size_t k = 0, d = 0;
  pops->dims(prob, &k, &d);
  assert_int_equal(k, 1);
  assert_int_equal(d, 2);

  double w[2] = {0.0, 0.0}, g[2];
  lnb_tensor t = {"W", w, g, 1, 2, LNB_EUCLIDEAN};
  lnb_model model;
  memset(&model, 0, sizeof model);
  model.struct_size = sizeof model;
  model.tensors = &t;
  model.ntensors = 1;
  model.k = 1;
  model.d = 2;

  const lnb_loaded *ol = lnb_registry_find(&r, LNB_OPTIMIZER, "fixture_gd");
  assert_non_null(ol);
  const lnb_optimizer_ops *oops = ol->plugin->ops;
  void *opt = NULL;
  assert_int_equal(oops->create(&host, NULL, &model, 1, &opt, &err), LNB_OK);
  assert_non_null(opt);

  double l0 = pops->eval(prob, w, g);
  assert_near(l0, 2.5, 1e-15);
  for (uint64_t step = 1; step <= 60; step++) {
    pops->eval(prob, w, g);
    assert_int_equal(oops->step(opt, &model, step, &err), LNB_OK);
  }
  /* lr 0.5 halves the error each step */
  assert_near(w[0], 1.0, 1e-12);
  assert_near(w[1], 2.0, 1e-12);
  assert_true(pops->eval(prob, w, NULL) < 1e-20);

  oops->destroy(opt);
  pops->destroy(prob);
  lnb_registry_free(&r);
}

/* ---- the project's own plugins all load ---- */

static void test_project_plugins(void **state) {
  (void)state;
  struct stat st;
  if (stat(LNB_TEST_PLUGIN_DIR, &st) != 0 || !S_ISDIR(st.st_mode)) {
    print_message("no plugin directory %s yet; skipping\n",
                  LNB_TEST_PLUGIN_DIR);
    skip();
  }
  lnb_registry r = {0};
  assert_int_equal(lnb_registry_load_path(&r, LNB_TEST_PLUGIN_DIR), 0);
  if (r.nfail)
    dump_failures(&r);
  assert_int_equal(r.nfail, 0);
  for (size_t i = 0; i < r.n; i++)
    print_message("  %-12s %-20s %s\n", lnb_kind_name(r.items[i].plugin->kind),
                  r.items[i].plugin->name, r.items[i].path);
  lnb_registry_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kind_name),
      cmocka_unit_test(test_fixture_dir),
      cmocka_unit_test(test_load_file),
      cmocka_unit_test(test_bare_file_name),
      cmocka_unit_test(test_same_dir_twice),
      cmocka_unit_test(test_missing_dir),
      cmocka_unit_test(test_path_list),
      cmocka_unit_test(test_good_fixture_runs),
      cmocka_unit_test(test_project_plugins),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
