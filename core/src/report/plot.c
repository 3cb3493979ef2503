/* plot.c — `lnnbench plot DIR`: SVG plots of a results directory.
 *
 * Every plot is three files in DIR/plots/: NAME.dat (the aggregated data),
 * NAME.gp (the gnuplot script that reads NAME.dat, run from DIR/plots/) and
 * NAME.svg. Per problem (numbered p1, p2, ... in summary.csv order):
 *
 *   pN_<problem plugin>_gap_vs_iteration   loss gap l - l* against iteration
 *   pN_<problem plugin>_gap_vs_seconds     ... against timed seconds
 *   pN_<problem plugin>_metric_<column>    each recorded metric column
 *   pN_<problem plugin>_trajectory_2d      projection_2d_1 vs projection_2d_2
 *
 * and perf_profile (the cross-problem performance profile, profile.h) when
 * there are at least two problems and a target.
 *
 * One line per model at its best tuned setting (the head-to-head table's
 * choice, select.best_by); the line is the median over seeds and the band
 * spans min to max. Seeds are aggregated on the union of their checkpoint x
 * values (iterations, or seconds): at each x every seed contributes its value
 * at its last checkpoint at or before x — so a seed that stopped early
 * (converged, timeout, diverged, error) carries its final value forward, and
 * before its first checkpoint a seed contributes its initial value. A
 * non-finite value (a diverged loss) leaves that seed out of that x; on a
 * log-scale axis so do values <= 0 (a gap of 0 at or below the recorded l*). */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex.h>

#include "host.h"
#include "plot_style.h"
#include "ecdf.h"
#include "profile.h"
#include "report.h"
#include "results.h"
#include "table.h"

#define LABEL_MAX 64

/* ------------------------------------------------------------ labels */

typedef struct lpart {
  char *name;    /* plugin name */
  char **tokens; /* key=value */
  size_t ntok;
} lpart;

typedef struct lparsed {
  lpart *parts;
  size_t nparts;
  char *buf;
} lparsed;

/* split s[0..len) at top-level occurrences of sep (outside () and []) */
static size_t split_top(char *s, char sep, char **out, size_t max) {
  size_t n = 0;
  int depth = 0;
  char *start = s;
  for (char *p = s;; p++) {
    if (*p == '(' || *p == '[') depth++;
    else if ((*p == ')' || *p == ']') && depth > 0) depth--;
    if (*p == '\0' || (*p == sep && depth == 0)) {
      int end = *p == '\0';
      *p = '\0';
      if (n < max) out[n++] = start;
      if (end) break;
      start = p + 1;
    }
  }
  return n;
}

static int label_parse(const char *label, lparsed *lp) {
  memset(lp, 0, sizeof *lp);
  size_t len = strlen(label);
  lp->buf = malloc(len + 1);
  char **parts = malloc((len + 1) * sizeof *parts);
  if (!lp->buf || !parts) {
    free(parts);
    return -1;
  }
  memcpy(lp->buf, label, len + 1);
  size_t np = split_top(lp->buf, '+', parts, len + 1);
  lp->parts = calloc(np ? np : 1, sizeof *lp->parts);
  if (!lp->parts) {
    free(parts);
    return -1;
  }
  lp->nparts = np;
  for (size_t i = 0; i < np; i++) {
    char *s = parts[i], *open = strchr(s, '(');
    lp->parts[i].name = s;
    size_t sl = strlen(s);
    if (!open || sl == 0 || s[sl - 1] != ')') continue;
    *open = '\0';
    s[sl - 1] = '\0';
    size_t cap = strlen(open + 1) + 1;
    lp->parts[i].tokens = malloc(cap * sizeof(char *));
    if (!lp->parts[i].tokens) {
      free(parts);
      return -1;
    }
    lp->parts[i].ntok = split_top(open + 1, ',', lp->parts[i].tokens, cap);
  }
  free(parts);
  return 0;
}

static void label_free(lparsed *lp) {
  for (size_t i = 0; i < lp->nparts; i++) free(lp->parts[i].tokens);
  free(lp->parts);
  free(lp->buf);
}

static int has_token(const lpart *p, const char *tok) {
  for (size_t i = 0; i < p->ntok; i++)
    if (strcmp(p->tokens[i], tok) == 0) return 1;
  return 0;
}

/* cut s to at most maxlen bytes (whole UTF-8 characters) ending in "..." */
static void cut_label(char *s, size_t maxlen) {
  size_t n = strlen(s);
  if (n <= maxlen || maxlen < 8) return;
  size_t k = maxlen - 3;
  while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  memcpy(s + k, "...", 4);
}

char **lnb_plot_short_labels(const char *const *labels, size_t n, size_t maxlen) {
  char **out = calloc(n ? n : 1, sizeof *out);
  lparsed *lp = calloc(n ? n : 1, sizeof *lp);
  int ok = out && lp;
  for (size_t i = 0; ok && i < n; i++) ok = label_parse(labels[i], &lp[i]) == 0;
  for (size_t i = 0; ok && i < n; i++) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
      ok = 0;
      break;
    }
    for (size_t p = 0; p < lp[i].nparts; p++) {
      const lpart *me = &lp[i].parts[p];
      /* labels using the same plugin at this position */
      size_t same = 0;
      for (size_t j = 0; j < n; j++)
        same += lp[j].nparts > p && strcmp(lp[j].parts[p].name, me->name) == 0;
      fprintf(f, "%s%s", p ? "+" : "", me->name);
      int first = 1;
      for (size_t t = 0; t < me->ntok; t++) {
        int common = same >= 2;
        for (size_t j = 0; j < n && common; j++)
          if (lp[j].nparts > p && strcmp(lp[j].parts[p].name, me->name) == 0)
            common = has_token(&lp[j].parts[p], me->tokens[t]);
        if (common) continue;
        fprintf(f, "%s%s", first ? "(" : ",", me->tokens[t]);
        first = 0;
      }
      if (!first) fputc(')', f);
    }
    if (fclose(f) != 0 || !buf) {
      free(buf);
      ok = 0;
      break;
    }
    out[i] = buf;
  }
  /* cut the long ones, but never into a label another one also reads as:
   * a label whose cut form is shared keeps its full text */
  char **cut = ok ? calloc(n ? n : 1, sizeof *cut) : NULL;
  if (ok && !cut) ok = 0;
  for (size_t i = 0; ok && i < n; i++) {
    if (!(cut[i] = strdup(out[i]))) ok = 0;
    else cut_label(cut[i], maxlen);
  }
  unsigned char *full = ok ? calloc(n ? n : 1, 1) : NULL;
  if (ok && !full) ok = 0;
  for (size_t i = 0; ok && i < n; i++)
    for (size_t j = 0; j < n && !full[i]; j++)
      full[i] = j != i && strcmp(cut[i], cut[j]) == 0 && strcmp(out[i], out[j]) != 0;
  for (size_t i = 0; ok && i < n; i++)
    if (!full[i]) {
      free(out[i]);
      out[i] = cut[i];
      cut[i] = NULL;
    }
  for (size_t i = 0; cut && i < n; i++) free(cut[i]);
  free(cut);
  free(full);
  for (size_t i = 0; lp && i < n; i++) label_free(&lp[i]);
  free(lp);
  if (!ok) {
    for (size_t i = 0; out && i < n; i++) free(out[i]);
    free(out);
    return NULL;
  }
  return out;
}

/* ------------------------------------------------------------ gnuplot */

/* one gnuplot script gets this long before it is killed */
#define LNB_GNUPLOT_SECONDS 120.0

char *lnb_plot_find_gnuplot(void) {
  const char *path = getenv("PATH");
  if (!path || !*path) path = "/usr/bin:/bin";
  const char *p = path;
  while (*p) {
    size_t k = strcspn(p, ":");
    size_t n = k + sizeof "/gnuplot" + 1;
    /* only absolute entries: an empty or relative one would run a gnuplot
     * from the current directory (perhaps a results directory's) */
    if (k > 0 && p[0] == '/') {
      char *cand = malloc(n);
      if (!cand) return NULL;
      snprintf(cand, n, "%.*s/gnuplot", (int)k, p);
      struct stat st;
      if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) return cand;
      free(cand);
    }
    p += k;
    if (*p == ':') p++;
  }
  return NULL;
}

