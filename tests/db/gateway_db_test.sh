#!/usr/bin/env bash
# mediators serve over the Flows database: meter_registry rows with an address
# (one ESCO's with --esco), passive meters never; GetInfo/GetMeters from the
# database; SIGHUP reloads; emop sync through the gateway stores what it reads.
#
#   gateway_db_test.sh EMOP EMLITE_SIM MEDIATORS   (FLOWS_DATABASE_URL: a server where we may CREATE DATABASE)
set -u
EMOP_BIN=${1:?usage: $0 EMOP EMLITE_SIM MEDIATORS}
SIM_BIN=${2:?usage: $0 EMOP EMLITE_SIM MEDIATORS}
MED_BIN=${3:?usage: $0 EMOP EMLITE_SIM MEDIATORS}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" --integration "$EMOP_BIN" "$SIM_BIN"
cp "$MED_BIN" "$WORK/bin/mediators"
MED="$WORK/bin/mediators"

S1=EML8600000001; S2=EML8600000002; S3=EML8600000003; S4=EML8600000004
declare -a P
for i in 1 2 3 4; do P[$i]=$(free_port 127.0.86.$i); done
{
  echo "meters:"
  echo "  - { serial: \"$S1\", kind: single_b1w, host: 127.0.86.1, port: ${P[1]}, csq: 21 }"
  echo "  - { serial: \"$S2\", kind: single_b1w, host: 127.0.86.2, port: ${P[2]}, csq: 9 }"
  echo "  - { serial: \"$S3\", kind: single_b1w, host: 127.0.86.3, port: ${P[3]}, csq: 7 }"
  echo "  - { serial: \"$S4\", kind: single_b1w, host: 127.0.86.4, port: ${P[4]}, csq: 4 }"
} >"$WORK/fleet.yaml"
start_sim --fleet "$WORK/fleet.yaml" --fault "$S4=reset"
run db migrate; expect_status 0 "db migrate"
sql "INSERT INTO flows.escos (code, name, region) VALUES ('wlce', 'Water Lilies', 'south_west'), ('other', 'Other', 'london');
   INSERT INTO flows.meter_registry (serial, ip_address, emop_port, mode, esco, name) VALUES
     ('$S1', '127.0.86.1', ${P[1]}, 'active',  (SELECT id FROM flows.escos WHERE code = 'wlce'), 'flat 1'),
     ('$S2', '127.0.86.2', ${P[2]}, 'passive', (SELECT id FROM flows.escos WHERE code = 'wlce'), 'flat 2'),
     ('$S3', '127.0.86.3', ${P[3]}, 'active',  (SELECT id FROM flows.escos WHERE code = 'other'), 'flat 3');" \
  >/dev/null || { echo "FATAL: topology insert failed"; exit 1; }

GW_PID=""
trap '[[ -n $GW_PID ]] && kill -9 $GW_PID 2>/dev/null; db_cleanup' EXIT
start_gw() {
  rm -f "$WORK/gw.port"
  "$MED" serve --listen 127.0.0.1:0 --port-file "$WORK/gw.port" --idle-close 0 "$@" >"$WORK/gw.out" 2>"$WORK/gw.log" &
  GW_PID=$!
  for _ in $(seq 1 200); do [[ -s "$WORK/gw.port" ]] && break; kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
  [[ -s "$WORK/gw.port" ]] || { echo "FATAL: gateway did not start:"; cat "$WORK/gw.log"; exit 1; }
  GW="127.0.0.1:$(cat "$WORK/gw.port")"
}
# emop with no database: everything it knows comes through the gateway.
via_gw() { FLOWS_DATABASE_URL= run --mediator "$GW" "$@"; }

LAST_CMD="mediators serve --esco nosuch"
timeout 20 "$MED" serve --listen 127.0.0.1:0 --esco nosuch >"$WORK/out" 2>"$WORK/err"; RC=$?; OUT=""; ERR=$(cat "$WORK/err")
expect_status 2 "an unknown ESCO"; expect_err_contains "unknown ESCO 'nosuch'"

