#!/bin/sh
# Every committed results directory (results/*/ with a summary.csv) is read
# by this lnnbench: `table --format csv` and `compare` of the directory with
# itself exit 0 (the README's examples run on them; a format drift between
# the writer and the readers shows here). Read-only: nothing is written.
# usage: results_each.sh SOURCE_DIR LNNBENCH
set -eu
src=$1 exe=$2
n=0
for d in "$src"/results/*/; do
  [ -f "$d/summary.csv" ] || continue
  if ! out=$("$exe" table "$d" --format csv 2>&1); then
    echo "table $d failed:"; echo "$out"; exit 1
  fi
  if ! out=$("$exe" compare "$d" "$d" --format csv 2>&1); then
    echo "compare $d $d failed:"; echo "$out"; exit 1
  fi
  n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "results_each: no results directory found"; exit 1; }
echo "results_each: $n results directories read"
