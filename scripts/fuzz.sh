#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build-fuzz/ (idempotent) and fuzzes
# the frame decoder for SECONDS (default 60), starting from a scratch copy of
# fuzz/corpus/frame so the committed seed corpus is never modified.
#   scripts/fuzz.sh [SECONDS]
# Exits non-zero when libFuzzer reports anything (crash, sanitizer report, failed
# invariant, leak, timeout); the input is kept in build-fuzz/fuzz-artifacts/.
set -euo pipefail
seconds=${1:-60}
case $seconds in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
jobs=${FLOWS_JOBS:-2}
build=build-fuzz

# Re-running the configure step with the same options is cheap and changes
# nothing; it also repairs a tree configured with other options.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DFLOWS_FUZZ=ON -DFLOWS_SANITIZE=ON -DFLOWS_TESTS=OFF -DFLOWS_BENCH=OFF >&2
cmake --build "$build" --target frame_fuzz -j "$jobs" >&2

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -R fuzz/corpus/frame "$scratch/corpus"
artifacts=$root/$build/fuzz-artifacts
mkdir -p "$artifacts"

status=0
"$build/fuzz/frame_fuzz" -max_total_time="$seconds" -max_len=300 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$scratch/corpus" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz: frame_fuzz found a problem (exit $status); input saved under $artifacts/" >&2
  echo "fuzz: reproduce with $build/fuzz/frame_fuzz $artifacts/<file>" >&2
  exit 1
fi
echo "fuzz: frame_fuzz ran ${seconds}s with no findings" >&2
