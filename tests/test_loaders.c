/* test_loaders — the host's data readers (host->read_csv, host->read_libsvm)
 * on the small files in tests/data/ and the malformed ones in
 * tests/data/bad/.
 *
 * Valid files must load to exactly the matrices written below (every value
 * in the files is a decimal literal that strtod and the C compiler round the
 * same way, so the comparison is ==, tolerance 0). Every malformed file must
 * be refused with a message that starts with "path:line: " (the line of the
 * offending text) and contains the reason. */
#include <stddef.h>

#include "test_plugin_util.h"

#define DATA LNB_TEST_SOURCE_DIR "/tests/data/"

static void assert_exact(const double *got, const double *want, size_t n, const char *what) {
  for (size_t i = 0; i < n; i++)
    if (got[i] != want[i])
      fail_msg("%s: entry %zu is %.17g, expected %.17g", what, i, got[i], want[i]);
}

static const lnb_host *host_with_libsvm(void) {
  const lnb_host *h = tp_host();
  assert_true(h->struct_size >= offsetof(lnb_host, read_libsvm) + sizeof h->read_libsvm);
  assert_non_null(h->read_libsvm);
  return h;
}

/* CSV with a header line, a comment line and a blank line */
static void test_csv_header(void **state) {
  (void)state;
  const lnb_host *h = tp_host();
  double *data = NULL;
  size_t r = 0, c = 0;
  lnb_error err = {0};
  int rc = h->read_csv(DATA "small_header.csv", &data, &r, &c, &err);
  if (rc != LNB_OK) fail_msg("%s", err.msg);
  assert_int_equal(r, 3);
  assert_int_equal(c, 4);
  const double want[12] = {1, 2, 3, 4, -0.5, 1e-3, 2.5E2, -7, 0, 0, 0, 1.25};
  assert_exact(data, want, 12, "small_header.csv");
  h->free(data);
}

/* CSV without a header, CRLF line ends, a leading-dot number */
static void test_csv_no_header(void **state) {
  (void)state;
  const lnb_host *h = tp_host();
  double *data = NULL;
  size_t r = 0, c = 0;
  lnb_error err = {0};
  int rc = h->read_csv(DATA "small_noheader.csv", &data, &r, &c, &err);
  if (rc != LNB_OK) fail_msg("%s", err.msg);
  assert_int_equal(r, 3);
  assert_int_equal(c, 3);
  const double want[9] = {1.5, -2, 3e1, 4, 5, 6, 7.25, .5, -8};
  assert_exact(data, want, 9, "small_noheader.csv");
  h->free(data);
}

/* LIBSVM: comments, qid after the label ignored, a label-only row (all
 * zeros), a '+' label; d = 0 gives the largest index (5), d = 7 pads */
static void test_libsvm_valid(void **state) {
  (void)state;
  const lnb_host *h = host_with_libsvm();
  const double wantX5[20] = {0.5, 0, -2, 0, 0, /**/ 0, 4e-1, 0, 0, 1, /**/ 0, 0, 0, 0, 0,
                             /**/ 1, 2, 3, 4, 5};
  const double wanty[4] = {1.5, -2, 0, 3.25};
  for (size_t d = 0; d <= 5; d += 5) { /* d = 0, then d = 5 (= the largest index) */
    double *X = NULL, *y = NULL;
    size_t r = 0, c = 0;
    lnb_error err = {0};
    int rc = h->read_libsvm(DATA "small.libsvm", d, &X, &y, &r, &c, &err);
    if (rc != LNB_OK) fail_msg("%s", err.msg);
    assert_int_equal(r, 4);
    assert_int_equal(c, 5);
    assert_exact(X, wantX5, 20, "small.libsvm X");
    assert_exact(y, wanty, 4, "small.libsvm y");
    h->free(X);
    h->free(y);
  }
  double *X = NULL, *y = NULL;
  size_t r = 0, c = 0;
  lnb_error err = {0};
  int rc = h->read_libsvm(DATA "small.libsvm", 7, &X, &y, &r, &c, &err);
  if (rc != LNB_OK) fail_msg("%s", err.msg);
  assert_int_equal(r, 4);
  assert_int_equal(c, 7);
  for (size_t i = 0; i < 4; i++) {
    assert_exact(X + 7 * i, wantX5 + 5 * i, 5, "small.libsvm padded X");
    assert_true(X[7 * i + 5] == 0.0 && X[7 * i + 6] == 0.0);
  }
  assert_exact(y, wanty, 4, "small.libsvm padded y");
  h->free(X);
  h->free(y);
}

