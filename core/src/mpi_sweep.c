/* mpi_sweep.c — one sweep across the ranks of an MPI job (see mpi_sweep.h).
 *
 * Protocol (MPI_COMM_WORLD, point to point, byte messages):
 *   worker -> rank 0 (TAG_UP): up_hdr {kind, wants, run} then
 *     UP_WANT    nothing: "send me up to `wants` runs"
 *     UP_RESULT  run `run` ended: its wire.h records (checkpoints, result);
 *                `wants` asks for more work at the same time
 *     UP_BYE     this rank is done: the runs it was given and did not start
 *                (it was interrupted), as u64 indices, go back to the queue
 *   rank 0 -> worker (TAG_DOWN): down_hdr {kind, n, answered} then
 *     DOWN_ASSIGN     n run indices (u64) for a request of `answered`;
 *                     n < answered means the queue is empty: no more work
 *     DOWN_INTERRUPT  the sweep stops (rank 0 got a signal or a write
 *                     failed): start nothing, give running runs the grace
 *     DOWN_FIN        answer to UP_BYE; the worker may finalize
 * A worker asks for at most --jobs runs beyond those it is running, so an
 * assignment starts at once; rank 0 sends with MPI_Isend and never blocks
 * on a worker, workers send with MPI_Send. MPI keeps the order of messages
 * between two ranks, so a worker has all its answers before DOWN_FIN. */
#define _POSIX_C_SOURCE 200809L
#include "mpi_sweep.h"

#include <mpi.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "wire.h"

enum { TAG_UP = 4711, TAG_DOWN = 4712 };
enum { UP_WANT = 1, UP_RESULT = 2, UP_BYE = 3 };
enum { DOWN_ASSIGN = 1, DOWN_INTERRUPT = 2, DOWN_FIN = 3 };
#define TICK_SECONDS 0.002 /* how often a rank looks for messages while waiting */

typedef struct up_hdr {
  int32_t kind, wants;
  uint64_t run;
} up_hdr;

typedef struct down_hdr {
  int32_t kind, n, answered, pad;
} down_hdr;

static void die_oom(void) {
  fprintf(stderr, "lnnbench: out of memory\n");
  MPI_Abort(MPI_COMM_WORLD, 2);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die_oom();
  return p;
}

/* receive the message MPI_Iprobe found into *buf (grown as needed) */
static int recv_probed(MPI_Status *ms, int tag, unsigned char **buf, size_t *cap) {
  int count = 0;
  MPI_Get_count(ms, MPI_BYTE, &count);
  if ((size_t)count > *cap) {
    free(*buf);
    *cap = (size_t)count;
    *buf = xmalloc(*cap);
  }
  MPI_Recv(*buf, count, MPI_BYTE, ms->MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return count;
}

/* ------------------------------------------------------------ set-up */

void lnb_mpi_init(int *argc, char ***argv, int *rank, int *size) {
  /* MPI libraries may install handlers for fatal signals (Open MPI prints a
   * backtrace); a run's child would inherit them. Keep the process's own: a
   * crashing cell is reported by the sweep, as in a local run. */
  static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
  struct sigaction old[sizeof fatal / sizeof *fatal];
  for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++) sigaction(fatal[i], NULL, &old[i]);
  MPI_Init(argc, argv);
  for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++) sigaction(fatal[i], &old[i], NULL);
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
}

void lnb_mpi_finalize(void) { MPI_Finalize(); }

/* The plugins cfg uses (each once, problems, architectures, optimizers in
 * config order) into out[] if given; their count. */
static size_t used_plugins(const lnb_config *cfg, const lnb_loaded **out) {
  const lnb_cellset *sets[3] = {&cfg->problems, &cfg->architectures, &cfg->optimizers};
  size_t n = 0;
  for (int s = 0; s < 3; s++)
    for (size_t i = 0; i < sets[s]->n; i++)
      if (lnb_cellset_first_use(sets[s], i)) {
        if (out) out[n] = sets[s]->cells[i].plugin;
        n++;
      }
  return n;
}

