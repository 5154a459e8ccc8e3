#!/usr/bin/env bash
# emop sync and emop sync intervals against emlite-sim and a database of their own.
#
#   sync_cli_test.sh EMOP EMLITE_SIM      (FLOWS_DATABASE_URL: a server where we may CREATE DATABASE)
#
# Six simulated meters on 127.0.83.1-6 (meter_registry.ip_address is unique, so
# one address each) with ports chosen free at run time: single (flat 1000 W),
# twin (DST clock), three phase, one silent, one passive in the database, and one
# that later gets a 2 s latency for the kill test.
set -u
EMOP_BIN=${1:?usage: $0 EMOP EMLITE_SIM}
SIM_BIN=${2:?usage: $0 EMOP EMLITE_SIM}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" --integration "$EMOP_BIN" "$SIM_BIN"

S1=EML8300000001  # single_b1w, flat 1000 W
S2=EML8300000002  # twin_c1w, DST clock
S3=EML8300000003  # three phase
S4=EML8300000004  # silent
S5=EML8300000005  # passive in the database
S6=EML8300000006  # single_ema1w, later latency:2000
S7=EML8300000007  # three phase CT operated (P1.cx), flat 437 W; registered at the end
declare -a P
for i in 1 2 3 4 5 6 7; do P[$i]=$(free_port 127.0.83.$i); done

eval "$(python3 - <<'EOF'
import datetime, time
now = int(time.time())
day = now // 86400 * 86400
installed = day - 3 * 86400
iso = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
d = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%Y-%m-%d')
print(f"INSTALLED_ISO={iso(installed)} D={d(day - 86400)} D1={d(day)} D_EPOCH={day - 86400}")
EOF
)"
cat >"$WORK/fleet.yaml" <<EOF
meters:
  - { serial: "$S1", kind: single_b1w, host: 127.0.83.1, port: ${P[1]}, profile: flat, mean_power_w: 1000,
      installed_at: "$INSTALLED_ISO", csq: 21 }
  - { serial: "$S2", kind: twin_c1w, host: 127.0.83.2, port: ${P[2]}, dst: true, installed_at: "$INSTALLED_ISO", csq: 9 }
  - { serial: "$S3", kind: three_phase_ax, host: 127.0.83.3, port: ${P[3]}, installed_at: "$INSTALLED_ISO", csq: 30 }
  - { serial: "$S4", kind: single_b1w, host: 127.0.83.4, port: ${P[4]}, installed_at: "$INSTALLED_ISO" }
  - { serial: "$S5", kind: single_b1w, host: 127.0.83.5, port: ${P[5]}, installed_at: "$INSTALLED_ISO" }
  - { serial: "$S6", kind: single_ema1w, host: 127.0.83.6, port: ${P[6]}, installed_at: "$INSTALLED_ISO", csq: 5 }
  - { serial: "$S7", kind: three_phase_cx, host: 127.0.83.7, port: ${P[7]}, profile: flat, mean_power_w: 437,
      installed_at: "$INSTALLED_ISO" }
EOF
start_sim --fleet "$WORK/fleet.yaml" --fault "$S4=silent"

run db migrate; expect_status 0 "db migrate"

# The topology, in plain SQL (registry rows get their shadow by trigger).
sql "INSERT INTO flows.escos (code, name, region) VALUES ('wlce', 'Water Lilies', 'south_west'), ('other', 'Other', 'london');
   INSERT INTO flows.meter_registry (serial, ip_address, emop_port, mode, esco, daylight_savings_correction_enabled) VALUES
     ('$S1', '127.0.83.1', ${P[1]}, 'active',  (SELECT id FROM flows.escos WHERE code = 'wlce'), false),
     ('$S2', '127.0.83.2', ${P[2]}, 'active',  (SELECT id FROM flows.escos WHERE code = 'wlce'), true),
     ('$S3', '127.0.83.3', ${P[3]}, 'active',  (SELECT id FROM flows.escos WHERE code = 'wlce'), false),
     ('$S4', '127.0.83.4', ${P[4]}, 'active',  (SELECT id FROM flows.escos WHERE code = 'wlce'), false),
     ('$S5', '127.0.83.5', ${P[5]}, 'passive', (SELECT id FROM flows.escos WHERE code = 'wlce'), false),
     ('$S6', '127.0.83.6', ${P[6]}, 'active',  (SELECT id FROM flows.escos WHERE code = 'other'), false);
   INSERT INTO flows.meter_registers (meter_id, nature, element)
     SELECT id, 'power', e::flows.meter_register_element FROM flows.meter_registry,
       LATERAL unnest(CASE serial WHEN '$S1' THEN ARRAY['SINGLE'] WHEN '$S2' THEN ARRAY['A', 'B'] ELSE ARRAY['A'] END) e;" \
  || { echo "FATAL: topology insert failed"; exit 1; }

