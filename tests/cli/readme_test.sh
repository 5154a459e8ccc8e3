#!/usr/bin/env bash
# Runs the README's example blocks as written, so they cannot drift from the tools.
# Every ```sh block belongs to the section (## or ### heading) it is under; a
# section's blocks run in order as one script (a block may use what an earlier
# one of its section made), in a scratch directory with the repository's
# scripts/ and the build given beside it as scripts/ and build/, the built tools
# on PATH, under `set -e`. Checked results:
#   cmd   # key=value     the command prints exactly key=value
#   $ cmd                 (a block written as a session) the lines after it, up to
#   output                the next `$ `, are exactly what it prints
# A section that cannot run in a test is listed in `not_run` with the reason, and
# so is a line (`not_run_lines`); a listed section that is no longer in the README,
# or has no sh block, fails the test, so the lists cannot go stale.
#   readme_test.sh REPO BUILD_DIR
set -uo pipefail
repo=$1 build=$(cd "$2" && pwd)

declare -A not_run=(
  ["## Set up on a fresh Debian 12 machine"]="installs Debian packages, builds, and runs every test (this one too)"
  ["## Using an existing Flows database"]="needs a database built by the deployed Flows tools (tests/db/adopt_cli_test.sh adopts one)"
  ["## Billing"]="not yet runnable as written: needs benchmarks.yaml and a community with customers the README does not create"
  ["### Customers, properties and solar installations"]="not yet runnable as written: needs ESCO alpha, its plots and customers.csv"
  ["### Payments and bank reconciliation"]="not yet runnable as written: needs june.csv and customers; [--mapping …] is a synopsis"
  ["### Topups, wallets and solar credits paid out"]="not yet runnable as written: needs customers with wallets and a token_command"
  ["### Statements by email"]="needs a mail server (tests/db/statements_send_test.sh sends to an SMTP sink)"
  ["### Tariff checks"]="not yet runnable as written: needs customers with tariffs in force"
  ["## The gateway (mediators serve)"]="alternative long-running servers, some needing a database and TLS material (tests/gateway runs them)"
)
# Lines of a section that runs, that the test does not run (a prefix of the line, and why).
declare -A not_run_lines=(
  ["scripts/build.sh "]="installs Debian packages and builds; the test runs against the build it was given"
)

work=$(mktemp -d /tmp/readme-test.XXXXXX)
chmod 755 "$work"   # as root, the throwaway PostgreSQL runs as flows-pg and must reach it
ln -s "$repo/scripts" "$work/scripts"
ln -s "$build" "$work/build"
failures=0
cleanup() {
  "$repo/scripts/pg-local.sh" stop "$work/flows-pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# sections: "HEADING<TAB>N" for every heading with N sh blocks, in README order.
sections() {
  awk '/^```sh$/ {inside = 1; n[h]++; next}
       inside && /^```$/ {inside = 0; next}
       inside {next}
       /^##+ / {h = $0; order[++k] = h}
       END {for (i = 1; i <= k; i++) if (n[order[i]]) printf "%s\t%d\n", order[i], n[order[i]]}' "$repo/README.md"
}

# section_script HEADING: the section's sh blocks, in order, as one script.
section_script() {
  awk -v h="$1" '/^##+ / {found = ($0 == h); next}
                 found && /^```sh$/ {inside = 1; next}
                 inside && /^```$/ {inside = 0; next}
                 inside {print}' "$repo/README.md"
}

# checked: the script with its documented results turned into comparisons, and
# the not_run_lines commented out.
checked() {
  local skips=()
  for p in "${!not_run_lines[@]}"; do skips+=("$p" "${not_run_lines[$p]}"); done
  python3 -c '
import re, shlex, sys
skips = dict(zip(sys.argv[1::2], sys.argv[2::2]))
lines = sys.stdin.read().split("\n")
out, i = [], 0
def fail(cmd, want):
    return ("[ \"$got\" = %s ] || { printf \"README: %%s printed [%%s], the README says [%%s]\\n\" %s \"$got\" %s >&2; exit 1; }"
            % (shlex.quote(want), shlex.quote(cmd), shlex.quote(want)))
while i < len(lines):
    line = lines[i]; i += 1
    skip = next((p for p in skips if line.startswith(p)), None)
    if skip is not None:
        out.append(": not run by the test, %s: %s" % (shlex.quote(skips[skip]), shlex.quote(line)))
        continue
    if line.startswith("$ "):
        cmd = re.sub(r"\s+#.*$", "", line[2:])
        want = []
        while i < len(lines) and not lines[i].startswith("$ ") and lines[i] != "":
            want.append(lines[i]); i += 1
        if want:
            out.append("got=$(%s)" % cmd); out.append(fail(cmd, "\n".join(want)))
        else:
            out.append(cmd)
        continue
    m = re.match(r"^((?:emop|flows-bill|emlite-sim|mediators) [^#]*[^ #])\s+# ([a-z_]+=\S+)$", line)
    if m:
        out.append("got=$(%s)" % m.group(1)); out.append(fail(m.group(1), m.group(2)))
        continue
    out.append(line)
print("\n".join(out))
' "${skips[@]}"
}

declare -A seen=()
while IFS=$'\t' read -r h n; do
  seen[$h]=1
  if [[ -n ${not_run[$h]+x} ]]; then echo "not run: '$h' ($n sh block(s)): ${not_run[$h]}"; continue; fi
  log=$work/$(tr -c 'a-z' '_' <<<"${h,,}").log
  (
    cd "$work" || exit 1
    export HOME=$work PATH="$build/apps/emop:$build/apps/emlite-sim:$build/apps/flows-bill:$build/apps/mediators:$PATH"
    unset FLOWS_DATABASE_URL FLOWS_ENV EMOP_INVENTORY MEDIATOR_SERVER PGHOST PGPORT PGUSER PGDATABASE MANPATH
    export XDG_CONFIG_HOME=$work/.config MANPAGER=cat
    printf 'set -e\ntrap '"'"'rc=$?; kill $(jobs -p) 2>/dev/null || true; wait || true; exit $rc'"'"' EXIT\n%s\n' \
      "$(section_script "$h" | checked)" >"$work/block.sh"
    timeout 300 bash -x "$work/block.sh" </dev/null
  ) >"$log" 2>&1
  rc=$?
  if [[ $rc == 0 ]]; then echo "ok: README '$h' ($n sh block(s))"
  else
    echo "FAIL: README '$h' exited $rc; its last lines:"; tail -n 15 "$log" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
  "$repo/scripts/pg-local.sh" stop "$work/flows-pg" >/dev/null 2>&1 || true   # a failed block may leave it running
done < <(sections)

for h in "${!not_run[@]}"; do
  [[ -n ${seen[$h]+x} ]] || { echo "FAIL: not_run lists '$h', which has no sh block in README.md"; failures=$((failures + 1)); }
done
exit $((failures > 0))
