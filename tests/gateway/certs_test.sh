#!/usr/bin/env bash
# mediators certs through the binary, checked with the openssl CLI as an
# independent reader: a CA, a server and one client per role, refusals, file
# modes, chains, SANs, subjects, --env values, the registry and an expired
# certificate. 2048-bit keys to stay fast.
#   certs_test.sh MEDIATORS_BINARY
set -uo pipefail
bin=$1
work=$(mktemp -d /tmp/certs-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
pki=$work/pki
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# expect_refusal STATUS WHAT CMD…: CMD exits STATUS with exactly one line on stderr.
expect_refusal() {
  local want=$1 what=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$? lines
  lines=$(wc -l <"$work/err")
  if [[ $rc == "$want" && $lines == 1 ]]; then ok "$what: exit $rc, one line: $(cat "$work/err")"
  else fail "$what: exit $rc (want $want), $lines stderr lines: $(cat "$work/err")"; fi
}

# run CMD…: must succeed; its stdout in $work/out.
run() {
  if ! "$@" >"$work/out" 2>"$work/err"; then fail "$* exited $?: $(cat "$work/err")"; return 1; fi
}

export HOME=$work/home XDG_CONFIG_HOME=$work/xdg

# --- init ---------------------------------------------------------------
run "$bin" certs init --esco wlce --key-bits 2048 --dir "$pki"
grep -q "PRIVATE KEY" "$work/out" "$work/err" && fail "init printed key material without --env"
grep -qx "subject: CN=wlce mediator CA, O=wlce" "$work/out" && ok "init prints the CA's subject" || fail "init output: $(cat "$work/out")"
[[ $(stat -c %a "$pki") == 700 ]] && ok "pki dir 0700" || fail "pki dir mode $(stat -c %a "$pki")"
[[ $(stat -c %a "$pki/ca.key") == 600 ]] && ok "ca.key 0600" || fail "ca.key mode $(stat -c %a "$pki/ca.key")"
ca_before=$(sha256sum <"$pki/ca.crt")
expect_refusal 2 "second init" "$bin" certs init --esco wlce --key-bits 2048 --dir "$pki"
[[ $(sha256sum <"$pki/ca.crt") == "$ca_before" ]] && ok "second init left the CA alone" || fail "second init changed ca.crt"
ca_text=$(openssl x509 -in "$pki/ca.crt" -noout -text)
grep -q "CA:TRUE" <<<"$ca_text" && ok "CA has CA:TRUE" || fail "CA lacks CA:TRUE"
grep -A1 "Basic Constraints: critical" <<<"$ca_text" | grep -q "CA:TRUE" || fail "CA's basicConstraints not critical"
grep -q "Certificate Sign, CRL Sign" <<<"$ca_text" && ok "CA keyUsage keyCertSign,cRLSign" || fail "CA keyUsage"
grep -q "Public-Key: (2048 bit)" <<<"$ca_text" || fail "CA key is not the 2048 bits asked for"
# 3650 days by default (+ 5 minutes' slack on the start).
nb=$(date -d "$(openssl x509 -in "$pki/ca.crt" -noout -startdate | cut -d= -f2)" +%s)
na=$(date -d "$(openssl x509 -in "$pki/ca.crt" -noout -enddate | cut -d= -f2)" +%s)
[[ $((na - nb)) == $((3650 * 86400 + 300)) ]] && ok "CA valid 3650 days" || fail "CA valid $((na - nb)) s"

# The default directory, from XDG_CONFIG_HOME.
run "$bin" certs init --esco xdg --key-bits 2048
[[ -f $XDG_CONFIG_HOME/flows/mediators/pki/ca.crt ]] && ok "default dir under XDG_CONFIG_HOME" || fail "no CA in the default dir"

# --- server -------------------------------------------------------------
run "$bin" certs server --san gw.example.org --san 10.9.8.7 --dir "$pki"
grep -q "PRIVATE KEY" "$work/out" "$work/err" && fail "server printed key material without --env"
[[ $(stat -c %a "$pki/server.key") == 600 ]] && ok "server.key 0600" || fail "server.key mode $(stat -c %a "$pki/server.key")"
openssl verify -CAfile "$pki/ca.crt" "$pki/server.crt" >/dev/null 2>&1 && ok "server cert verifies against ca.crt" || fail "server cert does not verify"
sans=$(openssl x509 -in "$pki/server.crt" -noout -ext subjectAltName | tail -n 1 | sed 's/^ *//')
[[ $sans == "DNS:cepro-mediators, DNS:localhost, IP Address:127.0.0.1, DNS:gw.example.org, IP Address:10.9.8.7" ]] \
  && ok "server SANs: $sans" || fail "server SANs: $sans"
openssl x509 -in "$pki/server.crt" -noout -ext extendedKeyUsage | grep -q "TLS Web Server Authentication" \
  && ok "server EKU serverAuth" || fail "server EKU"
expect_refusal 2 "second server of the same name" "$bin" certs server --dir "$pki"
expect_refusal 2 "bad --san" "$bin" certs server --name other --san "bad name" --dir "$pki"
run "$bin" certs server --name edge --dir "$pki" --env
[[ -f $pki/edge.crt && -f $pki/edge.key ]] && ok "--name edge writes edge.crt/.key" || fail "no edge.crt/.key"
env_out=$(cat "$work/out")
[[ $(grep -c . <<<"$env_out") == 3 ]] || fail "server --env printed $(grep -c . <<<"$env_out") lines, not 3"
for pair in MEDIATOR_SERVER_CERT:edge.crt MEDIATOR_SERVER_KEY:edge.key MEDIATOR_CA_CERT:ca.crt; do
  var=${pair%%:*} file=${pair#*:}
  value=$(sed -n "s/^$var=//p" <<<"$env_out")
  if [[ -n $value ]] && cmp -s <(base64 -d <<<"$value") "$pki/$file"; then ok "--env $var decodes to $file"
  else fail "--env $var does not decode to $file"; fi
done

# --- clients, one per role ---------------------------------------------
for role in internal partner readonly; do
  id=app-${role}_1
  run "$bin" certs client "$id" --role "$role" --dir "$pki" || continue
  grep -q "PRIVATE KEY" "$work/out" "$work/err" && fail "client printed key material without --env"
  grep -qx "subject: CN=$id, OU=$role, O=wlce" "$work/out" || fail "client output: $(cat "$work/out")"
  crt=$pki/clients/$id.crt key=$pki/clients/$id.key
  [[ $(stat -c %a "$key") == 600 ]] && ok "$id.key 0600" || fail "$id.key mode $(stat -c %a "$key")"
  openssl verify -CAfile "$pki/ca.crt" "$crt" >/dev/null 2>&1 && ok "$id verifies against ca.crt" || fail "$id does not verify"
  subject=$(openssl x509 -in "$crt" -noout -subject -nameopt RFC2253)
  [[ $subject == "subject=O=wlce,OU=$role,CN=$id" ]] && ok "$id subject $subject" || fail "$id subject: $subject"
  openssl x509 -in "$crt" -noout -ext extendedKeyUsage | grep -q "TLS Web Client Authentication" \
    || fail "$id EKU is not clientAuth"
  # The key is the certificate's.
  [[ $(openssl x509 -in "$crt" -noout -pubkey) == $(openssl pkey -in "$key" -pubout) ]] || fail "$id key does not match its cert"
done
# A client signed by another CA is not DIR's.
openssl verify -CAfile "$XDG_CONFIG_HOME/flows/mediators/pki/ca.crt" "$pki/clients/app-partner_1.crt" >/dev/null 2>&1 \
  && fail "client verifies against an unrelated CA"

expect_refusal 2 "bad client id" "$bin" certs client "bad/id" --role partner --dir "$pki"
expect_refusal 2 "bad role" "$bin" certs client goodid --role admin --dir "$pki"
[[ -e $pki/clients/goodid.crt ]] && fail "a refused client left files"
expect_refusal 3 "client without a CA" "$bin" certs client x --role partner --dir "$work/empty"

run "$bin" certs client envclient --role readonly --dir "$pki" --env
env_out=$(cat "$work/out")
for pair in MEDIATOR_CLIENT_CERT:clients/envclient.crt MEDIATOR_CLIENT_KEY:clients/envclient.key MEDIATOR_CA_CERT:ca.crt; do
  var=${pair%%:*} file=${pair#*:}
  value=$(sed -n "s/^$var=//p" <<<"$env_out")
  if [[ -n $value ]] && cmp -s <(base64 -d <<<"$value") "$pki/$file"; then ok "client --env $var decodes to $file"
  else fail "client --env $var does not decode to $file"; fi
done
grep -q "PRIVATE KEY" <<<"$env_out" && fail "--env printed the PEM itself rather than base64"
# `certs env` of an issued client gives the same lines.
run "$bin" certs env envclient --dir "$pki"
[[ $(cat "$work/out") == "$env_out" ]] && ok "certs env envclient matches client --env" || fail "certs env differs"

# --- an expired certificate (test-only option) ---------------------------
run "$bin" certs client oldone --role partner --days 1 --not-after-days-ago 2 --dir "$pki"
openssl x509 -in "$pki/clients/oldone.crt" -noout -checkend 0 >/dev/null && fail "openssl says the expired cert has not expired" \
  || ok "openssl -checkend 0 fails for the expired cert"
run "$bin" certs info "$pki/clients/oldone.crt" --dir "$pki"
grep -qx "status: *expired" "$work/out" && ok "info reports expired" || fail "info of expired: $(cat "$work/out")"
run "$bin" certs info "$pki/clients/app-partner_1.crt" --dir "$pki"
grep -qx "status: *valid" "$work/out" || fail "info of a current cert: not valid"

# --- info ----------------------------------------------------------------
run "$bin" certs info "$pki/clients/app-partner_1.crt" --dir "$pki" --json
python3 - "$work/out" "$(openssl x509 -in "$pki/clients/app-partner_1.crt" -noout -serial | cut -d= -f2)" \
  "$(openssl x509 -in "$pki/clients/app-partner_1.crt" -noout -fingerprint -sha256 | cut -d= -f2)" <<'EOF' \
  && ok "info --json: role, CN, serial, fingerprint, signed by the CA" || fail "info --json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["role"] == "partner", j
assert j["common_name"] == "app-partner_1", j
assert j["serial"] == sys.argv[2], (j["serial"], sys.argv[2])
assert j["sha256_fingerprint"] == sys.argv[3], j
assert j["signed_by_ca"] is True and j["is_ca"] is False and j["expired"] is False, j
EOF
run "$bin" certs info "$pki/clients/app-partner_1.crt" --dir "$pki"
grep -qx "role (OU): *partner" "$work/out" && ok "info shows the role" || fail "info text: $(cat "$work/out")"
run "$bin" certs info "$pki/clients/app-partner_1.crt" --dir "$XDG_CONFIG_HOME/flows/mediators/pki"
grep -q "^signed by CA: no" "$work/out" && ok "info: not signed by another dir's CA" || fail "info against another CA: $(cat "$work/out")"
expect_refusal 2 "info of a key" "$bin" certs info "$pki/server.key" --dir "$pki"
grep -q "PRIVATE KEY\|MII" "$work/err" && fail "info of a key printed its content"

# --- list ------------------------------------------------------------------
run "$bin" certs list --dir "$pki" --json
python3 - "$work/out" "$pki" <<'EOF' && ok "list --json: the issued entries, in order" || fail "list --json"
import json, sys
entries = json.load(open(sys.argv[1]))
pki = sys.argv[2]
got = [(e["kind"], e["name"], e["role"]) for e in entries]
want = [("ca", "wlce", None), ("server", "server", None), ("server", "edge", None),
        ("client", "app-internal_1", "internal"), ("client", "app-partner_1", "partner"),
        ("client", "app-readonly_1", "readonly"), ("client", "envclient", "readonly"), ("client", "oldone", "partner")]
assert got == want, got
server = entries[1]
assert server["sans"] == ["DNS:cepro-mediators", "DNS:localhost", "IP:127.0.0.1", "DNS:gw.example.org", "IP:10.9.8.7"], server
assert server["cert"] == pki + "/server.crt" and server["key"] == pki + "/server.key", server
assert [e["expired"] for e in entries] == [False] * 7 + [True], entries
for e in entries:
    assert e["not_before"].endswith("Z") and e["not_after"].endswith("Z"), e
    assert len(e["sha256_fingerprint"]) == 95 and len(e["serial"]) >= 20, e
EOF
serial=$(openssl x509 -in "$pki/clients/app-internal_1.crt" -noout -serial | cut -d= -f2)
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))[3]; sys.exit(e["serial"] != sys.argv[2])' "$work/out" "$serial" \
  && ok "registry serial matches openssl's" || fail "registry serial differs from $serial"
run "$bin" certs list --dir "$pki"
grep -E "^client +oldone +partner +[0-9T:-]+Z \(expired\)" "$work/out" >/dev/null && ok "list marks the expired one" \
  || fail "list table: $(cat "$work/out")"
[[ $(grep -c "(expired)" "$work/out") == 1 ]] || fail "list marks $(grep -c "(expired)" "$work/out") entries expired, not 1"
grep -q "PRIVATE KEY" "$work/out" && fail "list printed key material"

echo "$failures failure(s)"
exit $((failures > 0))
