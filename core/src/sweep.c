/* sweep.c — run the cells of a config, isolated or in-process.
 *
 * Isolated mode forks one child per run. The child runs the cell and streams
 * each checkpoint, then the final result, through a pipe; the parent polls up
 * to `jobs` children at once. A child that dies (signal, exit) becomes a
 * `crashed` run carrying its last checkpoint; a child still running at
 * stop.max_seconds + grace is killed and recorded as `timeout`. Either way
 * the sweep goes on. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* strsignal */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"

/* ----------------------------------------------------------- wire format */

enum { MSG_CHECKPOINT = 'C', MSG_RESULT = 'R' };

typedef struct wire_result {
  int32_t status, lstar_known;
  uint64_t iterations;
  int64_t iters_to_target;
  double initial_loss, final_loss, final_gap, lstar;
  double seconds_to_target, seconds_total, seconds_per_iter;
  uint32_t msglen;
} wire_result;

static int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    p += k, n -= (size_t)k;
  }
  return 0;
}

typedef struct child_ctx {
  int fd;
  unsigned char *buf; /* one checkpoint record */
} child_ctx;

static void child_checkpoint(void *ctx, const lnb_checkpoint *cp, size_t nm) {
  child_ctx *c = ctx;
  unsigned char *p = c->buf;
  *p++ = MSG_CHECKPOINT;
  memcpy(p, &cp->iteration, 8), p += 8;
  memcpy(p, &cp->seconds, 8), p += 8;
  memcpy(p, &cp->loss, 8), p += 8;
  memcpy(p, &cp->gap, 8), p += 8;
  if (nm) memcpy(p, cp->metrics, nm * 8), p += nm * 8;
  if (write_all(c->fd, c->buf, (size_t)(p - c->buf)) != 0) _exit(3);
}

static size_t checkpoint_record_size(size_t nm) { return 1 + 4 * 8 + nm * 8; }

static void child_main(const lnb_config *cfg, const lnb_run_spec *spec, int fd) {
  signal(SIGINT, SIG_IGN); /* the parent decides when a sweep stops */
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  size_t nm = lnb_metric_ncols(cfg);
  child_ctx cc = {fd, malloc(checkpoint_record_size(nm))};
  if (!cc.buf) _exit(4);
  lnb_run_observer obs = {child_checkpoint, &cc};
  lnb_problem_inst pi;
  memset(&pi, 0, sizeof pi);
  lnb_run_result res;
  lnb_run_one_observed(cfg, spec, &pi, &res, &obs);
  wire_result w = {.status = (int32_t)res.status,
                   .lstar_known = res.lstar_known,
                   .iterations = res.iterations,
                   .iters_to_target = res.iters_to_target,
                   .initial_loss = res.initial_loss,
                   .final_loss = res.final_loss,
                   .final_gap = res.final_gap,
                   .lstar = res.lstar,
                   .seconds_to_target = res.seconds_to_target,
                   .seconds_total = res.seconds_total,
                   .seconds_per_iter = res.seconds_per_iter,
                   .msglen = (uint32_t)strlen(res.message)};
  unsigned char tag = MSG_RESULT;
  if (write_all(fd, &tag, 1) || write_all(fd, &w, sizeof w) ||
      write_all(fd, res.message, w.msglen))
    _exit(3);
  _exit(0); /* no atexit handlers, no flushing of the parent's stdio buffers */
}

/* ------------------------------------------------------------- parent side */

typedef struct slot {
  int used;
  pid_t pid;
  int fd;
  size_t run;
  double start, deadline; /* deadline: INFINITY if none */
  int killed_timeout, killed_interrupt;
  unsigned char *buf;
  size_t len, cap;
  lnb_run_result res;
  int have_result;
} slot;

static void result_init(lnb_run_result *r) {
  memset(r, 0, sizeof *r);
  r->iters_to_target = -1;
  r->seconds_to_target = NAN;
  r->initial_loss = r->final_loss = r->final_gap = r->seconds_per_iter = NAN;
}

