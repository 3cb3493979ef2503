/* test_loader.c — the plugin loader against good and broken fixture plugins
 * (tests/fixtures) and against the project's own plugin directory. */
#define _DEFAULT_SOURCE /* realpath */
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

#include "host.h"
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

/* ---- trust: who may have written a file decides whether it is loaded ---- */

#define OTHER_UID 65534 /* nobody */

static void copy_file(const char *from, const char *to, mode_t mode) {
  FILE *in = fopen(from, "rb");
  assert_non_null(in);
  FILE *out = fopen(to, "wb");
  assert_non_null(out);
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    assert_int_equal(fwrite(buf, 1, n, out), n);
  fclose(in);
  assert_int_equal(fclose(out), 0);
  assert_int_equal(chmod(to, mode), 0); /* whatever the umask */
}

static void make_dir(const char *path, mode_t mode) {
  assert_int_equal(mkdir(path, 0700), 0);
  assert_int_equal(chmod(path, mode), 0);
}

static void remove_tree(const char *dir) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

/* base/sub: a fresh path in buf */
static const char *at(char *buf, size_t len, const char *base, const char *sub) {
  snprintf(buf, len, "%s/%s", base, sub);
  return buf;
}

typedef struct trust_case {
  const char *file;     /* under the scratch tree */
  int root_only;        /* needs chown: skipped unless euid 0 */
  const char *fmt;      /* phrase of the reason; %s = the scratch tree */
} trust_case;

static const trust_case trust_cases[] = {
    {"files/group_w.so", 0, "refused: the file is writable by its group (mode 0775)"},
    {"files/other_w.so", 0, "refused: the file is writable by other users (mode 0757)"},
    {"files/both_w.so", 0,
     "refused: the file is writable by other users and its group (mode 0666)"},
    {"files/other_uid.so", 1,
     "refused: the file is owned by uid 65534, neither root nor the user running lnnbench"},
    {"files/link_to_ww.so", 0,
     "refused: its target's directory %s/ww is writable by other users and its group (mode 0777)"},
    {"files/link_to_gw_file.so", 0,
     "refused: its target %s/safe/gw.so is writable by its group (mode 0664)"},
    {"gw_dir/a.so", 0, "refused: its directory %s/gw_dir is writable by its group (mode 0775)"},
    {"sticky_dir/a.so", 0,
     "refused: its directory %s/sticky_dir is writable by other users and its group (mode 1777)"},
    {"sticky_dir/link.so", 0,
     "refused: its directory %s/sticky_dir is writable by other users and its group (mode 1777)"},
    {"uid_dir/a.so", 1, "refused: its directory %s/uid_dir is owned by uid 65534"},
};
#define NTRUST (sizeof trust_cases / sizeof *trust_cases)

/* The scratch tree of the trust tests in base (from mkdtemp: 0700, ours):
 * every untrusted file of trust_cases, and trusted ones beside them. */