/* run `gnuplot stem.gp` in dir; 0 ok, else -1 with gnuplot's messages in msg */
static int run_gnuplot(const char *gnuplot, const char *dir, const char *stem, char *msg,
                       size_t msgn) {
  msg[0] = '\0';
  int pfd[2];
  if (pipe(pfd) != 0) {
    snprintf(msg, msgn, "pipe: %s", strerror(errno));
    return -1;
  }
  char script[1024];
  snprintf(script, sizeof script, "%s.gp", stem);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(msg, msgn, "fork: %s", strerror(errno));
    close(pfd[0]), close(pfd[1]);
    return -1;
  }
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO), dup2(devnull, STDOUT_FILENO);
    dup2(pfd[1], STDERR_FILENO);
    close(pfd[0]);
    if (chdir(dir) != 0) _exit(126);
    execl(gnuplot, "gnuplot", script, (char *)NULL);
    _exit(127);
  }
  close(pfd[1]);
  /* gnuplot's messages until it closes its stderr, within a deadline */
  size_t len = 0;
  char buf[512];
  double deadline = lnb__now() + LNB_GNUPLOT_SECONDS;
  int killed = 0;
  for (;;) {
    double left = deadline - lnb__now();
    struct pollfd q = {.fd = pfd[0], .events = POLLIN};
    int pr = left > 0 ? poll(&q, 1, (int)(left * 1000) + 1) : 0;
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) {
      kill(pid, SIGKILL);
      killed = 1;
      break;
    }
    ssize_t k = read(pfd[0], buf, sizeof buf);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    size_t take = (size_t)k < msgn - 1 - len ? (size_t)k : msgn - 1 - len;
    memcpy(msg + len, buf, take);
    len += take;
  }
  msg[len] = '\0';
  close(pfd[0]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (killed) {
    snprintf(msg, msgn, "gnuplot did not finish in %d s; killed", (int)LNB_GNUPLOT_SECONDS);
    return -1;
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
  if (!msg[0])
    snprintf(msg, msgn, "gnuplot %s", WIFEXITED(st) ? "exited with an error" : "was killed");
  return -1;
}

/* Every text written into a .gp or a .dat file goes through gp_quote or
 * gp_comment; the rest of those files is fixed text and numbers. Labels,
 * metric names and the directory come from a results directory, so a
 * newline in one must not end a comment or a string and let gnuplot run
 * the rest (system(...)): lnb__fput_text writes control characters as
 * \xNN, and here also a quote inside a string and a backslash ending a
 * comment line (gnuplot continues such a line onto the next). Backquotes
 * and '@' are literal in single-quoted strings and in comments. */

/* a gnuplot single-quoted string */
static void gp_quote(FILE *f, const char *s) {
  fputc('\'', f);
  lnb__fput_text(f, s, "'");
  fputc('\'', f);
}

/* s as a gnuplot string expression of lines of at most maxc bytes, broken
 * after a comma or a space where one is in the second half of a line (else
 * at maxc, between whole UTF-8 characters): 'a,' . "\n" . 'b' — each piece
 * quoted as gp_quote does, so the text stays data */
static void gp_quote_wrapped(FILE *f, const char *s, size_t maxc) {
  char piece[512];
  /* a piece always fits the buffer; a width of a few characters still
   * moves on (maxc 0 would loop for ever) */
  if (maxc > sizeof piece - 1) maxc = sizeof piece - 1;
  if (maxc < 8) maxc = 8;
  size_t n = strlen(s);
  int first = 1;
  while (first || n > 0) {
    size_t take = n;
    if (n > maxc) {
      take = 0;
      for (size_t i = maxc; i > maxc / 2 && !take; i--)
        if (s[i - 1] == ',' || s[i - 1] == ' ') take = i;
      if (!take) {
        take = maxc;
        while (take > 1 && ((unsigned char)s[take] & 0xC0) == 0x80) take--;
      }
    }
    memcpy(piece, s, take);
    piece[take] = '\0';
    if (!first) fputs(" . \"\\n\" . ", f);
    gp_quote(f, piece);
    first = 0;
    s += take;
    n -= take;
  }
}

/* one comment line "# <text>\n" of a .gp or .dat file, text formatted */
__attribute__((format(printf, 2, 3))) static void gp_comment(FILE *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *text = NULL, *safe = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&text, &len);
  if (m) vfprintf(m, fmt, ap);
  va_end(ap);
  if (m && fclose(m) == 0 && text) safe = lnb__text_dup(text, NULL);
  size_t n = safe ? strlen(safe) : 0;
  int tail = n && safe[n - 1] == '\\';
  fprintf(f, "# %.*s%s\n", (int)(n - (size_t)tail), safe ? safe : "(out of memory)",
          tail ? "\\x5C" : "");
  free(text);
  free(safe);
}

/* one comment line per model of an across-problem figure (ECDF, profile):
 * its data block, full label and style */
static void gp_comment_styles(FILE *f, const char *const *models, const size_t *style,
                              size_t n) {
  for (size_t m = 0; m < n; m++)
    gp_comment(f, "  index %zu: %s  (style %zu: %s, dash %d)", m, models[m], style[m],
               lnb_plot_color(style[m]), lnb_plot_dash(style[m]));
}

/* "stem.ext" as a gnuplot string (stems are [A-Za-z0-9_], see safe_stem) */
static void gp_file(FILE *f, const char *stem, const char *ext) {
  char name[300];
  snprintf(name, sizeof name, "%s.%s", stem, ext);
  gp_quote(f, name);
}

/* ----------------------------------------------------------- aggregation */

typedef struct group {
  const char *model, *tuned;
  char *label;   /* legend text */
  size_t style;  /* plot_style.h index: the model's place in the directory */
  const lnb_rtraj **runs;
  const lnb_row **rows; /* the summary.csv row of each run */
  double *epf;          /* epochs per iteration of each run */
  size_t nruns;
} group;

typedef struct agg {
  double *x, *med, *lo, *hi;
  size_t n;
} agg;

static void agg_free(agg *a) {
  free(a->x), free(a->med), free(a->lo), free(a->hi);
  memset(a, 0, sizeof *a);
}

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* the x axis of a plot */
typedef enum xkind { X_ITER, X_SEC, X_EPOCH } xkind;
static const char *const xnames[] = {"iteration", "seconds", "epoch"};

static double x_at(const group *g, size_t r, size_t j, xkind k) {
  const lnb_rtraj *t = g->runs[r];
  return k == X_SEC ? t->seconds[j] : k == X_EPOCH ? t->iter[j] * g->epf[r] : t->iter[j];
}

static double y_of(const lnb_rtraj *r, size_t j, long ycol, size_t nmet) {
  return ycol < 0 ? r->gap[j] : r->metrics[j * nmet + (size_t)ycol];
}

