#!/usr/bin/env bash
# Install lnnbench's Debian 12 build and test dependencies (idempotent).
set -euo pipefail
# usage: deps.sh [test|fuzz|mpi]   (test adds Chromium, which test_report_browser
#                                  drives headless; fuzz adds clang and its
#                                  sanitizer/libFuzzer runtime; mpi adds Open MPI
#                                  for -DLNB_WITH_MPI=ON)
pkgs=(gcc g++ make cmake git pkg-config libblis-dev liblapacke-dev liblapack-dev libyaml-dev libcmocka-dev
      libbenchmark-dev gnuplot-nox zlib1g-dev
      dataset-fashion-mnist python3-sklearn) # data sets of the `dataset` problem
if [ "${1:-}" = test ]; then pkgs+=(chromium); fi # test_report_browser (it SKIPs without)
if [ "${1:-}" = fuzz ]; then pkgs+=(clang libclang-rt-14-dev); fi
if [ "${1:-}" = mpi ]; then pkgs+=(libopenmpi-dev openmpi-bin); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "deps: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
