#!/usr/bin/env bash
# Installs the Debian 12 packages the Flows toolkit needs, only those missing.
# Idempotent: a second run installs nothing and does not touch the network.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev
  libcli11-dev libboost-dev libpqxx-dev libpq-dev libfmt-dev libyaml-cpp-dev
  libtoml11-dev doctest-dev nlohmann-json3-dev libhowardhinnant-date-dev tzdata
  postgresql-15 postgresql-client-15
  python3 iproute2 binutils
)
# python3 and ss (iproute2) are used by scripts/demo.sh and the tests; strip
# (binutils) by `cmake --install … --strip`.

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
