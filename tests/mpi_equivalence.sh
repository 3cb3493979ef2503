#!/bin/sh
# An MPI sweep writes what a local sweep writes (issue 7). One small config,
# with cells that crash on purpose (fixture optimizer 'misbehave'), runs
#   1. locally (--jobs 2),
#   2. under mpiexec -np 2 --mpi,
#   3. under mpiexec -np 1 --mpi (rank 0 alone: rows come in dispatch order),
#   4. under mpiexec -np 2 --mpi --resume on a copy of the local results cut
#      to their first 12 rows,
#   5. under mpiexec with rank 1 loading another build of gd.so: exit 2, nothing run.
# Each must equal the local run up to timings and row order: summary.csv and
# trajectories.csv sorted by run_id (and iteration) without their time
# columns, summary.md's tables without their time columns, and
# `lnnbench table --format csv` without its time columns. Run 3 also checks
# the cost-aware order (largest estimated cost first, grid order on ties).
#
# usage: mpi_equivalence.sh LNNBENCH MPIEXEC PLUGIN_PATH
set -eu
lnb=$1
mpiexec=$2
plugins=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/lnb_mpi_XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
  echo "mpi_equivalence: FAIL: $*" >&2
  exit 1
}

# Open MPI refuses to run as root, and more ranks than cores, unless told
mpiflags=""
if "$mpiexec" --version 2>/dev/null | grep -q -e "Open MPI" -e "OpenRTE"; then
  mpiflags="--oversubscribe"
  if [ "$(id -u)" -eq 0 ]; then mpiflags="$mpiflags --allow-run-as-root"; fi
fi

# Costs (stop.max_iters x problem m*d*k x architecture depth*width):
# m=256: depth 3 > depth 2 > m=64: depth 3 > depth 2 > m=256: linear > m=64: linear.
cat >"$work/cfg.yaml" <<'EOF'
name: mpi_equivalence
seeds: [0, 1]
problem: { plugin: lsq, m: [64, 256], d: 12, k: 1, condition: 10, noise: 0.1, seed: 7 }
architectures:
  - { plugin: linear }
  - { plugin: deep_linear, depth: [2, 3], width: 6, init: gaussian, init_std: 0.3 }
optimizers:
  - { plugin: gd, lr: [0.1, 1.0] }
  - { plugin: misbehave, mode: [segv, exit], at_step: 20, lr: 0.1, with: [linear] }
stop: { max_iters: 2000, target_gap: 1.0e-6 }
record: { per_decade: 5, metrics: [grad_norm] }
select: { best_by: iters_to_target, tune: [lr] }
report: { baseline: "linear+gd" }
EOF

# run NAME CMD...: expect exit status 1 (the crashing cells), keep the log
run() {
  name=$1
  shift
  st=0
  "$@" >"$work/$name.log" 2>&1 || st=$?
  if [ "$st" -ne 1 ] || ! grep -q "^summary: " "$work/$name.log"; then
    cat "$work/$name.log" >&2
    fail "$name: exit status $st, expected 1 (crashed runs) after writing the summary"
  fi
}

# csv_cut COLS FILE: FILE without the columns named in COLS (comma-separated);
# quoted fields (labels with commas) are kept whole.
csv_cut() {
  awk -v drop="$1" '
    function split_csv(line, f,    n, i, c, q, cur) {
      n = 0; cur = ""; q = 0
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) { cur = cur c; if (c == "\"") q = 0 }
        else if (c == "\"") { cur = cur c; q = 1 }
        else if (c == ",") { f[++n] = cur; cur = "" }
        else cur = cur c
      }
      f[++n] = cur
      return n
    }
    BEGIN { nd = split(drop, d, ",") }
    {
      n = split_csv($0, f)
      if (NR == 1) for (i = 1; i <= n; i++) { skip[i] = 0; for (j = 1; j <= nd; j++) if (f[i] == d[j]) skip[i] = 1 }
      out = ""; sep = ""
      for (i = 1; i <= n; i++) if (!skip[i]) { out = out sep f[i]; sep = "," }
      print out
    }' "$2"
}

# md_tables FILE: the per-problem tables of summary.md without their time
# columns (other sections, such as the performance profile, are all timings)
md_tables() {
  awk -F'|' '
    /^[0-9]+ of [0-9]+ runs / { print; next }
    /^## / { on = ($0 ~ /^## Problem /) }
    !on { next }
    /^\|/ {
      if ($2 ~ / model /) for (i = 2; i < NF; i++) skip[i] = ($i ~ / s to target | s\/iter |speed-up/)
      out = ""
      for (i = 2; i < NF; i++) if (!skip[i]) out = out "|" $i
      print out "|"
      next
    }
    /^## / { print }' "$1"
}

sorted() { # header, then the rows sorted numerically by the first (two) columns
  cat >"$work/all"
  head -n 1 "$work/all"
  tail -n +2 "$work/all" | sort -t, -k1,1n -k2,2n
}

normalize() { # DIR -> DIR.norm/: the comparable views of a results directory
  d=$1
  mkdir -p "$d.norm"
  csv_cut seconds_to_target,seconds_total,seconds_per_iter "$d/summary.csv" | sorted >"$d.norm/summary.csv"
  csv_cut seconds "$d/trajectories.csv" | sorted >"$d.norm/trajectories.csv"
  md_tables "$d/summary.md" >"$d.norm/summary.md"
  "$lnb" table "$d" --format csv >"$work/table.csv"
  csv_cut median_seconds_to_target,median_seconds_per_iter,speedup "$work/table.csv" >"$d.norm/table.csv"
}