/* parse complete records out of s->buf */
static void parse_records(slot *s, size_t nm) {
  size_t off = 0;
  for (;;) {
    if (off >= s->len) break;
    unsigned char tag = s->buf[off];
    if (tag == MSG_CHECKPOINT) {
      size_t need = checkpoint_record_size(nm);
      if (s->len - off < need) break;
      const unsigned char *p = s->buf + off + 1;
      uint64_t it;
      double sec, loss, gap;
      memcpy(&it, p, 8), memcpy(&sec, p + 8, 8), memcpy(&loss, p + 16, 8),
          memcpy(&gap, p + 24, 8);
      lnb_checkpoint *cp = lnb_run_result_push(&s->res, it, sec, loss, gap, nm);
      if (cp && nm) memcpy(cp->metrics, p + 32, nm * 8);
      if (s->res.ncheckpoints == 1) s->res.initial_loss = loss;
      off += need;
    } else if (tag == MSG_RESULT) {
      if (s->len - off < 1 + sizeof(wire_result)) break;
      wire_result w;
      memcpy(&w, s->buf + off + 1, sizeof w);
      size_t need = 1 + sizeof w + w.msglen;
      if (s->len - off < need) break;
      lnb_run_result *r = &s->res;
      r->status = (lnb_run_status)w.status;
      r->lstar_known = w.lstar_known;
      r->iterations = w.iterations;
      r->iters_to_target = w.iters_to_target;
      r->initial_loss = w.initial_loss;
      r->final_loss = w.final_loss;
      r->final_gap = w.final_gap;
      r->lstar = w.lstar;
      r->seconds_to_target = w.seconds_to_target;
      r->seconds_total = w.seconds_total;
      r->seconds_per_iter = w.seconds_per_iter;
      size_t ml = w.msglen < sizeof r->message - 1 ? w.msglen : sizeof r->message - 1;
      memcpy(r->message, s->buf + off + 1 + sizeof w, ml);
      r->message[ml] = '\0';
      s->have_result = 1;
      off += need;
    } else {
      off = s->len; /* garbage: drop it; the run will count as crashed */
      break;
    }
  }
  memmove(s->buf, s->buf + off, s->len - off);
  s->len -= off;
}

/* fill a crashed / killed run from its last checkpoint */
static void finish_abnormal(slot *s, lnb_run_status status, const char *why) {
  lnb_run_result *r = &s->res;
  r->status = status;
  if (r->ncheckpoints) {
    const lnb_checkpoint *cp = &r->checkpoints[r->ncheckpoints - 1];
    r->iterations = cp->iteration;
    r->final_loss = cp->loss;
    r->final_gap = cp->gap;
    r->seconds_total = cp->seconds;
    r->seconds_per_iter = cp->iteration ? cp->seconds / (double)cp->iteration : NAN;
    snprintf(r->message, sizeof r->message, "%s; last checkpoint: iteration %llu, loss %.6g",
             why, (unsigned long long)cp->iteration, cp->loss);
  } else {
    snprintf(r->message, sizeof r->message, "%s; no checkpoint was recorded", why);
  }
}

static void progress(const lnb_sweep_opts *o, const lnb_sweep_stats *st, size_t total,
                     size_t running, double t0, double *last, int force) {
  if (o->quiet) return;
  double now = lnb__now();
  if (!force && now - *last < (o->progress_tty ? 0.2 : 10.0)) return;
  *last = now;
  double el = now - t0;
  size_t done = st->done;
  double eta = done ? el / (double)done * (double)(total - done) : NAN;
  char etas[32];
  if (isnan(eta)) snprintf(etas, sizeof etas, "?");
  else snprintf(etas, sizeof etas, "%.0f s", eta);
  if (o->progress_tty)
    fprintf(stderr, "\r\033[K[%zu/%zu] %zu running, %zu failed, elapsed %.0f s, ETA %s", done,
            total, running, st->failed, el, etas);
  else
    fprintf(stderr, "lnnbench: %zu/%zu runs done, %zu running, %zu failed, elapsed %.0f s, ETA %s\n",
            done, total, running, st->failed, el, etas);
  fflush(stderr);
}

