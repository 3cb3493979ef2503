/* lnbp_path.h — a data file's path as a config names it: relative paths are
 * taken against the config file's directory (host->config_dir), absolute
 * ones as they are. One helper for every problem plugin that reads files. */
#ifndef LNBP_PATH_H
#define LNBP_PATH_H

#include <stdio.h>
#include <string.h>

#include "lnnbench/plugin.h"

/* the resolved path (free with host->free), NULL when out of memory */
static inline char *lnbp_data_path(const lnb_host *h, const lnb_params *p, const char *path) {
  const char *dir = h->config_dir(p);
  if (path[0] == '/' || !dir || !dir[0]) dir = NULL;
  size_t n = strlen(path) + (dir ? strlen(dir) + 1 : 0) + 1;
  char *full = h->alloc(n);
  if (!full) return NULL;
  if (dir)
    snprintf(full, n, "%s/%s", dir, path);
  else
    snprintf(full, n, "%s", path);
  return full;
}

#endif
