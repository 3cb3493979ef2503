#!/bin/sh
# `lnnbench check` (issue 15): it passes on every plugin `lnnbench list` shows
# (the in-tree plugins), on the plain check fixture, and it FAILS the one
# check each deliberately broken fixture breaks (tests/fixtures/fx_check.c);
# bad input (an unknown name, a file that does not load) exits 2.
# usage: check_cmd.sh LNNBENCH FIXTURE_DIR
set -u
exe=$1 fx=$2
unset LNNBENCH_PLUGIN_PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() { echo "FAIL: $*"; bad=1; }

names=$("$exe" list | awk '/^(problems|architectures|optimizers):$/ {on = 1; next}
                           /^$/ {on = 0} on && /^  [a-z0-9_]+ / {print $1}' | sort -u)
[ -n "$names" ] || fail "lnnbench list shows no plugins"
n=0
for name in $names; do
  n=$((n + 1))
  rc=0
  "$exe" check "$name" > "$tmp/out" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    cat "$tmp/out"
    fail "check $name exited $rc"
  else
    echo "check $name: $(tail -n 1 "$tmp/out")"
  fi
  grep -q "^FAIL" "$tmp/out" && fail "check $name printed FAIL lines with exit 0"
done
echo "checked $n in-tree names"

# expect FILE RC PATTERN...: exit status RC and every PATTERN in the output
expect() {
  f=$1 want=$2
  shift 2
  rc=0
  "$exe" check "$f" > "$tmp/out" 2>&1 || rc=$?
  [ "$rc" = "$want" ] || { cat "$tmp/out"; fail "check $f exited $rc, want $want"; }
  for pat in "$@"; do
    grep -q -e "$pat" "$tmp/out" || { cat "$tmp/out"; fail "check $f: no line matching '$pat'"; }
  done
}

expect "$fx/check_good/check_good.so" 0 '3 plugins: .* 0 FAILED' \
  '^ok   problem fxc_quartic \[defaults\] gradient of eval' \
  '^ok   architecture fxc_linear \[defaults\] set_end_to_end round trip' \
  '^ok   optimizer fxc_gd \[defaults\] no allocation in step: 0 '
expect "$fx/check_wrong_grad/check_wrong_grad.so" 1 \
  '^FAIL problem fxc_quartic \[defaults\] gradient of eval: max rel err' \
  '^FAIL architecture fxc_linear \[defaults\] gradient of backward: max rel err 5.00e-01' \
  '^ok   optimizer fxc_gd'
expect "$fx/check_alloc_step/check_alloc_step.so" 1 \
  '^FAIL optimizer fxc_gd \[defaults\] no allocation in step: 40 host allocs+frees in 20 steps' \
  '^FAIL problem fxc_quartic \[defaults\] no allocation in eval/metric: 12 host' \
  '^ok   problem fxc_quartic \[defaults\] gradient of eval'
expect "$fx/check_nondet/check_nondet.so" 1 \
  '^FAIL problem fxc_quartic \[defaults\] determinism' \
  '^FAIL optimizer fxc_gd \[defaults\] determinism: .* parameters differ' \
  '^ok   architecture fxc_linear \[defaults\] determinism'
[ "$(grep -c '^FAIL' "$tmp/out")" = 2 ] || { cat "$tmp/out"; fail "nondet: more FAIL lines than the two defects"; }

# a plugin that crashes is a FAIL line; the other plugins of the file are still checked
expect "$fx/check_crash/check_crash.so" 1 \
  '^FAIL problem fxc_quartic \[defaults\] crash: the checks \(died of signal 11\|exited with status\)' \
  '^ok   architecture fxc_linear \[defaults\] gradient of backward' \
  '^ok   optimizer fxc_gd \[defaults\] determinism' '3 plugins: .* 1 FAILED'

# bad input: exit 2, naming what is wrong
expect no_such_plugin 2 "no plugin named 'no_such_plugin'"
expect "$fx/no_entry.so" 2 'no_entry.so'
expect "$tmp/missing.so" 2 'missing.so'
"$exe" check > /dev/null 2>&1; [ $? = 2 ] || fail "check without argument: not exit 2"
"$exe" help check | grep -q 'usage: lnnbench check NAME|FILE.so' || fail "help check"
[ $bad = 0 ] && echo "check_cmd: ok"
exit $bad
