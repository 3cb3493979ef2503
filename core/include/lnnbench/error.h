/* lnnbench/error.h — error codes and the message-carrying error object.
 *
 * One X-macro table yields the enum and lnb_strerror(). Codes are negative;
 * 0 is success. Every fallible plugin op takes an lnb_error* and fills its
 * message (use host->error(...)); the core adds file:line:column context.
 */
#ifndef LNNBENCH_ERROR_H
#define LNNBENCH_ERROR_H

#define LNB_ERRNO_MAP(X)                                                   \
  X(EINVAL, -1, "invalid argument or configuration value")                 \
  X(ENOMEM, -2, "out of memory")                                           \
  X(EIO, -3, "input/output error")                                         \
  X(ENOTSUP, -4, "operation not supported by this plugin")                 \
  X(EDIM, -5, "dimension mismatch")                                        \
  X(ENUMERIC, -6, "numerical failure (LAPACK or non-finite value)")        \
  X(EPLUGIN, -7, "plugin could not be loaded")                             \
  X(EPARSE, -8, "parse error")                                             \
  X(ENOENT, -9, "not found")

typedef enum lnb_status {
  LNB_OK = 0,
#define LNB__ERRENUM(name, val, text) LNB_##name = (val),
  LNB_ERRNO_MAP(LNB__ERRENUM)
#undef LNB__ERRENUM
} lnb_status;

#define LNB_ERROR_MSG_MAX 1024

typedef struct lnb_error {
  int code;                    /* one of lnb_status */
  char msg[LNB_ERROR_MSG_MAX]; /* human readable, no trailing newline */
} lnb_error;

#endif