mid() { sql "SELECT id FROM flows.meter_registry WHERE serial = '$1'"; }
health() { sql "SELECT COALESCE(health::text, 'null') FROM flows.meter_shadows WHERE id = '$(mid "$1")'"; }
count() { sql "SELECT count(*) FROM $1"; }

# --- hourly sync -----------------------------------------------------------------
run sync --frequency hourly --timeout 1 --retries 1
expect_status 7 "hourly sync with a silent meter"
expect_line "sync hourly: 5 meters, 4 ok, 1 failed, $(count flows.meter_event_log) new events, in ${OUT##*, in }"
expect_err_contains "emop: $S4: "
if [[ $(printf '%s' "$ERR" | grep -c '') == 1 ]]; then pass; else fail "one stderr line per failed meter"; fi
for s in $S1 $S2 $S3 $S6; do
  if [[ $(health $s) == healthy ]]; then pass; else fail "$s should be healthy, is $(health $s)"; fi
done
if [[ $(health $S4) == unhealthy ]]; then pass; else fail "$S4 should be unhealthy"; fi
details=$(sql "SELECT health_details FROM flows.meter_shadows WHERE id = '$(mid $S4)'")
if [[ -n "$details" && "$details" != *$'\n'* ]]; then pass; else fail "$S4 health_details should be one line: '$details'"; fi
# The passive meter is never touched.
if [[ $(sql "SELECT health IS NULL AND csq IS NULL AND balance IS NULL FROM flows.meter_shadows WHERE id = '$(mid $S5)'") == t ]]; then pass
else fail "passive meter $S5 was synced"; fi
if [[ $(count "flows.meter_csq WHERE meter_id = '$(mid $S5)'") == 0 ]]; then pass; else fail "passive meter has csq rows"; fi
# The triggers fanned the shadows out: csq and balance history with the meters' values.
for s in $S1 $S2 $S3 $S6; do
  run csq "$s"; sim_csq=$(value_of csq)
  db_csq=$(sql "SELECT csq FROM flows.meter_csq WHERE meter_id = '$(mid $s)' ORDER BY timestamp DESC LIMIT 1")
  if [[ -n "$sim_csq" && "$sim_csq" == "$db_csq" ]]; then pass; else fail "$s: meter_csq $db_csq, meter says $sim_csq"; fi
  bal=$(sql "SELECT balance FROM flows.meter_prepay_balance WHERE meter_id = '$(mid $s)'")
  if [[ -n "$bal" && "$bal" == "$(sql "SELECT balance FROM flows.meter_shadows WHERE id = '$(mid $s)'")" ]]; then pass
  else fail "$s: meter_prepay_balance '$bal' does not match the shadow"; fi
done
if [[ $(count "flows.meter_csq WHERE meter_id = '$(mid $S4)'") == 0 ]]; then pass; else fail "failed meter got a csq row"; fi
if [[ $(count "flows.meter_health_history WHERE health = 'unhealthy'") == 1 ]]; then pass; else fail "health history"; fi
# Hourly does not read registers or tariffs (daily / 12hourly do).
if [[ $(sql "SELECT count(*) FROM flows.meter_shadows WHERE import_a IS NOT NULL OR tariffs_active IS NOT NULL") == 0 ]]; then pass
else fail "hourly sync wrote daily/12hourly columns"; fi
# Event log: the power-up event of each reachable meter, once.
events1=$(count flows.meter_event_log)
if (( events1 >= 4 )); then pass; else fail "expected the meters' events, got $events1"; fi
if [[ $(count "flows.meter_event_log WHERE event_type = 33 AND timestamp = '$INSTALLED_ISO'") == 4 ]]; then pass
else fail "power-up events at the installation instant (UTC)"; fi
run sync --frequency hourly --timeout 1 --retries 1 --json
expect_status 7 "second hourly sync"
if [[ $(json_get 'j["events_inserted"]') == 0 && $(count flows.meter_event_log) == "$events1" ]]; then pass
else fail "second run inserted events again"; fi
if (( $(json_get 'j["round_trips"]') <= 8 )); then pass; else fail "writes should be batched"; fi

