#!/usr/bin/env bash
# Regenerates man/ and completions/ from the tools' own CLI definitions.
#   scripts/gen-docs.sh [--check] EMOP_BINARY
# With --check, writes nothing and fails if the committed files are stale.
set -euo pipefail
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
emop=${1:?usage: gen-docs.sh [--check] PATH_TO_EMOP}
root=$(cd "$(dirname "$0")/.." && pwd)

stale=0
emit() {  # emit TOOL KIND FILE
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
emit "$emop" man man/emop.1
emit "$emop" bash completions/emop.bash
emit "$emop" zsh completions/_emop
emit "$emop" fish completions/emop.fish
exit "$stale"
