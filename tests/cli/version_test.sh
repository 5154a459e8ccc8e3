#!/usr/bin/env bash
# The version the tools print and put in their man pages is the CMake project's.
#   version_test.sh PROJECT_VERSION EMOP EMLITE_SIM FLOWS_BILL MEDIATORS
set -uo pipefail
version=$1 emop=$2 sim=$3 bill=$4 mediators=$5
failures=0
check() {  # what expected actual
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "FAIL: not a project version: [$version]"; exit 1; }
check "emop --version" "emop $version" "$("$emop" --version)"
check "emop version" "emop $version" "$("$emop" version)"
check "emop --json version" "{\"tool\":\"emop\",\"version\":\"$version\"}" "$("$emop" --json version)"
check "emop version --json" "{\"tool\":\"emop\",\"version\":\"$version\"}" "$("$emop" version --json)"
check "emlite-sim --version" "emlite-sim $version" "$("$sim" --version)"
check "flows-bill --version" "flows-bill $version" "$("$bill" --version)"
check "mediators --version" "mediators $version" "$("$mediators" --version)"
for tool in "$emop" "$sim" "$bill" "$mediators"; do
  name=$(basename "$tool")
  check "$name man page header" "\"flows $version\"" "$("$tool" generate-docs man | grep -m1 '^\.TH ' | grep -o '"flows [^"]*"')"
done
exit $((failures > 0))
