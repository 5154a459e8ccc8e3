#!/usr/bin/env bash
# The main job: builds the toolkit, starts a small simulated community of meters on
# loopback, talks to it with emop as an engineer would, ingests last month's half
# hours into a throwaway PostgreSQL and bills the month.
#   scripts/demo.sh          everything it starts, it stops
#   scripts/demo.sh --keep   leaves the community's simulator and the database
#                            running, and prints how to use and stop them
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
keep=0
case "${1:-}" in
  --keep) keep=1 ;;
  "") ;;
  *) echo "demo.sh: unknown argument '$1' (usage: scripts/demo.sh [--keep])" >&2; exit 2 ;;
esac
[ -x build/apps/emop/emop ] || echo "demo: building the toolkit first (about 7 minutes on 2 cores the first time)" >&2
scripts/build.sh
emop=$root/build/apps/emop/emop
sim=$root/build/apps/emlite-sim/emlite-sim
bill=$root/build/apps/flows-bill/flows-bill
out=${FLOWS_DEMO_OUT:-$root/demo-output}  # the statements stay here after the demo

work=$(mktemp -d /tmp/flows-demo.XXXXXX)
started=$(date +%s)
chmod 755 "$work"  # the throwaway PostgreSQL runs as the unprivileged flows-pg user
sim_pid=
sim2_pid=
gw_pid=
smtp_pid=
mediators=$root/build/apps/mediators/mediators
cleanup() {
  if [ -n "$gw_pid" ] && ! { [ "$keep" = 1 ] && [ "${demo_done:-0}" = 1 ]; }; then kill "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null; fi
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  [ -n "$smtp_pid" ] && kill "$smtp_pid" 2>/dev/null && wait "$smtp_pid" 2>/dev/null
  if [ "$keep" = 1 ] && [ "${demo_done:-0}" = 1 ]; then return; fi
  [ -n "$sim2_pid" ] && kill "$sim2_pid" 2>/dev/null && wait "$sim2_pid" 2>/dev/null
  "$root/scripts/pg-local.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ emop %s\n' "$*"; "$emop" "$@"; }
show_bill() { printf '$ flows-bill %s\n' "$*"; "$bill" "$@"; }

step "The EMOP codec: build the request that reads a meter's serial, and decode it"
req=$("$emop" frame encode --object serial)
show frame encode --object serial
show frame decode "$req"

step "Start a simulated community: 12 meters on loopback (consecutive ports)"
control_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$sim" serve --meters 12 --seed 2026 --base-port 18080 --host 127.0.0.1 \
  --control "127.0.0.1:$control_port" --fleet-out "$work/fleet.yaml" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 1 100); do [ -f "$work/fleet.yaml" ] && break; sleep 0.1; done
[ -f "$work/fleet.yaml" ] || { cat "$work/sim.log" >&2; echo "demo: emlite-sim did not start" >&2; exit 1; }
export EMOP_INVENTORY=$work/fleet.yaml
sed -n 's/.*serial: "\([^"]*\)".*/\1/p' "$work/fleet.yaml" >"$work/serials.txt"
first=$(head -n 1 "$work/serials.txt")
echo "fleet: $(wc -l <"$work/serials.txt") meters, inventory $EMOP_INVENTORY"

step "Signal and balance of the whole community, concurrently"
show csq --serials-file "$work/serials.txt"
show prepay_balance --serials-file "$work/serials.txt"

step "One meter in detail"
show hardware "$first"
show read "$first"
show tariffs_active_read "$first"

step "A top-up: mint a token the simulator accepts, send it, send it again"
token=$("$sim" token --amount 10.00 --nonce "$RANDOM")
show prepay_send_token "$first" "$token"
set +e
show prepay_send_token "$first" "$token"
echo "exit status: $? (the meter refuses a token it has seen)"
set -e

step "A future tariff, activated by moving simulated time forward"
clock=$("$emop" clock_time_read "$first" | cut -d= -f2)
activation=$(python3 -c "import datetime,sys; t=datetime.datetime.fromisoformat(sys.argv[1]); print((t+datetime.timedelta(hours=1)).replace(minute=0,second=0).isoformat())" "$clock")
show tariffs_future_write "$first" --from-ts "$activation" --unit-rate 0.2798 --standing-charge 0.6556
"$sim" ctl "127.0.0.1:$control_port" advance 7200 >/dev/null
show tariffs_active_read "$first"

step "The Flows database: a throwaway PostgreSQL 15, migrated"
eval "$(FLOWS_PG_PORT=55432 "$root/scripts/pg-local.sh" start "$work/pg")"
export FLOWS_DATABASE_URL
show db migrate

step "A community in the database: 8 simulated meters (one loopback address each), topology imported"
db_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$sim" serve --meters 8 --seed 7 --port "$db_port" --fleet-out "$work/community.yaml" \
  --topology-out "$work/topology.yaml" 2>"$work/sim2.log" &
sim2_pid=$!
for _ in $(seq 1 100); do [ -f "$work/topology.yaml" ] && [ -f "$work/community.yaml" ] && break; sleep 0.1; done
unset EMOP_INVENTORY  # from here on, emop finds meters through meter_registry
show db import "$work/topology.yaml"

step "A gateway in front of the community: mediators serve, its meters from the database"
# As deployed: no engineer or job talks to a meter directly; everything below goes
# through the gateway (MEDIATOR_SERVER), which keeps one conversation per meter.
"$mediators" serve --listen 127.0.0.1:0 --port-file "$work/gw.port" --name demo 2>"$work/gateway.log" &
gw_pid=$!
for _ in $(seq 1 100); do [ -s "$work/gw.port" ] && break; sleep 0.1; done
[ -s "$work/gw.port" ] || { cat "$work/gateway.log" >&2; echo "demo: the gateway did not start" >&2; exit 1; }
export MEDIATOR_SERVER="127.0.0.1:$(cat "$work/gw.port")"
head -n 1 "$work/gateway.log"
first_db=$(sed -n 's/.*serial: "\([^"]*\)".*/\1/p' "$work/community.yaml" | head -n 1)
show read "$first_db"

step "What cron runs: an hourly and a daily sync, then the half hours since the start of last month"
show sync --frequency hourly
show sync --frequency daily
month=$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%Y-%m)   # last month, whole
today=$(date -u +%F)
show sync intervals --from "$month-01" --to "$today"
show list
echo "the gateway's log: $(grep -c ' call ' "$work/gateway.log") calls, e.g.:"
grep ' call ' "$work/gateway.log" | tail -n 2

