/* wire.h (internal) — a run's checkpoints and result as bytes.
 *
 * The format an isolated run's child streams to the sweep over a pipe, and
 * an MPI worker sends to rank 0: a sequence of records, each a one-byte tag
 * then a fixed layout,
 *   'C' iteration u64, seconds f64, loss f64, gap f64, metrics f64[nm]
 *   'R' the final fields (lnb_wire_result) then msglen bytes of message
 * in the host's byte order (every rank runs the same lnnbench binary, so the
 * same layout; a cluster mixing byte orders is not supported). */
#ifndef LNB_WIRE_H
#define LNB_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"

enum { LNB_WIRE_CHECKPOINT = 'C', LNB_WIRE_RESULT = 'R' };

/* bytes of one checkpoint record with nm metric columns */
size_t lnb_wire_checkpoint_size(size_t nm);
/* write one checkpoint record (lnb_wire_checkpoint_size(nm) bytes) to buf */
void lnb_wire_put_checkpoint(unsigned char *buf, const lnb_checkpoint *cp, size_t nm);
/* bytes of the result record of r */
size_t lnb_wire_result_size(const lnb_run_result *r);
/* write the result record of r (lnb_wire_result_size(r) bytes) to buf */
void lnb_wire_put_result(unsigned char *buf, const lnb_run_result *r);

/* A whole run in one buffer: every checkpoint record, then the result
 * record. Caller frees; NULL when out of memory. */
unsigned char *lnb_wire_encode_run(const lnb_run_result *r, size_t nm, size_t *len);

/* An empty result as a run starts: no checkpoints, NaN losses and times,
 * target not reached. */
void lnb_wire_result_init(lnb_run_result *r);

/* Parse the complete records at the start of buf[0, len) into res
 * (checkpoints are appended; the first one also sets initial_loss; a result
 * record sets every final field and *have_result = 1). Returns the bytes
 * consumed: a trailing partial record is left for the next call. An unknown
 * tag consumes everything and sets *bad = 1. */
size_t lnb_wire_parse(const unsigned char *buf, size_t len, size_t nm, lnb_run_result *res,
                      int *have_result, int *bad);

#endif