static void make_trust_tree(const char *base) {
  char a[4096], b[4096], good[4096], shortd[4096];
  const int root = geteuid() == 0;
  fixture_path(good, sizeof good, "00_good.so");
  fixture_path(shortd, sizeof shortd, "short_desc.so");
  make_dir(at(a, sizeof a, base, "ok"), 0755);
  copy_file(good, at(a, sizeof a, base, "ok/good.so"), 0755);
  make_dir(at(a, sizeof a, base, "safe"), 0755);
  copy_file(shortd, at(a, sizeof a, base, "safe/short.so"), 0644);
  copy_file(good, at(a, sizeof a, base, "safe/gw.so"), 0664);
  make_dir(at(a, sizeof a, base, "ww"), 0777);
  copy_file(good, at(a, sizeof a, base, "ww/real.so"), 0755);

  make_dir(at(a, sizeof a, base, "files"), 0755);
  copy_file(good, at(a, sizeof a, base, "files/group_w.so"), 0775);
  copy_file(good, at(a, sizeof a, base, "files/other_w.so"), 0757);
  copy_file(good, at(a, sizeof a, base, "files/both_w.so"), 0666);
  if (root) {
    copy_file(good, at(a, sizeof a, base, "files/other_uid.so"), 0755);
    assert_int_equal(chown(a, OTHER_UID, OTHER_UID), 0);
  }
  assert_int_equal(symlink("../safe/short.so", at(a, sizeof a, base, "files/link_ok.so")), 0);
  assert_int_equal(symlink(at(b, sizeof b, base, "ww/real.so"),
                           at(a, sizeof a, base, "files/link_to_ww.so")), 0);
  assert_int_equal(symlink(at(b, sizeof b, base, "safe/gw.so"),
                           at(a, sizeof a, base, "files/link_to_gw_file.so")), 0);

  make_dir(at(a, sizeof a, base, "gw_dir"), 0775);
  copy_file(good, at(a, sizeof a, base, "gw_dir/a.so"), 0755);
  make_dir(at(a, sizeof a, base, "sticky_dir"), 01777); /* like /tmp */
  copy_file(good, at(a, sizeof a, base, "sticky_dir/a.so"), 0755);
  assert_int_equal(symlink(at(b, sizeof b, base, "safe/short.so"),
                           at(a, sizeof a, base, "sticky_dir/link.so")), 0);
  make_dir(at(a, sizeof a, base, "uid_dir"), 0755);
  copy_file(good, at(b, sizeof b, base, "uid_dir/a.so"), 0755);
  if (root)
    assert_int_equal(chown(a, OTHER_UID, OTHER_UID), 0);
}

static void test_trust(void **state) {
  (void)state;
  char base[] = "/tmp/lnb_trust_XXXXXX";
  assert_non_null(mkdtemp(base));
  make_trust_tree(base);
  const int root = geteuid() == 0;

  char list[4096];
  snprintf(list, sizeof list, "%s/ok:%s/files:%s/gw_dir:%s/sticky_dir:%s/uid_dir", base, base,
           base, base, base);
  lnb_registry r = {0};
  assert_int_equal(lnb_registry_load_path(&r, list), 0);

  size_t expected = 0;
  for (size_t i = 0; i < NTRUST; i++) {
    char path[4096], phrase[4096];
    size_t count;
    at(path, sizeof path, base, trust_cases[i].file);
    snprintf(phrase, sizeof phrase, trust_cases[i].fmt, base);
    const lnb_load_failure *f = failure_for(&r, path, &count);
    if (trust_cases[i].root_only && !root) {
      print_message("not root: %s skipped\n", trust_cases[i].file);
      continue;
    }
    expected++;
    if (!f || count != 1 || strncmp(f->reason, path, strlen(path)) != 0 ||
        !strstr(f->reason, phrase)) {
      print_error("%s: expected one failure with '%s'\n", trust_cases[i].file, phrase);
      dump_failures(&r);
      fail();
    }
  }
  if (r.nfail != expected)
    dump_failures(&r);
  assert_int_equal(r.nfail, expected);

  /* the trusted ones load: a file, and a link to a trusted file in a trusted
   * directory, named by the link */
  assert_int_equal(r.n, NLOADED);
  const lnb_loaded *gd = lnb_registry_find(&r, LNB_OPTIMIZER, "fixture_gd");
  assert_non_null(gd);
  char path[4096];
  assert_string_equal(gd->path, at(path, sizeof path, base, "ok/good.so"));
  const lnb_loaded *sh = lnb_registry_find(&r, LNB_OPTIMIZER, "fixture_short");
  assert_non_null(sh);
  assert_string_equal(sh->path, at(path, sizeof path, base, "files/link_ok.so"));
  lnb_registry_free(&r);

  /* lnb_registry_load_file checks the same */
  assert_int_equal(lnb_registry_load_file(&r, at(path, sizeof path, base, "files/other_w.so")),
                   -1);
  assert_non_null(strstr(r.failures[0].reason, "writable by other users"));
  assert_int_equal(lnb_registry_load_file(&r, at(path, sizeof path, base, "gw_dir/a.so")), -1);
  assert_non_null(strstr(r.failures[1].reason, "its directory"));
  assert_int_equal(r.n, 0);
  lnb_registry_free(&r);
  remove_tree(base);
}

