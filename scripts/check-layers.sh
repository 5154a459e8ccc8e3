#!/usr/bin/env bash
# Checks the folder graph of lib/ against the layers of ../shared/design.md: each
# folder may include only the folders listed for it. Tests (*_test.cpp and the
# test-only headers) are exempt: they may reach across layers to set things up.
#   scripts/check-layers.sh        exit 0 when every include is allowed, else 1
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/lib"

declare -A allowed=(
  [core]="core"
  [emop]="core emop"
  [transport]="core emop transport"
  [sim]="core emop transport sim"
  [net]="core emop transport net"
  [meter]="core emop transport meter"
  [config]="core config"
  [cli]="core cli"
  [billing]="core billing"
  [db]="core config transport billing db"  # billing: its value types, for the billing repositories
  [mail]="core mail"  # messages (pure) and the SMTP session, the one seam to a mail server
  [jobs]="core emop transport meter config db billing mail jobs"
  [gateway]="core emop transport net meter config db gateway"
)
# The simulator's socket server puts the pure model on the network: it alone in
# lib/sim may use net (the stream-generic frame I/O).
exceptions=("sim/server.hpp:net" "sim/server.cpp:net")

is_test() { [[ $1 == *_test.cpp || $1 == *_test_*.hpp || $1 == */sim_bench.hpp || $1 == */topology_test_document.hpp ]]; }

bad=0
for dir in "${!allowed[@]}"; do
  while IFS= read -r -d '' file; do
    is_test "$file" && continue
    while IFS= read -r used; do
      [[ " ${allowed[$dir]} " == *" $used "* ]] && continue
      [[ " ${exceptions[*]} " == *" ${file#./}:$used "* ]] && continue
      echo "layers: ${file#./} includes $used/, which lib/$dir may not use" >&2
      bad=1
    done < <(grep -hoE '^#include "[a-z_]+/' "$file" | sed 's/#include "//; s|/$||' | sort -u)
  done < <(find "./$dir" -name '*.[ch]pp' -print0)
done
for dir in */; do
  dir=${dir%/}
  [[ -n ${allowed[$dir]+x} ]] || { echo "layers: lib/$dir has no place in the layers (scripts/check-layers.sh)" >&2; bad=1; }
done
# No SQL outside lib/db (bench/ keeps its deliberately naive baselines).
if grep -rnE '\b(exec|exec_params|exec0|exec1|exec_params0|exec_params1|exec_prepared)\(|stream_from|stream_to' \
     --include='*.cpp' --include='*.hpp' . ../apps | grep -v '^\./db/' | grep -v '_test\.cpp:'; then
  echo "layers: SQL outside lib/db (above)" >&2
  bad=1
fi
exit $bad
