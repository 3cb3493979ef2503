/* outdir.h (internal) — the output directory of a sweep as a guarded place:
 * one writer at a time (a lock file), nothing of an earlier sweep destroyed
 * (refuse, resume or move aside), and files created without following links
 * planted there. */
#ifndef LNB_OUTDIR_H
#define LNB_OUTDIR_H

#include <stddef.h>

#include "lnnbench/error.h"

/* the lock file inside a results directory (kept after the sweep) */
#define LNB_OUTDIR_LOCK ".lnnbench.lock"
/* where --move-aside puts an earlier sweep's files: DIR/previous-<UTC time>[-N]/ */
#define LNB_OUTDIR_PREVIOUS "previous-"

/* "dir/name", malloc'ed (NULL when out of memory) */
char *lnb_path_join(const char *dir, const char *name);

/* mkdir -p; 0 ok else -1 with errno set */
int lnb_mkdirs(const char *path);

/* Take the directory's lock (creating dir, and its parents, when create):
 * returns the lock's descriptor, held until closed, or -1 with a message;
 * another lnnbench holding it is named by its pid. */
int lnb_outdir_lock(const char *dir, int create, lnb_error *err);

/* What dir holds, the lock file and moved-aside sweeps not counted. */
typedef enum lnb_outdir_state {
  LNB_OUTDIR_EMPTY,   /* nothing (or does not exist) */
  LNB_OUTDIR_RESULTS, /* an lnnbench results directory (summary.csv or manifest.json) */
  LNB_OUTDIR_FOREIGN  /* other files: not ours to write into */
} lnb_outdir_state;
int lnb_outdir_state_of(const char *dir, lnb_outdir_state *state, lnb_error *err);

/* Move every entry of dir (but the lock file and earlier moved-aside sweeps)
 * into a new DIR/previous-<UTC time>/; its name into moved[n]. */
int lnb_outdir_move_aside(const char *dir, char *moved, size_t n, lnb_error *err);

/* Open dir/name (or a path, dir NULL) with flags | O_NOFOLLOW | O_CLOEXEC;
 * a symbolic link or anything but a regular file is refused with a message
 * naming the path. -1 on error. */
int lnb_open_plain(const char *dir, const char *name, int flags, lnb_error *err);

/* Write text to path atomically: a new temporary file in the same directory
 * (O_EXCL, unpredictable name), fsync, rename over path. A symbolic link at
 * path is replaced, never followed. */
int lnb_write_atomic(const char *path, const char *text, size_t len, lnb_error *err);

#endif