same() { # NAME: its results equal the local run's, up to timings and row order
  normalize "$work/$1"
  for f in summary.csv trajectories.csv summary.md table.csv; do
    if ! cmp -s "$work/local.norm/$f" "$work/$1.norm/$f"; then
      diff "$work/local.norm/$f" "$work/$1.norm/$f" | head -n 20 >&2 || true
      fail "$1: $f differs from the local run's (timings and row order aside)"
    fi
  done
  grep -q '"state": "complete"' "$work/$1/manifest.json" || fail "$1: manifest state is not complete"
  grep -q '"runs_finished": 32' "$work/$1/manifest.json" || fail "$1: manifest runs_finished is not 32"
}

t0=$(date +%s)
cfg="$work/cfg.yaml"
run local "$lnb" run "$cfg" --plugin-path "$plugins" --out "$work/local" --quiet --jobs 2
normalize "$work/local"
rows=$(tail -n +2 "$work/local.norm/summary.csv" | wc -l)
[ "$rows" -eq 32 ] || fail "local: $rows rows in summary.csv, expected 32"
[ "$(grep -c ',crashed,' "$work/local.norm/summary.csv")" -eq 8 ] || fail "local: expected 8 crashed runs"
[ "$(grep -c '^## Problem' "$work/local.norm/summary.md")" -eq 2 ] &&
  [ "$(grep -c '^|' "$work/local.norm/summary.md")" -eq 14 ] || fail "local: summary.md tables not found"

# shellcheck disable=SC2086 # mpiflags is a list of words
run np2 "$mpiexec" $mpiflags -np 2 "$lnb" run "$cfg" --plugin-path "$plugins" --out "$work/np2" --quiet --mpi
same np2
grep -q '"mpi_ranks": 2' "$work/np2/manifest.json" || fail "np2: manifest lacks \"mpi_ranks\": 2"

# shellcheck disable=SC2086
run np1 "$mpiexec" $mpiflags -np 1 "$lnb" run "$cfg" --plugin-path "$plugins" --out "$work/np1" --quiet --mpi
same np1
grep -q '"mpi_ranks": 1' "$work/np1/manifest.json" || fail "np1: manifest lacks \"mpi_ranks\": 1"
# runs 1-16 are m=64, 17-32 m=256; per seed 8 runs: linear (gd x2, misbehave
# x2), deep_linear depth 2 (gd x2), depth 3 (gd x2)
order=$(tail -n +2 "$work/np1/summary.csv" | cut -d, -f1 | tr '\n' ' ')
want="23 24 31 32 21 22 29 30 7 8 15 16 5 6 13 14 17 18 19 20 25 26 27 28 1 2 3 4 9 10 11 12 "
[ "$order" = "$want" ] || fail "np1: runs ran in the order $order, expected (largest first) $want"

# --resume under MPI: rank 0 keeps the first 12 rows and hands out the rest
cp -R "$work/local" "$work/resume"
head -n 13 "$work/local/summary.csv" >"$work/resume/summary.csv"
# shellcheck disable=SC2086
run resume "$mpiexec" $mpiflags -np 2 "$lnb" run "$cfg" --plugin-path "$plugins" --out "$work/resume" --mpi --resume
grep -q "resuming: 12 runs already recorded" "$work/resume.log" || {
  cat "$work/resume.log" >&2
  fail "resume: rank 0 did not report 12 runs kept"
}
same resume

# A rank with another build of a plugin (gd.so with one byte appended, still
# a valid ELF file, first in its LNNBENCH_PLUGIN_PATH) is named with both
# content hashes, and nothing runs: exit 2, no results directory.
mkdir "$work/alt"
cp "$(echo "$plugins" | cut -d: -f1)/gd.so" "$work/alt/gd.so"
printf 'x' >>"$work/alt/gd.so"
st=0
# shellcheck disable=SC2086
"$mpiexec" $mpiflags -np 1 env LNNBENCH_PLUGIN_PATH="$plugins" "$lnb" run "$cfg" \
  --out "$work/other_build" --quiet --mpi : \
  -np 1 env LNNBENCH_PLUGIN_PATH="$work/alt:$plugins" "$lnb" run "$cfg" \
  --out "$work/other_build" --quiet --mpi >"$work/other_build.log" 2>&1 || st=$?
grep -q "rank 1 .*optimizer 'gd' is another build than rank 0's: its file $work/alt/gd.so has content hash fnv1a64:[0-9a-f]\{16\}, rank 0's fnv1a64:[0-9a-f]\{16\}" \
  "$work/other_build.log" && [ "$st" -eq 2 ] && [ ! -e "$work/other_build" ] || {
  cat "$work/other_build.log" >&2
  fail "other_build: exit status $st, expected 2 with rank 1's gd.so named and nothing written"
}

echo "mpi_equivalence: local = mpiexec -np 2 = -np 1 = -np 2 --resume (32 runs, 8 crashed; timings aside); cost order ok; another build of a plugin refused; $(($(date +%s) - t0)) s"