step "What landed"
psql -X -q -c "SELECT r.serial, s.health, s.csq, s.balance, s.voltage FROM flows.meter_shadows s JOIN flows.meter_registry r ON r.id = s.id ORDER BY r.serial"
psql -X -q -c "SELECT count(*) AS half_hours, round(sum(kwh), 3) AS kwh FROM flows.register_interval_hh"

step "The community's customers, as an operator adds them"
# A property per supply meter, then a customer file (the simulator's topology has
# no customers); the first property changes hands on the 15th of last month.
"$emop" list --esco demo --json | python3 -c '
import json, sys
for m in json.load(sys.stdin):
    print(m["serial"] + "\t" + (m["name"] or m["serial"]))' >"$work/meters.tsv"
echo "email,name,esco,plot,status" >"$work/customers.csv"
while IFS=$'\t' read -r serial plot; do
  "$bill" properties add --esco demo --plot "$plot" --supply-meter "$serial" >/dev/null
  email="$(tr 'A-Z ' 'a-z-' <<<"$plot")@demo.example"
  echo "$email,Occupier of $plot,demo,$plot,live" >>"$work/customers.csv"
done <"$work/meters.tsv"
first_plot=$(head -n 1 "$work/meters.tsv" | cut -f 2)
first_email=$(sed -n 2p "$work/customers.csv" | cut -d, -f 1)
show_bill properties list --esco demo
show_bill customers import "$work/customers.csv"
show_bill customers move-out "$first_email" --date "$month-15"
show_bill customers add --email newcomer@demo.example --name "A Newcomer" --esco demo --plot "$first_plot" \
  --move-in "$month-15" --status live
show_bill customers list --esco demo

show_bill solar tariff --esco demo --period-start "$month-01" --pence-per-year 3650
show_bill solar add --esco demo --plot "$first_plot" --capacity-kw 4.0

