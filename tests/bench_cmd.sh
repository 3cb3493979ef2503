#!/bin/sh
# `lnnbench bench` on the quickstart config: bench.json is Google Benchmark's
# JSON with its context block (and lnnbench's keys in it) and one entry per
# model (architecture cell x optimizer cell up to tuned parameters: 3 for the
# quickstart); bench.md has a table row per model; --benchmark_filter
# selects; bad input exits 2. No timing assertions.
# usage: bench_cmd.sh SOURCE_DIR LNNBENCH
set -eu
src=$1 exe=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "bench_cmd: $*"; exit 1; }

"$exe" bench "$src/configs/quickstart.yaml" --out "$out/all" --quiet \
  --benchmark_min_time=0.01 >"$out/all.log" 2>&1 || { cat "$out/all.log"; fail "bench exited $?"; }
json=$out/all/bench.json md=$out/all/bench.md
test -s "$json" || fail "no bench.json"
test -s "$md" || fail "no bench.md"
grep -q '"context": {' "$json" || fail "bench.json has no context block"
for key in dgemm_peak_flops blis_threads lnnbench_config; do
  grep -q "\"$key\":" "$json" || fail "bench.json context lacks $key"
done
n=$(grep -c '"name": "step/' "$json")
[ "$n" -eq 3 ] || fail "bench.json has $n step entries, expected 3 (one per model)"
grep -q '"flops_per_step":' "$json" || fail "bench.json has no flops_per_step counter"
grep -q '^| problem | model | tuned | s/step | GFLOP/s | % of peak |' "$md" || fail "bench.md has no table header"
rows=$(grep -c '^| lsq(' "$md")
[ "$rows" -eq 3 ] || fail "bench.md has $rows model rows, expected 3"
grep -q 'deep_linear(depth=3' "$md" || fail "bench.md lacks the depth-3 model"

# Google Benchmark's own flags pass through
"$exe" bench "$src/configs/quickstart.yaml" --out "$out/one" --quiet \
  --benchmark_min_time=0.01 '--benchmark_filter=/linear\+gd' >"$out/one.log" 2>&1 ||
  { cat "$out/one.log"; fail "filtered bench exited $?"; }
n=$(grep -c '"name": "step/' "$out/one/bench.json")
[ "$n" -eq 1 ] || fail "--benchmark_filter kept $n entries, expected 1"

# bad input: exit 2
set +e
"$exe" bench "$src/configs/quickstart.yaml" --no-such-option >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown option should exit 2"
"$exe" bench "$out/missing.yaml" --out "$out/x" >/dev/null 2>&1
[ $? -eq 2 ] || fail "a missing config should exit 2"
# a mini-batch step counts the batch's flops, not the full data's: lsq m = 200 in residual
# form (4 m k d per evaluation), batches of 20 -> a tenth of the full-batch step
cat >"$out/mb.yaml" <<'YAML'
name: mb
problem: { plugin: lsq, m: 200, d: 20, k: 1, eval: residual }
architectures: [ { plugin: linear } ]
optimizers: [ { plugin: gd, lr: 0.01, batch_size: [20, full] } ]
YAML
"$exe" bench "$out/mb.yaml" --out "$out/mb" --quiet --benchmark_min_time=0.001 >"$out/mb.log" 2>&1 ||
  { cat "$out/mb.log"; fail "mini-batch bench exited $?"; }
fb=$(grep -A30 '"name": "step/.*batch_size=20' "$out/mb/bench.json" | grep -m1 '"flops_per_step"' | sed 's/.*: *//; s/,$//')
ff=$(grep -A30 '"name": "step/.*batch_size=full' "$out/mb/bench.json" | grep -m1 '"flops_per_step"' | sed 's/.*: *//; s/,$//')
awk -v b="$fb" -v f="$ff" 'BEGIN { r = b / f; exit !(r > 0.08 && r < 0.12) }' ||
  fail "mini-batch flops_per_step $fb vs full batch $ff: expected a ratio of about 0.1"

# a filter that is no regular expression, or matches nothing: exit 2, no bench.json or bench.md
for f in '[' 'no_such_model'; do
  "$exe" bench "$src/configs/quickstart.yaml" --out "$out/f" --quiet "--benchmark_filter=$f" \
    >"$out/f.log" 2>&1
  [ $? -eq 2 ] || { cat "$out/f.log"; fail "--benchmark_filter=$f should exit 2"; }
  [ ! -e "$out/f/bench.json" ] && [ ! -e "$out/f/bench.md" ] || fail "--benchmark_filter=$f wrote files"
done
echo "bench_cmd: ok"
