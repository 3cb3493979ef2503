/* provenance.h (internal) — where a result came from. */
#ifndef LNB_PROVENANCE_H
#define LNB_PROVENANCE_H

typedef struct lnb_provenance {
  char version[32];
  char git_commit[64];
  int git_dirty; /* 1 dirty, 0 clean, -1 unknown */
  char compiler[128];
  char cflags[512];
  char build_type[32];
  char blis_version[64];
  int blis_threads;
  char cpu_model[256];
  int cpu_count;
  char hostname[128];
  char date_utc[32]; /* ISO 8601 */
  double load1;      /* 1-minute load average at the start (/proc/loadavg), NaN unknown */
} lnb_provenance;

void lnb_provenance_collect(lnb_provenance *p);

/* BLIS thread count for every BLAS call of this process. */
void lnb_blas_set_threads(int n);
int lnb_blas_get_threads(void);

#endif
