#!/usr/bin/env bash
# The gateway with mTLS: certificates from `mediators certs`; the independent
# Python client with a valid certificate of each role against each method, an
# expired one, one from another CA, one without a role, and none; the server's
# material from files and from the deployed base64 variables; per-client
# overrides; emop with client certificates from the deployed variables and from
# config files. Addresses: 127.0.81.x (meters), 127.0.0.1 (gateways).
#   tls_test.sh EMOP EMLITE_SIM MEDIATORS
MEDIATORS_BIN=${3:?usage: $0 EMOP EMLITE_SIM MEDIATORS}
source "$(dirname "$0")/../integration/lib.sh"
cp "$MEDIATORS_BIN" "$WORK/bin/mediators"
MED="$WORK/bin/mediators"
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
STUBS="$WORK/stubs"
mkdir -p "$STUBS"
protoc -I "$HERE/../../lib/gateway/proto" -I "$HERE" --python_out="$STUBS" --grpc_python_out="$STUBS" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" mediator.proto gateway_stats.proto health.proto ||
  { echo "FATAL: protoc could not generate the Python stubs"; exit 1; }

GWS=()
declare -A GW_PIDS
gateway() {  # NAME ARGS… (environment passes through)
  local name=$1; shift
  rm -f "$WORK/$name.port"
  "$MED" serve --listen 127.0.0.1:0 --port-file "$WORK/$name.port" "$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
  local pid=$!
  GWS+=("$pid"); GW_PIDS[$name]=$pid
  for _ in $(seq 1 200); do [[ -s "$WORK/$name.port" ]] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  [[ -s "$WORK/$name.port" ]] || { echo "FATAL: gateway $name did not start:"; cat "$WORK/$name.log"; exit 1; }
  GW_ADDR="127.0.0.1:$(cat "$WORK/$name.port")"
  log "gateway $name pid $pid on $GW_ADDR"
}
trap 'for p in "${GWS[@]}"; do kill -9 "$p" 2>/dev/null; done; cleanup' EXIT

wire() {  # CERT_NAME CHECK ARGS…: the independent client with clients/CERT_NAME (none: "-")
  local who=$1; shift
  local out
  if [[ $who == - ]]; then
    out=$(WIRE_CA="$PKI/ca.crt" "$PY" "$HERE/wire_client.py" "$STUBS" "$GW_ADDR" "$@" 2>&1)
  else
    out=$(WIRE_CA="$PKI/ca.crt" WIRE_CERT="$CERTS/$who.crt" WIRE_KEY="$CERTS/$who.key" \
          "$PY" "$HERE/wire_client.py" "$STUBS" "$GW_ADDR" "$@" 2>&1)
  fi
  while IFS= read -r line; do
    case "$line" in
      ok:*) pass ;;
      FAIL:*) FAILS=$((FAILS + 1)); echo "[$who] $line" ;;
      *) [[ -n "$line" ]] && echo "  wire: $line" ;;
    esac
  done <<<"$out"
}

# --- certificates
PKI="$WORK/pki"; OTHER="$WORK/other-pki"; CERTS="$PKI/clients"
certs() { "$MED" certs "$@" >>"$WORK/certs.log" 2>&1 || { echo "FATAL: mediators certs $* failed:"; tail -3 "$WORK/certs.log"; exit 1; }; }
certs init --esco tls --key-bits 2048 --dir "$PKI"
certs server --key-bits 2048 --dir "$PKI"
for c in "ops internal" "app partner" "viewer readonly"; do read -r id role <<<"$c"; certs client "$id" --role "$role" --key-bits 2048 --dir "$PKI"; done
certs client old --role internal --key-bits 2048 --not-after-days-ago 2 --dir "$PKI"
certs client override --role readonly --key-bits 2048 --dir "$PKI"
certs init --esco rogue --key-bits 2048 --dir "$OTHER"
certs client stranger --role internal --key-bits 2048 --dir "$OTHER"
cp "$OTHER/clients/stranger.crt" "$OTHER/clients/stranger.key" "$CERTS/"
# A certificate of the right CA without a role (no OU), made with the openssl CLI.
openssl req -new -newkey rsa:2048 -nodes -subj "/CN=norole/O=tls" -keyout "$CERTS/norole.key" -out "$WORK/norole.csr" 2>/dev/null &&
openssl x509 -req -in "$WORK/norole.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 1 \
  -extfile <(printf 'extendedKeyUsage=clientAuth\n') -out "$CERTS/norole.crt" 2>/dev/null ||
  { echo "FATAL: openssl could not make the role-less certificate"; exit 1; }

N1=EML8100000001
read -r P1 < <(free_port 127.0.81.1)
printf 'meters:\n  - { serial: "%s", kind: single_b1w, host: "127.0.81.1", port: %s }\n' "$N1" "$P1" >"$WORK/fleet.yaml"
start_sim --fleet "$WORK/fleet.yaml"
cat >"$WORK/access.toml" <<'TOML'
# The override client may read elements although its role is readonly.
[clients.override]
methods = ["readElement", "GetInfo"]
TOML

gateway files --inventory "$INVENTORY" --tls-cert "$PKI/server.crt" --tls-key "$PKI/server.key" --client-ca "$PKI/ca.crt" \
  --access "$WORK/access.toml" --idle-close 0
grep -q "(TLS, client certificates required)" "$WORK/files.log" && pass || fail "the gateway says it requires client certificates"

