/* mpi_sweep.h (internal; compiled with -DLNB_WITH_MPI=ON only) — one sweep
 * across the ranks of an MPI job (`lnnbench run CONFIG --mpi` under mpirun).
 *
 * Every rank loads the config and expands the same run list. Rank 0 is the
 * only writer: it keeps the results directory, orders the runs to do by
 * estimated cost (largest first), runs some itself (--jobs at a time) and
 * hands the others out one by one as ranks ask for work; every rank runs its
 * runs isolated exactly like the local sweep (sweep.h's engine) and sends
 * each finished run back whole (wire.h's records). */
#ifndef LNB_MPI_SWEEP_H
#define LNB_MPI_SWEEP_H

#include "harness.h"
#include "results.h"
#include "sweep.h"

/* MPI_Init (a process started without mpirun is a job of one rank). */
void lnb_mpi_init(int *argc, char ***argv, int *rank, int *size);
void lnb_mpi_finalize(void);

/* Collective: may the sweep start? fail is this rank's reason it cannot
 * (config error, no runs), NULL when it can. 1 when every rank can,
 * expanded the same runs as rank 0 (count, spec hashes, metric columns) and
 * loaded the plugins they use from files of the same content hash;
 * otherwise 0, a rank other than 0 having said why on stderr (rank 0
 * reports its own fail). */
int lnb_mpi_agree(const char *fail, const lnb_config *cfg, const lnb_run_spec *runs,
                  size_t nruns);
/* Collective: rank 0's ok (its results directory opened), on every rank. */
int lnb_mpi_root_ok(int ok);

/* Estimated cost of a run, for the order of an MPI sweep: the iteration
 * budget stop.max_iters times a size proxy from the integer parameters,
 * (problem m * d * k) * (architecture depth * width, or the sum of its
 * widths / filters list), a missing parameter counting 1. */
double lnb_run_cost(const lnb_config *cfg, const lnb_run_spec *spec);

/* Collective: the sweep. Rank 0 passes its results (w) and todo (NULL =
 * all) and gets st as from lnb_sweep; every run, its own and the other
 * ranks', is recorded on rank 0. Other ranks pass w = NULL and todo = NULL
 * and run what rank 0 assigns them. o->jobs is per rank. A signal on rank 0
 * stops the whole sweep like a local one; on another rank it stops that
 * rank only (its unstarted runs go back to rank 0's queue). */
void lnb_mpi_sweep(const lnb_config *cfg, const lnb_run_spec *runs, size_t nruns,
                   const unsigned char *todo, const lnb_sweep_opts *o, lnb_results *w,
                   lnb_sweep_stats *st);

#endif