/* An untrusted file is refused before it is loaded: its constructor, which
 * marks the environment, never runs; the trusted copy's does. */
static void test_refused_before_load(void **state) {
  (void)state;
  char base[] = "/tmp/lnb_ctor_XXXXXX", a[4096], ctor[4096];
  assert_non_null(mkdtemp(base));
  snprintf(ctor, sizeof ctor, "%s/ctor/ctor.so", FIXDIR);
  make_dir(at(a, sizeof a, base, "ww"), 0777);
  copy_file(ctor, at(a, sizeof a, base, "ww/ctor.so"), 0755);
  make_dir(at(a, sizeof a, base, "file_ww"), 0755);
  copy_file(ctor, at(a, sizeof a, base, "file_ww/ctor.so"), 0666);
  make_dir(at(a, sizeof a, base, "ok"), 0755);
  copy_file(ctor, at(a, sizeof a, base, "ok/ctor.so"), 0755);

  unsetenv("LNB_FIXTURE_CTOR");
  char list[4096];
  snprintf(list, sizeof list, "%s/ww:%s/file_ww", base, base);
  lnb_registry r = {0};
  assert_int_equal(lnb_registry_load_path(&r, list), 0);
  assert_int_equal(r.nfail, 2);
  assert_non_null(strstr(r.failures[0].reason, "refused: its directory"));
  assert_non_null(strstr(r.failures[1].reason, "refused: the file is writable"));
  assert_null(getenv("LNB_FIXTURE_CTOR"));

  assert_int_equal(lnb_registry_load_path(&r, at(a, sizeof a, base, "ok")), 0);
  assert_int_equal(r.nfail, 3);
  assert_non_null(strstr(r.failures[2].reason, "not an lnnbench plugin"));
  assert_non_null(getenv("LNB_FIXTURE_CTOR")); /* the mark works */
  unsetenv("LNB_FIXTURE_CTOR");
  lnb_registry_free(&r);
  remove_tree(base);
}

/* A relative directory in a path list is refused, even when it exists in the
 * current directory (where it would be looked up). */
static void test_relative_dir_refused(void **state) {
  (void)state;
  char cwd[4096], parent[4096];
  assert_non_null(getcwd(cwd, sizeof cwd));
  snprintf(parent, sizeof parent, "%s/..", FIXDIR);
  assert_int_equal(chdir(parent), 0);
  lnb_registry r = {0};
  int rc = lnb_registry_load_path(&r, "fixtures");
  assert_int_equal(chdir(cwd), 0);
  assert_int_equal(rc, 0);
  assert_int_equal(r.n, 0);
  assert_int_equal(r.nhandles, 0);
  assert_int_equal(r.nfail, 1);
  assert_string_equal(r.failures[0].path, "fixtures");
  assert_non_null(strstr(r.failures[0].reason,
                         "fixtures: refused: a relative plugin directory"));
  lnb_registry_free(&r);
}

