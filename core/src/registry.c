/* registry.c — load plugin shared objects and validate their descriptors.
 *
 * Every file is loaded with dlopen(RTLD_NOW | RTLD_LOCAL), its exported
 * lnb_plugin_entry is enumerated from index 0 until NULL, and each descriptor
 * is checked before anything of the file is added: a file is accepted whole
 * or refused whole. A refusal is recorded in r->failures with a message that
 * names the file and the reason; it never stops other files from loading.
 *
 * Before dlopen (a file's constructors run as it loads) the file must be
 * trusted: see open_trusted. glibc finds an object already loaded by its name
 * before it opens anything, and a name "/proc/<pid>/fd/<n>" stays attached to
 * the object dlopen returned for it (also as an alias of an object that was
 * loaded already under another name); so the descriptor of every file dlopen
 * accepted stays open until lnb_registry_free, and no such name is reused by
 * a later file of the registry. (A plugin that cannot be unloaded, -z
 * nodelete, keeps its name after the free; a second registry in the same
 * process could then meet it. lnnbench makes one registry per process.)
 */
#define _DEFAULT_SOURCE /* realpath */
#define _POSIX_C_SOURCE 200809L

#include "registry.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host.h"
#include "params.h"

/* Most descriptors one file may declare; beyond it the entry point is taken
 * to be broken (it never returns NULL). */
#define LNB__MAX_PER_FILE 1024u

/* internal result codes */
enum { LOAD_OK = 0, LOAD_REFUSED = -1, LOAD_NOMEM = -2 };

/* Bytes of a struct up to and including a member. */
#define LNB__END_OF(type, member) \
  (offsetof(type, member) + sizeof(((type *)0)->member))

const char *lnb_kind_name(lnb_kind k) {
  switch (k) {
  case LNB_PROBLEM:
    return "problem";
  case LNB_ARCHITECTURE:
    return "architecture";
  case LNB_OPTIMIZER:
    return "optimizer";
  }
  return "plugin";
}

static int kind_valid(lnb_kind k) {
  return k == LNB_PROBLEM || k == LNB_ARCHITECTURE || k == LNB_OPTIMIZER;
}

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

/* malloc'd printf; NULL when out of memory */
static char *vformat(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int len = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (len < 0)
    return NULL;
  char *s = malloc((size_t)len + 1);
  if (s)
    vsnprintf(s, (size_t)len + 1, fmt, ap);
  return s;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = vformat(fmt, ap);
  va_end(ap);
  return s;
}

/* Grow an array of elements of size `size` so it holds at least `need`. */
static int grow(void **arr, size_t *cap, size_t need, size_t size) {
  if (need <= *cap)
    return 0;
  size_t nc = *cap ? *cap : 8;
  while (nc < need)
    nc *= 2;
  void *p = realloc(*arr, nc * size);
  if (!p)
    return -1;
  *arr = p;
  *cap = nc;
  return 0;
}

/* Record a failure "<path>: <message>". Returns LOAD_REFUSED, or LOAD_NOMEM
 * if the record itself could not be allocated. */
