/* provenance.c — collect build and machine facts for manifest.json. */
#define _POSIX_C_SOURCE 200809L
#define BLIS_DISABLE_BLAS_DEFS /* blis.h's BLAS prototypes clash with LAPACKE's */
#include "provenance.h"

#include <blis.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef LNB_VERSION
#define LNB_VERSION "0.0.0"
#endif
#ifndef LNB_GIT_COMMIT_CONFIGURED
#define LNB_GIT_COMMIT_CONFIGURED "unknown"
#endif
#ifndef LNB_SOURCE_DIR
#define LNB_SOURCE_DIR "."
#endif
#ifndef LNB_C_FLAGS
#define LNB_C_FLAGS ""
#endif
#ifndef LNB_BUILD_TYPE
#define LNB_BUILD_TYPE ""
#endif

void lnb_blas_set_threads(int n) { bli_thread_set_num_threads((dim_t)(n > 0 ? n : 1)); }

int lnb_blas_get_threads(void) { return (int)bli_thread_get_num_threads(); }

static void trim(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = '\0';
}

/* first line of a shell command's output, "" on failure */
static void run_line(const char *cmd, char *out, size_t n) {
  out[0] = '\0';
  FILE *f = popen(cmd, "r");
  if (!f) return;
  if (!fgets(out, (int)n, f)) out[0] = '\0';
  int st = pclose(f);
  if (st != 0) out[0] = '\0';
  trim(out);
}

void lnb_provenance_collect(lnb_provenance *p) {
  memset(p, 0, sizeof *p);
  snprintf(p->version, sizeof p->version, "%s", LNB_VERSION);
  /* the source tree's commit now, falling back to the one seen at configure */
  run_line("git -C '" LNB_SOURCE_DIR "' rev-parse HEAD 2>/dev/null", p->git_commit,
           sizeof p->git_commit);
  if (p->git_commit[0]) {
    char dirty[8];
    run_line("git -C '" LNB_SOURCE_DIR "' status --porcelain --untracked-files=no 2>/dev/null"
             " | head -c 1 | wc -c",
             dirty, sizeof dirty);
    p->git_dirty = dirty[0] ? dirty[0] != '0' : -1;
  } else {
    snprintf(p->git_commit, sizeof p->git_commit, "%s", LNB_GIT_COMMIT_CONFIGURED);
    p->git_dirty = -1;
  }
#if defined(__clang__)
  snprintf(p->compiler, sizeof p->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
  snprintf(p->compiler, sizeof p->compiler, "gcc %s", __VERSION__);
#else
  snprintf(p->compiler, sizeof p->compiler, "unknown");
#endif
  snprintf(p->cflags, sizeof p->cflags, "%s", LNB_C_FLAGS);
  trim(p->cflags);
  snprintf(p->build_type, sizeof p->build_type, "%s", LNB_BUILD_TYPE);
  snprintf(p->blis_version, sizeof p->blis_version, "%s", bli_info_get_version_str());
  p->blis_threads = lnb_blas_get_threads();

  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[512];
    while (fgets(line, sizeof line, f)) {
      if (strncmp(line, "model name", 10) == 0) {
        const char *c = strchr(line, ':');
        if (c) {
          c++;
          while (*c == ' ' || *c == '\t') c++;
          snprintf(p->cpu_model, sizeof p->cpu_model, "%s", c);
          trim(p->cpu_model);
        }
        break;
      }
    }
    fclose(f);
  }
  if (!p->cpu_model[0]) snprintf(p->cpu_model, sizeof p->cpu_model, "unknown");
  long nc = sysconf(_SC_NPROCESSORS_ONLN);
  p->cpu_count = nc > 0 ? (int)nc : 0;
  if (gethostname(p->hostname, sizeof p->hostname - 1) != 0) p->hostname[0] = '\0';
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(p->date_utc, sizeof p->date_utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
  /* how busy the machine was: timings of two sweeps compare only if alike */
  p->load1 = NAN;
  FILE *la = fopen("/proc/loadavg", "r");
  if (la) {
    if (fscanf(la, "%lf", &p->load1) != 1) p->load1 = NAN;
    fclose(la);
  }
}
