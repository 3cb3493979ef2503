/* wire.c — a run's checkpoints and result as bytes (see wire.h). */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include "wire.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct lnb_wire_result {
  int32_t status, lstar_known;
  uint64_t iterations;
  int64_t iters_to_target;
  double initial_loss, final_loss, final_gap, lstar;
  double seconds_to_target, seconds_total, seconds_per_iter, epochs;
  uint32_t msglen;
} lnb_wire_result;

size_t lnb_wire_checkpoint_size(size_t nm) { return 1 + 4 * 8 + nm * 8; }

void lnb_wire_put_checkpoint(unsigned char *buf, const lnb_checkpoint *cp, size_t nm) {
  unsigned char *p = buf;
  *p++ = LNB_WIRE_CHECKPOINT;
  memcpy(p, &cp->iteration, 8), p += 8;
  memcpy(p, &cp->seconds, 8), p += 8;
  memcpy(p, &cp->loss, 8), p += 8;
  memcpy(p, &cp->gap, 8), p += 8;
  if (nm) memcpy(p, cp->metrics, nm * 8);
}

static size_t message_len(const lnb_run_result *r) {
  return strnlen(r->message, sizeof r->message - 1);
}

size_t lnb_wire_result_size(const lnb_run_result *r) {
  return 1 + sizeof(lnb_wire_result) + message_len(r);
}

void lnb_wire_put_result(unsigned char *buf, const lnb_run_result *r) {
  lnb_wire_result w;
  memset(&w, 0, sizeof w); /* no uninitialized padding on the wire */
  w.status = (int32_t)r->status;
  w.lstar_known = r->lstar_known;
  w.iterations = r->iterations;
  w.iters_to_target = r->iters_to_target;
  w.initial_loss = r->initial_loss;
  w.final_loss = r->final_loss;
  w.final_gap = r->final_gap;
  w.lstar = r->lstar;
  w.seconds_to_target = r->seconds_to_target;
  w.seconds_total = r->seconds_total;
  w.seconds_per_iter = r->seconds_per_iter;
  w.epochs = r->epochs;
  w.msglen = (uint32_t)message_len(r);
  buf[0] = LNB_WIRE_RESULT;
  memcpy(buf + 1, &w, sizeof w);
  memcpy(buf + 1 + sizeof w, r->message, w.msglen);
}

unsigned char *lnb_wire_encode_run(const lnb_run_result *r, size_t nm, size_t *len) {
  size_t cs = lnb_wire_checkpoint_size(nm);
  size_t n = r->ncheckpoints * cs + lnb_wire_result_size(r);
  unsigned char *buf = malloc(n);
  if (!buf) return NULL;
  for (size_t i = 0; i < r->ncheckpoints; i++)
    lnb_wire_put_checkpoint(buf + i * cs, &r->checkpoints[i], nm);
  lnb_wire_put_result(buf + r->ncheckpoints * cs, r);
  *len = n;
  return buf;
}

void lnb_wire_result_init(lnb_run_result *r) {
  memset(r, 0, sizeof *r);
  r->iters_to_target = -1;
  r->seconds_to_target = NAN;
  r->initial_loss = r->final_loss = r->final_gap = r->seconds_per_iter = r->epochs = NAN;
}

size_t lnb_wire_parse(const unsigned char *buf, size_t len, size_t nm, lnb_run_result *res,
                      int *have_result, int *bad) {
  size_t off = 0;
  while (off < len) {
    unsigned char tag = buf[off];
    if (tag == LNB_WIRE_CHECKPOINT) {
      size_t need = lnb_wire_checkpoint_size(nm);
      if (len - off < need) break;
      const unsigned char *p = buf + off + 1;
      uint64_t it;
      double sec, loss, gap;
      memcpy(&it, p, 8), memcpy(&sec, p + 8, 8), memcpy(&loss, p + 16, 8),
          memcpy(&gap, p + 24, 8);
      lnb_checkpoint *cp = lnb_run_result_push(res, it, sec, loss, gap, nm);
      if (cp && nm) memcpy(cp->metrics, p + 32, nm * 8);
      if (res->ncheckpoints == 1) res->initial_loss = loss;
      off += need;
    } else if (tag == LNB_WIRE_RESULT) {
      lnb_wire_result w;
      if (len - off < 1 + sizeof w) break;
      memcpy(&w, buf + off + 1, sizeof w);
      if (w.msglen >= sizeof res->message) { /* longer than any run writes */
        *bad = 1;
        return len;
      }
      size_t need = 1 + sizeof w + w.msglen;
      if (len - off < need) break;
      if (w.status < 0 || w.status >= LNB_RUN_STATUS_COUNT) {
        *bad = 1;
        return len;
      }
      res->status = (lnb_run_status)w.status;
      res->lstar_known = w.lstar_known;
      res->iterations = w.iterations;
      res->iters_to_target = w.iters_to_target;
      res->initial_loss = w.initial_loss;
      res->final_loss = w.final_loss;
      res->final_gap = w.final_gap;
      res->lstar = w.lstar;
      res->seconds_to_target = w.seconds_to_target;
      res->seconds_total = w.seconds_total;
      res->seconds_per_iter = w.seconds_per_iter;
      res->epochs = w.epochs;
      size_t ml = w.msglen < sizeof res->message - 1 ? w.msglen : sizeof res->message - 1;
      memcpy(res->message, buf + off + 1 + sizeof w, ml);
      res->message[ml] = '\0';
      *have_result = 1;
      off += need;
    } else {
      *bad = 1;
      return len;
    }
  }
  return off;
}