static int fail(lnb_registry *r, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(lnb_registry *r, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *body = vformat(fmt, ap);
  va_end(ap);
  char *reason = body ? format("%s: %s", path, body) : NULL;
  free(body);
  char *p = dup_str(path);
  if (!reason || !p ||
      grow((void **)&r->failures, &r->capfail, r->nfail + 1,
           sizeof *r->failures)) {
    free(reason);
    free(p);
    return LOAD_NOMEM;
  }
  r->failures[r->nfail].path = p;
  r->failures[r->nfail].reason = reason;
  r->nfail++;
  return LOAD_REFUSED;
}

/* [a-z0-9_]+ */
static int name_valid(const char *s) {
  if (!s || !*s)
    return 0;
  for (; *s; s++) {
    char c = *s;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return 0;
  }
  return 1;
}

static size_t count_specs(const lnb_param_spec *specs) {
  size_t n = 0;
  while (specs[n].name)
    n++;
  return n;
}

/* How a descriptor is named in messages: "optimizer 'gd'", "plugin 'gd'"
 * (kind unusable), "optimizer #3" or "plugin #3" (name unusable). */
static void describe(char *buf, size_t len, const lnb_plugin *p, uint32_t idx,
                     int kind_ok, int name_ok) {
  const char *k = kind_ok ? lnb_kind_name(p->kind) : "plugin";
  if (name_ok)
    snprintf(buf, len, "%s '%s'", k, p->name);
  else
    snprintf(buf, len, "%s #%u", k, (unsigned)idx);
}

typedef struct op_req {
  const char *name;
  size_t offset;
} op_req;

#define OP(type, member) {#member, offsetof(type, member)}

static const op_req problem_ops[] = {
    OP(lnb_problem_ops, create), OP(lnb_problem_ops, destroy),
    OP(lnb_problem_ops, dims), OP(lnb_problem_ops, eval)};
static const op_req arch_ops[] = {
    OP(lnb_arch_ops, create), OP(lnb_arch_ops, destroy),
    OP(lnb_arch_ops, tensors), OP(lnb_arch_ops, end_to_end),
    OP(lnb_arch_ops, backward)};
/* (1.5) a predictor architecture gives these in place of end_to_end/backward */
static const op_req predictor_ops[] = {
    OP(lnb_arch_ops, create), OP(lnb_arch_ops, destroy),
    OP(lnb_arch_ops, tensors), OP(lnb_arch_ops, predict_prepare),
    OP(lnb_arch_ops, forward), OP(lnb_arch_ops, backward_outputs)};
static const op_req optimizer_ops[] = {
    OP(lnb_optimizer_ops, create), OP(lnb_optimizer_ops, destroy),
    OP(lnb_optimizer_ops, step)};

#undef OP

/* Check the ops table of a descriptor whose kind is valid. */
static int check_ops(lnb_registry *r, const char *path, const lnb_plugin *p,
                     const char *who) {
  const op_req *req;
  size_t nreq, need;
  switch (p->kind) {
  case LNB_PROBLEM:
    req = problem_ops;
    nreq = sizeof problem_ops / sizeof *problem_ops;
    need = LNB__END_OF(lnb_problem_ops, eval);
    break;
  case LNB_ARCHITECTURE:
    req = arch_ops;
    nreq = sizeof arch_ops / sizeof *arch_ops;
    need = LNB__END_OF(lnb_arch_ops, backward);
    if (lnb_arch_is_predictor(p->ops)) {
      req = predictor_ops;
      nreq = sizeof predictor_ops / sizeof *predictor_ops;
      need = LNB__END_OF(lnb_arch_ops, backward_outputs);
    }
    break;
  default:
    req = optimizer_ops;
    nreq = sizeof optimizer_ops / sizeof *optimizer_ops;
    need = LNB__END_OF(lnb_optimizer_ops, step);
    break;
  }
  /* every ops struct starts with uint32_t struct_size */
  uint32_t size;
  memcpy(&size, p->ops, sizeof size);
  if (size < need)
    return fail(r, path,
                "%s has an ops table of struct_size %u, smaller than the %zu "
                "bytes its required ops need",
                who, (unsigned)size, need);
  const unsigned char *base = p->ops;
  for (size_t i = 0; i < nreq; i++) {
    void (*fn)(void);
    memcpy(&fn, base + req[i].offset, sizeof fn);
    if (!fn)
      return fail(r, path, "%s lacks required op '%s'", who, req[i].name);
  }
  /* declared metrics need the op that computes them, and well-formed names */
  const lnb_metric_spec *metrics = NULL;
  int has_metric_op = 0;
  if (p->kind == LNB_PROBLEM) {
    const lnb_problem_ops *o = p->ops;
    metrics = LNB_OPT_OP(lnb_problem_ops, o, metrics);
    has_metric_op = LNB_OPT_OP(lnb_problem_ops, o, metric) != NULL;
  } else if (p->kind == LNB_ARCHITECTURE) {
    const lnb_arch_ops *o = p->ops;
    metrics = LNB_OPT_OP(lnb_arch_ops, o, metrics);
    has_metric_op = LNB_OPT_OP(lnb_arch_ops, o, metric) != NULL;
  }
  if (metrics && metrics[0].name && !has_metric_op)
    return fail(r, path, "%s declares metrics but lacks the op 'metric'", who);
  for (size_t i = 0; metrics && metrics[i].name; i++) {
    if (!name_valid(metrics[i].name))
      return fail(r, path, "%s: metric name '%s' is not of the form [a-z0-9_]+", who,
                  metrics[i].name);
    if (!metrics[i].help || !metrics[i].help[0])
      return fail(r, path, "%s: metric '%s' has no help text", who, metrics[i].name);
    for (size_t j = 0; j < i; j++)
      if (strcmp(metrics[j].name, metrics[i].name) == 0)
        return fail(r, path, "%s: metric '%s' is declared twice", who, metrics[i].name);
  }
  return LOAD_OK;
}

/* Validate descriptor number idx of path. */
static int check_descriptor(lnb_registry *r, const char *path,
                            const lnb_plugin *p, uint32_t idx) {
  const size_t need = LNB__END_OF(lnb_plugin, ops);
  const int big_enough = p->struct_size >= need;
  /* fields up to kind/name are read only if the descriptor covers them */
  const int kind_ok = p->struct_size >= LNB__END_OF(lnb_plugin, kind) &&
                      kind_valid(p->kind);
  const int name_ok = p->struct_size >= LNB__END_OF(lnb_plugin, name) &&
                      name_valid(p->name);
  char who[160];
  describe(who, sizeof who, p, idx, kind_ok, name_ok);

  if (p->abi_major != LNB_ABI_MAJOR) {
    char w[160];
    describe(w, sizeof w, p, idx, 0, name_ok); /* "plugin 'x'" */
    return fail(r, path,
                "%s was built for ABI %u.%u, this lnnbench speaks ABI %u.x", w,
                (unsigned)p->abi_major, (unsigned)p->abi_minor,
                (unsigned)LNB_ABI_MAJOR);
  }
  if (!big_enough)
    return fail(r, path,
                "%s has descriptor struct_size %u, smaller than the minimum "
                "%zu (corrupt descriptor or built against a broken header)",
                who, (unsigned)p->struct_size, need);
  if (!kind_valid(p->kind))
    return fail(r, path, "%s has invalid kind %d (expected 1 = problem, "
                "2 = architecture or 3 = optimizer)",
                who, (int)p->kind);
  if (!p->name || !*p->name)
    return fail(r, path, "%s has no name", who);
  if (!name_ok)
    return fail(r, path, "%s has invalid name '%s': names must match [a-z0-9_]+",
                who, p->name);
  if (!p->summary)
    return fail(r, path, "%s has no summary", who);
  if (!p->params)
    return fail(r, path,
                "%s has no params array (an empty one, {NULL}, is fine)",
                who);
  if (!p->ops)
    return fail(r, path, "%s has no ops table", who);
  int rc = check_ops(r, path, p, who);
  if (rc != LOAD_OK)
    return rc;
  lnb_error err;
  memset(&err, 0, sizeof err);
  if (lnb__specs_check(p->params, &err) != 0)
    return fail(r, path, "%s has malformed param specs: %s", who,
                err.msg[0] ? err.msg : "(no detail given)");
  return LOAD_OK;
}

static const lnb_loaded *find_in(const lnb_loaded *items, size_t n,
                                 lnb_kind kind, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (items[i].plugin->kind == kind && strcmp(items[i].plugin->name, name) == 0)
      return &items[i];
  return NULL;
}

/* Why st is not to be trusted ("is owned by uid 7, ...", "is writable by
 * other users (mode 0666)"), or NULL: owned by root or the effective uid and
 * writable by neither group nor others. */
static const char *untrusted(const struct stat *st, char *buf, size_t len) {
  const uid_t me = geteuid();
  if (st->st_uid != 0 && st->st_uid != me) {
    snprintf(buf, len, "is owned by uid %lu, neither root nor the user running lnnbench "
             "(uid %lu)", (unsigned long)st->st_uid, (unsigned long)me);
    return buf;
  }
  const mode_t w = st->st_mode & (S_IWGRP | S_IWOTH);
  if (w) {
    snprintf(buf, len, "is writable by %s (mode %04o)",
             w == S_IWGRP   ? "its group"
             : w == S_IWOTH ? "other users"
                            : "other users and its group",
             (unsigned)(st->st_mode & 07777));
    return buf;
  }
  return NULL;
}

static int refuse(lnb_registry *r, const char *path, const char *subject,
                  const char *why) {
  return fail(r, path,
              "refused: %s %s; a plugin file and its directory must be owned by "
              "root or uid %lu and writable by their owner only",
              subject, why, (unsigned long)geteuid());
}

/* malloc'd directory part of p ("." when it has none) */
static char *dir_of(const char *p) {
  const char *slash = strrchr(p, '/');
  if (!slash)
    return dup_str(".");
  if (slash == p)
    return dup_str("/");
  char *d = malloc((size_t)(slash - p) + 1);
  if (d) {
    memcpy(d, p, (size_t)(slash - p));
    d[slash - p] = '\0';
  }
  return d;
}

static const char *base_of(const char *p) {
  const char *slash = strrchr(p, '/');
  return slash ? slash + 1 : p;
}

/* Open path for dlopen if it may be trusted: its canonical form (symbolic
 * links resolved) names a regular file that, with its directory, passes
 * `untrusted`, and so does the directory that holds the name as given (where
 * a link lives). The file is opened O_NOFOLLOW relative to a descriptor of
 * the directory that was checked, and checked through its own descriptor
 * (what is loaded is what was checked, whatever happens to the names later).
 * Returns the descriptor, or LOAD_REFUSED / LOAD_NOMEM (recorded). */
static int open_trusted(lnb_registry *r, const char *path) {
  char why[256], subject[PATH_MAX + 64];
  int rc = LOAD_REFUSED, dfd = -1, fd = -1;
  char *real = NULL, *given_dir = NULL, *link_dir = NULL, *real_dir = NULL;
  real = realpath(path, NULL);
  if (!real) {
    int e = errno;
    return e == ENOMEM ? LOAD_NOMEM
                       : fail(r, path, "cannot load shared object: %s", strerror(e));
  }
  given_dir = dir_of(path);
  real_dir = dir_of(real);
  if (!given_dir || !real_dir) {
    rc = LOAD_NOMEM;
    goto out;
  }
  link_dir = realpath(given_dir, NULL);
  if (!link_dir) {
    int e = errno;
    rc = e == ENOMEM ? LOAD_NOMEM
                     : fail(r, path, "cannot load shared object: %s", strerror(e));
    goto out;
  }
  /* a link: the name as given does not resolve to itself */
  const int is_link = strcmp(link_dir, real_dir) != 0 ||
                      strcmp(base_of(path), base_of(real)) != 0;
  struct stat st;
  if (strcmp(link_dir, real_dir) != 0) {
    if (stat(link_dir, &st) != 0) {
      rc = fail(r, path, "cannot load shared object: %s: %s", link_dir, strerror(errno));
      goto out;
    }
    snprintf(subject, sizeof subject, "its directory %s", link_dir);
    if (untrusted(&st, why, sizeof why)) {
      rc = refuse(r, path, subject, why);
      goto out;
    }
  }
  dfd = open(real_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || fstat(dfd, &st) != 0) {
    rc = fail(r, path, "cannot load shared object: %s: %s", real_dir, strerror(errno));
    goto out;
  }
  snprintf(subject, sizeof subject, "%s %s", is_link ? "its target's directory" : "its directory",
           real_dir);
  if (untrusted(&st, why, sizeof why)) {
    rc = refuse(r, path, subject, why);
    goto out;
  }
  /* O_NONBLOCK: a FIFO must not hang the open; no effect on a regular file */
  fd = openat(dfd, base_of(real), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 || fstat(fd, &st) != 0) {
    rc = fail(r, path, "cannot load shared object: %s", strerror(errno));
    goto out;
  }
  if (is_link)
    snprintf(subject, sizeof subject, "its target %s", real);
  else
    snprintf(subject, sizeof subject, "the file");
  if (!S_ISREG(st.st_mode)) {
    rc = fail(r, path, "refused: %s is not a regular file", subject);
    goto out;
  }
  if (untrusted(&st, why, sizeof why)) {
    rc = refuse(r, path, subject, why);
    goto out;
  }
  rc = fd;
  fd = -1;
out:
  if (fd >= 0)
    close(fd);
  if (dfd >= 0)
    close(dfd);
  free(real);
  free(given_dir);
  free(link_dir);
  free(real_dir);
  return rc;
}

static int load_file(lnb_registry *r, const char *path) {
  int fd = open_trusted(r, path);
  if (fd < 0)
    return fd;
  uint64_t hash = 0;
  if (lnb__fnv1a64_fd(fd, &hash) != 0) {
    int e = errno;
    close(fd);
    return fail(r, path, "cannot read the file: %s", strerror(e));
  }
  if (grow((void **)&r->fds, &r->capfds, r->nfds + 1, sizeof *r->fds)) {
    close(fd);
    return LOAD_NOMEM;
  }
  /* the name of the descriptor, so that the inode checked is the one loaded */
  char open_path[64];
  snprintf(open_path, sizeof open_path, "/proc/%ld/fd/%d", (long)getpid(), fd);
  dlerror();
  void *h = dlopen(open_path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    if (!e)
      e = "unknown dlopen error";
    /* glibc prefixes the name it opened; the file's own is already there */
    size_t ol = strlen(open_path);
    if (strncmp(e, open_path, ol) == 0 && e[ol] == ':' && e[ol + 1] == ' ')
      e += ol + 2;
    int rc = access(open_path, F_OK) == 0
                 ? fail(r, path, "cannot load shared object: %s", e)
                 : fail(r, path, "cannot load shared object: %s is not there (is /proc "
                        "mounted? plugins are loaded through it)", open_path);
    close(fd); /* nothing was loaded: the name is free again */
    return rc;
  }
  r->fds[r->nfds++] = fd; /* dlopen knows the name now: keep it taken */

  dlerror();
  void *sym = dlsym(h, LNB_PLUGIN_ENTRY_SYMBOL);
  const char *e = dlerror();
  if (e || !sym) {
    dlclose(h);
    return fail(r, path, "not an lnnbench plugin: no symbol '%s'",
                LNB_PLUGIN_ENTRY_SYMBOL);
  }
  lnb_plugin_entry_fn entry;
  memcpy(&entry, &sym, sizeof entry);

  const lnb_host *host = lnb_host_get();
  const lnb_plugin **got = NULL;
  size_t ngot = 0, capgot = 0;
  int rc = LOAD_OK;
  for (uint32_t i = 0;; i++) {
    const lnb_plugin *p = entry(i, host);
    if (!p)
      break;
    if (i >= LNB__MAX_PER_FILE) {
      rc = fail(r, path,
                "%s returned more than %u descriptors (it must return NULL "
                "after the last one)",
                LNB_PLUGIN_ENTRY_SYMBOL, LNB__MAX_PER_FILE);
      goto out;
    }
    if (grow((void **)&got, &capgot, ngot + 1, sizeof *got)) {
      rc = LOAD_NOMEM;
      goto out;
    }
    got[ngot++] = p;
  }
  if (ngot == 0) {
    rc = fail(r, path, "%s(0) returned NULL: the file declares no plugins",
              LNB_PLUGIN_ENTRY_SYMBOL);
    goto out;
  }

  for (size_t i = 0; i < ngot; i++) {
    rc = check_descriptor(r, path, got[i], (uint32_t)i);
    if (rc != LOAD_OK)
      goto out;
  }
  for (size_t i = 0; i < ngot; i++) {
    const lnb_plugin *p = got[i];
    const lnb_loaded *prev = find_in(r->items, r->n, p->kind, p->name);
    if (prev) {
      rc = fail(r, path, "duplicate %s '%s' (already loaded from %s)",
                lnb_kind_name(p->kind), p->name, prev->path);
      goto out;
    }
    for (size_t j = 0; j < i; j++) {
      if (got[j]->kind == p->kind && strcmp(got[j]->name, p->name) == 0) {
        rc = fail(r, path, "duplicate %s '%s' (declared twice in this file)",
                  lnb_kind_name(p->kind), p->name);
        goto out;
      }
    }
  }

  /* commit: reserve everything first so that nothing is half added */
  if (grow((void **)&r->items, &r->cap, r->n + ngot, sizeof *r->items) ||
      grow((void **)&r->handles, &r->caphandles, r->nhandles + 1,
           sizeof *r->handles)) {
    rc = LOAD_NOMEM;
    goto out;
  }
  size_t added = 0;
  for (; added < ngot; added++) {
    char *pcopy = dup_str(path);
    if (!pcopy)
      break;
    lnb_loaded *it = &r->items[r->n + added];
    it->plugin = got[added];
    it->path = pcopy;
    it->nspecs = count_specs(got[added]->params);
    it->hash = hash;
  }
  if (added < ngot) {
    for (size_t i = 0; i < added; i++)
      free(r->items[r->n + i].path);
    rc = LOAD_NOMEM;
    goto out;
  }
  r->n += ngot;
  r->handles[r->nhandles++] = h;
  h = NULL;

out:
  free(got);
  if (h)
    dlclose(h);
  return rc;
}

int lnb_registry_load_file(lnb_registry *r, const char *path) {
  return load_file(r, path) == LOAD_OK ? 0 : -1;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with_so(const char *s) {
  size_t n = strlen(s);
  return n > 3 && strcmp(s + n - 3, ".so") == 0;
}

/* Load every regular *.so file of dir (absolute) in strcmp order; the files
 * are named in the canonical directory (symbolic links resolved). */
static int load_dir(lnb_registry *r, const char *given) {
  if (given[0] != '/')
    return fail(r, given, "refused: a relative plugin directory (it would be looked up "
                "in the current directory): the directories of a plugin path must be "
                "absolute") == LOAD_NOMEM
               ? LOAD_NOMEM
               : LOAD_OK;
  char *dir = realpath(given, NULL);
  DIR *d = dir ? opendir(dir) : NULL;
  if (!d) {
    int e = errno;
    free(dir);
    return fail(r, given, "cannot open plugin directory: %s", strerror(e)) ==
                   LOAD_NOMEM
               ? LOAD_NOMEM
               : LOAD_OK;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = LOAD_OK;
  const struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (!ends_with_so(de->d_name))
      continue;
    char *nm = dup_str(de->d_name);
    if (!nm || grow((void **)&names, &cap, n + 1, sizeof *names)) {
      free(nm);
      rc = LOAD_NOMEM;
      break;
    }
    names[n++] = nm;
  }
  closedir(d);
  if (rc == LOAD_OK && n > 1)
    qsort(names, n, sizeof *names, cmp_names);

  size_t dl = strlen(dir);
  const char *sep = (dl > 0 && dir[dl - 1] == '/') ? "" : "/";
  for (size_t i = 0; i < n && rc == LOAD_OK; i++) {
    char *full = format("%s%s%s", dir, sep, names[i]);
    if (!full) {
      rc = LOAD_NOMEM;
      break;
    }
    struct stat st;
    if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
      if (load_file(r, full) == LOAD_NOMEM)
        rc = LOAD_NOMEM;
    }
    free(full);
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  free(dir);
  return rc;
}

/* The next non-empty entry of a ':'-separated list at *s: its start and
 * length, *s moved past it; 0 when there is none. */
static int next_entry(const char **s, const char **start, size_t *len) {
  for (;;) {
    const char *colon = strchr(*s, ':');
    size_t n = colon ? (size_t)(colon - *s) : strlen(*s);
    *start = *s;
    *len = n;
    *s += n + (colon != NULL);
    if (n > 0)
      return 1;
    if (!colon)
      return 0;
  }
}

int lnb_registry_load_path(lnb_registry *r, const char *pathlist) {
  if (!pathlist)
    return 0;
  const char *s = pathlist, *start;
  size_t len;
  while (next_entry(&s, &start, &len)) {
    char *dir = malloc(len + 1);
    if (!dir)
      return -1;
    memcpy(dir, start, len);
    dir[len] = '\0';
    int rc = load_dir(r, dir);
    free(dir);
    if (rc == LOAD_NOMEM)
      return -1;
  }
  return 0;
}

#ifndef LNB_PLUGIN_RELDIR
#define LNB_PLUGIN_RELDIR "../lib/lnnbench/plugins"
#endif

/* <directory of /proc/self/exe>/LNB_PLUGIN_RELDIR, canonical if it exists */
static char *default_plugin_dir(char *why, size_t whylen) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    snprintf(why, whylen, "cannot find the directory of the executable (/proc/self/exe: "
             "%s) for the default plugin directory; give --plugin-path",
             n < 0 ? strerror(errno) : "empty");
    return NULL;
  }
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (slash)
    *slash = '\0';
  char *p = format("%s/%s", exe, LNB_PLUGIN_RELDIR);
  char *real = p ? realpath(p, NULL) : NULL;
  if (real) {
    free(p);
    p = real;
  }
  if (!p)
    snprintf(why, whylen, "out of memory");
  return p;
}

