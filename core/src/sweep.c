/* sweep.c — run the cells of a config, isolated or in-process.
 *
 * Isolated mode forks one child per run. The child runs the cell and streams
 * each checkpoint, then the final result, through a pipe; the parent polls up
 * to `jobs` children at once. A child that dies (signal, exit) becomes a
 * `crashed` run carrying its last checkpoint; a child still running at
 * stop.max_seconds + grace is killed and recorded as `timeout`. Either way
 * the sweep goes on. The records are wire.h's format. The engine
 * (lnb_sweep_isolated) takes its runs from a feed: the todo list here, a
 * cost-ordered queue shared across MPI ranks in mpi_sweep.c. */
#define _POSIX_C_SOURCE 200809L
#define _GNU_SOURCE /* strsignal, pipe2, O_TMPFILE */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "wire.h"

/* ------------------------------------------------------------ child side */

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
  lnb_wire_put_checkpoint(c->buf, cp, nm);
  if (write_all(c->fd, c->buf, lnb_wire_checkpoint_size(nm)) != 0) _exit(3);
}

static void child_main(const lnb_config *cfg, const lnb_run_spec *spec, int fd, pid_t parent) {
  /* die with the sweep: a kill -9 of lnnbench leaves no run behind */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(5); /* the parent died before the line above */
  signal(SIGINT, SIG_IGN); /* the parent decides when a sweep stops */
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  /* lnnbench's stdout carries its own lines only: what a plugin prints goes
   * to stderr, where it cannot pass for them */
  fflush(stdout);
  dup2(STDERR_FILENO, STDOUT_FILENO);
  size_t nm = lnb_metric_ncols(cfg);
  child_ctx cc = {fd, malloc(lnb_wire_checkpoint_size(nm))};
  if (!cc.buf) _exit(4);
  /* the parent has every checkpoint; this process keeps the last one only */
  lnb_run_observer obs = {child_checkpoint, &cc, 1};
  lnb_problem_inst pi;
  memset(&pi, 0, sizeof pi);
  lnb_run_result res;
  lnb_run_one_observed(cfg, spec, &pi, &res, &obs);
  size_t n = lnb_wire_result_size(&res);
  unsigned char *buf = malloc(n);
  if (!buf) _exit(4);
  lnb_wire_put_result(buf, &res);
  if (write_all(fd, buf, n)) _exit(3);
  _exit(0); /* no atexit handlers, no flushing of the parent's stdio buffers */
}

/* ------------------------------------------------------------- parent side */

typedef struct slot {
  int used;
  pid_t pid;   /* also the run's process group */
  int fd;      /* read end of the run's pipe; -1 once at end of file */
  int pidfd;   /* readable when the run process exits; -1 if the kernel has none */
  size_t run;
  double start, deadline;   /* deadline: INFINITY if none */
  double stopped_at;        /* NAN, or when the run was seen stopped (SIGSTOP) */
  double eof_deadline;      /* pipe closed but process alive: kill at this time */
  int first_checkpoint;     /* seen: set-up is over, the hard timeout restarts */
  int timed;                /* the deadline counts from the first checkpoint */
  int exited, wstatus;
  int killed_timeout, killed_interrupt, killed_silent;
  unsigned char *buf;
  size_t len, cap;
  lnb_run_result res;
  int have_result, bad;
} slot;

/* the run's checkpoints go to a spool file in dir (unnamed, removed with
 * its descriptor), so the parent holds one record per run in memory */
static int spool_open(const char *dir) {
  int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  size_t n = strlen(dir) + 32;
  char *path = malloc(n);
  if (!path) return -1;
  snprintf(path, n, "%s/.spool-XXXXXX", dir);
  fd = mkstemp(path);
  if (fd >= 0) unlink(path);
  free(path);
  return fd;
}

/* Parse complete records out of s->buf. With a spool directory the
 * checkpoints go to the spool file as they arrive and only the newest stays
 * in memory (the first sets initial_loss in lnb_wire_parse). */
