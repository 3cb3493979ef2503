/* test_shell_util.h — helpers for tests that drive the lnnbench executable
 * through a shell: run a command and capture its output, write and read
 * files, count lines, make and remove a scratch directory. Include after
 * <cmocka.h>, with _POSIX_C_SOURCE >= 200809L (mkdtemp). */
#ifndef LNB_TEST_SHELL_UTIL_H
#define LNB_TEST_SHELL_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* run cmd with stderr folded into stdout; *out (if given) gets the output,
 * caller frees; returns the exit status (-1 if killed) */
static inline int sh(const char *cmd, char **out) {
  size_t n = strlen(cmd) + 8;
  char *full = malloc(n);
  assert_non_null(full);
  snprintf(full, n, "%s 2>&1", cmd);
  FILE *p = popen(full, "r");
  free(full);
  assert_non_null(p);
  size_t cap = 1 << 16, len = 0, got;
  char *buf = malloc(cap);
  assert_non_null(buf);
  while ((got = fread(buf + len, 1, cap - len - 1, p)) > 0) {
    len += got;
    if (len + 1 == cap) {
      buf = realloc(buf, cap *= 2);
      assert_non_null(buf);
    }
  }
  buf[len] = '\0';
  int st = pclose(p);
  if (out) *out = buf;
  else free(buf);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* a fresh directory /tmp/lnb_<tag>_XXXXXX in dir (for a cmocka setup);
 * 0 on success, -1 on failure */
static inline int sh_make_tmpdir(char *dir, size_t size, const char *tag) {
  snprintf(dir, size, "/tmp/lnb_%s_XXXXXX", tag);
  return mkdtemp(dir) ? 0 : -1;
}

/* rm -rf dir (for a cmocka teardown); 0 on success, -1 on failure */
static inline int sh_remove_dir(const char *dir) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static inline void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* whole file as a string (caller frees), NULL if it cannot be opened */
static inline char *read_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  assert_non_null(b);
  size_t got = fread(b, 1, (size_t)n, f);
  b[got] = '\0';
  fclose(f);
  return b;
}

static inline size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

#endif