# --- daily and 12-hourly --------------------------------------------------------------
run sync --frequency daily --timeout 1 --retries 1
expect_status 7 "daily sync"
row=$(sql "SELECT hardware || ' ' || firmware_version || ' ' || prepay_enabled FROM flows.meter_registry WHERE serial = '$S1'")
if [[ $row == "B1.w 3_03_2 true" ]]; then pass; else fail "registry of $S1: '$row'"; fi
row=$(sql "SELECT hardware FROM flows.meter_registry WHERE serial = '$S3'")
if [[ $row == "P1.ax" ]]; then pass; else fail "registry of $S3: '$row'"; fi
if [[ $(sql "SELECT hardware IS NULL FROM flows.meter_registry WHERE serial = '$S5'") == t ]]; then pass; else fail "passive registry touched"; fi
if [[ $(count "flows.register_import i JOIN flows.meter_registers r USING (register_id) WHERE r.meter_id = '$(mid $S2)'") == 2 ]]; then pass
else fail "twin meter: one import read per element"; fi
run sync --frequency 12hourly --timeout 1 --retries 1
expect_status 7 "12hourly sync"
tj=$(sql "SELECT tariffs_active::text FROM flows.meter_shadows WHERE id = '$(mid $S1)'")
if [[ $tj == '{"block_rate": 0, "threshold_mask": {"rate1": false, "rate2": false, "rate3": false, "rate4": false, "rate5": false, "rate6": false, "rate7": false, "rate8": false}, "standing_charge": "0.5", "threshold_values": {"th1": 0, "th2": 0, "th3": 0, "th4": 0, "th5": 0, "th6": 0, "th7": 0}, "element_b_tou_rate": 0, "unit_rate_element_a": "0.25", "unit_rate_element_b": "0.25", "prepayment_emergency_credit": "15.0", "prepayment_debt_recovery_rate": "0.3", "prepayment_ecredit_availability": "10.0"}' ]]; then pass
else fail "tariffs_active JSON: $tj"; fi
if [[ $(sql "SELECT abs(clock_time_diff_seconds) <= 2 AND clock_time_diff_synced_at > now() - interval '1 minute' FROM flows.meter_shadows WHERE id = '$(mid $S2)'") == t ]]; then pass
else fail "clock difference"; fi
run sync --frequency hourly --esco other --timeout 1 --retries 1
expect_status 0 "--esco other: the one reachable meter"
expect_line "sync hourly: 1 meter, 1 ok, 0 failed, 0 new events, in ${OUT##*, in }"
# An ESCO code that is not in flows.escos: a usage error before any meter, not "0 meters".
for cmd in "sync --frequency hourly" "sync intervals --from 2024-01-01 --to 2024-01-02" "push tokens" "push clock"; do
  # shellcheck disable=SC2086
  run $cmd --esco typo --timeout 1 --retries 1
  expect_status 2 "$cmd --esco typo"
  expect_one_line_error
  expect_err_contains "emop: unknown ESCO 'typo' (no such code in flows.escos)"
  expect_stdout ""
done
# A near miss is named with the code it was probably meant to be.
run sync --frequency hourly --esco wcle --timeout 1 --retries 1
expect_status 2 "--esco wcle"
expect_err_contains "emop: unknown ESCO 'wcle' (no such code in flows.escos; did you mean wlce?)"
run sync --serials "$S4" --timeout 1 --retries 1
expect_status 4 "all failed, unreachable"

