#!/bin/sh
# `lnnbench bench` works on every config in configs/: exit 0, a bench.json
# with one step entry per row of bench.md's table, every entry with a
# positive flops_per_step. Timing is not checked (--benchmark_min_time tiny).
# usage: bench_configs.sh SOURCE_DIR LNNBENCH
set -eu
src=$1 exe=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
for cfg in "$src"/configs/*.yaml; do
  name=$(basename "$cfg" .yaml)
  if ! "$exe" bench "$cfg" --quiet --out "$out/$name" --benchmark_min_time=0.001 \
      >"$out/$name.log" 2>&1; then
    echo "bench of $cfg failed:"
    cat "$out/$name.log"
    exit 1
  fi
  steps=$(grep -c '"name": "step/' "$out/$name/bench.json" || true)
  rows=$(grep -c '^| [a-z_0-9]*(' "$out/$name/bench.md" || true)
  if [ "$steps" -lt 1 ] || [ "$steps" -ne "$rows" ]; then
    echo "$cfg: bench.json has $steps step entries, bench.md $rows rows"
    exit 1
  fi
  if grep -q '"flops_per_step": [0-]' "$out/$name/bench.json"; then
    echo "$cfg: an entry has flops_per_step <= 0"
    exit 1
  fi
  n=$((n + 1))
done
echo "bench: $n configs"