/* index of run r's last checkpoint with x <= v (0 when none) */
static size_t last_at_or_before(const group *g, size_t r, xkind k, double v) {
  size_t lo = 0, hi = g->runs[r]->n; /* first index with x > v */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (x_at(g, r, mid, k) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo ? lo - 1 : 0;
}

/* median / min / max over the group's seeds at every x of the union of
 * their checkpoints; x values with x + xshift <= 0 are dropped when logx,
 * values <= 0 when posonly */
static int aggregate(const group *g, xkind xk, long ycol, size_t nmet, int logx, double xshift,
                     int posonly, agg *a) {
  memset(a, 0, sizeof *a);
  size_t total = 0;
  for (size_t r = 0; r < g->nruns; r++) total += g->runs[r]->n;
  double *ux = malloc((total ? total : 1) * sizeof *ux);
  double *vals = malloc((g->nruns ? g->nruns : 1) * sizeof *vals);
  if (!ux || !vals) {
    free(ux), free(vals);
    return -1;
  }
  size_t nu = 0;
  for (size_t r = 0; r < g->nruns; r++)
    for (size_t j = 0; j < g->runs[r]->n; j++) {
      double x = x_at(g, r, j, xk);
      if (isfinite(x) && (!logx || x + xshift > 0)) ux[nu++] = x;
    }
  qsort(ux, nu, sizeof *ux, cmp_dbl);
  size_t k = 0;
  for (size_t i = 0; i < nu; i++)
    if (k == 0 || ux[i] != ux[k - 1]) ux[k++] = ux[i];
  nu = k;
  a->x = malloc((nu ? nu : 1) * sizeof *a->x);
  a->med = malloc((nu ? nu : 1) * sizeof *a->med);
  a->lo = malloc((nu ? nu : 1) * sizeof *a->lo);
  a->hi = malloc((nu ? nu : 1) * sizeof *a->hi);
  if (!a->x || !a->med || !a->lo || !a->hi) {
    free(ux), free(vals), agg_free(a);
    return -1;
  }
  for (size_t i = 0; i < nu; i++) {
    size_t nv = 0;
    for (size_t r = 0; r < g->nruns; r++) {
      const lnb_rtraj *t = g->runs[r];
      if (!t->n) continue;
      size_t j = last_at_or_before(g, r, xk, ux[i]);
      double v = y_of(t, j, ycol, nmet);
      if (isfinite(v) && (!posonly || v > 0)) vals[nv++] = v;
    }
    if (!nv) continue;
    qsort(vals, nv, sizeof *vals, cmp_dbl);
    a->x[a->n] = ux[i];
    a->med[a->n] = nv % 2 ? vals[nv / 2] : 0.5 * (vals[nv / 2 - 1] + vals[nv / 2]);
    a->lo[a->n] = vals[0];
    a->hi[a->n] = vals[nv - 1];
    a->n++;
  }
  free(ux), free(vals);
  return 0;
}

/* ------------------------------------------------------------- writers */

typedef struct plot_ctx {
  const char *dir;     /* DIR/plots */
  const char *source;  /* the results directory, for comments */
  const char *manifest; /* manifest.json (metric help for the axis labels) */
  const char *ext;     /* svg | png | pdf */
  char **stems;        /* plots written, to render */
  size_t nstems;
  char notes[4096];
  int oom;
} plot_ctx;

static void note(plot_ctx *c, const char *fmt, const char *a, const char *b) {
  size_t len = strlen(c->notes);
  if (len + 200 >= sizeof c->notes) return;
  snprintf(c->notes + len, sizeof c->notes - len, "note: ");
  len = strlen(c->notes);
  snprintf(c->notes + len, sizeof c->notes - len, fmt, a, b);
  len = strlen(c->notes);
  snprintf(c->notes + len, sizeof c->notes - len, "\n");
}

/* open DIR/plots/stem.ext for writing */
static FILE *open_out(plot_ctx *c, const char *stem, const char *ext, lnb_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.%s", c->dir, stem, ext);
  /* a file (or a link planted) there is replaced, never written through;
   * the image gnuplot will write likewise */
  char img[4096];
  snprintf(img, sizeof img, "%s/%s.%s", c->dir, stem, c->ext);
  if ((unlink(path) != 0 && errno != ENOENT) || (unlink(img) != 0 && errno != ENOENT)) {
    lnb__error(err, LNB_EIO, "%s: cannot replace: %s", path, strerror(errno));
    return NULL;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    lnb__error(err, LNB_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
  }
  return f;
}

static int close_out(FILE *f, const char *dir, const char *stem, const char *ext,
                     lnb_error *err) {
  if (fclose(f) != 0)
    return lnb__error(err, LNB_EIO, "%s/%s.%s: write failed: %s", dir, stem, ext,
                      strerror(errno));
  return LNB_OK;
}

static int add_stem(plot_ctx *c, const char *stem, lnb_error *err) {
  char **t = realloc(c->stems, (c->nstems + 1) * sizeof *t);
  char *s = malloc(strlen(stem) + 1);
  if (!t || !s) {
    free(s);
    if (t) c->stems = t;
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  strcpy(s, stem);
  c->stems = t;
  c->stems[c->nstems++] = s;
  return LNB_OK;
}

/* figure width in pixels (PDF: hundredths of an inch) */
#define FIG_W 960
#define FIG_H 540
/* the most models a line plot draws min-max bands for */
#define BAND_MAX 6

/* Legend rows below the axes: gnuplot puts as many columns side by side as
 * its widest entry allows (maxcols auto); this estimate of that count (an
 * average glyph of 0.55 em at 12 pt, plus the line sample) sizes the figure
 * so the axes keep their height whatever the number of models. */
static size_t key_rows(const char *const *labels, size_t n) {
  size_t w = 1;
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(labels[i]);
    if (l > w) w = l;
  }
  double colpx = (double)w * 6.6 + 70.0;
  size_t cols = (size_t)((FIG_W - 40) / colpx);
  if (cols < 1) cols = 1;
  return (n + cols - 1) / cols;
}

/* keyrows legend rows below the axes; w, h: the size, 0 for the default */
static void gp_header(plot_ctx *c, FILE *f, const char *stem, const char *title,
                      const char *xlabel, const char *ylabel, size_t keyrows, size_t w,
                      size_t h) {
  if (!w) w = FIG_W;
  if (!h) h = FIG_H + 20 * keyrows;
  if (strcmp(c->ext, "png") == 0)
    fprintf(f, "set terminal pngcairo size %zu,%zu enhanced font 'Sans,11' background rgb "
               "'white'\n", w, h);
  else if (strcmp(c->ext, "pdf") == 0)
    fprintf(f, "set terminal pdfcairo size %.2fin,%.2fin enhanced font 'Sans,9'\n",
            (double)w / 100.0, (double)h / 100.0);
  else
    fprintf(f, "set terminal svg size %zu,%zu dynamic enhanced font 'Sans,12' background rgb "
               "'white'\n", w, h);
  fputs("set output ", f);
  gp_file(f, stem, c->ext);
  fputc('\n', f);
  fputs("set datafile missing 'NaN'\n", f);
  /* long titles (a problem's full label) and metric help texts wrap: about
   * 8 px per character at 12 pt across the figure, along the axes' height */
  fputs("set title ", f);
  gp_quote_wrapped(f, title, (w - 40) / 8);
  fputs(" noenhanced\nset xlabel ", f);
  gp_quote(f, xlabel);
  fputs(" noenhanced\nset ylabel ", f);
  gp_quote_wrapped(f, ylabel, (FIG_H - 120) / 8);
  fputs(" noenhanced\n", f);
  fputs("set grid lc rgb '#dddddd'\n", f);
  fputs("set border lc rgb '#444444'\n", f);
  /* outside the axes, below, as many columns as fit */
  fputs("set key outside below center horizontal Left reverse noenhanced samplen 3 "
        "spacing 1.1 maxcols auto maxrows auto\n", f);
}

/* powers: tick labels 10^k (else gnuplot's %g: 1, 10, 100, ...) */
static void gp_axis(FILE *f, char axis, int logscale, int powers) {
  if (!logscale) return;
  fprintf(f, "set logscale %c 10\n", axis);
  /* a log x axis ends at the data, not at the next decade (a run of 100
   * iterations would get an axis to 1000, a tenth of it used) */
  if (axis == 'x') fputs("set autoscale xfix\n", f);
  if (powers) fprintf(f, "set format %c '10^{%%L}'\n", axis);
}

typedef struct bspec {
  const char *stem, *title, *xlabel, *ylabel, *about;
  int logx, logy;
  double xshift; /* plotted x = recorded x + xshift (iteration + 1 on a log axis) */
  double target; /* a horizontal line at y = target; NaN for none */
} bspec;

/* line + min-max band per group; a[i].n == 0 leaves group i out */
static int write_band_plot(plot_ctx *c, const bspec *b, const group *g, const agg *a, size_t ng,
                           lnb_error *err) {
  size_t nk = 0;
  double xlo = INFINITY;
  const char **labels = malloc((ng + 1) * sizeof *labels);
  if (!labels) return lnb__error(err, LNB_ENOMEM, "out of memory");
  for (size_t i = 0; i < ng; i++) {
    if (!a[i].n) continue;
    labels[nk++] = g[i].label;
    for (size_t j = 0; j < a[i].n; j++)
      if (a[i].x[j] + b->xshift < xlo) xlo = a[i].x[j] + b->xshift;
  }
  if (!nk) {
    free(labels);
    return LNB_OK;
  }
  char tlabel[96] = "";
  if (isfinite(b->target)) {
    snprintf(tlabel, sizeof tlabel, "target  (stop.target_gap = %g)", b->target);
    labels[nk] = tlabel;
  }
  size_t rows = key_rows(labels, nk + (tlabel[0] != '\0'));
  free(labels);
  FILE *d = open_out(c, b->stem, "dat", err);
  if (!d) return err->code;
  gp_comment(d, "%s: %s", b->stem, b->about);
  gp_comment(d, "from %s; one block (gnuplot index) per model:", c->source);
  gp_comment(d, "x  median  min  max   (over seeds; x as recorded, %s)",
             b->xshift != 0 ? "plotted at x + 1" : "plotted as is");
  for (size_t i = 0; i < ng; i++) {
    if (!a[i].n) continue;
    gp_comment(d, "model %s, tuned %s, %zu seeds", g[i].model, g[i].tuned[0] ? g[i].tuned : "-",
               g[i].nruns);
    for (size_t j = 0; j < a[i].n; j++)
      fprintf(d, "%.10g %.10g %.10g %.10g\n", a[i].x[j], a[i].med[j], a[i].lo[j], a[i].hi[j]);
    fputs("\n\n", d);
  }
  if (tlabel[0]) { /* the target line: a last block across the plotted x range */
    double x0 = INFINITY, x1 = -INFINITY;
    for (size_t i = 0; i < ng; i++)
      for (size_t j = 0; j < a[i].n; j++) {
        if (a[i].x[j] < x0) x0 = a[i].x[j];
        if (a[i].x[j] > x1) x1 = a[i].x[j];
      }
    gp_comment(d, "target line: stop.target_gap = %.10g", b->target);
    fprintf(d, "%.10g %.10g\n%.10g %.10g\n", x0, b->target, x1, b->target);
  }
  int rc = close_out(d, c->dir, b->stem, "dat", err);
  if (rc != LNB_OK) return rc;
  FILE *f = open_out(c, b->stem, "gp", err);
  if (!f) return err->code;
  gp_comment(f, "%s: %s", b->stem, b->about);
  gp_comment(f, "Data: %s.dat (from %s). Run: cd to this directory, gnuplot %s.gp", b->stem,
             c->source, b->stem);
  /* past BAND_MAX models the overlapping bands hide the lines: lines only */
  int bands = nk <= BAND_MAX;
  if (bands)
    gp_comment(f, "Lines: median over seeds; bands: min to max. Legend labels drop the "
                  "parameters");
  else
    gp_comment(f, "Lines: median over seeds (no min-max bands: %zu models, more than %d; the "
                  "bands are in the .dat file). Legend labels drop the parameters", nk, BAND_MAX);
  gp_comment(f, "every model of the plot shares; the full labels are:");
  for (size_t i = 0, k = 0; i < ng; i++)
    if (a[i].n) gp_comment(f, "  index %zu: %s  [tuned %s]  (style %zu: %s, dash %d)", k++,
                           g[i].model, g[i].tuned[0] ? g[i].tuned : "-", g[i].style,
                           lnb_plot_color(g[i].style), lnb_plot_dash(g[i].style));
  if (b->xshift != 0)
    gp_comment(f, "x is plotted at x + %g so that x = 0 (the start) shows on the log axis",
               b->xshift);
  if (isfinite(b->target)) gp_comment(f, "target line: stop.target_gap = %.10g", b->target);
  gp_header(c, f, b->stem, b->title, b->xlabel, b->ylabel, rows, 0, 0);
  gp_axis(f, 'x', b->logx, !(xlo >= 1)); /* iterations: 1, 10, 100; seconds: 10^k */
  gp_axis(f, 'y', b->logy, 1);
  fputs("set style fill transparent solid 0.15 noborder\nplot \\\n", f);
  char xu[32];
  if (b->xshift != 0) snprintf(xu, sizeof xu, "($1+%g)", b->xshift);
  else snprintf(xu, sizeof xu, "1");
  for (size_t i = 0, k = 0; i < ng; i++) {
    if (!a[i].n) continue;
    const char *col = lnb_plot_color(g[i].style);
    fputs("  ", f);
    gp_file(f, b->stem, "dat");
    if (bands)
      fprintf(f, " index %zu using %s:3:4 with filledcurves fc rgb '%s' notitle, \\\n  ''", k,
              xu, col);
    fprintf(f, " index %zu using %s:2 with lines lw 2 lc rgb '%s' dt %d title ", k, xu, col,
            lnb_plot_dash(g[i].style));
    gp_quote(f, g[i].label);
    fputs(++k < nk || tlabel[0] ? ", \\\n" : "\n", f);
  }
  if (tlabel[0]) {
    fputs("  ", f);
    gp_file(f, b->stem, "dat");
    fprintf(f, " index %zu using %s:2 with lines lw 1.5 lc rgb '#555555' dt 3 title ", nk, xu);
    gp_quote(f, tlabel);
    fputc('\n', f);
  }
  rc = close_out(f, c->dir, b->stem, "gp", err);
  return rc == LNB_OK ? add_stem(c, b->stem, err) : rc;
}

/* Axis limits of a 2-D trajectory plot: the range of the runs that did not
 * diverge (all runs when every one diverged), 5 % margin. */
static void traj_limits(const group *g, size_t ng, const unsigned char *use, long c1, long c2,
                        size_t nmet, double lim[4]) {
  for (int pass = 0; pass < 2; pass++) {
    lim[0] = lim[2] = INFINITY;
    lim[1] = lim[3] = -INFINITY;
    for (size_t i = 0; i < ng; i++) {
      if (!use[i]) continue;
      for (size_t r = 0; r < g[i].nruns; r++) {
        if (pass == 0 && g[i].rows[r]->status == LNB_RUN_DIVERGED) continue;
        const lnb_rtraj *t = g[i].runs[r];
        for (size_t j = 0; j < t->n; j++) {
          double u = y_of(t, j, c1, nmet), v = y_of(t, j, c2, nmet);
          if (!isfinite(u) || !isfinite(v)) continue;
          if (u < lim[0]) lim[0] = u;
          if (u > lim[1]) lim[1] = u;
          if (v < lim[2]) lim[2] = v;
          if (v > lim[3]) lim[3] = v;
        }
      }
    }
    if (lim[0] <= lim[1]) break;
  }
  for (int a = 0; a < 4; a += 2) {
    double w = lim[a + 1] - lim[a];
    if (!(w > 0)) w = fabs(lim[a]) > 0 ? fabs(lim[a]) : 1;
    lim[a] -= 0.05 * w;
    lim[a + 1] += 0.05 * w;
  }
}

static int inside(const double lim[4], double u, double v) {
  return u >= lim[0] && u <= lim[1] && v >= lim[2] && v <= lim[3];
}

/* more models than this: one panel per model */
#define TRAJ_PANELS_FROM 6

static int write_traj2d(plot_ctx *c, const char *stem, const char *title, const group *g,
                        size_t ng, long c1, long c2, size_t nmet, lnb_error *err) {
  size_t nk = 0, ndiv = 0;
  unsigned char *use = calloc(ng ? ng : 1, 1);
  const char **labels = malloc((ng + 2) * sizeof *labels);
  char **klabels = calloc(ng ? ng : 1, sizeof *klabels);
  int rc = LNB_OK;
  if (!use || !labels || !klabels) {
    rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < ng; i++) {
    size_t nd = 0;
    for (size_t r = 0; r < g[i].nruns; r++) {
      const lnb_rtraj *t = g[i].runs[r];
      for (size_t j = 0; j < t->n && !use[i]; j++)
        use[i] = isfinite(y_of(t, j, c1, nmet)) && isfinite(y_of(t, j, c2, nmet));
      nd += g[i].rows[r]->status == LNB_RUN_DIVERGED;
    }
    if (!use[i]) continue;
    size_t ln = strlen(g[i].label) + 64;
    if (!(klabels[i] = malloc(ln))) {
      rc = lnb__error(err, LNB_ENOMEM, "out of memory");
      goto out;
    }
    if (nd) snprintf(klabels[i], ln, "%s  [%zu/%zu diverged]", g[i].label, nd, g[i].nruns);
    else snprintf(klabels[i], ln, "%s", g[i].label);
    labels[nk++] = klabels[i];
    ndiv += nd;
  }
  if (!nk) goto out;
  double lim[4];
  traj_limits(g, ng, use, c1, c2, nmet, lim);
  FILE *d = open_out(c, stem, "dat", err);
  if (!d) {
    rc = err->code;
    goto out;
  }
  gp_comment(d, "%s: projection_2d_1 projection_2d_2 at every checkpoint, from %s", stem,
             c->source);
  gp_comment(d, "two blocks (gnuplot indices 2k, 2k+1) per model: its runs (one line per seed),");
  gp_comment(d, "then the last point inside the axes of each of its diverged runs");
  for (size_t i = 0; i < ng; i++) {
    if (!use[i]) continue;
    gp_comment(d, "model %s, tuned %s", g[i].model, g[i].tuned[0] ? g[i].tuned : "-");
    for (size_t r = 0; r < g[i].nruns; r++) {
      const lnb_rtraj *t = g[i].runs[r];
      gp_comment(d, "run %zu%s", t->run_id,
                 g[i].rows[r]->status == LNB_RUN_DIVERGED ? " (diverged)" : "");
      for (size_t j = 0; j < t->n; j++) {
        double u = y_of(t, j, c1, nmet), v = y_of(t, j, c2, nmet);
        if (isfinite(u) && isfinite(v)) fprintf(d, "%.10g %.10g\n", u, v);
      }
      fputc('\n', d);
    }
    fputs("\n", d);
    gp_comment(d, "diverged runs of this model: last point inside the axes");
    fputs("nan nan\n", d); /* the block exists even when no run diverged */
    for (size_t r = 0; r < g[i].nruns; r++) {
      if (g[i].rows[r]->status != LNB_RUN_DIVERGED) continue;
      const lnb_rtraj *t = g[i].runs[r];
      double lu = NAN, lv = NAN;
      for (size_t j = 0; j < t->n; j++) {
        double u = y_of(t, j, c1, nmet), v = y_of(t, j, c2, nmet);
        if (isfinite(u) && isfinite(v) && inside(lim, u, v)) lu = u, lv = v;
      }
      if (isfinite(lu)) fprintf(d, "%.10g %.10g\n", lu, lv);
    }
    fputs("\n\n", d);
  }
  rc = close_out(d, c->dir, stem, "dat", err);
  FILE *f = rc == LNB_OK ? open_out(c, stem, "gp", err) : NULL;
  if (!f) {
    if (rc == LNB_OK) rc = err->code;
    goto out;
  }
  int panels = nk >= TRAJ_PANELS_FROM;
  gp_comment(f, "%s: 2-D trajectories (projection_2d: a fixed random 2-D projection of vec(W_e),",
             stem);
  gp_comment(f, "the same for every run; when W_e has two entries it is W_e up to a fixed linear");
  gp_comment(f, "map). One line per seed, circles at the start. Data: %s.dat (from %s).", stem,
             c->source);
  gp_comment(f, "Axes: the range of the runs that did not diverge (+5 %%); diverged runs leave");
  gp_comment(f, "the frame and are clipped there, a cross at their last point inside.");
  if (panels) gp_comment(f, "%zu models: one panel each, all on the same axes.", nk);
  for (size_t i = 0, k = 0; i < ng; i++)
    if (use[i]) gp_comment(f, "  index %zu: %s  [tuned %s]", 2 * k++, g[i].model,
                           g[i].tuned[0] ? g[i].tuned : "-");
  const char *dlabel = "diverged: last point inside the axes";
  /* panels wide enough for their titles (~5 px a character at 9 pt),
   * as many side by side as fit in 1600 px; a longer title wraps */
  size_t cols = 1, rows = 1, pw = 300, maxl = 0;
  if (panels) {
    for (size_t i = 0; i < nk; i++)
      if (strlen(labels[i]) > maxl) maxl = strlen(labels[i]);
    if (maxl * 5 + 40 > pw) pw = maxl * 5 + 40;
    if (pw > 1600) pw = 1600; /* a longer panel title wraps */
    cols = 1600 / pw;
    if (cols < 1) cols = 1;
    while (cols > 1 && (cols - 1) * (cols - 1) >= nk) cols--;
    rows = (nk + cols - 1) / cols;
  }
  if (ndiv) labels[nk] = dlabel;
  if (panels)
    gp_header(c, f, stem, title, "", "", 0, cols * pw, rows * 300 + 60);
  else
    gp_header(c, f, stem, title, "projection_2d_1", "projection_2d_2",
              key_rows(labels, nk + (ndiv > 0)), 0, 0);
  fprintf(f, "set xrange [%.10g:%.10g]\nset yrange [%.10g:%.10g]\n", lim[0], lim[1], lim[2],
          lim[3]);
  if (panels) {
    /* the panel title is the legend; the overall title says the rest */
    fputs("set key off\nset title font ',8'\nset tics font ',9'\n", f);
    fprintf(f, "set multiplot layout %zu,%zu title ", rows, cols);
    char mt[160];
    snprintf(mt, sizeof mt, "(projection_2d_1 across, projection_2d_2 up%s)",
             ndiv ? "; x: where a diverged run left the axes" : "");
    gp_quote_wrapped(f, title, (cols * pw - 40) / 8);
    fputs(" . \"\\n\" . ", f);
    gp_quote_wrapped(f, mt, (cols * pw - 40) / 8);
    fputs(" noenhanced\n", f);
  } else {
    fputs("plot \\\n", f);
  }
  for (size_t i = 0, k = 0; i < ng; i++) {
    if (!use[i]) continue;
    const char *col = lnb_plot_color(g[i].style);
    if (panels) {
      fputs("set title ", f);
      gp_quote_wrapped(f, klabels[i], (pw - 20) / 6); /* 8 pt: ~5.5 px a character */
      fputs(" noenhanced\nplot \\\n", f);
    }
    fputs("  ", f);
    gp_file(f, stem, "dat");
    fprintf(f, " index %zu using 1:2 with lines lw 1.5 lc rgb '%s' dt %d title ", 2 * k, col,
            lnb_plot_dash(g[i].style));
    gp_quote(f, klabels[i]);
    fprintf(f, ", \\\n  '' index %zu every ::0::0 using 1:2 with points pt 7 ps 0.8 lc rgb '%s' "
               "notitle, \\\n",
            2 * k, col);
    fprintf(f, "  '' index %zu using 1:2 with points pt 2 ps 1.6 lw 2 lc rgb '#000000' ",
            2 * k + 1);
    /* the one key entry for the crosses: on the first model that has one */
    int first_div = 0;
    if (!panels && ndiv && strstr(klabels[i], " diverged]")) {
      first_div = 1;
      for (size_t q = 0; q < i; q++) first_div &= !(use[q] && strstr(klabels[q], " diverged]"));
    }
    if (first_div) {
      fputs("title ", f);
      gp_quote(f, dlabel);
    } else fputs("notitle", f);
    k++;
    fputs(!panels && k < nk ? ", \\\n" : "\n", f);
  }
  /* no "unset multiplot": gnuplot closes the figure at exit, and every line
   * of a script stays a comment, a set, a plot or a data source line (the
   * hostile-results tests and the fuzz harness hold the scripts to that) */
  rc = close_out(f, c->dir, stem, "gp", err);
  if (rc == LNB_OK) rc = add_stem(c, stem, err);
out:
  for (size_t i = 0; klabels && i < ng; i++) free(klabels[i]);
  free(klabels);
  free(labels);
  free(use);
  return rc;
}

/* the plot command of a set of step curves: one index of stem.dat per model */
static void gp_step_lines(FILE *f, const char *stem, size_t n, const size_t *style,
                          char *const *keys) {
  fputs("set yrange [0:1.05]\nplot \\\n", f);
  for (size_t m = 0; m < n; m++) {
    fputs("  ", f);
    gp_file(f, stem, "dat");
    fprintf(f, " index %zu using 1:2 with steps lw 2 lc rgb '%s' dt %d title ", m,
            lnb_plot_color(style[m]), lnb_plot_dash(style[m]));
    gp_quote(f, keys[m]);
    fputs(m + 1 < n ? ", \\\n" : "\n", f);
  }
}

/* ecdf_iterations / ecdf_seconds: the multi-target ECDF (ecdf.h); a hit at 0
 * (the target met at the start) is drawn at the left edge of the log axis */
static int write_ecdf(plot_ctx *c, const lnb_ecdf *e, int in_seconds, const size_t *style,
                      lnb_error *err) {
  const char *stem = in_seconds ? "ecdf_seconds" : "ecdf_iterations";
  const char *unit = in_seconds ? "seconds" : "iterations";
  double b[64];
  size_t nb = lnb_ecdf_budgets(e, in_seconds, b, 64);
  if (nb == 0) {
    note(c, "no %s: no model reached any %s", stem, "(problem, target) pair");
    return LNB_OK;
  }
  double lo = b[0], hi = nb > 1 ? b[nb - 1] : 10 * b[0];
  char **labels = lnb_plot_short_labels(e->models, e->nmodels, LABEL_MAX);
  char **keys = calloc(e->nmodels ? e->nmodels : 1, sizeof *keys);
  double *x = malloc((e->npairs ? e->npairs : 1) * sizeof *x);
  int rc = LNB_OK;
  FILE *d = NULL, *f = NULL;
  if (!labels || !keys || !x) goto oom;
  for (size_t m = 0; m < e->nmodels; m++) {
    size_t ln = strlen(labels[m]) + 32;
    if (!(keys[m] = malloc(ln))) goto oom;
    snprintf(keys[m], ln, "%s  (ever: %.2f)", labels[m], lnb_ecdf_frac(e, m, in_seconds, INFINITY));
  }
  if (!(d = open_out(c, stem, "dat", err))) goto fail;
  gp_comment(d, "%s: fraction of the %zu (problem, target) pairs each model reaches within a "
                "budget of %s", stem, e->npairs, unit);
  gp_comment(d, "(median over seeds of the first checkpoint with gap <= target), from %s; one "
                "block per model: budget  fraction", c->source);
  for (size_t m = 0; m < e->nmodels; m++) {
    gp_comment(d, "model %s", e->models[m]);
    const double *h = (in_seconds ? e->seconds : e->iters) + m * e->npairs;
    size_t k = 0;
    for (size_t j = 0; j < e->npairs; j++)
      if (h[j] > lo && h[j] < hi) x[k++] = h[j];
    qsort(x, k, sizeof *x, cmp_dbl);
    fprintf(d, "%.10g %.10g\n", lo, lnb_ecdf_frac(e, m, in_seconds, lo));
    for (size_t i = 0; i < k; i++)
      if (i == 0 || x[i] != x[i - 1])
        fprintf(d, "%.10g %.10g\n", x[i], lnb_ecdf_frac(e, m, in_seconds, x[i]));
    fprintf(d, "%.10g %.10g\n\n\n", hi, lnb_ecdf_frac(e, m, in_seconds, hi));
  }
  rc = close_out(d, c->dir, stem, "dat", err);
  if (rc != LNB_OK) goto out;
  if (!(f = open_out(c, stem, "gp", err))) goto fail;
  gp_comment(f, "%s: multi-target ECDF (COCO's runtime ECDF) over %zu (problem, target) "
                "pairs, %zu problems: targets", stem, e->npairs, e->nprob);
  gp_comment(f, "are the gap decades 1e-1..1e-8 at or above stop.target_gap and the smallest "
                "gap recorded on the problem;");
  gp_comment(f, "a model (best tuned setting) reaches a pair at the median over seeds of its "
                "first checkpoint with gap <= target.");
  gp_comment(f, "Data: %s.dat (from %s).", stem, c->source);
  gp_comment_styles(f, e->models, style, e->nmodels);
  char title[128], xlabel[64];
  snprintf(title, sizeof title, "ECDF over %zu (problem, target) pairs, %zu problem%s",
           e->npairs, e->nprob, e->nprob == 1 ? "" : "s");
  snprintf(xlabel, sizeof xlabel, "budget (%s, log scale)", unit);
  gp_header(c, f, stem, title, xlabel, "fraction of (problem, target) pairs reached",
            key_rows((const char *const *)keys, e->nmodels), 0, 0);
  fprintf(f, "set logscale x 10\nset xrange [%.10g:%.10g]\n", lo, hi);
  gp_step_lines(f, stem, e->nmodels, style, keys);
  if ((rc = close_out(f, c->dir, stem, "gp", err)) == LNB_OK) rc = add_stem(c, stem, err);
  goto out;
oom:
  rc = lnb__error(err, LNB_ENOMEM, "out of memory");
  goto out;
fail:
  rc = err->code;
out:
  for (size_t m = 0; labels && m < e->nmodels; m++) free(labels[m]);
  for (size_t m = 0; keys && m < e->nmodels; m++) free(keys[m]);
  free(labels), free(keys), free(x);
  return rc;
}

static int write_profile(plot_ctx *c, const lnb_profile *p, const char *best_by,
                         const size_t *style, lnb_error *err) {
  const char *quantity = lnb_quantity_label(best_by);
  const char *stem = "perf_profile";
  char **labels = lnb_plot_short_labels(p->models, p->nmodels, LABEL_MAX);
  double *r = malloc((p->nprob ? p->nprob : 1) * sizeof *r);
  char **keys = calloc(p->nmodels ? p->nmodels : 1, sizeof *keys);
  if (!labels || !r || !keys) {
    free(r);
    free(keys);
    if (labels)
      for (size_t m = 0; m < p->nmodels; m++) free(labels[m]);
    free(labels);
    return lnb__error(err, LNB_ENOMEM, "out of memory");
  }
  int rc = LNB_OK;
  for (size_t m = 0; m < p->nmodels; m++) {
    size_t ln = strlen(labels[m]) + 32;
    if (!(keys[m] = malloc(ln))) goto oom;
    snprintf(keys[m], ln, "%s  (τ = ∞: %.2f)", labels[m], lnb_profile_rho(p, m, INFINITY));
  }
  FILE *d = open_out(c, stem, "dat", err);
  if (!d) {
    rc = err->code;
    goto out;
  }
  gp_comment(d, "perf_profile: fraction of the %zu problems each model solves within tau times "
                "the fastest model's", p->nprob);
  gp_comment(d, "median time to target (Dolan and Moré 2002), from %s; one block per model: "
                "tau  fraction", c->source);
  for (size_t m = 0; m < p->nmodels; m++) {
    gp_comment(d, "model %s", p->models[m]);
    size_t k = 0;
    for (size_t q = 0; q < p->nprob; q++) {
      double x = p->ratio[m * p->nprob + q];
      if (x > 1 && x < 1000) r[k++] = x;
    }
    qsort(r, k, sizeof *r, cmp_dbl);
    fprintf(d, "1 %.10g\n", lnb_profile_rho(p, m, 1.0));
    for (size_t i = 0; i < k; i++)
      if (i == 0 || r[i] != r[i - 1]) fprintf(d, "%.10g %.10g\n", r[i], lnb_profile_rho(p, m, r[i]));
    fprintf(d, "1000 %.10g\n\n\n", lnb_profile_rho(p, m, 1000.0));
  }
  if ((rc = close_out(d, c->dir, stem, "dat", err)) != LNB_OK) goto out;
  FILE *f = open_out(c, stem, "gp", err);
  if (!f) {
    rc = err->code;
    goto out;
  }
  gp_comment(f, "perf_profile: performance profile over %zu problems (Dolan and Moré 2002): for "
                "each model at its", p->nprob);
  gp_comment(f, "best tuned setting, the fraction of problems on which its median %s "
                "is within", quantity);
  gp_comment(f, "tau times the fastest model's. The legend gives the fraction at tau = inf "
                "(solved at all).");
  gp_comment(f, "Data: %s.dat (from %s).", stem, c->source);
  gp_comment_styles(f, p->models, style, p->nmodels);
  char title[128];
  snprintf(title, sizeof title, "Performance profile over %zu problems (%s)", p->nprob,
           quantity);
  gp_header(c, f, stem, title, "τ (value / best model's value)",
            "fraction of problems solved within τ",
            key_rows((const char *const *)keys, p->nmodels), 0, 0);
  fputs("set logscale x 10\nset xrange [1:1000]\n", f);
  gp_step_lines(f, stem, p->nmodels, style, keys);
  if ((rc = close_out(f, c->dir, stem, "gp", err)) == LNB_OK) rc = add_stem(c, stem, err);
  goto out;
oom:
  rc = lnb__error(err, LNB_ENOMEM, "out of memory");
out:
  for (size_t m = 0; m < p->nmodels; m++) free(labels[m]), free(keys[m]);
  free(labels);
  free(keys);
  free(r);
  return rc;
}

/* ------------------------------------------------------------- driver */

/* file-name part: the label up to its first '(' (a plugin or metric name),
 * every character but [A-Za-z0-9_] made '_', so a name from a results file
 * can neither leave DIR/plots ('/', "..") nor need quoting */
static void safe_stem(const char *label, char *out, size_t n) {
  size_t k = 0;
  for (const char *p = label; *p && *p != '(' && k + 1 < n; p++)
    out[k++] = (isalnum((unsigned char)*p) || *p == '_') ? *p : '_';
  out[k] = '\0';
}

static int has_d2(const char *problem) {
  const char *p = problem;
  while ((p = strstr(p, "d=2")) != NULL) {
    if (p > problem && (p[-1] == '(' || p[-1] == ',') && (p[3] == ',' || p[3] == ')')) return 1;
    p++;
  }
  return 0;
}

/* the x axis: is it logarithmic, what is its label, is it shifted */
static void x_axis(const group *g, size_t ng, xkind xk, int *logx, double *xshift, char *label,
                   size_t n) {
  double xmax = 0, xminpos = INFINITY;
  for (size_t i = 0; i < ng; i++)
    for (size_t r = 0; r < g[i].nruns; r++)
      for (size_t j = 0; j < g[i].runs[r]->n; j++) {
        double x = x_at(&g[i], r, j, xk);
        if (x > xmax) xmax = x;
        if (x > 0 && x < xminpos) xminpos = x;
      }
  *logx = xk == X_ITER ? xmax >= 100 : xmax / xminpos >= 100;
  *xshift = xk == X_ITER && *logx ? 1 : 0;
  const char *base = xk == X_SEC ? "seconds (timed work)" : xk == X_EPOCH ? "epoch" : "iteration";
  if (*xshift != 0) snprintf(label, n, "iteration + 1  (log scale; 1 = the start, iteration 0)");
  else if (*logx) snprintf(label, n, "%s  (log scale; 0 not shown)", base);
  else snprintf(label, n, "%s", base);
}

static int plot_problem(plot_ctx *c, const lnb_plot_opts *o, size_t pi, const char *problem,
                        group *g, size_t ng, const lnb_rtrajs *tr, double target,
                        lnb_error *err) {
  char plug[64], stem[256], title[512], about[256], xlabel[128];
  safe_stem(problem, plug, sizeof plug);
  char ptitle[160];
  snprintf(ptitle, sizeof ptitle, "%s", problem);
  cut_label(ptitle, 110);
  agg *a = calloc(ng ? ng : 1, sizeof *a);
  if (!a) return lnb__error(err, LNB_ENOMEM, "out of memory");
  int rc = LNB_OK;
  /* loss gap against each x axis asked for (default: iteration and seconds) */
  for (int xi = 0; xi < 3 && rc == LNB_OK; xi++) {
    xkind xk = (xkind)xi;
    if (o->x ? strcmp(o->x, xnames[xi]) != 0 : xk == X_EPOCH) continue;
    int logx;
    double xshift;
    x_axis(g, ng, xk, &logx, &xshift, xlabel, sizeof xlabel);
    for (size_t i = 0; i < ng && rc == LNB_OK; i++)
      if (aggregate(&g[i], xk, -1, tr->nmetrics, logx, xshift, 1, &a[i]) != 0)
        rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    snprintf(stem, sizeof stem, "p%zu_%s_gap_vs_%s", pi, plug, xnames[xi]);
    snprintf(title, sizeof title, "Problem %zu: %s", pi, ptitle);
    snprintf(about, sizeof about, "loss gap l - l* against %s",
             xk == X_SEC ? "seconds of timed work" : xnames[xi]);
    bspec b = {stem, title, xlabel, "loss gap  l − l*  (log scale)", about, logx, 1, xshift,
               target};
    if (rc == LNB_OK) rc = write_band_plot(c, &b, g, a, ng, err);
    for (size_t i = 0; i < ng; i++) agg_free(&a[i]);
  }
  /* every metric column against iteration (or the x asked for; projection_2d
   * gets its own plot) */
  xkind mx = o->x && strcmp(o->x, "seconds") == 0 ? X_SEC
             : o->x && strcmp(o->x, "epoch") == 0 ? X_EPOCH : X_ITER;
  long c1 = -1, c2 = -1;
  for (size_t m = 0; m < tr->nmetrics && rc == LNB_OK; m++) {
    const char *name = tr->metric_names[m];
    if (strcmp(name, "projection_2d_1") == 0) c1 = (long)m;
    if (strcmp(name, "projection_2d_2") == 0) c2 = (long)m;
    if (strncmp(name, "projection_2d_", 14) == 0) continue;
    double ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < ng; i++)
      for (size_t r = 0; r < g[i].nruns; r++)
        for (size_t j = 0; j < g[i].runs[r]->n; j++) {
          double y = y_of(g[i].runs[r], j, (long)m, tr->nmetrics);
          if (!isfinite(y)) continue;
          if (y < ymin) ymin = y;
          if (y > ymax) ymax = y;
        }
    if (!(ymin <= ymax)) continue; /* not recorded for this problem's models */
    int logx, logy = ymin > 0 && ymax / ymin >= 100;
    double xshift;
    x_axis(g, ng, mx, &logx, &xshift, xlabel, sizeof xlabel);
    for (size_t i = 0; i < ng && rc == LNB_OK; i++)
      if (aggregate(&g[i], mx, (long)m, tr->nmetrics, logx, xshift, logy, &a[i]) != 0)
        rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    char mstem[64], ylabel[300];
    safe_stem(name, mstem, sizeof mstem);
    snprintf(stem, sizeof stem, "p%zu_%s_metric_%s", pi, plug, mstem);
    snprintf(title, sizeof title, "Problem %zu: %s", pi, ptitle);
    snprintf(about, sizeof about, "metric %s against %s", name, xnames[mx]);
    char mlabel[256];
    lnb_report_metric_label(c->manifest, name, mlabel, sizeof mlabel);
    snprintf(ylabel, sizeof ylabel, "%s%s", mlabel, logy ? "  (log scale)" : "");
    bspec b = {stem, title, xlabel, ylabel, about, logx, logy, xshift, NAN};
    if (rc == LNB_OK) rc = write_band_plot(c, &b, g, a, ng, err);
    for (size_t i = 0; i < ng; i++) agg_free(&a[i]);
  }
  free(a);
  if (rc != LNB_OK) return rc;
  /* 2-D trajectories */
  size_t before = c->nstems;
  if (c1 >= 0 && c2 >= 0) {
    snprintf(stem, sizeof stem, "p%zu_%s_trajectory_2d", pi, plug);
    snprintf(title, sizeof title, "Problem %zu: %s — 2-D projection of W_e", pi, ptitle);
    rc = write_traj2d(c, stem, title, g, ng, c1, c2, tr->nmetrics, err);
  }
  if (rc == LNB_OK && c->nstems == before) {
    char pn[16];
    snprintf(pn, sizeof pn, "p%zu", pi);
    note(c,
         has_d2(problem) ? "%s (%s): no 2-D trajectory: W_e has two entries but was not recorded; "
                           "add projection_2d to record.metrics"
                         : "%s (%s): no 2-D trajectory (record.metrics has no projection_2d)",
         pn, problem);
  }
  return rc;
}

int lnb_plot_check_opts(const lnb_plot_opts *o, lnb_error *err) {
  if (o->format && strcmp(o->format, "svg") && strcmp(o->format, "png") &&
      strcmp(o->format, "pdf"))
    return lnb__error(err, LNB_EINVAL, "--format '%s': expected svg, png or pdf", o->format);
  if (o->x && strcmp(o->x, "iteration") && strcmp(o->x, "seconds") && strcmp(o->x, "epoch"))
    return lnb__error(err, LNB_EINVAL, "--x '%s': expected iteration, seconds or epoch", o->x);
  if (o->models) {
    regex_t re;
    int e = regcomp(&re, o->models, REG_EXTENDED | REG_NOSUB);
    if (e != 0) {
      char why[256];
      regerror(e, &re, why, sizeof why);
      return lnb__error(err, LNB_EINVAL, "--models '%s': not a regular expression: %s",
                        o->models, why);
    }
    regfree(&re);
  }
  return LNB_OK;
}

int lnb_plot_dir(const char *dir, FILE *out, lnb_error *err) {
  lnb_plot_opts o = {0};
  return lnb_plot_dir_opts(dir, &o, out, err);
}

int lnb_plot_dir_opts(const char *dir, const lnb_plot_opts *o, FILE *out, lnb_error *err) {
  int rc = lnb_plot_check_opts(o, err);
  if (rc != LNB_OK) return rc;
  char *gnuplot = lnb_plot_find_gnuplot();
  if (!gnuplot) return lnb__error(err, LNB_ENOENT, "gnuplot not found: apt-get install gnuplot-nox");
  rc = lnb_plot_write_opts(dir, o, gnuplot, out, err);
  free(gnuplot);
  return rc;
}

int lnb_plot_write(const char *dir, const char *gnuplot, FILE *out, lnb_error *err) {
  lnb_plot_opts o = {0};
  return lnb_plot_write_opts(dir, &o, gnuplot, out, err);
}

int lnb_plot_write_opts(const char *dir, const lnb_plot_opts *o, const char *gnuplot, FILE *out,
                        lnb_error *err) {
  lnb_rset s;
  lnb_rtrajs tr = {0};
  lnb_table t = {0};
  plot_ctx c;
  memset(&c, 0, sizeof c);
  group *g = NULL;
  char *pdir = NULL;
  const char **allm = NULL;
  lnb_row *frows = NULL;
  double *epf = NULL;
  size_t *pstyle = NULL;
  regex_t re;
  int have_re = 0;
  int rc = lnb_plot_check_opts(o, err);
  if (rc != LNB_OK) return rc;
  if (o->models) {
    if (regcomp(&re, o->models, REG_EXTENDED | REG_NOSUB) != 0)
      return lnb__error(err, LNB_EINVAL, "--models '%s': not a regular expression", o->models);
    have_re = 1;
  }
  c.ext = o->format ? o->format : "svg";
  if ((rc = lnb_rset_load(&s, dir, err)) != LNB_OK) {
    if (have_re) regfree(&re);
    return rc;
  }
  if ((rc = lnb_rtrajs_load(&tr, dir, err)) != LNB_OK) goto out;
  /* epochs per iteration of every run: summary.csv's epochs / iterations
   * (mini-batch runs); a full-batch step is one epoch */
  if (!(epf = malloc((s.nrows ? s.nrows : 1) * sizeof *epf))) goto oom;
  long ecol = lnb_csv_col(&s.sum, "epochs");
  for (size_t r = 0; r < s.nrows; r++) {
    double e = ecol >= 0 ? lnb_report_real(s.sum.rows[r][ecol]) : NAN;
    epf[r] = ecol >= 0 && isfinite(e) && s.rows[r].iterations > 0
                 ? e / (double)s.rows[r].iterations
                 : 1.0;
  }
  /* the models asked for */
  if (!(frows = malloc((s.nrows ? s.nrows : 1) * sizeof *frows))) goto oom;
  size_t nf = 0;
  for (size_t r = 0; r < s.nrows; r++)
    if (!have_re || regexec(&re, s.rows[r].model, 0, NULL, 0) == 0) frows[nf++] = s.rows[r];
  if (have_re && nf == 0) {
    rc = lnb__error(err, LNB_EINVAL, "--models '%s': matches no model of %s", o->models, dir);
    goto out;
  }
  size_t pn = strlen(dir) + sizeof "/plots";
  if (!(pdir = malloc(pn))) goto oom;
  snprintf(pdir, pn, "%s/plots", dir);
  struct stat pst;
  if (lnb_mkdirs(pdir) != 0) {
    rc = lnb__error(err, LNB_EIO, "%s: cannot create: %s", pdir, strerror(errno));
    goto out;
  }
  if (lstat(pdir, &pst) != 0 || !S_ISDIR(pst.st_mode)) {
    rc = lnb__error(err, LNB_EIO, "%s: not a directory (a symbolic link is not followed)", pdir);
    goto out;
  }
  c.dir = pdir;
  c.source = dir;
  c.manifest = s.manifest;
  lnb_table_opts to = {.best_by = s.best_by, .baseline = NULL, .has_target = s.has_target};
  /* styles follow every model of the directory (table order), so a model
   * looks the same whichever models --models keeps */
  if (lnb_table_compute(s.rows, s.nrows, &to, &t) != 0) goto oom;
  size_t nall = t.n;
  if (!(allm = malloc((nall ? nall : 1) * sizeof *allm))) goto oom;
  for (size_t i = 0; i < nall; i++) allm[i] = t.entries[i].model;
  lnb_table_free(&t);
  memset(&t, 0, sizeof t);
  /* allm borrows from the rows, which outlive t */
  if (lnb_table_compute(frows, nf, &to, &t) != 0) goto oom;
  if (!(g = calloc(t.n ? t.n : 1, sizeof *g))) goto oom;
  double target = s.has_target ? s.target_gap : NAN;
  size_t nprob = 0;
  for (size_t i = 0; i < t.n && rc == LNB_OK;) {
    const char *problem = t.entries[i].problem;
    size_t j = i;
    while (j < t.n && strcmp(t.entries[j].problem, problem) == 0) j++;
    size_t ng = j - i;
    const char **models = malloc(ng * sizeof *models);
    if (!models) goto oom;
    for (size_t k = 0; k < ng; k++) models[k] = t.entries[i + k].model;
    char **labels = lnb_plot_short_labels(models, ng, LABEL_MAX);
    free(models);
    if (!labels) goto oom;
    for (size_t k = 0; k < ng; k++) {
      const lnb_table_entry *e = &t.entries[i + k];
      group *gk = &g[k];
      memset(gk, 0, sizeof *gk);
      gk->model = e->model;
      gk->tuned = e->tuned;
      gk->style = lnb_plot_style_index(allm, nall, e->model);
      size_t ln = strlen(labels[k]) + strlen(e->tuned) + 8;
      gk->label = malloc(ln);
      gk->runs = malloc((s.nrows ? s.nrows : 1) * sizeof *gk->runs);
      gk->rows = malloc((s.nrows ? s.nrows : 1) * sizeof *gk->rows);
      gk->epf = malloc((s.nrows ? s.nrows : 1) * sizeof *gk->epf);
      if (gk->label) {
        if (e->tuned[0]) snprintf(gk->label, ln, "%s @ %s", labels[k], e->tuned);
        else snprintf(gk->label, ln, "%s", labels[k]);
      }
      if (!gk->label || !gk->runs || !gk->rows || !gk->epf) {
        for (size_t q = 0; q < ng; q++) free(labels[q]);
        free(labels);
        for (size_t q = 0; q <= k; q++)
          free(g[q].label), free(g[q].runs), free(g[q].rows), free(g[q].epf);
        goto oom;
      }
      for (size_t r = 0; r < s.nrows; r++) {
        const lnb_row *row = &s.rows[r];
        if (strcmp(row->problem, problem) || strcmp(row->model, e->model) ||
            strcmp(row->tuned, e->tuned))
          continue;
        const lnb_rtraj *tj = lnb_rtrajs_find(&tr, row->run_id);
        if (!tj || !tj->n) continue;
        gk->rows[gk->nruns] = row;
        gk->epf[gk->nruns] = epf[r];
        gk->runs[gk->nruns++] = tj;
      }
    }
    for (size_t q = 0; q < ng; q++) free(labels[q]);
    free(labels);
    nprob++;
    rc = plot_problem(&c, o, nprob, problem, g, ng, &tr, target, err);
    if (rc == LNB_OK) {
      char pl[16];
      snprintf(pl, sizeof pl, "p%zu", nprob);
      fprintf(out, "%s = %s\n", pl, problem);
    }
    for (size_t q = 0; q < ng; q++)
      free(g[q].label), free(g[q].runs), free(g[q].rows), free(g[q].epf);
    i = j;
  }
  if (rc != LNB_OK) goto out;
  if (nprob >= 2 && (s.has_target || !lnb_quantity_needs_target(s.best_by))) {
    lnb_profile p;
    if (lnb_profile_compute(frows, nf, s.best_by, &p) != 0) goto oom;
    if (!(pstyle = malloc((p.nmodels ? p.nmodels : 1) * sizeof *pstyle))) {
      lnb_profile_free(&p);
      goto oom;
    }
    for (size_t m = 0; m < p.nmodels; m++)
      pstyle[m] = lnb_plot_style_index(allm, nall, p.models[m]);
    rc = write_profile(&c, &p, s.best_by, pstyle, err);
    lnb_profile_free(&p);
    if (rc != LNB_OK) goto out;
  } else if (nprob >= 2) {
    note(&c, "%s%sno performance profile: the config has no target (stop.target_gap)", "", "");
  }
  {
    lnb_ecdf_hits *hits = NULL;
    size_t nh = 0;
    lnb_ecdf e;
    if (lnb_ecdf_hits_from(&tr, &hits, &nh) != 0 ||
        lnb_ecdf_compute(frows, nf, s.best_by, s.has_target, s.target_gap, hits, nh, &e) != 0) {
      free(hits);
      goto oom;
    }
    free(hits);
    size_t *es = malloc((e.nmodels ? e.nmodels : 1) * sizeof *es);
    if (!es) {
      lnb_ecdf_free(&e);
      goto oom;
    }
    for (size_t m = 0; m < e.nmodels; m++) es[m] = lnb_plot_style_index(allm, nall, e.models[m]);
    if (e.npairs == 0)
      note(&c, "no ECDF: no run recorded a gap at or below 1e-1%s%s", "", "");
    else if ((rc = write_ecdf(&c, &e, 0, es, err)) == LNB_OK)
      rc = write_ecdf(&c, &e, 1, es, err);
    free(es);
    lnb_ecdf_free(&e);
    if (rc != LNB_OK) goto out;
  }
  for (size_t i = 0; gnuplot && i < c.nstems; i++) {
    char msg[2048];
    if (run_gnuplot(gnuplot, pdir, c.stems[i], msg, sizeof msg) != 0) {
      rc = lnb__error(err, LNB_EIO, "gnuplot failed on %s/%s.gp: %s", pdir, c.stems[i], msg);
      goto out;
    }
    char img[4096];
    struct stat st;
    snprintf(img, sizeof img, "%s/%s.%s", pdir, c.stems[i], c.ext);
    if (stat(img, &st) != 0 || st.st_size == 0) {
      rc = lnb__error(err, LNB_EIO, "gnuplot wrote no %s (%s)", img, msg[0] ? msg : "no message");
      goto out;
    }
    lnb__fput_text(out, img, NULL); /* DIR as given: shown escaped */
    fputc('\n', out);
  }
  fputs(c.notes, out);
  char up[8];
  snprintf(up, sizeof up, "%s", c.ext);
  for (char *q = up; *q; q++) *q = (char)toupper((unsigned char)*q);
  if (gnuplot) fprintf(out, "plots: %zu %s files in ", c.nstems, up);
  else fprintf(out, "plots: %zu scripts in ", c.nstems);
  lnb__fput_text(out, pdir, NULL);
  fputs("/ (each with its .gp script and .dat data)\n", out);
  goto out;
oom:
  rc = lnb__error(err, LNB_ENOMEM, "out of memory");
out:
  for (size_t i = 0; i < c.nstems; i++) free(c.stems[i]);
  free(c.stems);
  free(g);
  free(allm);
  free(frows);
  free(epf);
  free(pstyle);
  lnb_table_free(&t);
  lnb_rtrajs_free(&tr);
  lnb_rset_free(&s);
  free(pdir);
  if (have_re) regfree(&re);
  return rc;
}