start_gw --esco wlce
grep -q "serving 1 meter from the database (ESCO wlce)" "$WORK/gw.log" && pass ||
  fail "the gateway serves wlce's one active meter: $(cat "$WORK/gw.log")"
via_gw csq "$S1"; expect_status 0 "an active wlce meter through the gateway"; expect_stdout "csq=21"
via_gw csq "$S2"; expect_status 3 "a passive meter is never served"; expect_err_contains "Meter '$S2' not known"
via_gw csq "$S3"; expect_status 3 "another ESCO's meter is not served"
via_gw --json list --esco wlce; expect_status 0 "GetMeters from the database"
expect_eq "GetMeters: wlce's meters, the passive one listed too" "$(json_get "','.join(sorted(r['serial'] for r in j))")" "$S1,$S2"
via_gw --json info "$S1"; expect_status 0 "GetInfo from the database"
expect_eq "GetInfo registry" "$(json_get "j['registry']['serial'] + ' ' + j['registry']['name']")" "$S1 flat 1"

# SIGHUP reloads: a meter made active is served.
sql "UPDATE flows.meter_registry SET mode = 'active' WHERE serial = '$S2'" >/dev/null
kill -HUP "$GW_PID"
for _ in $(seq 1 50); do grep -q "SIGHUP: serving 2 meters" "$WORK/gw.log" && break; sleep 0.1; done
grep -q "SIGHUP: serving 2 meters" "$WORK/gw.log" && pass || fail "SIGHUP reloaded the meters"
via_gw csq "$S2"; expect_status 0 "the reloaded meter is served"; expect_stdout "csq=9"
kill "$GW_PID"; wait "$GW_PID" 2>/dev/null; GW_PID=""

# emop sync through a gateway serving every ESCO: the database gets what the meters said.
start_gw
run --mediator "$GW" sync --frequency hourly
expect_status 0 "hourly sync through the gateway"
expect_match "the sync's summary" "$OUT" "^sync hourly: 3 meters, 3 ok, 0 failed"
expect_eq "csq stored by the sync through the gateway" \
  "$(sql "SELECT string_agg(m.serial || '=' || s.csq, ',' ORDER BY m.serial) FROM flows.meter_shadows s JOIN flows.meter_registry m ON m.id = s.id WHERE s.csq IS NOT NULL")" \
  "$S1=21,$S2=9,$S3=7"
grep -q "method=readElement serial=$S3" "$WORK/gw.log" && pass || fail "the sync's reads went through the gateway"

# Writes are audited in flows.mediator_audit: attempted, then how they ended.
sql "INSERT INTO flows.meter_registry (serial, ip_address, emop_port, mode, esco) VALUES
       ('$S4', '127.0.86.4', ${P[4]}, 'active', (SELECT id FROM flows.escos WHERE code = 'other'))" >/dev/null
kill -HUP "$GW_PID"
for _ in $(seq 1 50); do grep -q "SIGHUP: serving 4 meters" "$WORK/gw.log" && break; sleep 0.1; done
run --mediator "$GW" backlight_write "$S1" always_on_sp; expect_status 0 "a write through the gateway"
run --mediator "$GW" backlight_write "$S4" always_on_sp; expect_status 4 "a write whose answer the meter dropped"
expect_err_contains "may or may not have been applied"
expect_eq "the audit rows" "$(sql "SELECT string_agg(serial || ' ' || client_id || ' ' || role || ' ' || method || ' ' || object_id || ' ' || outcome
    || ' ' || (ended_at >= attempted_at) || ' ' || (duration_ms >= 0), ',' ORDER BY id) FROM flows.mediator_audit")" \
  "$S1 local internal writeElement 16769025 done true true,$S4 local internal writeElement 16769025 unknown true true"
expect_eq "the unknown write's status" "$(sql "SELECT status FROM flows.mediator_audit WHERE serial = '$S4'")" \
  "Meter communication failed: closed mid-conversation; write outcome unknown"
if grep -q "audit: write" "$WORK/gw.log"; then fail "with a database, the audit is not in the log"; else pass; fi
finish