static void record_run(const lnb_run_spec *spec, lnb_run_result *res, lnb_results *w,
                       lnb_sweep_stats *st, const lnb_sweep_opts *o) {
  lnb_error err = {0};
  if (lnb_run_status_failed(res->status)) {
    st->failed++;
    if (!o->quiet && o->progress_tty) fputc('\n', stderr);
    fprintf(stderr, "lnnbench: run %zu %s: %s\n", spec->index + 1,
            lnb_run_status_name(res->status), res->message);
  }
  if (lnb_results_append(w, spec, res, &err) != LNB_OK) {
    fprintf(stderr, "lnnbench: %s\n", err.msg);
    st->write_failed = 1;
  }
  st->done++;
}

static void sweep_inprocess(const lnb_config *cfg, const lnb_run_spec *runs, size_t nruns,
                            const unsigned char *todo, const lnb_sweep_opts *o,
                            lnb_results *w, lnb_sweep_stats *st, size_t total) {
  lnb_problem_inst pi;
  memset(&pi, 0, sizeof pi);
  double t0 = lnb__now(), last = t0;
  for (size_t i = 0; i < nruns && !*o->interrupted && !st->write_failed; i++) {
    if (todo && !todo[i]) continue;
    lnb_run_result res;
    lnb_run_one(cfg, &runs[i], &pi, &res);
    record_run(&runs[i], &res, w, st, o);
    lnb_run_result_free(&res);
    progress(o, st, total, 0, t0, &last, 0);
  }
  lnb_problem_inst_release(&pi);
  progress(o, st, total, 0, t0, &last, 1);
  if (!o->quiet && o->progress_tty) fputc('\n', stderr);
}

