/* lnbp_optstate.h — the in-tree include path of the per-tensor optimizer
 * state helper, now the installed public header lnnbench/optstate.h. */
#include "lnnbench/optstate.h"