# --- intervals --------------------------------------------------------------------
run sync intervals --from "$D" --to "$D1" --timeout 1 --retries 1 --json
expect_status 7 "intervals with the silent meter"
rows1=$(count flows.register_interval_hh)
sum1=$(sql "SELECT md5(string_agg(register_id || ' ' || timestamp || ' ' || kwh, ',' ORDER BY register_id, timestamp)) FROM flows.register_interval_hh")
if [[ $rows1 == $((48 * 5)) ]]; then pass; else fail "expected 240 half hours (5 registers), got $rows1"; fi
flat=$(sql "SELECT count(*) || ' ' || min(kwh) || ' ' || max(kwh) || ' ' || min(timestamp) FROM flows.register_interval_hh i
            JOIN flows.meter_registers r USING (register_id) WHERE r.meter_id = '$(mid $S1)'")
if [[ $flat == "48 0.500 0.500 $(sql "SELECT '$D'::date::timestamp AT TIME ZONE 'UTC'")" ]]; then pass; else fail "flat meter: $flat"; fi
if [[ $(json_get '[(m["serial"], m["missing_count"]) for m in j["missing"]]') == "[('$S4', 48)]" ]]; then pass
else fail "missing report should list the silent meter's 48 half hours"; fi
# The twin (DST) meter: the day's kWh is the difference of its cumulative reads at the day's ends.
stamp() { python3 -c "import datetime,zoneinfo; print(datetime.datetime.fromtimestamp($1, zoneinfo.ZoneInfo('Europe/London')).strftime('%Y-%m-%dT%H:%M:%S'))"; }
run profile_log_1 "$S2" --timestamp "$(stamp "$D_EPOCH")"; a0=$(sed -n 2p <<<"$OUT"); 
run profile_log_1 "$S2" --timestamp "$(stamp $((D_EPOCH + 86400)))"; a1=$(sed -n 2p <<<"$OUT")
for el in A B; do
  col=$([[ $el == A ]] && echo 3 || echo 4)
  want=$(python3 -c "from decimal import Decimal as D; print((D('$(cut -d, -f$col <<<"$a1")') - D('$(cut -d, -f$col <<<"$a0")')) / 1000)")
  got=$(sql "SELECT sum(kwh) FROM flows.register_interval_hh i JOIN flows.meter_registers r USING (register_id)
             WHERE r.meter_id = '$(mid $S2)' AND r.element = '$el'")
  if python3 -c "from decimal import Decimal as D; import sys; sys.exit(0 if D('$want') == D('$got') else 1)"; then pass
  else fail "twin element $el: sum $got kWh, meter reads give $want"; fi
done
run sync intervals --from "$D" --to "$D1" --timeout 1 --retries 1 --json
expect_status 7 "intervals re-run"
sum2=$(sql "SELECT md5(string_agg(register_id || ' ' || timestamp || ' ' || kwh, ',' ORDER BY register_id, timestamp)) FROM flows.register_interval_hh")
if [[ $(count flows.register_interval_hh) == "$rows1" && $sum2 == "$sum1" && $(json_get 'j["rows_written"]') == 0 ]]; then pass
else fail "re-run changed register_interval_hh"; fi

# --- a range in the future: refused when it starts there, clipped to now when it ends there
D2=$(date -u -d "$D1 + 1 day" +%F) D3=$(date -u -d "$D1 + 2 days" +%F)
rows_before=$(count flows.register_interval_hh)
run sync intervals --from "$D2" --to "$D3" --timeout 1 --retries 1
expect_status 2 "intervals starting tomorrow"
expect_one_line_error
if [[ $ERR =~ ^emop:\ --from\ $D2\ --to\ $D3\ starts\ in\ the\ future\ \(now\ [0-9T:-]+Z\) ]]; then pass
else fail "the refusal names the range and now"; fi
[[ $(count flows.register_interval_hh) == "$rows_before" ]] && pass || fail "a refused range wrote half hours"
run sync --serials "$S1" intervals --from "$D1" --to "$D2" --timeout 2 --retries 2 --json
if [[ $RC == 2 && $ERR == *"no half hour of it has ended yet"* ]]; then pass   # run in the first half hour of the UTC day
else
  expect_status 0 "intervals of today and tomorrow, clipped to now"
  clipped=$(json_get 'j["to"]')
  if [[ $(printf '%s' "$ERR" | grep -c '') == 1 && $ERR == "emop: warning: --to $D2 is in the future; reading up to $clipped, the last half hour that has ended (now "*")" ]]; then pass
  else fail "one warning line naming the clipped end"; fi
  ended=$(( ($(date -u -d "$clipped" +%s) - $(date -u -d "$D1" +%s)) / 1800 ))
  [[ $clipped =~ ^${D1}T[0-9]{2}:(00|30):00Z$ ]] && pass || fail "clipped end $clipped is not a half hour of $D1"
  [[ $(json_get 'j["missing"]') == "[]" ]] && pass || fail "half hours not yet ended reported missing"
  today=$(sql "SELECT count(*) FROM flows.register_interval_hh i JOIN flows.meter_registers r USING (register_id)
               WHERE r.meter_id = '$(mid $S1)' AND i.timestamp >= '$D1'::date::timestamp AT TIME ZONE 'UTC'")
  [[ $today == "$ended" ]] && pass || fail "today's half hours of $S1: $today, expected the $ended ended ones"
fi

# --- the daily rollup (0009) ---------------------------------------------------------
# Kept by the triggers through both ingests; rebuilt by emop db rebuild-rollup
# after it was emptied behind the triggers' back.
drift() {
  sql "WITH fresh AS (SELECT register_id, (\"timestamp\" AT TIME ZONE 'Europe/London')::date AS day,
         sum(kwh) AS kwh, count(*)::int AS half_hours FROM flows.register_interval_hh GROUP BY 1, 2)
       SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM flows.register_interval_daily)
         UNION ALL (SELECT * FROM flows.register_interval_daily EXCEPT SELECT * FROM fresh)) x"
}
days=$(sql "SELECT count(DISTINCT (register_id, (\"timestamp\" AT TIME ZONE 'Europe/London')::date)) FROM flows.register_interval_hh")
if [[ $(drift) == 0 && $days -gt 0 && $(count flows.register_interval_daily) == "$days" ]]; then pass
else fail "register_interval_daily does not match the ingested half hours ($days register-days)"; fi
sql "DELETE FROM flows.register_interval_daily" >/dev/null
run db rebuild-rollup --json
expect_status 0 "db rebuild-rollup"
if [[ $(json_get 'j["register_days"]') == "$days" && $(drift) == 0 ]]; then pass
else fail "db rebuild-rollup: $OUT (expected $days register-days, drift $(drift))"; fi
# Only the schema's owner may rebuild: a reader gets a one-line error, exit 6.
ROLLUP_ROLE="test_rollup_$$_$RANDOM"
test_cleanup() { psql "$ADMIN_URL" -X -qAt -c "DROP ROLE IF EXISTS \"$ROLLUP_ROLE\"" >/dev/null 2>&1; }
sql "CREATE ROLE \"$ROLLUP_ROLE\" LOGIN IN ROLE grafanareader" >/dev/null
owner_url=$FLOWS_DATABASE_URL
export FLOWS_DATABASE_URL="$DB_URL user=$ROLLUP_ROLE"
run db rebuild-rollup
export FLOWS_DATABASE_URL=$owner_url
expect_status 6 "db rebuild-rollup as a reader"
expect_one_line_error
expect_err_contains "needs the owner of the flows schema"
if [[ $(drift) == 0 && $(count flows.register_interval_daily) == "$days" ]]; then pass
else fail "a refused rebuild changed register_interval_daily"; fi

