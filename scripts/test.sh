#!/usr/bin/env bash
# The project's one test command: installs, builds, runs every test through ctest.
# Tests that need PostgreSQL start a throwaway server themselves (scripts/pg-local.sh).
#   scripts/test.sh [ctest arguments…]     e.g. scripts/test.sh -L unit
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/build.sh
cd build
ctest --output-on-failure -j "${FLOWS_JOBS:-2}" "$@"