/* Collective: every rank's plugin files have rank 0's content hashes. A
 * rank whose `ok` is 1 compares and says which plugin differs; returns its
 * new ok. cfg is NULL on a rank that cannot run. */
static int agree_plugins(const lnb_config *cfg, int rank, int ok, const char *host) {
  size_t n = cfg ? used_plugins(cfg, NULL) : 0;
  const lnb_loaded **mine = xmalloc(n * sizeof *mine);
  if (cfg) used_plugins(cfg, mine);
  uint64_t nroot = n;
  MPI_Bcast(&nroot, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  uint64_t *root = xmalloc((size_t)nroot * sizeof *root);
  for (size_t i = 0; rank == 0 && i < n; i++) root[i] = mine[i]->hash;
  MPI_Bcast(root, (int)nroot, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  if (rank != 0 && ok && nroot != n) {
    fprintf(stderr, "lnnbench: rank %d (%s) uses %zu plugins, rank 0 %llu: every rank needs "
                    "the same config, data files and plugins\n",
            rank, host, n, (unsigned long long)nroot);
    ok = 0;
  }
  for (size_t i = 0; rank != 0 && ok && i < n; i++) {
    if (mine[i]->hash == root[i]) continue;
    fprintf(stderr, "lnnbench: rank %d (%s): %s '%s' is another build than rank 0's: its file "
                    "%s has content hash fnv1a64:%016llx, rank 0's fnv1a64:%016llx; every rank "
                    "needs the same plugin files\n",
            rank, host, lnb_kind_name(mine[i]->plugin->kind), mine[i]->plugin->name,
            mine[i]->path, (unsigned long long)mine[i]->hash, (unsigned long long)root[i]);
    ok = 0;
  }
  free(mine);
  free(root);
  return ok;
}

int lnb_mpi_agree(const char *fail, const lnb_config *cfg, const lnb_run_spec *runs,
                  size_t nruns) {
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  /* ready, runs, metric columns, FNV-1a of the spec hashes */
  uint64_t mine[4] = {fail ? 0 : 1, 0, 0, 0}, root[4];
  if (!fail) {
    mine[1] = nruns;
    mine[2] = lnb_metric_ncols(cfg);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < nruns; i++) {
      uint64_t s = lnb_run_spec_hash(cfg, &runs[i]);
      for (int b = 0; b < 8; b++) h = (h ^ ((s >> (8 * b)) & 0xff)) * 1099511628211ull;
    }
    mine[3] = h;
  }
  memcpy(root, mine, sizeof root);
  MPI_Bcast(root, 4, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  int ok = root[0] != 0, runs_differ = 0;
  char host[MPI_MAX_PROCESSOR_NAME] = "?";
  int hl = 0;
  MPI_Get_processor_name(host, &hl);
  if (rank != 0 && ok) {
    if (fail) {
      fprintf(stderr, "lnnbench: rank %d (%s): %s\n", rank, host, fail);
      ok = 0;
    } else if (mine[1] != root[1] || mine[2] != root[2]) {
      fprintf(stderr,
              "lnnbench: rank %d (%s) expands the config to %llu runs with %llu metric "
              "columns, rank 0 to %llu with %llu: every rank needs the same config, data "
              "files and plugins\n",
              rank, host, (unsigned long long)mine[1], (unsigned long long)mine[2],
              (unsigned long long)root[1], (unsigned long long)root[2]);
      ok = 0;
    } else if (mine[3] != root[3]) {
      runs_differ = 1; /* said below, unless a plugin file explains it */
    }
  }
  /* a run's identity includes its plugin files' hashes: name the plugin
   * that differs first, the runs only when no plugin explains it */
  ok = agree_plugins(fail ? NULL : cfg, rank, ok, host);
  if (ok && runs_differ) {
    fprintf(stderr,
            "lnnbench: rank %d (%s): its %llu runs differ from rank 0's (parameters, seeds, "
            "data files or stop/record settings): every rank needs the same config, data "
            "files and plugins\n",
            rank, host, (unsigned long long)mine[1]);
    ok = 0;
  }
  int all = 0;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (rank == 0 && root[0] && !all)
    fprintf(stderr, "lnnbench: not every MPI rank can run this sweep (see above); nothing "
                    "was run\n");
  return all;
}

int lnb_mpi_root_ok(int ok) {
  int v = ok != 0;
  MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return v;
}

/* ------------------------------------------------------------ cost order */

/* an integer parameter of a cell (the sum of an integer list), or dflt */
static double int_param(const lnb_cell *c, const char *name, double dflt) {
  const lnb_param_spec *specs = c->plugin->plugin->params;
  long j = lnb__spec_find(specs, name);
  if (j < 0 || !c->params || (size_t)j >= c->params->n) return dflt;
  const lnb_value *v = &c->params->v[j];
  if (!v->set) return dflt;
  if (specs[j].type == LNB_T_INT) return v->i > 0 ? (double)v->i : dflt;
  if (specs[j].type == LNB_T_INT_LIST) {
    double s = 0;
    for (size_t i = 0; i < v->n; i++) s += v->ints[i] > 0 ? (double)v->ints[i] : 0;
    return s > 0 ? s : dflt;
  }
  return dflt;
}

double lnb_run_cost(const lnb_config *cfg, const lnb_run_spec *spec) {
  const lnb_cell *p = spec->problem, *a = spec->architecture;
  double problem = int_param(p, "m", 1) * int_param(p, "d", 1) * int_param(p, "k", 1);
  double layers = int_param(a, "widths", 0);
  if (layers == 0) layers = int_param(a, "filters", 0);
  if (layers == 0) layers = int_param(a, "depth", 1) * int_param(a, "width", 1);
  double iters = cfg->stop.max_iters > 0 ? (double)cfg->stop.max_iters : 1;
  return iters * problem * layers;
}

typedef struct costed {
  double cost;
  size_t index;
} costed;

static int cmp_costed(const void *x, const void *y) {
  const costed *a = x, *b = y;
  if (a->cost != b->cost) return a->cost > b->cost ? -1 : 1; /* largest first */
  return a->index < b->index ? -1 : a->index > b->index; /* then grid order */
}

/* ------------------------------------------------------------ rank 0 */

typedef struct pending_send {
  MPI_Request req;
  unsigned char *buf;
} pending_send;

typedef struct coord {
  const lnb_config *cfg;
  const lnb_run_spec *runs;
  size_t nruns, nm;
  size_t *queue, nq, head; /* runs to do, by cost; queue[head..nq) not yet started */
  lnb_results *w;
  lnb_sweep_stats *st;
  const lnb_sweep_opts *o;
  lnb_sweep_feed *feed;
  int nranks, active;      /* workers that have not said goodbye */
  unsigned char *gone;     /* per rank */
  size_t *given;           /* per rank: runs assigned and not yet back */
  int stop_sent;
  unsigned char *rbuf;
  size_t rcap;
  pending_send *ps;
  size_t nps, capps;
} coord;

static void coord_send(coord *c, int dest, int kind, int answered, const size_t *runs,
                       int n) {
  size_t len = sizeof(down_hdr) + (size_t)n * 8;
  unsigned char *buf = xmalloc(len);
  down_hdr h = {kind, n, answered, 0};
  memcpy(buf, &h, sizeof h);
  for (int i = 0; i < n; i++) {
    uint64_t r = runs[i];
    memcpy(buf + sizeof h + (size_t)i * 8, &r, 8);
  }
  if (c->nps == c->capps) {
    size_t cap = c->capps ? 2 * c->capps : 16;
    pending_send *t = realloc(c->ps, cap * sizeof *t);
    if (!t) die_oom();
    c->ps = t, c->capps = cap;
  }
  pending_send *p = &c->ps[c->nps++];
  p->buf = buf;
  MPI_Isend(buf, (int)len, MPI_BYTE, dest, TAG_DOWN, MPI_COMM_WORLD, &p->req);
}

static void coord_reap(coord *c, int wait) {
  for (size_t i = 0; i < c->nps;) {
    int done = 0;
    if (wait) MPI_Wait(&c->ps[i].req, MPI_STATUS_IGNORE), done = 1;
    else MPI_Test(&c->ps[i].req, &done, MPI_STATUS_IGNORE);
    if (!done) {
      i++;
      continue;
    }
    free(c->ps[i].buf);
    c->ps[i] = c->ps[--c->nps];
  }
}

static int coord_stopping(const coord *c) { return *c->o->interrupted || c->st->write_failed; }

static long coord_next(void *ctx) {
  coord *c = ctx;
  if (c->head < c->nq) return (long)c->queue[c->head++];
  /* a rank that leaves early gives its unstarted runs back */
  return c->active > 0 ? LNB_FEED_WAIT : LNB_FEED_END;
}

static void coord_done(void *ctx, const lnb_run_spec *spec, lnb_run_result *res) {
  coord *c = ctx;
  lnb_sweep_record(spec, res, c->w, c->st, c->o);
}

static void coord_assign(coord *c, int dest, int wants) {
  size_t *list = xmalloc((size_t)wants * sizeof *list);
  int n = 0;
  while (!coord_stopping(c) && n < wants && c->head < c->nq) list[n++] = c->queue[c->head++];
  coord_send(c, dest, DOWN_ASSIGN, wants, list, n);
  c->given[dest] += (size_t)n;
  c->feed->remote_running += (size_t)n;
  free(list);
}

static void coord_result(coord *c, int src, uint64_t run, const unsigned char *p, size_t len) {
  if (run >= c->nruns) {
    fprintf(stderr, "lnnbench: rank %d sent a result for run %llu of %zu; ignored\n", src,
            (unsigned long long)run + 1, c->nruns);
    return;
  }
  lnb_run_result res;
  lnb_wire_result_init(&res);
  int have = 0, bad = 0;
  size_t used = lnb_wire_parse(p, len, c->nm, &res, &have, &bad);
  if (!have || bad || used != len) {
    res.status = LNB_RUN_CRASHED;
    snprintf(res.message, sizeof res.message, "rank %d sent an unreadable result", src);
  }
  lnb_sweep_record(&c->runs[run], &res, c->w, c->st, c->o);
  lnb_run_result_free(&res);
  if (c->given[src]) c->given[src]--;
  if (c->feed->remote_running) c->feed->remote_running--;
}

static void coord_bye(coord *c, int src, const unsigned char *p, size_t len) {
  size_t n = len / 8;
  for (size_t i = 0; i < n && c->head > 0; i++) {
    uint64_t r;
    memcpy(&r, p + i * 8, 8);
    if (r < c->nruns) c->queue[--c->head] = (size_t)r;
  }
  /* runs it had to kill when interrupted are not back: --resume reruns them */
  c->feed->remote_running -= c->given[src] < c->feed->remote_running ? c->given[src]
                                                                      : c->feed->remote_running;
  c->given[src] = 0;
  c->gone[src] = 1;
  c->active--;
  coord_send(c, src, DOWN_FIN, 0, NULL, 0);
}

static int coord_tick(void *ctx) {
  coord *c = ctx;
  coord_reap(c, 0);
  if (coord_stopping(c) && !c->stop_sent) {
    for (int r = 1; r < c->nranks; r++)
      if (!c->gone[r]) coord_send(c, r, DOWN_INTERRUPT, 0, NULL, 0);
    c->stop_sent = 1;
  }
  for (;;) {
    int flag = 0;
    MPI_Status ms;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_UP, MPI_COMM_WORLD, &flag, &ms);
    if (!flag) break;
    int src = ms.MPI_SOURCE;
    size_t len = (size_t)recv_probed(&ms, TAG_UP, &c->rbuf, &c->rcap);
    up_hdr h;
    if (len < sizeof h || src <= 0 || src >= c->nranks || c->gone[src]) {
      fprintf(stderr, "lnnbench: unexpected message from rank %d; ignored\n", src);
      continue;
    }
    memcpy(&h, c->rbuf, sizeof h);
    const unsigned char *body = c->rbuf + sizeof h;
    size_t blen = len - sizeof h;
    if (h.kind == UP_RESULT) coord_result(c, src, h.run, body, blen);
    if (h.kind == UP_BYE) coord_bye(c, src, body, blen);
    else if (h.wants > 0) coord_assign(c, src, h.wants);
  }
  return c->active > 0;
}

static void coordinate(const lnb_config *cfg, const lnb_run_spec *runs, size_t nruns,
                       const unsigned char *todo, const lnb_sweep_opts *o, lnb_results *w,
                       lnb_sweep_stats *st, int nranks) {
  coord c;
  memset(&c, 0, sizeof c);
  c.cfg = cfg, c.runs = runs, c.nruns = nruns, c.nm = lnb_metric_ncols(cfg);
  c.w = w, c.st = st, c.o = o;
  c.nranks = nranks, c.active = nranks - 1;
  c.gone = xmalloc((size_t)nranks);
  memset(c.gone, 0, (size_t)nranks);
  c.given = xmalloc((size_t)nranks * sizeof *c.given);
  memset(c.given, 0, (size_t)nranks * sizeof *c.given);
  costed *cs = xmalloc(nruns * sizeof *cs);
  for (size_t i = 0; i < nruns; i++)
    if (!todo || todo[i]) cs[c.nq++] = (costed){lnb_run_cost(cfg, &runs[i]), i};
  qsort(cs, c.nq, sizeof *cs, cmp_costed);
  c.queue = xmalloc(c.nq * sizeof *c.queue);
  for (size_t i = 0; i < c.nq; i++) c.queue[i] = cs[i].index;
  free(cs);
  st->skipped = nruns - c.nq;

  lnb_sweep_feed feed = {.next = coord_next,
                         .spool_dir = w->dir,
                         .done = coord_done,
                         .tick = nranks > 1 ? coord_tick : NULL,
                         .tick_seconds = TICK_SECONDS,
                         .total = c.nq,
                         .ctx = &c};
  c.feed = &feed;
  lnb_sweep_isolated(cfg, runs, o, &feed, st);
  coord_reap(&c, 1);
  free(c.queue), free(c.gone), free(c.given), free(c.rbuf), free(c.ps);
}

/* ------------------------------------------------------------ other ranks */

typedef struct worker {
  size_t nruns, nm;
  int jobs;
  size_t *q, qn;   /* assigned, not started (at most jobs) */
  size_t inflight; /* started, not ended */
  int asked;       /* runs asked for, answer pending */
  int ended;       /* rank 0 has no more work */
  volatile sig_atomic_t *interrupted;
  unsigned char *rbuf;
  size_t rcap;
} worker;

static void worker_send(int kind, int wants, uint64_t run, const void *body, size_t len) {
  up_hdr h = {kind, wants, run};
  unsigned char *buf = xmalloc(sizeof h + len);
  memcpy(buf, &h, sizeof h);
  if (len) memcpy(buf + sizeof h, body, len);
  MPI_Send(buf, (int)(sizeof h + len), MPI_BYTE, 0, TAG_UP, MPI_COMM_WORLD);
  free(buf);
}

static int worker_wants(worker *wk) {
  if (wk->ended || *wk->interrupted) return 0;
  long n = (long)wk->jobs - (long)wk->inflight - (long)wk->qn - wk->asked;
  return n > 0 ? (int)n : 0;
}

static long worker_next(void *ctx) {
  worker *wk = ctx;
  if (wk->qn > 0) {
    size_t r = wk->q[0];
    memmove(wk->q, wk->q + 1, --wk->qn * sizeof *wk->q);
    wk->inflight++;
    return (long)r;
  }
  if (wk->ended) return LNB_FEED_END;
  int wants = worker_wants(wk);
  if (wants > 0) {
    worker_send(UP_WANT, wants, 0, NULL, 0);
    wk->asked += wants;
  }
  return LNB_FEED_WAIT;
}

static void worker_done(void *ctx, const lnb_run_spec *spec, lnb_run_result *res) {
  worker *wk = ctx;
  if (wk->inflight) wk->inflight--;
  size_t len = 0;
  unsigned char *body = lnb_wire_encode_run(res, wk->nm, &len);
  if (!body) { /* out of memory: send the result without its checkpoints */
    lnb_run_result bare = *res;
    bare.ncheckpoints = 0;
    body = lnb_wire_encode_run(&bare, wk->nm, &len);
    if (!body) die_oom();
  }
  int wants = worker_wants(wk);
  worker_send(UP_RESULT, wants, spec->index, body, len);
  wk->asked += wants;
  free(body);
}

static void worker_handle(worker *wk, MPI_Status *ms) {
  size_t len = (size_t)recv_probed(ms, TAG_DOWN, &wk->rbuf, &wk->rcap);
  down_hdr h;
  if (len < sizeof h) return;
  memcpy(&h, wk->rbuf, sizeof h);
  if (h.kind == DOWN_INTERRUPT) *wk->interrupted = 1;
  if (h.kind != DOWN_ASSIGN) return;
  wk->asked -= h.answered;
  if (h.n < h.answered) wk->ended = 1;
  for (int i = 0; i < h.n && sizeof h + (size_t)(i + 1) * 8 <= len; i++) {
    uint64_t r;
    memcpy(&r, wk->rbuf + sizeof h + (size_t)i * 8, 8);
    if (r < wk->nruns && wk->qn < (size_t)wk->jobs) wk->q[wk->qn++] = (size_t)r;
  }
}

static int worker_tick(void *ctx) {
  worker *wk = ctx;
  for (;;) {
    int flag = 0;
    MPI_Status ms;
    MPI_Iprobe(0, TAG_DOWN, MPI_COMM_WORLD, &flag, &ms);
    if (!flag) break;
    worker_handle(wk, &ms);
  }
  return wk->asked > 0;
}

static void work(const lnb_config *cfg, const lnb_run_spec *runs, size_t nruns,
                 const lnb_sweep_opts *o) {
  worker wk;
  memset(&wk, 0, sizeof wk);
  wk.nruns = nruns, wk.nm = lnb_metric_ncols(cfg);
  wk.jobs = o->jobs > 0 ? o->jobs : 1;
  wk.q = xmalloc((size_t)wk.jobs * sizeof *wk.q);
  wk.interrupted = o->interrupted;
  lnb_sweep_opts wo = *o;
  wo.quiet = 1; /* rank 0 reports progress */
  lnb_sweep_stats wst;
  memset(&wst, 0, sizeof wst);
  lnb_sweep_feed feed = {.next = worker_next,
                         .done = worker_done,
                         .tick = worker_tick,
                         .tick_seconds = TICK_SECONDS,
                         .ctx = &wk};
  lnb_sweep_isolated(cfg, runs, &wo, &feed, &wst);
  /* goodbye, with the runs given and not started */
  unsigned char *back = xmalloc(wk.qn * 8);
  for (size_t i = 0; i < wk.qn; i++) {
    uint64_t r = wk.q[i];
    memcpy(back + i * 8, &r, 8);
  }
  worker_send(UP_BYE, 0, 0, back, wk.qn * 8);
  free(back);
  for (;;) {
    MPI_Status ms;
    MPI_Probe(0, TAG_DOWN, MPI_COMM_WORLD, &ms);
    size_t len = (size_t)recv_probed(&ms, TAG_DOWN, &wk.rbuf, &wk.rcap);
    down_hdr h;
    if (len >= sizeof h && (memcpy(&h, wk.rbuf, sizeof h), h.kind == DOWN_FIN)) break;
  }
  free(wk.q), free(wk.rbuf);
}

void lnb_mpi_sweep(const lnb_config *cfg, const lnb_run_spec *runs, size_t nruns,
                   const unsigned char *todo, const lnb_sweep_opts *o, lnb_results *w,
                   lnb_sweep_stats *st) {
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  memset(st, 0, sizeof *st);
  if (rank == 0) coordinate(cfg, runs, nruns, todo, o, w, st, size);
  else work(cfg, runs, nruns, o);
  st->interrupted = *o->interrupted != 0;
}
