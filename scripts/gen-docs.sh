#!/usr/bin/env bash
# Regenerates man/ and completions/ from the tools' own CLI definitions.
#   scripts/gen-docs.sh [--check] [BUILD_DIR]      (default: build)
# With --check, writes nothing and fails if the committed files are stale.
set -euo pipefail
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}

stale=0
emit() {  # emit BINARY KIND FILE
  local tool=$1 kind=$2 file=$3 tmp
  tmp=$(mktemp)
  "$tool" generate-docs "$kind" >"$tmp"
  if [ "$check" -eq 1 ]; then
    if ! cmp -s "$tmp" "$root/$file"; then
      echo "stale: $file (run scripts/gen-docs.sh and commit)" >&2
      stale=1
    fi
    rm -f "$tmp"
  else
    mv "$tmp" "$root/$file"
  fi
}
for tool in emop emlite-sim flows-bill mediators; do
  bin="$build/apps/$tool/$tool"
  emit "$bin" man "man/$tool.1"
  emit "$bin" bash "completions/$tool.bash"
  emit "$bin" zsh "completions/_$tool"
  emit "$bin" fish "completions/$tool.fish"
done
exit "$stale"
