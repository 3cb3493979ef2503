#!/usr/bin/env bash
# Fresh Debian 12 machine -> dependencies, warnings-as-errors build, full test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test
bash scripts/build.sh -DLNB_WERROR=ON -DLNB_BUILD_TESTS=ON
ctest --test-dir build --output-on-failure -j2
