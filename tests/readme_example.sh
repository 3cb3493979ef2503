#!/bin/sh
# Extract the C example of README.md, build it as a plugin, check it loads.
# usage: readme_example.sh SOURCE_DIR CC LNNBENCH
set -eu
src=$1 cc=$2 exe=$3
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
awk '/^```c$/{f=1;next} /^```$/{f=0} f' "$src/README.md" > "$d/my_sgd.c"
test -s "$d/my_sgd.c"
"$cc" -std=c17 -Wall -Wextra -Werror -Wno-unused-parameter -fPIC -shared -fvisibility=hidden \
  -I"$src/core/include" "$d/my_sgd.c" -o "$d/my_sgd.so"
out=$("$exe" list --plugin-path "$d")
echo "$out"
echo "$out" | grep -q 'my_sgd  *plain gradient steps'
! echo "$out" | grep -q 'failed to load'