char *lnb_registry_plugin_path(const char *option, const char *env, char *why,
                               size_t whylen) {
  const int from_option = option && *option;
  const char *list = from_option ? option : env && *env ? env : NULL;
  if (!list)
    return default_plugin_dir(why, whylen);
  if (*list == '+') { /* "+DIRS": the default directory, then DIRS */
    char *def = default_plugin_dir(why, whylen);
    char *rest = def && list[1] ? lnb_registry_plugin_path(from_option ? list + 1 : NULL,
                                                           from_option ? NULL : list + 1,
                                                           why, whylen)
                                : NULL;
    if (!def || !list[1] || !rest) {
      free(rest);
      if (def && list[1]) free(def), def = NULL;
      return def;
    }
    char *both = malloc(strlen(def) + strlen(rest) + 2);
    if (both) sprintf(both, "%s%s%s", def, *rest ? ":" : "", rest);
    else snprintf(why, whylen, "out of memory");
    free(def);
    free(rest);
    return both;
  }
  char cwd[PATH_MAX] = "";
  size_t cap = strlen(list) + 1, used = 0;
  const char *s = list, *start;
  size_t len;
  while (next_entry(&s, &start, &len)) /* room for a cwd before each entry */
    if (*start != '/')
      cap += sizeof cwd + 1;
  char *out = malloc(cap);
  if (!out) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  out[0] = '\0';
  s = list;
  while (next_entry(&s, &start, &len)) {
    const char *sep = used ? ":" : "";
    if (*start == '/') {
      used += (size_t)snprintf(out + used, cap - used, "%s%.*s", sep, (int)len, start);
      continue;
    }
    if (!from_option) {
      snprintf(why, whylen, "LNNBENCH_PLUGIN_PATH: '%.*s' is a relative directory; the "
               "directories of $LNNBENCH_PLUGIN_PATH must be absolute (a relative one would "
               "be looked up in whatever directory lnnbench runs in)", (int)len, start);
      free(out);
      return NULL;
    }
    if (!cwd[0] && (!getcwd(cwd, sizeof cwd) || strchr(cwd, ':'))) {
      snprintf(why, whylen, "--plugin-path: '%.*s' is relative and the current directory "
               "%s", (int)len, start,
               cwd[0] ? "has a ':' in its name" : "is unknown");
      free(out);
      return NULL;
    }
    used += (size_t)snprintf(out + used, cap - used, "%s%s%s%.*s", sep, cwd,
                             strcmp(cwd, "/") ? "/" : "", (int)len, start);
  }
  return out;
}