# --- a sync killed mid-run writes nothing -----------------------------------------
ctl fault "$S6" latency:2000 >/dev/null
state() { sql "SELECT md5(string_agg(s::text, ',' ORDER BY id)) FROM flows.meter_shadows s" ; sql "SELECT count(*) FROM flows.meter_csq"; sql "SELECT count(*) FROM flows.meter_health_history"; }
before=$(state)
sleep 1.1  # a new second: a write by the killed run could not hide behind an equal updated_at
"$EMOP" sync --frequency hourly --timeout 5 --retries 1 >/dev/null 2>&1 &
KPID=$!
sleep 1
kill -9 $KPID; wait $KPID 2>/dev/null
if [[ "$(state)" == "$before" ]]; then pass; else fail "the killed sync wrote to the database"; fi
sleep 3  # the simulator answers the dead connection first (one conversation per meter)
run sync --frequency hourly --timeout 5 --retries 1
expect_status 7 "re-run after the kill"
if [[ $(health $S6) == healthy && "$(state)" != "$before" ]]; then pass; else fail "re-run did not complete"; fi

# --- two syncs at once: the second is refused before it contacts a meter ------------
# (S6 answers 2 s late, so the first is still running.) Before the lock, the second
# run's reads failed on meters busy with the first, and it recorded them unhealthy.
"$EMOP" sync --frequency hourly --timeout 5 --retries 1 >/dev/null 2>&1 &
FIRST=$!
sleep 0.5
before=$(state)
run sync --frequency hourly --timeout 5 --retries 1
expect_status 6 "a second sync while one runs"
expect_err_contains "another \`emop sync\` or \`sync intervals\` is running against this database"
run sync intervals --from "$D" --to "$D1" --timeout 2 --retries 1
expect_status 6 "sync intervals while a sync runs"
if [[ "$(state)" == "$before" ]]; then pass; else fail "a refused sync wrote to the database"; fi
wait $FIRST; RC=$?
expect_eq "the first sync completed (7: S4 is silent)" "$RC" 7
run sync --frequency hourly --timeout 5 --retries 1
expect_status 7 "a sync after the first ended takes the lock"
ctl clear "$S6" >/dev/null


