#!/usr/bin/env bash
# A plain `cmake --install BUILD --prefix P` (no --strip) installs the four tools
# stripped, with their man pages and bash/zsh/fish completions.
#   install_test.sh BUILD_DIR
set -uo pipefail
build=$1
prefix=$(mktemp -d /tmp/flows-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
failures=0
ok() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

if ! cmake --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1; then
  fail "cmake --install exited non-zero: $(tail -n 5 "$prefix.log")"
fi
rm -f "$prefix.log"
for tool in emop emlite-sim flows-bill mediators; do
  bin=$prefix/bin/$tool
  if [[ ! -x $bin ]]; then fail "$tool not installed in bin/"; continue; fi
  sections=$(readelf -S --wide "$bin")
  if grep -qE '\.debug_info|\.symtab' <<<"$sections"; then fail "$tool installed with .debug_info or .symtab (not stripped)"
  else ok "$tool installed stripped"; fi
  size=$(stat -c %s "$bin") built=$(stat -c %s "$build/apps/$tool/$tool")
  if (( size * 4 < built )); then ok "$tool installed: $size bytes, built: $built"
  else fail "$tool installed is $size bytes, not much smaller than the $built bytes built"; fi
  [[ $("$bin" --version) == "$tool "* ]] && ok "installed $tool runs" || fail "installed $tool --version: $("$bin" --version 2>&1)"
  for f in "share/man/man1/$tool.1" "share/bash-completion/completions/$tool" "share/zsh/vendor-completions/_$tool" \
           "share/fish/vendor_completions.d/$tool.fish"; do
    [[ -s $prefix/$f ]] && ok "$f" || fail "$f missing or empty"
  done
  grep -q '^\.TH ' "$prefix/share/man/man1/$tool.1" || fail "$tool.1 is not a man page"
done
exit $((failures > 0))