static void parse_records(slot *s, size_t nm, const char *spool_dir) {
  size_t off = lnb_wire_parse(s->buf, s->len, nm, &s->res, &s->have_result, &s->bad);
  /* garbage is dropped; without a result record the run counts as crashed */
  memmove(s->buf, s->buf + off, s->len - off);
  s->len -= off;
  lnb_run_result *r = &s->res;
  if (r->ncheckpoints) s->first_checkpoint = 1;
  if (!spool_dir || r->ncheckpoints < 2) return;
  if (!r->spooled) {
    if ((r->spool_fd = spool_open(spool_dir)) < 0) return; /* keep them in memory */
    r->spooled = 1;
  }
  size_t cs = lnb_wire_checkpoint_size(nm), n = r->ncheckpoints - 1;
  unsigned char *rec = malloc(n * cs);
  if (!rec) return;
  for (size_t i = 0; i < n; i++) lnb_wire_put_checkpoint(rec + i * cs, &r->checkpoints[i], nm);
  if (lseek(r->spool_fd, (off_t)(r->nspooled * cs), SEEK_SET) >= 0 &&
      write_all(r->spool_fd, rec, n * cs) == 0) {
    r->nspooled += n;
    lnb_checkpoint *last = &r->checkpoints[n], *first = &r->checkpoints[0];
    first->iteration = last->iteration;
    first->seconds = last->seconds;
    first->loss = last->loss;
    first->gap = last->gap;
    if (nm) memcpy(first->metrics, last->metrics, nm * sizeof *last->metrics);
    r->ncheckpoints = 1;
  }
  free(rec);
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

void lnb_sweep_record(const lnb_run_spec *spec, const lnb_run_result *res, lnb_results *w,
                      lnb_sweep_stats *st, const lnb_sweep_opts *o) {
  lnb_error err = {0};
  if (lnb_run_status_failed(res->status)) {
    st->failed++;
    if (!o->quiet && o->progress_tty) fputc('\n', stderr);
    /* the message is the plugin's text: control characters escaped */
    fprintf(stderr, "lnnbench: run %zu %s: ", w->run_ids[spec->index],
            lnb_run_status_name(res->status));
    lnb__fput_text(stderr, res->message, NULL);
    fputc('\n', stderr);
  }
  if (lnb_results_append(w, spec, res, &err) != LNB_OK) {
    fputs("lnnbench: ", stderr);
    lnb__fput_text(stderr, err.msg, NULL);
    fputc('\n', stderr);
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
    lnb_sweep_record(&runs[i], &res, w, st, o);
    lnb_run_result_free(&res);
    progress(o, st, total, 0, t0, &last, 0);
  }
  lnb_problem_inst_release(&pi);
  progress(o, st, total, 0, t0, &last, 1);
  if (!o->quiet && o->progress_tty) fputc('\n', stderr);
}

/* kill the run's whole process group (what its plugin forked too) and the
 * run process itself, should it have left the group */
static void kill_run(const slot *s) {
  kill(-s->pid, SIGKILL);
  kill(s->pid, SIGKILL);
}

/* Reap s's process without blocking: exit (then kill what it left in its
 * group), stop and continue. Time stopped does not count against the hard
 * timeout; as a stop is seen only when the sweep next looks (up to a second
 * late, or at the deadline itself), a continued run also gets at least
 * `after_pause` seconds more. */
static void check_process(slot *s, double now, double after_pause) {
  for (;;) {
    int wst = 0;
    pid_t r = waitpid(s->pid, &wst, WNOHANG | WUNTRACED | WCONTINUED);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return; /* still running */
    if (r < 0) { /* nothing to reap (should not happen): the process is gone */
      s->exited = 1;
      s->wstatus = 0;
      return;
    }
    if (WIFSTOPPED(wst)) {
      if (isnan(s->stopped_at)) s->stopped_at = now;
    } else if (WIFCONTINUED(wst)) {
      if (!isnan(s->stopped_at)) {
        s->deadline += now - s->stopped_at;
        s->eof_deadline += now - s->stopped_at;
        if (s->deadline < now + after_pause) s->deadline = now + after_pause;
      }
      s->stopped_at = NAN;
    } else {
      s->exited = 1;
      s->wstatus = wst;
      kill(-s->pid, SIGKILL); /* leftovers in its process group */
      return;
    }
  }
}

/* Is pid on its way out (PF_EXITING in /proc/PID/stat)? A process closes
 * its descriptors while it exits, and tearing down a large address space
 * (a sanitizer's shadow memory, say) can take a while under load: such a
 * run is not one that closed its pipe and lives on. */
static int process_exiting(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 1;
  buf[n] = '\0';
  const char *p = strrchr(buf, ')'); /* fields after the command name */
  unsigned long flags = 0;
  if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1) return 0;
  return (flags & 0x4) != 0; /* PF_EXITING */
}

