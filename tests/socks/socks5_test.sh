#!/usr/bin/env bash
# emop reaches a meter through a SOCKS5 proxy with username/password (the 4G
# gateway path), and fails clearly, without printing the password, when refused.
set -u
emop=${1:?emop} sim=${2:?emlite-sim}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/fleet.yaml" <<YAML
meters:
  - { serial: EMLSOCKS0001, kind: single_b1w, host: 127.0.0.1, port: $port, csq: 21 }
YAML
"$sim" serve --fleet "$work/fleet.yaml" --fleet-out "$work/ready.yaml" 2>"$work/sim.log" &
pids+=($!)
python3 "$here/socks5_proxy.py" ops 's3cret-pw' "$work/proxy.log" >"$work/proxy.port" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/proxy.port" ] && [ -f "$work/ready.yaml" ] && break; sleep 0.1; done
proxy_port=$(cat "$work/proxy.port")

export EMOP_INVENTORY=$work/ready.yaml SOCKS_HOST=127.0.0.1 SOCKS_PORT=$proxy_port SOCKS_USERNAME=ops
export XDG_CONFIG_HOME=$work/config  # no config file: environment variables only

out=$(SOCKS_PASSWORD='s3cret-pw' "$emop" csq EMLSOCKS0001 2>"$work/err")
status=$?
[ "$status" -eq 0 ] || fail "through the proxy: status $status ($(cat "$work/err"))"
[ "$out" = "csq=21" ] || fail "through the proxy: '$out'"
grep -q "CONNECT 127.0.0.1:$port" "$work/proxy.log" || fail "the proxy did not see the CONNECT"

out=$(SOCKS_PASSWORD='wrong-pw' "$emop" --retries 1 csq EMLSOCKS0001 2>"$work/err")
status=$?
[ "$status" -eq 4 ] || fail "wrong password: status $status, expected 4"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "wrong password: expected one line: $(cat "$work/err")"
grep -q "rejected the username/password" "$work/err" || fail "wrong password message: $(cat "$work/err")"
grep -q "wrong-pw" "$work/err" && fail "the password appears in the error"

[ "$failures" -eq 0 ] && echo "socks5: all checks passed"
exit $((failures > 0))
