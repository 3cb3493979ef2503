#!/usr/bin/env bash
# CI: the optional MPI build (-DLNB_WITH_MPI=ON, Open MPI) in build-mpi/, and
# its test: `lnnbench run --mpi` under mpiexec -np 2 and -np 1 (and --resume)
# writes what a local run writes, timings aside (tests/mpi_equivalence.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh mpi
cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLNB_WERROR=ON \
  -DLNB_WITH_MPI=ON >/dev/null
cmake --build build-mpi -j"$(nproc)" >/dev/null
ctest --test-dir build-mpi --output-on-failure -R '^mpi_equivalence$'