const lnb_loaded *lnb_registry_find(const lnb_registry *r, lnb_kind kind,
                                    const char *name) {
  if (!r || !name)
    return NULL;
  return find_in(r->items, r->n, kind, name);
}

const char **lnb_registry_names(const lnb_registry *r, lnb_kind kind,
                                size_t *n) {
  size_t count = 0;
  for (size_t i = 0; i < r->n; i++)
    if (r->items[i].plugin->kind == kind)
      count++;
  /* never NULL on success, even when empty */
  const char **out = malloc((count ? count : 1) * sizeof *out);
  if (!out) {
    if (n)
      *n = 0;
    return NULL;
  }
  size_t k = 0;
  for (size_t i = 0; i < r->n; i++)
    if (r->items[i].plugin->kind == kind)
      out[k++] = r->items[i].plugin->name;
  if (n)
    *n = count;
  return out;
}

void lnb_registry_free(lnb_registry *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++)
    free(r->items[i].path);
  free(r->items);
  for (size_t i = 0; i < r->nfail; i++) {
    free(r->failures[i].path);
    free(r->failures[i].reason);
  }
  free(r->failures);
  /* descriptors point into the objects: close them last, newest first */
  for (size_t i = r->nhandles; i-- > 0;)
    dlclose(r->handles[i]);
  free(r->handles);
  for (size_t i = 0; i < r->nfds; i++)
    close(r->fds[i]);
  free(r->fds);
  memset(r, 0, sizeof *r);
}
