/* outdir.c — the output directory as a guarded place (see outdir.h).
 *
 * Everything here treats the directory as possibly prepared by someone else:
 * files are opened without following symbolic links and must be regular
 * files, temporary files get unpredictable names and are created
 * exclusively, and the lock is an flock on a file whose pid content only
 * serves the message of the sweep that finds it taken. */
#define _GNU_SOURCE /* O_NOFOLLOW, mkostemp */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

int lnb_mkdirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) {
    errno = n == 0 ? ENOENT : ENAMETOOLONG;
    return -1;
  }
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
      struct stat st;
      if (stat(buf, &st) != 0) return -1;
      if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
      }
      buf[i] = c;
    }
  }
  return 0;
}

char *lnb_path_join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", dir, name);
  return p;
}

int lnb_open_plain(const char *dir, const char *name, int flags, lnb_error *err) {
  char *path = dir ? lnb_path_join(dir, name) : strdup(name);
  if (!path) return lnb__error(err, LNB_ENOMEM, "out of memory"), -1;
  int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0666);
  if (fd < 0) {
    if (errno == ELOOP)
      lnb__error(err, LNB_EIO, "%s: is a symbolic link; refusing to follow it", path);
    else
      lnb__error(err, errno == ENOENT ? LNB_ENOENT : LNB_EIO, "%s: cannot open: %s", path,
                 strerror(errno));
    free(path);
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    lnb__error(err, LNB_EIO, "%s: not a regular file", path);
    close(fd);
    free(path);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  free(path);
  return fd;
}

int lnb_write_atomic(const char *path, const char *text, size_t len, lnb_error *err) {
  size_t n = strlen(path) + 16;
  char *tmp = malloc(n);
  if (!tmp) return lnb__error(err, LNB_ENOMEM, "out of memory");
  snprintf(tmp, n, "%s.XXXXXX", path);
  int fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    return lnb__error(err, LNB_EIO, "%s: cannot write: %s", path, strerror(e));
  }
  fchmod(fd, 0644); /* mkostemp's 0600 would hide results from the group */
  size_t done = 0;
  int bad = 0, e = 0;
  while (done < len) {
    ssize_t k = write(fd, text + done, len - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      bad = 1, e = k < 0 ? errno : ENOSPC;
      break;
    }
    done += (size_t)k;
  }
  if (!bad && fsync(fd) != 0) bad = 1, e = errno;
  if (close(fd) != 0 && !bad) bad = 1, e = errno;
  if (!bad && rename(tmp, path) != 0) bad = 1, e = errno;
  if (bad) unlink(tmp);
  free(tmp);
  if (bad) return lnb__error(err, LNB_EIO, "%s: write failed: %s", path, strerror(e));
  return LNB_OK;
}

int lnb_outdir_lock(const char *dir, int create, lnb_error *err) {
  if (!*dir) return lnb__error(err, LNB_EINVAL, "the output directory is empty ('')"), -1;
  if (create && lnb_mkdirs(dir) != 0)
    return lnb__error(err, LNB_EIO, "%s: cannot create output directory: %s", dir,
                      strerror(errno)),
           -1;
  char *path = lnb_path_join(dir, LNB_OUTDIR_LOCK);
  if (!path) return lnb__error(err, LNB_ENOMEM, "out of memory"), -1;
  int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    lnb__error(err, LNB_EIO, "%s: cannot open the lock file: %s", path,
               fd < 0 ? strerror(errno) : "not a regular file");
    if (fd >= 0) close(fd);
    free(path);
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    char pid[32] = "";
    ssize_t k = pread(fd, pid, sizeof pid - 1, 0);
    pid[k > 0 ? k : 0] = '\0';
    pid[strspn(pid, "0123456789")] = '\0';
    if (e == EWOULDBLOCK)
      lnb__error(err, LNB_EIO,
                 "%s: in use by another lnnbench (pid %s); wait for it to finish or choose "
                 "another --out directory",
                 dir, *pid ? pid : "unknown");
    else lnb__error(err, LNB_EIO, "%s: cannot lock: %s", path, strerror(e));
    close(fd);
    free(path);
    return -1;
  }
  char pid[32];
  int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
    /* the lock holds without its pid; the message of a second sweep is the loss */
  }
  free(path);
  return fd;
}

/* entries that are not a sweep's files */
static int outdir_own(const char *name) {
  return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
         strcmp(name, LNB_OUTDIR_LOCK) == 0 ||
         strncmp(name, LNB_OUTDIR_PREVIOUS, strlen(LNB_OUTDIR_PREVIOUS)) == 0;
}

int lnb_outdir_state_of(const char *dir, lnb_outdir_state *state, lnb_error *err) {
  *state = LNB_OUTDIR_EMPTY;
  DIR *d = opendir(dir);
  if (!d) {
    if (errno == ENOENT) return LNB_OK;
    return lnb__error(err, LNB_EIO, "%s: cannot read the output directory: %s", dir,
                      strerror(errno));
  }
  int results = 0, other = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (outdir_own(e->d_name)) continue;
    if (strcmp(e->d_name, "summary.csv") == 0 || strcmp(e->d_name, "manifest.json") == 0)
      results = 1;
    else other = 1;
  }
  closedir(d);
  *state = results ? LNB_OUTDIR_RESULTS : other ? LNB_OUTDIR_FOREIGN : LNB_OUTDIR_EMPTY;
  return LNB_OK;
}

int lnb_outdir_move_aside(const char *dir, char *moved, size_t n, lnb_error *err) {
  char stamp[64];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, LNB_OUTDIR_PREVIOUS "%Y%m%dT%H%M%SZ", &tm);
  char name[96];
  char *target = NULL;
  for (int k = 0; k < 1000; k++) {
    if (k) snprintf(name, sizeof name, "%s-%d", stamp, k);
    else snprintf(name, sizeof name, "%s", stamp);
    free(target);
    if (!(target = lnb_path_join(dir, name))) return lnb__error(err, LNB_ENOMEM, "out of memory");
    if (mkdir(target, 0777) == 0) break;
    if (errno != EEXIST) {
      int e = errno;
      lnb__error(err, LNB_EIO, "%s: cannot create: %s", target, strerror(e));
      free(target);
      return err->code;
    }
    if (k == 999) {
      lnb__error(err, LNB_EIO, "%s: cannot create: too many moved-aside sweeps", target);
      free(target);
      return err->code;
    }
  }
  snprintf(moved, n, "%s", target);
  DIR *d = opendir(dir);
  int rc = LNB_OK;
  if (!d) rc = lnb__error(err, LNB_EIO, "%s: cannot read: %s", dir, strerror(errno));
  struct dirent *e;
  while (rc == LNB_OK && (e = readdir(d))) {
    if (outdir_own(e->d_name)) continue;
    char *from = lnb_path_join(dir, e->d_name), *to = lnb_path_join(target, e->d_name);
    if (!from || !to) rc = lnb__error(err, LNB_ENOMEM, "out of memory");
    else if (rename(from, to) != 0)
      rc = lnb__error(err, LNB_EIO, "%s: cannot move to %s: %s", from, target, strerror(errno));
    free(from), free(to);
  }
  if (d) closedir(d);
  free(target);
  return rc;
}
