/* registry.h (internal) — plugins loaded from shared objects. */
#ifndef LNB_REGISTRY_H
#define LNB_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "lnnbench/plugin.h"

typedef struct lnb_loaded {
  const lnb_plugin *plugin; /* descriptor owned by the shared object */
  char *path;               /* the .so it came from */
  size_t nspecs;
  uint64_t hash;            /* FNV-1a 64 of the file's bytes, as loaded */
} lnb_loaded;

typedef struct lnb_load_failure {
  char *path;
  char *reason; /* full message, names the file */
} lnb_load_failure;

typedef struct lnb_registry {
  lnb_loaded *items;
  size_t n, cap;
  lnb_load_failure *failures;
  size_t nfail, capfail;
  void **handles; /* dlopen handles kept open until free */
  size_t nhandles, caphandles;
  int *fds; /* descriptors of files dlopen accepted, open until free */
  size_t nfds, capfds;
} lnb_registry;

/* Load every *.so in each directory of the ':'-separated path list (absolute
 * directories; a relative one is refused). Broken and untrusted files are
 * recorded in failures and do not stop the others. Returns 0 unless memory
 * ran out.
 *
 * Trust: a file is loaded only if it is a regular file and it and its
 * directory are owned by root or the effective uid and writable by neither
 * group nor others; for a symbolic link the same holds for the directory of
 * the link, the target and the target's directory. Directories above are not
 * checked. The checked file is the loaded one: it is opened (O_NOFOLLOW),
 * checked and hashed through one descriptor, and dlopen'ed as
 * /proc/<pid>/fd/<n>. */
int lnb_registry_load_path(lnb_registry *r, const char *pathlist);
/* Load one file (the same checks). 0 ok (n descriptors added), else recorded
 * failure, -1. */
int lnb_registry_load_file(lnb_registry *r, const char *path);
/* The plugin path of a command as a malloc'd ':'-separated list of absolute
 * directories: option (--plugin-path; a relative entry is taken against the
 * current directory) if given, else env ($LNNBENCH_PLUGIN_PATH; a relative
 * entry is an error) if non-empty, else the plugin directory of the build or
 * installation beside the executable. A list (option or env) that starts
 * with '+' adds its directories after that default one instead of replacing
 * it ("+" alone: the default). NULL with why set (a full message) on error or
 * when memory ran out. */
char *lnb_registry_plugin_path(const char *option, const char *env, char *why,
                               size_t whylen);
const lnb_loaded *lnb_registry_find(const lnb_registry *r, lnb_kind kind,
                                    const char *name);
/* names of all plugins of a kind (for suggestions); caller frees array only */
const char **lnb_registry_names(const lnb_registry *r, lnb_kind kind,
                                size_t *n);
void lnb_registry_free(lnb_registry *r);

const char *lnb_kind_name(lnb_kind k);

/* An optional op of an ops table, or NULL when the table (built against an
 * older ABI minor) is too short to hold it or leaves it NULL. */
#define LNB_OPT_OP(type, ops, field)                                           \
  (((ops) != NULL &&                                                           \
    offsetof(type, field) + sizeof(((type *)0)->field) <= (ops)->struct_size)  \
       ? (ops)->field                                                          \
       : NULL)

/* (ABI 1.5) an architecture without end_to_end that has forward: the host
 * runs it on the problem's inputs and loss_outputs */
static inline int lnb_arch_is_predictor(const lnb_arch_ops *o) {
  return o && o->struct_size >= offsetof(lnb_arch_ops, end_to_end) + sizeof o->end_to_end &&
         o->end_to_end == NULL && LNB_OPT_OP(lnb_arch_ops, o, forward) != NULL;
}

/* (ABI 1.5) a problem that can feed predictor architectures */
static inline int lnb_problem_has_outputs(const lnb_problem_ops *o) {
  return LNB_OPT_OP(lnb_problem_ops, o, loss_outputs) && LNB_OPT_OP(lnb_problem_ops, o, inputs) &&
         LNB_OPT_OP(lnb_problem_ops, o, split_samples) && LNB_OPT_OP(lnb_problem_ops, o, eval_rows);
}

#endif