step "Money in: last month's bank statement, reconciled (imported twice: nothing twice)"
second_account=$("$bill" customers list --esco demo --json | python3 -c '
import json, sys
print([r["holding"]["account_number"] for r in json.load(sys.stdin) if r["holding"]][1])')
cat >"$work/bank.csv" <<EOF
date,amount,reference,payer,payer_reference,description,status
$month-05,25.00,DEMO-0001,A CUSTOMER,FLOWS-$second_account,,succeeded
$month-09,12.50,DEMO-0002,A NEWCOMER,newcomer@demo.example,energy,succeeded
$month-12,10.00,DEMO-0003,SOMEONE ELSE,,gift?,succeeded
EOF
show_bill payments import "$work/bank.csv" --source demo-bank
show_bill payments import "$work/bank.csv" --source demo-bank
show_bill payments unmatched

step "Billing: last month ($month) for the community's customers"
show_bill tariffs benchmark add --region london --period-start "$month-01" --unit-rate 0.2450 --standing-charge 0.6075
show_bill tariffs quarter --start "$month-01"
show_bill customers discount newcomer@demo.example --discount 30 --period-start "$month-01"
rm -rf "$out"
show_bill run --month "$month" --out "$out"
show_bill statements --month "$month" --format csv --out "$out" >/dev/null
psql -X -q -c "SELECT c.email, m.days, round(m.power_kwh, 3) AS kwh, round(m.total, 2) AS total,
  round(m.benchmark_total, 2) AS benchmark FROM public.monthly_costs m JOIN public.customers c ON c.id = m.customer
  ORDER BY c.email"
echo "statements: $out/index-$month.html (open it in a browser), $out/statements-$month.csv"

step "Credit onto meters: solar credits paid out, topups for payments and for wallets below their minimum"
export FLOWS_TOKEN_COMMAND="$sim token --amount {amount} --nonce {nonce}"  # the simulated vendor's tokens
show_bill solar-credits apply
show_bill topups from-payments
show_bill wallets set newcomer@demo.example --auto-topup on --timing weekly --minimum-pence 5000 --target-pence 6000
show_bill topups due
show_bill topups due   # the same shortfall never twice
show_bill topups tokens
show push tokens
show_bill topups list

step "The tariffs on the meters against the database's (what a push would fix)"
show sync --frequency 12hourly   # the meters' tariffs into meter_shadows
show_bill tariffs check --esco demo | head -n 6 || true
echo "(exit 9: meters differ; emop push tariffs --esco demo --only-differing would contact only those)"

step "Statements delivered: by email to a local SMTP server on loopback (python3-aiosmtpd)"
rm -rf "$out/mail"
/usr/bin/python3 "$root/tests/db/smtp_sink.py" --dir "$out/mail" --port-file "$work/mail.port" 2>"$work/smtp.log" &
smtp_pid=$!
for _ in $(seq 1 100); do [ -s "$work/mail.port" ] && break; sleep 0.1; done
[ -s "$work/mail.port" ] || { cat "$work/smtp.log" >&2; echo "demo: the SMTP server did not start" >&2; exit 1; }
export FLOWS_SMTP_URL="smtp://127.0.0.1:$(cat "$work/mail.port")" FLOWS_SMTP_FROM="Demo ESCO <billing@demo.example>"
show_bill statements send --month "$month"
show_bill statements send --month "$month"   # a re-run sends none
echo "the messages as received: $out/mail/ ($(ls "$out/mail" | wc -l) files)"

demo_done=1
step "Recap ($(( $(date +%s) - started )) s)"
cat <<EOF
Ran: the codec, 12 simulated meters read and written (a token, a future tariff),
a throwaway PostgreSQL migrated, a community of 8 meters imported, a gateway in
front of them (mediators serve, $MEDIATOR_SERVER), synced through it hourly and daily, $(psql -X -qAt -c "SELECT count(*) FROM flows.register_interval_hh") half hours ingested, $month billed.
Statements: $out (index-$month.html, statements-$month.csv), and as emailed: $out/mail/.
EOF
if [ "$keep" = 1 ]; then
  cat <<EOF
Still running (--keep): the community's simulator (pid $sim2_pid), the gateway (pid $gw_pid) and the database.
To use them from another shell:
  export FLOWS_DATABASE_URL='$FLOWS_DATABASE_URL' MEDIATOR_SERVER=$MEDIATOR_SERVER PATH="$root/build/apps/emop:$root/build/apps/flows-bill:\$PATH"
  emop list; emop info $first_db; emop read $first_db; flows-bill statements --month $month
To stop them: kill $sim2_pid $gw_pid; $root/scripts/pg-local.sh stop $work/pg; rm -rf $work
EOF
else
  echo "Next: scripts/demo.sh --keep leaves the simulator and database running to explore; man emop, man flows-bill."
fi
