#!/usr/bin/env bash
# Fresh Debian 12 machine -> dependencies, build, and the quickstart benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
./build/bin/lnnbench run configs/quickstart.yaml --out build/quickstart --move-aside
cat build/quickstart/summary.md
