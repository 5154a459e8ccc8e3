#!/usr/bin/env bash
# Runs the README's example blocks as written, so they cannot drift from the tools:
# the first ```sh block under each heading named below, in a scratch directory
# (with the repository's scripts/ beside it and the built tools on PATH), under
# `set -e`. A `# key=value` comment on a command is its expected output.
#   readme_test.sh REPO BUILD_DIR
set -uo pipefail
repo=$1 build=$2
sections=("## Talking to meters" "## The Flows database")
work=$(mktemp -d /tmp/readme-test.XXXXXX)
chmod 755 "$work"   # as root, the throwaway PostgreSQL runs as flows-pg and must reach it
ln -s "$repo/scripts" "$work/scripts"
failures=0

# block HEADING: the first sh block after the heading, from README.md.
block() {
  awk -v h="$1" '$0 == h {found = 1; next}
                 found && /^```sh$/ {inside = 1; next}
                 inside && /^```$/ {exit}
                 inside {print}' "$repo/README.md"
}

# checked SCRIPT: the script with each `cmd   # key=value` line turned into a
# comparison of the command's output with key=value.
checked() {
  sed -E 's/^(emop [^#]*[^ #])[[:space:]]+# ([a-z_]+=[^ ]+)$/got=$(\1); [ "$got" = "\2" ] || { echo "README: \1 printed [$got], the README says [\2]" >\&2; exit 1; }/'
}

for h in "${sections[@]}"; do
  script=$(block "$h")
  if [[ -z $script ]]; then echo "FAIL: no sh block under '$h' in README.md"; failures=$((failures + 1)); continue; fi
  log=$work/$(tr -c 'a-z' '_' <<<"${h,,}").log
  (
    cd "$work" || exit 1
    export HOME=$work PATH="$build/apps/emop:$build/apps/emlite-sim:$build/apps/flows-bill:$PATH"
    unset FLOWS_DATABASE_URL FLOWS_ENV EMOP_INVENTORY PGHOST PGPORT PGUSER PGDATABASE
    export XDG_CONFIG_HOME=$work/config
    printf 'set -e\ntrap '"'"'kill $(jobs -p) 2>/dev/null; wait'"'"' EXIT\n%s\n' "$(checked <<<"$script")" >"$work/block.sh"
    timeout 300 bash -x "$work/block.sh"
  ) >"$log" 2>&1
  rc=$?
  if [[ $rc == 0 ]]; then echo "ok: README block under '$h'"
  else
    echo "FAIL: README block under '$h' exited $rc; its last lines:"; tail -n 15 "$log" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
done
"$repo/scripts/pg-local.sh" stop "$work/flows-pg" >/dev/null 2>&1 || true
rm -rf "$work"
exit $((failures > 0))