/* Where the plugin path of a command comes from, made absolute. */
static void test_plugin_path(void **state) {
  (void)state;
  char why[4352], cwd[4096], want[8192];
  assert_non_null(getcwd(cwd, sizeof cwd));
  why[0] = '\0';

  /* the environment: relative entries are an error, empty ones dropped */
  assert_null(lnb_registry_plugin_path(NULL, "/a:plugins:/b", why, sizeof why));
  assert_non_null(strstr(why, "LNNBENCH_PLUGIN_PATH: 'plugins' is a relative directory"));
  assert_null(lnb_registry_plugin_path("", "./p", why, sizeof why));
  char *p = lnb_registry_plugin_path(NULL, "/a::/b:", why, sizeof why);
  assert_non_null(p);
  assert_string_equal(p, "/a:/b");
  free(p);

  /* the option wins; its relative entries are taken against the cwd */
  p = lnb_registry_plugin_path("rel/dir::/abs", "also-rel", why, sizeof why);
  assert_non_null(p);
  snprintf(want, sizeof want, "%s/rel/dir:/abs", cwd);
  assert_string_equal(p, want);
  free(p);

  /* neither: beside the executable, never relative */
  char real[4096];
  assert_non_null(realpath(LNB_TEST_PLUGIN_DIR, real));
  p = lnb_registry_plugin_path(NULL, NULL, why, sizeof why);
  assert_non_null(p);
  assert_string_equal(p, real);
  free(p);
  p = lnb_registry_plugin_path("", "", why, sizeof why);
  assert_non_null(p);
  assert_string_equal(p, real);
  free(p);

  /* a leading '+' adds to the default directory (issue 15): option and
   * environment alike, with the same rules for relative entries */
  p = lnb_registry_plugin_path("+rel:/abs", "/ignored", why, sizeof why);
  assert_non_null(p);
  snprintf(want, sizeof want, "%s:%s/rel:/abs", real, cwd);
  assert_string_equal(p, want);
  free(p);
  p = lnb_registry_plugin_path(NULL, "+/x", why, sizeof why);
  assert_non_null(p);
  snprintf(want, sizeof want, "%s:/x", real);
  assert_string_equal(p, want);
  free(p);
  p = lnb_registry_plugin_path("+", NULL, why, sizeof why);
  assert_non_null(p);
  assert_string_equal(p, real);
  free(p);
  assert_null(lnb_registry_plugin_path(NULL, "+rel", why, sizeof why));
  assert_non_null(strstr(why, "LNNBENCH_PLUGIN_PATH: 'rel' is a relative directory"));
}

/* Each loaded file's content hash: of its bytes; another build (one byte
 * appended, still a valid ELF file) hashes differently. */
static void test_content_hash(void **state) {
  (void)state;
  char base[] = "/tmp/lnb_hash_XXXXXX", good[4096], a[4096], b[4096];
  assert_non_null(mkdtemp(base));
  fixture_path(good, sizeof good, "00_good.so");
  make_dir(at(a, sizeof a, base, "one"), 0755);
  make_dir(at(a, sizeof a, base, "two"), 0755);
  copy_file(good, at(a, sizeof a, base, "one/g.so"), 0755);
  copy_file(good, at(b, sizeof b, base, "two/g.so"), 0755);
  FILE *f = fopen(b, "ab");
  assert_non_null(f);
  fputc('x', f);
  fclose(f);

  /* expected: FNV-1a 64 of the bytes, read here */
  f = fopen(good, "rb");
  assert_non_null(f);
  uint64_t want = LNB_FNV1A64_INIT;
  unsigned char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) want = lnb__fnv1a64(want, buf, n);
  fclose(f);

  lnb_registry r1 = {0}, r2 = {0};
  assert_int_equal(lnb_registry_load_file(&r1, at(a, sizeof a, base, "one/g.so")), 0);
  assert_int_equal(lnb_registry_load_file(&r2, b), 0);
  assert_int_equal(r1.n, 2);
  assert_int_equal(r2.n, 2);
  assert_true(r1.items[0].hash == want && r1.items[1].hash == want);
  assert_true(r2.items[0].hash != want);
  assert_true(r2.items[0].hash == lnb__fnv1a64(want, "x", 1));
  lnb_registry_free(&r1);
  lnb_registry_free(&r2);
  remove_tree(base);
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
      cmocka_unit_test(test_trust),
      cmocka_unit_test(test_refused_before_load),
      cmocka_unit_test(test_relative_dir_refused),
      cmocka_unit_test(test_plugin_path),
      cmocka_unit_test(test_content_hash),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
