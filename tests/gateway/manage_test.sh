#!/usr/bin/env bash
# mediators start/stop/restart/status/list/logs for gateways defined in
# mediators.toml: supervised in the background, restarted after kill -9, stopped
# cleanly with a call in flight. Addresses: 127.0.82.x (meters), 127.0.0.1 (gateways).
#   manage_test.sh EMOP EMLITE_SIM MEDIATORS
MEDIATORS_BIN=${3:?usage: $0 EMOP EMLITE_SIM MEDIATORS}
source "$(dirname "$0")/../integration/lib.sh"
cp "$MEDIATORS_BIN" "$WORK/bin/mediators"
MED="$WORK/bin/mediators"
export MEDIATORS_STATE_DIR="$WORK/state"
trap '"$MED" stop lab >/dev/null 2>&1; pkill -9 -f "$WORK/bin/mediators" 2>/dev/null; cleanup' EXIT

N1=EML8200000001
P1=$(free_port 127.0.82.1)
printf 'meters:\n  - { serial: "%s", kind: single_b1w, host: "127.0.82.1", port: %s }\n' "$N1" "$P1" >"$WORK/fleet.yaml"
start_sim --fleet "$WORK/fleet.yaml" --latency 1500
GW_PORT=$(free_port 127.0.0.1)
mkdir -p "$XDG_CONFIG_HOME/flows"
cat >"$XDG_CONFIG_HOME/flows/mediators.toml" <<TOML
[gateways.lab]
inventory = "$INVENTORY"
listen = "127.0.0.1:$GW_PORT"
grace_seconds = 10

[gateways.other]
esco = "elsewhere"
listen = "127.0.0.1:1"
TOML
med() { LAST_CMD="mediators $*"; timeout 60 "$MED" "$@" >"$WORK/out" 2>"$WORK/err"; RC=$?; OUT=$(cat "$WORK/out"); ERR=$(cat "$WORK/err"); }
supervisor() { cat "$MEDIATORS_STATE_DIR/lab.pid" 2>/dev/null; }
serving() { pgrep -f "$WORK/bin/mediators serve --name lab" | head -n 1; }

med start lab; expect_status 0 "start"
expect_match() { [[ "$2" =~ $3 ]] && pass || fail "$1: '$2' does not match /$3/"; }
expect_match "start says where" "$OUT" "^started gateway lab \\(supervisor pid [0-9]+\\) on 127.0.0.1:$GW_PORT"
run --mediator "127.0.0.1:$GW_PORT" csq "$N1"; expect_status 0 "a call through the started gateway"
med start lab; expect_status 0 "a second start"; expect_stdout "gateway lab is already running (pid $(supervisor))"
med status lab --json; expect_status 0 "status of a running gateway"
check_py "status: reachable, one meter, the supervisor's pid" "$(json_get "j['reachable'] and j['meters_served'] == 1 and j['pid'] == $(supervisor)")"
med list --json; expect_status 0
check_py "list: lab reachable, other not" "$(json_get "[(r['name'], r['reachable']) for r in j] == [('lab', True), ('other', False)]")"
med list --esco elsewhere --json
check_py "list --esco" "$(json_get "[r['name'] for r in j] == ['other']")"
med status other; expect_status 4 "status of a gateway that is not running"
med status nosuch; expect_status 2 "an undefined gateway"; expect_err_contains "no gateway 'nosuch'"

# kill -9 of the gateway: the supervisor starts it again.
first=$(serving)
kill -9 "$first"
for _ in $(seq 1 60); do s=$(serving); [[ -n "$s" && "$s" != "$first" ]] && break; sleep 0.1; done
[[ -n "$(serving)" && "$(serving)" != "$first" ]] && pass || fail "the gateway was not restarted after kill -9"
for _ in $(seq 1 50); do run --mediator "127.0.0.1:$GW_PORT" csq "$N1"; [[ $RC == 0 ]] && break; sleep 0.2; done
expect_status 0 "a call through the restarted gateway"
grep -q "killed by signal 9; restarting in 1 s" "$MEDIATORS_STATE_DIR/lab.log" && pass || fail "the log says why it restarted"
med logs lab -n 5; expect_status 0
grep -q "restarting in 1 s" <<<"$OUT" && pass || fail "logs shows the restart"

# stop with a call in flight: the call finishes (1.5 s latency), then the gateway is gone.
( timeout 30 "$EMOP" --mediator "127.0.0.1:$GW_PORT" csq "$N1" >"$WORK/inflight.out" 2>&1; echo $? >"$WORK/inflight.rc" ) &
inflight=$!
sleep 0.5
med stop lab; expect_status 0 "stop"; expect_stdout "stopped gateway lab"
wait "$inflight"
[[ "$(cat "$WORK/inflight.rc")" == 0 ]] && pass || fail "the call in flight at stop: $(cat "$WORK/inflight.out")"
[[ -z "$(serving)" && ! -f "$MEDIATORS_STATE_DIR/lab.pid" ]] && pass || fail "after stop, nothing runs and the pid file is gone"
med stop lab; expect_status 0; expect_stdout "gateway lab is not running"

# A definition that cannot work: start says so, nothing keeps running.
cat >>"$XDG_CONFIG_HOME/flows/mediators.toml" <<TOML

[gateways.broken]
inventory = "$WORK/nosuch.yaml"
listen = "127.0.0.1:$(free_port 127.0.0.1)"
TOML
med start broken; expect_status 3 "a gateway whose inventory is missing"; expect_err_contains "did not start"
[[ ! -f "$MEDIATORS_STATE_DIR/broken.pid" ]] && pass || fail "no pid file left for the broken gateway"
printf '[gateways.bad]\nlisen = "x"\n' >"$WORK/bad.toml"
med list --gateways "$WORK/bad.toml"; expect_status 3 "a mistyped key"; expect_err_contains "unknown key 'lisen'"
python3 -c "print('[gateways.a]\nx = ' + '[' * 50000 + ']' * 50000)" >"$WORK/deep.toml"
med list --gateways "$WORK/deep.toml"; expect_status 3 "a definition file nested 50,000 deep"; expect_err_contains "nested more than 64 deep"
med restart lab; expect_status 0 "restart of a stopped gateway starts it"
med stop lab; expect_status 0
finish
