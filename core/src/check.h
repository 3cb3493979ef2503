/* check.h (internal) — `lnnbench check`: the plugin author's self-test.
 *
 * For every plugin of reg named name (every plugin when name is NULL), at its
 * default parameters and at each other choice of its enum parameters:
 *   - describe: summary, parameter and metric help present; specs parse and
 *     defaults validate (validate hook at the defaults must accept);
 *   - problem: eval's gradient against central differences (h = 1e-5
 *     max(1,|x|)) at 2 random points, up to 16 coordinates each, relative
 *     error |fd - g| / max(|fd|, |g|, 1e-3 max|g|) <= 1e-5; loss_outputs' dZ
 *     likewise on 4 training rows; eval_rows over all rows equals eval (1e-9);
 *     no host allocation in eval/eval_rows/inputs/loss_outputs/metric;
 *     two instances of one seed give bitwise equal losses, gradients and
 *     references;
 *   - architecture: backward (or backward_outputs) as the gradient of
 *     <G, end_to_end> (or <G, forward(X)>) with the same tolerance, a random
 *     point near the initialization as second point; set_end_to_end round
 *     trip (1e-9 relative); no host allocation in end_to_end / backward /
 *     forward / backward_outputs / metric / set_end_to_end; two creates of one
 *     seed bitwise equal; an instance created for a run that uses no hook
 *     computes the same model;
 *   - optimizer: on a check model (one 2 x 3 tensor, a smooth loss): 23 steps
 *     stay finite, no host allocation in 20 steps, a declared `uses` without
 *     set_end_to_end never calls it, two creates of one seed give bitwise
 *     equal parameters after 5 steps, declared transforms have lr (> 0) and
 *     set_lr_scale.
 * Allocations are counted through the host table the plugins are given
 * (host->alloc / host->free), the allocator plugins must use.
 * Writes one line per check to out and a total; returns the number of
 * plugins checked, *nfail the number of failed checks. */
#ifndef LNB_CHECK_H
#define LNB_CHECK_H

#include <stdio.h>

#include "registry.h"

int lnb_check(const lnb_registry *reg, const char *name, FILE *out, size_t *nfail);

#endif
