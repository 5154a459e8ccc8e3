#!/usr/bin/env bash
# Runs the README's example blocks as written, so they cannot drift from the tools.
# Every ```sh block belongs to the chapter (## heading, with its ### sections) it
# is in; a chapter's blocks run in order as one script (a block may use what an
# earlier one of its chapter made), in a scratch directory that is $HOME, with the
# repository's scripts/ and the build given beside it as scripts/ and build/, the
# built tools on PATH, under `set -e`. Chapters run in README order in the same
# scratch directory, so one may carry on from the files an earlier one left (the
# billing chapter starts the database "The Flows database" made, as a reader
# would). The reader's mail server is an SMTP sink on loopback
# (tests/db/smtp_sink.py), named by FLOWS_SMTP_URL and FLOWS_SMTP_FROM.
# Checked results:
#   cmd   # key=value     the command prints exactly key=value
#   $ cmd                 (a block written as a session) the lines after it, up to
#   output                the next `$ ` or blank line, are exactly what it prints
# A chapter that cannot run in a test is listed in `not_run` with the reason, and
# so is a line (`not_run_lines`); a listed chapter that is no longer in the README,
# or has no sh block, fails the test, so the lists cannot go stale.
#   readme_test.sh REPO BUILD_DIR
set -uo pipefail
repo=$1 build=$(cd "$2" && pwd)

declare -A not_run=(
  ["## Set up on a fresh Debian 12 machine"]="installs Debian packages, builds, and runs every test (this one too)"
  ["## Using an existing Flows database"]="needs a database built by the deployed Flows tools (tests/db/adopt_cli_test.sh adopts one)"
)
# Lines of a chapter that runs, that the test does not run (a prefix of the line, and why).
declare -A not_run_lines=(
  ["scripts/build.sh "]="installs Debian packages and builds; the test runs against the build it was given"
)

work=$(mktemp -d /tmp/readme-test.XXXXXX)
chmod 755 "$work"   # as root, the throwaway PostgreSQL runs as flows-pg and must reach it
ln -s "$repo/scripts" "$work/scripts"
ln -s "$build" "$work/build"
failures=0
cleanup() {
  [[ -z ${sink_pid:-} ]] || kill "$sink_pid" 2>/dev/null
  "$repo/scripts/pg-local.sh" stop "$work/flows-pg" >/dev/null 2>&1 || true
  if [[ -n ${README_TEST_KEEP:-} ]]; then echo "kept: $work"; else rm -rf "$work"; fi   # to read the chapters' logs
}
trap cleanup EXIT

# The reader's mail server: an SMTP sink on loopback (Debian's python3-aiosmtpd).
mkdir -p "$work/mail"
/usr/bin/python3 "$repo/tests/db/smtp_sink.py" --dir "$work/mail" --port-file "$work/mail.port" 2>"$work/smtp.log" &
sink_pid=$!
for _ in $(seq 1 100); do [[ -s $work/mail.port ]] && break; sleep 0.1; done
if [[ ! -s $work/mail.port ]]; then echo "FAIL: the SMTP sink did not start: $(tail -n 3 "$work/smtp.log")"; exit 1; fi
smtp_url=smtp://127.0.0.1:$(cat "$work/mail.port")

# sections: "HEADING<TAB>N" for every chapter (## heading) with N sh blocks, in README order.
sections() {
  awk '/^```sh$/ {inside = 1; n[h]++; next}
       inside && /^```$/ {inside = 0; next}
       inside {next}
       /^## / {h = $0; order[++k] = h}
       END {for (i = 1; i <= k; i++) if (n[order[i]]) printf "%s\t%d\n", order[i], n[order[i]]}' "$repo/README.md"
}

# section_script HEADING: the chapter's sh blocks (its ### sections' too), in order, as one script.
section_script() {
  awk -v h="$1" '/^## / {found = ($0 == h); next}
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
    unset FLOWS_DATABASE_URL FLOWS_ENV EMOP_INVENTORY MEDIATOR_SERVER PGHOST PGPORT PGUSER PGDATABASE MANPATH \
      FLOWS_TOKEN_COMMAND FLOWS_SMTP_PASSWORD
    export XDG_CONFIG_HOME=$work/.config MANPAGER=cat FLOWS_SMTP_URL=$smtp_url FLOWS_SMTP_FROM="Billing <billing@example.org>"
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