/* read what s's pipe holds now; 1 at end of file */
static int read_pipe(slot *s, size_t nm, const char *spool_dir) {
  for (;;) {
    if (s->cap - s->len < 65536) {
      size_t cap = s->cap ? 2 * s->cap : 131072;
      unsigned char *b = realloc(s->buf, cap);
      if (!b) return 1; /* out of memory: stop listening; the run ends without its tail */
      s->buf = b, s->cap = cap;
    }
    ssize_t k = read(s->fd, s->buf + s->len, s->cap - s->len);
    if (k > 0) {
      s->len += (size_t)k;
      parse_records(s, nm, spool_dir);
      continue;
    }
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    return 1;
  }
}

void lnb_sweep_isolated(const lnb_config *cfg, const lnb_run_spec *runs,
                        const lnb_sweep_opts *o, lnb_sweep_feed *feed, lnb_sweep_stats *st) {
  int jobs = o->jobs > 0 ? o->jobs : 1;
  if (jobs > LNB_SWEEP_MAX_JOBS) jobs = LNB_SWEEP_MAX_JOBS;
  slot *slots = calloc((size_t)jobs, sizeof *slots);
  struct pollfd *pfd = calloc(2 * (size_t)jobs, sizeof *pfd);
  int *map = calloc(2 * (size_t)jobs, sizeof *map);
  if (!slots || !pfd || !map) {
    free(slots), free(pfd), free(map);
    fprintf(stderr, "lnnbench: out of memory\n");
    st->write_failed = 1;
    /* let the feed wind down what runs elsewhere */
    while (feed->tick && feed->tick(feed->ctx)) {
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, NULL);
    }
    return;
  }
  size_t nm = lnb_metric_ncols(cfg);
  double limit = cfg->stop.max_seconds > 0 ? cfg->stop.max_seconds + o->grace_seconds : INFINITY;
  /* set-up (creating the problem, reading data) is not timed work: it has an
   * allowance of its own, at least LNB_SETUP_SECONDS */
  double setup_limit = limit < LNB_SETUP_SECONDS ? LNB_SETUP_SECONDS : limit;
  if (limit == INFINITY) setup_limit = INFINITY;
  /* a run that closed its pipe (it can report nothing any more) but lives on */
  double silent_grace = o->grace_seconds < 1.0 ? o->grace_seconds : 1.0;
  size_t running = 0;
  int feed_end = 0;
  double t0 = lnb__now(), last = t0, interrupt_deadline = INFINITY;
  signal(SIGPIPE, SIG_IGN);
  pid_t self = getpid();

  for (;;) {
    int stop_launching = *o->interrupted || st->write_failed;
    if (*o->interrupted && interrupt_deadline == INFINITY)
      interrupt_deadline = lnb__now() + o->grace_seconds;
    /* launch */
    while (!stop_launching && !feed_end && running < (size_t)jobs) {
      long next = feed->next(feed->ctx);
      if (next == LNB_FEED_END) feed_end = 1;
      if (next < 0) break;
      int sfd[2];
      if (pipe2(sfd, O_CLOEXEC) != 0) {
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
        setpgid(0, 0); /* the run and whatever it forks: one group to kill */
        close(sfd[0]);
        for (int j = 0; j < 3; j++)
          if (o->child_close[j] > 2) close(o->child_close[j]);
        for (int j = 0; j < jobs; j++)
          if (slots[j].used) {
            if (slots[j].fd >= 0) close(slots[j].fd);
            if (slots[j].pidfd >= 0) close(slots[j].pidfd);
            if (slots[j].res.spooled) close(slots[j].res.spool_fd);
          }
        child_main(cfg, &runs[next], sfd[1], self);
      }
      setpgid(pid, pid); /* also here: no window in which the group does not exist */
      close(sfd[1]);
      fcntl(sfd[0], F_SETFL, fcntl(sfd[0], F_GETFL) | O_NONBLOCK);
      slot *s = &slots[k];
      unsigned char *keep = s->buf;
      size_t keepcap = s->cap;
      memset(s, 0, sizeof *s);
      s->buf = keep, s->cap = keepcap;
      s->used = 1, s->pid = pid, s->fd = sfd[0], s->run = (size_t)next;
#ifdef SYS_pidfd_open
      s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
      s->pidfd = -1;
#endif
      s->start = lnb__now();
      s->deadline = s->start + setup_limit;
      s->stopped_at = NAN;
      s->eof_deadline = INFINITY;
      lnb_wire_result_init(&s->res);
      running++;
    }
    int outside = feed->tick ? feed->tick(feed->ctx) : 0;
    if (running == 0 && !outside && (feed_end || stop_launching)) break;

    /* wait for output, exits, the nearest deadline or the feed's tick; the
     * wait is never longer than a second (stops and continues are polled) */
    double now = lnb__now(), wake = now + 1.0;
    if (feed->tick && now + feed->tick_seconds < wake) wake = now + feed->tick_seconds;
    nfds_t np = 0;
    for (int j = 0; j < jobs; j++) {
      slot *s = &slots[j];
      if (!s->used) continue;
      if (isnan(s->stopped_at)) {
        if (s->deadline < wake) wake = s->deadline;
        if (s->eof_deadline < wake) wake = s->eof_deadline;
      }
      if (s->fd >= 0) {
        pfd[np] = (struct pollfd){.fd = s->fd, .events = POLLIN};
        map[np++] = j;
      }
      if (s->pidfd >= 0) {
        pfd[np] = (struct pollfd){.fd = s->pidfd, .events = POLLIN};
        map[np++] = j;
      } else if (now + 0.02 < wake) {
        wake = now + 0.02; /* no pidfd: poll for the exit */
      }
    }
    if (interrupt_deadline < wake) wake = interrupt_deadline;
    int ms = wake > now ? (int)ceil((wake - now) * 1000.0) : 0;
    int pr = poll(pfd, np, ms);
    if (pr < 0 && errno != EINTR) {
      fprintf(stderr, "lnnbench: poll: %s\n", strerror(errno));
      break;
    }
    now = lnb__now();
    for (int j = 0; j < jobs; j++) {
      slot *s = &slots[j];
      if (!s->used) continue;
      if (s->fd >= 0 && read_pipe(s, nm, feed->spool_dir)) {
        close(s->fd);
        s->fd = -1;
        if (!s->exited) s->eof_deadline = now + silent_grace;
      }
      if (!s->exited) check_process(s, now, o->grace_seconds);
      if (!s->exited) {
        /* deadlines: the hard timeout counts from the first checkpoint (set-up
         * has a deadline of its own, the same length), not while stopped */
        if (s->first_checkpoint && !s->timed) s->timed = 1, s->deadline = now + limit;
        int paused = !isnan(s->stopped_at);
        if (now >= interrupt_deadline) s->killed_interrupt = 1, kill_run(s);
        else if (!paused && now >= s->deadline) s->killed_timeout = 1, kill_run(s);
        else if (!paused && now >= s->eof_deadline) {
          if (process_exiting(s->pid)) s->eof_deadline = now + silent_grace;
          else s->killed_silent = 1, kill_run(s);
        }
        continue; /* reaped on a later turn (its pidfd wakes the poll) */
      }
      /* exited: take what is left in the pipe (a grandchild that kept its
       * write end is dead now, with the rest of the group) */
      if (s->fd >= 0) {
        read_pipe(s, nm, feed->spool_dir);
        close(s->fd);
        s->fd = -1;
      }
      if (s->pidfd >= 0) close(s->pidfd);
      s->pidfd = -1;
      const lnb_run_spec *spec = &runs[s->run];
      int wst = s->wstatus;
      int sig = WIFSIGNALED(wst) ? WTERMSIG(wst) : 0;
      if (s->killed_interrupt ||
          (*o->interrupted && (sig == SIGTERM || sig == SIGINT || sig == SIGHUP))) {
        /* not recorded: --resume runs it again (the second case: the signal
         * that stops the sweep reached the run too, e.g. from mpirun or
         * kill -- -PGID; not the run's fault) */
      } else {
        char why[256];
        if (s->killed_timeout && !s->timed) {
          snprintf(why, sizeof why, "hard timeout: set-up did not finish in %.0f s", setup_limit);
          finish_abnormal(s, LNB_RUN_TIMEOUT, why);
        } else if (s->killed_timeout) {
          snprintf(why, sizeof why,
                   "hard timeout: killed after %.1f s (stop.max_seconds %g + grace %g)",
                   now - s->start, cfg->stop.max_seconds, o->grace_seconds);
          finish_abnormal(s, LNB_RUN_TIMEOUT, why);
        } else if (s->killed_silent) {
          snprintf(why, sizeof why,
                   "the run process closed its result pipe without reporting and did not exit; "
                   "killed after %.1f s",
                   silent_grace);
          finish_abnormal(s, LNB_RUN_CRASHED, why);
        } else if (WIFSIGNALED(wst)) {
          snprintf(why, sizeof why, "killed by signal %d (%s)", WTERMSIG(wst),
                   strsignal(WTERMSIG(wst)));
          finish_abnormal(s, LNB_RUN_CRASHED, why);
        } else if (!s->have_result || s->bad || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
          snprintf(why, sizeof why, "run process exited with status %d before reporting",
                   WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
          finish_abnormal(s, LNB_RUN_CRASHED, why);
        }
        feed->done(feed->ctx, spec, &s->res);
      }
      lnb_run_result_free(&s->res);
      s->used = 0;
      s->len = 0;
      running--;
    }
    progress(o, st, feed->total, running + feed->remote_running, t0, &last, 0);
  }
  progress(o, st, feed->total, running + feed->remote_running, t0, &last, 1);
  if (!o->quiet && o->progress_tty) fputc('\n', stderr);
  for (int j = 0; j < jobs; j++) free(slots[j].buf);
  free(slots);
  free(pfd);
  free(map);
}