void lnb_sweep(const lnb_config *cfg, const lnb_run_spec *runs, size_t nruns,
               const unsigned char *todo, const lnb_sweep_opts *o, lnb_results *w,
               lnb_sweep_stats *st) {
  memset(st, 0, sizeof *st);
  size_t total = 0;
  for (size_t i = 0; i < nruns; i++) total += !todo || todo[i];
  st->skipped = nruns - total;
  if (!o->isolate) {
    sweep_inprocess(cfg, runs, nruns, todo, o, w, st, total);
    st->interrupted = *o->interrupted != 0;
    return;
  }
  int jobs = o->jobs > 0 ? o->jobs : 1;
  slot *slots = calloc((size_t)jobs, sizeof *slots);
  struct pollfd *pfd = calloc((size_t)jobs, sizeof *pfd);
  if (!slots || !pfd) {
    free(slots), free(pfd);
    fprintf(stderr, "lnnbench: out of memory; running in-process\n");
    sweep_inprocess(cfg, runs, nruns, todo, o, w, st, total);
    return;
  }
  size_t nm = lnb_metric_ncols(cfg);
  double limit = cfg->stop.max_seconds > 0 ? cfg->stop.max_seconds + o->grace_seconds : INFINITY;
  size_t next = 0, running = 0;
  double t0 = lnb__now(), last = t0, interrupt_deadline = INFINITY;
  signal(SIGPIPE, SIG_IGN);

  for (;;) {
    int stop_launching = *o->interrupted || st->write_failed;
    if (*o->interrupted && interrupt_deadline == INFINITY)
      interrupt_deadline = lnb__now() + o->grace_seconds;
    /* launch */
    while (!stop_launching && running < (size_t)jobs) {
      while (next < nruns && todo && !todo[next]) next++;
      if (next >= nruns) break;
      int sfd[2];
      if (pipe(sfd) != 0) {
        fprintf(stderr, "lnnbench: pipe: %s\n", strerror(errno));
        st->write_failed = 1;
        break;
      }
      size_t k = 0;
      while (slots[k].used) k++;
      fflush(NULL); /* nothing buffered may be written twice */
      pid_t pid = fork();
      if (pid < 0) {
        fprintf(stderr, "lnnbench: fork: %s\n", strerror(errno));
        close(sfd[0]), close(sfd[1]);
        st->write_failed = 1;
        break;
      }
      if (pid == 0) {
        close(sfd[0]);
        for (int j = 0; j < jobs; j++)
          if (slots[j].used) close(slots[j].fd);
        child_main(cfg, &runs[next], sfd[1]);
      }
      close(sfd[1]);
      slot *s = &slots[k];
      unsigned char *keep = s->buf;
      size_t keepcap = s->cap;
      memset(s, 0, sizeof *s);
      s->buf = keep, s->cap = keepcap;
      s->used = 1, s->pid = pid, s->fd = sfd[0], s->run = next++;
      s->start = lnb__now();
      s->deadline = s->start + limit;
      result_init(&s->res);
      running++;
    }
    if (running == 0) break;

    /* wait for output, exits or the nearest deadline */
    double now = lnb__now(), wake = now + 1.0;
    nfds_t np = 0;
    int map[1024];
    for (int j = 0; j < jobs; j++) {
      if (!slots[j].used) continue;
      if (slots[j].deadline < wake) wake = slots[j].deadline;
      pfd[np].fd = slots[j].fd;
      pfd[np].events = POLLIN;
      pfd[np].revents = 0;
      map[np++] = j;
    }
    if (interrupt_deadline < wake) wake = interrupt_deadline;
    int ms = wake > now ? (int)ceil((wake - now) * 1000.0) : 0;
    int pr = poll(pfd, np, ms);
    if (pr < 0 && errno != EINTR) {
      fprintf(stderr, "lnnbench: poll: %s\n", strerror(errno));
      break;
    }
    now = lnb__now();
    for (nfds_t q = 0; q < np; q++) {
      slot *s = &slots[map[q]];
      int eof = 0;
      if (pr > 0 && (pfd[q].revents & (POLLIN | POLLHUP | POLLERR))) {
        if (s->cap - s->len < 65536) {
          size_t cap = s->cap ? 2 * s->cap : 131072;
          unsigned char *b = realloc(s->buf, cap);
          if (b) s->buf = b, s->cap = cap;
        }
        ssize_t k = read(s->fd, s->buf + s->len, s->cap - s->len);
        if (k > 0) {
          s->len += (size_t)k;
          parse_records(s, nm);
        } else if (k == 0 || (errno != EINTR && errno != EAGAIN)) {
          eof = 1;
        }
      }
      if (!eof && (now >= s->deadline || now >= interrupt_deadline)) {
        if (now >= interrupt_deadline) s->killed_interrupt = 1;
        else s->killed_timeout = 1;
        kill(s->pid, SIGKILL);
        eof = 1;
      }
      if (!eof) continue;
      close(s->fd);
      int wst = 0;
      while (waitpid(s->pid, &wst, 0) < 0 && errno == EINTR) {
      }
      const lnb_run_spec *spec = &runs[s->run];
      if (s->killed_interrupt) {
        /* not recorded: --resume runs it again */
      } else {
        char why[256];
        if (s->killed_timeout) {
          snprintf(why, sizeof why,
                   "hard timeout: killed after %.1f s (stop.max_seconds %g + grace %g)",
                   now - s->start, cfg->stop.max_seconds, o->grace_seconds);
          finish_abnormal(s, LNB_RUN_TIMEOUT, why);
        } else if (WIFSIGNALED(wst)) {
          snprintf(why, sizeof why, "killed by signal %d (%s)", WTERMSIG(wst),
                   strsignal(WTERMSIG(wst)));
          finish_abnormal(s, LNB_RUN_CRASHED, why);
        } else if (!s->have_result || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
          snprintf(why, sizeof why, "run process exited with status %d before reporting",
                   WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
          finish_abnormal(s, LNB_RUN_CRASHED, why);
        }
        record_run(spec, &s->res, w, st, o);
      }
      lnb_run_result_free(&s->res);
      s->used = 0;
      s->len = 0;
      running--;
    }
    progress(o, st, total, running, t0, &last, 0);
  }
  progress(o, st, total, running, t0, &last, 1);
  if (!o->quiet && o->progress_tty) fputc('\n', stderr);
  for (int j = 0; j < jobs; j++) free(slots[j].buf);
  free(slots);
  free(pfd);
  st->interrupted = *o->interrupted != 0;
}
