#!/bin/sh
# Every config in configs/, one of two ways:
#   run    parses and runs its smoke version (first seed, at most 20
#          iterations per run) with no run ending in error or crashed;
#   bench  `lnnbench bench` works on it: exit 0, a bench.json with one step
#          entry per row of bench.md's table, every flops_per_step positive
#          (timing is not checked: --benchmark_min_time tiny).
# usage: configs_each.sh run|bench SOURCE_DIR LNNBENCH
set -eu
mode=$1 src=$2 exe=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
for cfg in "$src"/configs/*.yaml; do
  name=$(basename "$cfg" .yaml)
  case $mode in
    run) set -- run "$cfg" --smoke --quiet --jobs 2 --out "$out/$name" ;;
    bench) set -- bench "$cfg" --quiet --out "$out/$name" --benchmark_min_time=0.001 ;;
    *) echo "usage: configs_each.sh run|bench SOURCE_DIR LNNBENCH"; exit 2 ;;
  esac
  if ! "$exe" "$@" >"$out/$name.log" 2>&1; then
    echo "$mode of $cfg failed:"
    cat "$out/$name.log"
    exit 1
  fi
  if [ "$mode" = run ]; then
    test -s "$out/$name/summary.md"
  else
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
  fi
  n=$((n + 1))
done
echo "$mode: $n configs"