/* the local sweep's feed: the todo list in order */
typedef struct local_feed {
  const lnb_run_spec *runs;
  size_t nruns, next;
  const unsigned char *todo;
  lnb_results *w;
  lnb_sweep_stats *st;
  const lnb_sweep_opts *o;
} local_feed;

static long local_next(void *ctx) {
  local_feed *f = ctx;
  while (f->next < f->nruns && f->todo && !f->todo[f->next]) f->next++;
  return f->next < f->nruns ? (long)f->next++ : LNB_FEED_END;
}

static void local_done(void *ctx, const lnb_run_spec *spec, lnb_run_result *res) {
  local_feed *f = ctx;
  lnb_sweep_record(spec, res, f->w, f->st, f->o);
}

void lnb_sweep(const lnb_config *cfg, const lnb_run_spec *runs, size_t nruns,
               const unsigned char *todo, const lnb_sweep_opts *o, lnb_results *w,
               lnb_sweep_stats *st) {
  memset(st, 0, sizeof *st);
  size_t total = 0;
  for (size_t i = 0; i < nruns; i++) total += !todo || todo[i];
  st->skipped = nruns - total;
  if (o->isolate) {
    local_feed lf = {runs, nruns, 0, todo, w, st, o};
    lnb_sweep_feed feed = {.next = local_next,
                           .done = local_done,
                           .spool_dir = w->dir,
                           .total = total,
                           .ctx = &lf};
    lnb_sweep_isolated(cfg, runs, o, &feed, st);
  } else {
    sweep_inprocess(cfg, runs, nruns, todo, o, w, st, total);
  }
  st->interrupted = *o->interrupted != 0;
}
