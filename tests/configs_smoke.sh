#!/bin/sh
# Every config in configs/ parses and runs its smoke version (first seed, at
# most 20 iterations per run) with no run ending in error or crashed.
# usage: configs_smoke.sh SOURCE_DIR LNNBENCH
set -eu
src=$1 exe=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
for cfg in "$src"/configs/*.yaml; do
  name=$(basename "$cfg" .yaml)
  if ! "$exe" run "$cfg" --smoke --quiet --jobs 2 --out "$out/$name" >"$out/$name.log" 2>&1; then
    echo "smoke run of $cfg failed:"
    cat "$out/$name.log"
    exit 1
  fi
  test -s "$out/$name/summary.md"
  n=$((n + 1))
done
echo "$n configs ran their smoke version"