# --- each role against each method
wire ops methods "$N1" "sendRawMessage=OK,readElement=OK,writeElement=OK,GetInfo=OK,GetMeters=OK"
wire app methods "$N1" "sendRawMessage=PERMISSION_DENIED,readElement=OK,writeElement=PERMISSION_DENIED,GetInfo=OK,GetMeters=OK"
wire viewer methods "$N1" "sendRawMessage=PERMISSION_DENIED,readElement=PERMISSION_DENIED,writeElement=PERMISSION_DENIED,GetInfo=OK,GetMeters=OK"
wire override methods "$N1" "sendRawMessage=PERMISSION_DENIED,readElement=OK,writeElement=PERMISSION_DENIED,GetInfo=OK,GetMeters=PERMISSION_DENIED"
wire norole methods "$N1" "readElement=PERMISSION_DENIED,GetInfo=PERMISSION_DENIED"
# --- certificates that must not get in
wire - methods "$N1" "readElement=UNAUTHENTICATED,GetMeters=UNAUTHENTICATED"
wire old methods "$N1" "readElement=UNAVAILABLE"
wire stranger methods "$N1" "readElement=UNAVAILABLE"
grep -qE "call client=app method=writeElement serial=$N1 object=0xffe001 outcome=PERMISSION_DENIED" "$WORK/files.log" &&
  pass || fail "the refused call is logged with its client id"
grep -q "audit: write attempted id=[0-9]* client=ops role=internal method=writeElement serial=$N1" "$WORK/files.log" &&
  pass || fail "the internal client's write is audited with its id and role"

# --- emop with client certificates: the deployed base64 variables, then config files
b64() { base64 -w0 <"$1"; }
MEDIATOR_CLIENT_CERT=$(b64 "$CERTS/ops.crt") MEDIATOR_CLIENT_KEY=$(b64 "$CERTS/ops.key") MEDIATOR_CA_CERT=$(b64 "$PKI/ca.crt") \
  run --mediator "$GW_ADDR" csq "$N1"
expect_status 0 "emop with the deployed base64 client variables"
[[ "$OUT" =~ ^csq=[0-9]+$ ]] && pass || fail "emop's answer through TLS"
mkdir -p "$XDG_CONFIG_HOME/flows"
cat >"$XDG_CONFIG_HOME/flows/config.toml" <<TOML
current = "gw"
[environments.gw]
mediator = "$GW_ADDR"
mediator_client_cert = "$CERTS/viewer.crt"
mediator_client_key = "$CERTS/viewer.key"
mediator_ca_cert = "$PKI/ca.crt"
TOML
chmod 600 "$XDG_CONFIG_HOME/flows/config.toml"
unset EMOP_INVENTORY
run csq "$N1"; expect_status 3 "a readonly client's meter read is refused: a configuration error"
expect_one_line_error; expect_err_contains "role may not make the call"
run --json list; expect_status 0 "a readonly client may list the gateway's meters"
check_py "emop list through TLS" "$(json_get "[r['serial'] for r in j] == ['$N1']")"
sed -i "s|viewer|app|g" "$XDG_CONFIG_HOME/flows/config.toml"
run csq "$N1"; expect_status 0 "a partner client reads"
run backlight_write "$N1" always_on_sp; expect_status 3 "a partner client may not write"
run env_show; expect_status 0
if grep -q "PRIVATE KEY\|BEGIN CERT" <<<"$OUT$ERR"; then fail "env_show printed key material"; else pass; fi
rm "$XDG_CONFIG_HOME/flows/config.toml"
MEDIATOR_CLIENT_CERT=$(b64 "$CERTS/ops.crt") run --mediator "$GW_ADDR" csq "$N1"
expect_status 3 "half the client material"; expect_one_line_error
MEDIATOR_CLIENT_CERT='%%%zzSECRETzz' MEDIATOR_CLIENT_KEY=$(b64 "$CERTS/ops.key") MEDIATOR_CA_CERT=$(b64 "$PKI/ca.crt") \
  run --mediator "$GW_ADDR" csq "$N1"
expect_status 3 "a client variable that is not base64"; expect_err_contains "MEDIATOR_CLIENT_CERT"
if grep -q "SECRET" <<<"$ERR"; then fail "the variable's value was printed"; else pass; fi
run --mediator "$GW_ADDR" csq "$N1"; expect_status 4 "no TLS against a TLS gateway: it cannot be reached"
kill "${GW_PIDS[files]}"; wait "${GW_PIDS[files]}" 2>/dev/null

# --- the server's material from the deployed base64 variables; TLS may listen beyond loopback
MEDIATOR_SERVER_CERT=$(b64 "$PKI/server.crt") MEDIATOR_SERVER_KEY=$(b64 "$PKI/server.key") MEDIATOR_CA_CERT=$(b64 "$PKI/ca.crt") \
  gateway envtls --inventory "$INVENTORY"
wire ops methods "$N1" "readElement=OK"
wire - methods "$N1" "readElement=UNAUTHENTICATED"
LAST_CMD="mediators serve --tls-cert … --listen 127.0.0.1:0 with a key that is not one"
timeout 20 "$MED" serve --inventory "$INVENTORY" --listen 127.0.0.1:0 --tls-cert "$PKI/server.crt" --tls-key "$PKI/ca.crt" \
  --client-ca "$PKI/ca.crt" >"$WORK/out" 2>"$WORK/err"; RC=$?; OUT=""; ERR=$(cat "$WORK/err")
expect_status 3 "a TLS key that does not load"
finish
