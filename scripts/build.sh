#!/usr/bin/env bash
# Installs what is missing, then configures and builds into build/ (idempotent).
#   scripts/build.sh [extra cmake -D options…]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
jobs=${FLOWS_JOBS:-2}
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOWS_WERROR=ON "$@" >&2
elif [ $# -gt 0 ]; then
  cmake -S . -B build "$@" >&2
fi
cmake --build build -j "$jobs" >&2
