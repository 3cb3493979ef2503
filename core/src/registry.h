/* registry.h (internal) — plugins loaded from shared objects. */
#ifndef LNB_REGISTRY_H
#define LNB_REGISTRY_H

#include <stddef.h>

#include "lnnbench/plugin.h"

typedef struct lnb_loaded {
  const lnb_plugin *plugin; /* descriptor owned by the shared object */
  char *path;               /* the .so it came from */
  size_t nspecs;
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
} lnb_registry;

/* Load every *.so in each directory of the ':'-separated path list. Broken
 * files are recorded in failures and do not stop the others. Returns 0 unless
 * memory ran out. */
int lnb_registry_load_path(lnb_registry *r, const char *pathlist);
/* Load one file. 0 ok (n descriptors added), else recorded failure, -1. */
int lnb_registry_load_file(lnb_registry *r, const char *path);
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

#endif
