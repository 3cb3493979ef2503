/* libFuzzer harness: the results-directory readers as `lnnbench table`,
 * `plot` and `compare` use them. The input is a results directory:
 * manifest.json, summary.csv and trajectories.csv, in that order, each but
 * the last ended by a line "--8<--" (a missing part leaves its file out). Each command
 * must succeed or fail with a message; what it prints, and every line of the
 * gnuplot scripts and data files plot writes (without running gnuplot), must
 * be free of control characters, and every script line must be a comment, a
 * command lnnbench writes or plot data — never text from the input on a line
 * of its own; the manifest's history entries read back the same way. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare.h"
#include "plot.h"
#include "results.h"

static const char sep[] = "\n--8<--\n";

static void put(const char *dir, const char *name, const uint8_t *data, size_t len) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (!data) {
    unlink(path);
    return;
  }
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  fwrite(data, 1, len, f);
  fclose(f);
}

/* remove every file in dir/sub (and dir/sub itself) */
static void clear(const char *dir, const char *sub) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, sub);
  DIR *d = opendir(path);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", path, e->d_name);
    unlink(p);
  }
  if (d) closedir(d);
  rmdir(path);
}

/* printed text: one line per '\n', nothing else below 0x20, no DEL, no
 * ESC-free C1 either (lnb__fput_text's promise) */
static void check_printable(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\n') || c == 0x7F) abort();
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
        (unsigned char)s[i + 1] < 0xA0)
      abort();
  }
}

static int starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* a .gp or .dat file plot wrote */
static void check_script(const char *path, int gp) {
  FILE *f = fopen(path, "rb");
  if (!f) abort();
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    check_printable(line, (size_t)n);
    if (line[n - 1] != '\n') abort(); /* every line ends */
    line[--n] = '\0';
    if (line[0] == '#') {
      if (n && line[n - 1] == '\\') abort(); /* a comment continued onto the next line */
      continue;
    }
    if (gp) {
      if (!starts(line, "set ") && !starts(line, "plot \\") && !starts(line, "  '")) abort();
    } else if (n && strspn(line, "0123456789.-+eEnaif ") != (size_t)n) {
      abort(); /* data lines: numbers only (nan, inf) */
    }
  }
  free(line);
  fclose(f);
}

static void check_plots(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/plots", dir);
  DIR *d = opendir(path);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    const char *name = e->d_name;
    size_t k = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    int gp = strcmp(name + k, ".gp") == 0;
    if (!gp && strcmp(name + k, ".dat") != 0) abort(); /* a file name from the input */
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", path, name);
    check_script(p, gp);
  }
  if (d) closedir(d);
}

/* run one command's printing into a memory stream and check it */
#define PRINTED(call)                                                   \
  do {                                                                  \
    char *buf_ = NULL;                                                  \
    size_t len_ = 0;                                                    \
    FILE *out = open_memstream(&buf_, &len_);                           \
    if (!out) abort();                                                  \
    lnb_error err = {0};                                                \
    int rc_ = (call);                                                   \
    fclose(out);                                                        \
    if (rc_ != LNB_OK && err.msg[0] == '\0') abort();                   \
    check_printable(buf_, len_);                                        \
    free(buf_);                                                         \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char dir[64];
  snprintf(dir, sizeof dir, "/tmp/lnb_fuzz_results_%d", (int)getpid());
  mkdir(dir, 0700);
  static const char *const names[] = {"manifest.json", "summary.csv", "trajectories.csv"};
  const uint8_t *p = data, *end = data + size;
  for (int k = 0; k < 3; k++) {
    const uint8_t *q = p;
    if (p) {
      q = NULL;
      for (const uint8_t *s = p; !q && s + sizeof sep - 1 <= end; s++)
        if (memcmp(s, sep, sizeof sep - 1) == 0) q = s;
    }
    put(dir, names[k], p, p ? (size_t)((q ? q + 1 : end) - p) : 0); /* with its last '\n' */
    p = q ? q + sizeof sep - 1 : NULL;
  }
  PRINTED(lnb_results_rerender(dir, LNB_TABLE_MD, out, &err));
  PRINTED(lnb_results_rerender(dir, LNB_TABLE_CSV, out, &err));
  PRINTED(lnb_results_rerender(dir, LNB_TABLE_LATEX, out, &err));
  PRINTED(lnb_compare_dirs(dir, dir, LNB_TABLE_MD, 0, NULL, out, &err));
  PRINTED(lnb_compare_dirs(dir, dir, LNB_TABLE_CSV, 1, "seconds", out, &err));
  PRINTED(lnb_plot_write(dir, NULL, out, &err));
  check_plots(dir);
  /* manifest.json's history, walked as --resume and report.html read it:
   * every field printable, and a cut field (a small buffer) still whole
   * UTF-8 characters when the input's were */
  {
    lnb_error e = {0};
    char *json = lnb_results_read_manifest(dir, &e);
    size_t n = json ? strlen(json) + 1 : 0;
    char *entry = json ? malloc(n) : NULL, v[24];
    lnb_history_iter it;
    lnb_results_history_begin(json, &it);
    while (entry && lnb_results_history_next(&it, entry, n) == 0) {
      static const char *const keys[] = {"command", "git_commit", "git_dirty", "date_utc",
                                         "wall_seconds", "state", "run_ids"};
      for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        lnb_results_manifest_field(entry, keys[i], v, sizeof v);
        check_printable(v, strlen(v));
      }
    }
    free(entry);
    free(json);
  }
  clear(dir, "plots");
  for (int k = 0; k < 3; k++) put(dir, names[k], NULL, 0);
  char md[128];
  snprintf(md, sizeof md, "%s/summary.md", dir);
  unlink(md);
  rmdir(dir);
  return 0;
}
