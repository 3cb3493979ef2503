#!/bin/sh
# The dynamic loader's search path of lnnbench and every plugin holds only
# absolute folders: an empty or relative RUNPATH/RPATH entry is searched
# relative to the current directory, where a planted library would be loaded.
# usage: runpath.sh LNNBENCH PLUGIN_DIR
set -eu
exe=$1 plugins=$2
n=0
for f in "$exe" "$plugins"/*.so; do
  paths=$(readelf -d "$f" | sed -n 's/.*(R[UN]*PATH).*\[\(.*\)\]$/\1/p')
  # an empty entry (leading, trailing or doubled ':'), or one that is not
  # absolute (nor $ORIGIN-relative)
  bad=
  case "$paths" in *: | :* | *::*) bad="[$paths]" ;; esac
  for p in $(printf '%s' "$paths" | tr ':' ' '); do
    case "$p" in /* | '$ORIGIN'*) ;; *) bad="[$paths]" ;; esac
  done
  if [ -n "$bad" ]; then
    echo "runpath: $f searches a relative or empty folder: $bad"
    exit 1
  fi
  n=$((n + 1))
done
echo "runpath: $n files, every search folder absolute"