typedef struct bad_case {
  const char *file; /* under tests/data/bad/ unless it starts with '/' */
  int libsvm;
  size_t d;         /* libsvm dimension argument */
  size_t line;
  const char *reason;
} bad_case;

static const bad_case bad_cases[] = {
    {"ragged.csv", 0, 0, 3, "row has 2 fields, expected 3"},
    {"non_numeric.csv", 0, 0, 2, "field 2 'five': not a number"},
    {"nan.csv", 0, 0, 3, "field 2 'nan': not a finite number"},
    {"inf.csv", 0, 0, 2, "field 1 'Inf': not a finite number"},
    /* an upper-case NAN in the first line must not pass as a header */
    {"nan_first_line.csv", 0, 0, 1, "field 1 'NAN': not a finite number"},
    {"empty.csv", 0, 0, 1, "no data rows"},
    {"header_only.csv", 0, 0, 2, "no data rows"},
    {"order.libsvm", 1, 0, 2, "index 2 after 3: indices out of order"},
    {"repeated.libsvm", 1, 0, 1, "index 1 repeated"},
    {"index_zero.libsvm", 1, 0, 2, "index 0: indices are 1-based"},
    {"index_negative.libsvm", 1, 0, 1, "index '-1' is not a positive integer"},
    {"nan.libsvm", 1, 0, 2, "index 2, value 'nan': not a finite number"},
    {"inf_label.libsvm", 1, 0, 2, "label 'inf': not a finite number"},
    {"non_numeric.libsvm", 1, 0, 1, "index 2, value 'abc': not a number"},
    {"qid_late.libsvm", 1, 0, 1, "qid must come right after the label"},
    {"no_colon.libsvm", 1, 0, 1, "'2' is not an index:value pair"},
    {"empty.libsvm", 1, 0, 3, "no data rows"},
    {"empty.csv", 1, 0, 1, "no data rows"}, /* a 0-byte file through the LIBSVM reader */
    {"../small.libsvm", 1, 4, 3, "index 5 exceeds the dimension d = 4"},
};

/* Every malformed file is refused with "path:line: reason" */
static void test_bad_files(void **state) {
  (void)state;
  const lnb_host *h = host_with_libsvm();
  for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
    const bad_case *b = &bad_cases[i];
    char path[1024];
    snprintf(path, sizeof path, "%sbad/%s", DATA, b->file);
    lnb_error err = {0};
    double *X = (double *)&err, *y = (double *)&err; /* must be reset to NULL */
    size_t r = 7, c = 7;
    int rc = b->libsvm ? h->read_libsvm(path, b->d, &X, &y, &r, &c, &err)
                       : h->read_csv(path, &X, &r, &c, &err);
    print_message("  %-22s -> %s\n", b->file, err.msg);
    assert_true(rc < 0);
    assert_int_equal(err.code, rc);
    assert_null(X);
    if (b->libsvm) assert_null(y);
    assert_int_equal(r, 0);
    assert_int_equal(c, 0);
    char prefix[1100];
    snprintf(prefix, sizeof prefix, "%s:%zu: ", path, b->line);
    if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
      fail_msg("%s: message '%s' does not start with '%s'", b->file, err.msg, prefix);
    if (!strstr(err.msg, b->reason))
      fail_msg("%s: message '%s' lacks the reason '%s'", b->file, err.msg, b->reason);
  }
}

/* A missing file is an I/O error naming the path */
static void test_missing_file(void **state) {
  (void)state;
  const lnb_host *h = host_with_libsvm();
  double *X = NULL, *y = NULL;
  size_t r, c;
  lnb_error err = {0};
  assert_int_equal(h->read_libsvm(DATA "bad/no_such_file.libsvm", 0, &X, &y, &r, &c, &err),
                   LNB_EIO);
  assert_non_null(strstr(err.msg, "no_such_file.libsvm: cannot open"));
  assert_int_equal(h->read_csv(DATA "bad/no_such_file.csv", &X, &r, &c, &err), LNB_EIO);
  assert_non_null(strstr(err.msg, "no_such_file.csv: cannot open"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_header),  cmocka_unit_test(test_csv_no_header),
      cmocka_unit_test(test_libsvm_valid), cmocka_unit_test(test_bad_files),
      cmocka_unit_test(test_missing_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