# --- a CT-operated three-phase meter counts 0.1 Wh ----------------------------------
# Sync stores whole Wh (raw / 10, not the raw count); ingest keeps the tenth: 437 W
# for half an hour is 218.5 Wh, 0.2185 kWh (read as Wh it would be 2.185 kWh).
sql "INSERT INTO flows.meter_registry (serial, ip_address, emop_port, mode, esco, daylight_savings_correction_enabled)
       VALUES ('$S7', '127.0.83.7', ${P[7]}, 'active', (SELECT id FROM flows.escos WHERE code = 'wlce'), false);
     INSERT INTO flows.meter_registers (meter_id, nature, element)
       SELECT id, 'power', 'A' FROM flows.meter_registry WHERE serial = '$S7';" >/dev/null
run obis_read "$S7" three_phase_total_active_import; expect_status 0
RAW0=$(( 16#$(value_of obis_read | sed -E 's/(..)(..)(..)(..)/\4\3\2\1/') ))
run sync --frequency daily --serials "$S7" --timeout 2 --retries 2
expect_status 0 "daily sync of the CT meter"
run obis_read "$S7" three_phase_total_active_import; expect_status 0
RAW1=$(( 16#$(value_of obis_read | sed -E 's/(..)(..)(..)(..)/\4\3\2\1/') ))
imp=$(sql "SELECT import_a FROM flows.meter_shadows WHERE id = '$(mid $S7)'")
if [[ $(sql "SELECT hardware FROM flows.meter_registry WHERE serial = '$S7'") == P1.cx ]]; then pass; else fail "CT meter registry hardware"; fi
if (( RAW0 / 10 <= imp && imp <= RAW1 / 10 && imp > 1000 )); then pass
else fail "CT meter shadow import_a $imp Wh should be the raw count / 10 ($RAW0..$RAW1 raw)"; fi
run sync --serials "$S7" intervals --from "$D" --to "$D1" --timeout 2 --retries 2
expect_status 0 "intervals of the CT meter"
cx=$(sql "SELECT count(*) || ' ' || min(kwh) || ' ' || max(kwh) || ' ' || sum(kwh) FROM flows.register_interval_hh i
          JOIN flows.meter_registers r USING (register_id) WHERE r.meter_id = '$(mid $S7)'")
if [[ $cx == "48 0.2185 0.2185 10.4880" ]]; then pass; else fail "CT meter half hours (count min max sum): $cx"; fi

finish
