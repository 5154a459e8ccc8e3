#!/usr/bin/env bash
# A statement as a customer sees it, in a real browser (Debian's chromium,
# headless): flows-bill bills November 2026 for a home whose meter reported only
# from the 21st, writes the HTML statement, and chromium renders it at 390 px (a
# phone) and 1280 px. Checked: screenshots of the requested width; in the DOM the
# viewport meta, the title with the month's name, the ESCO's name, the total, the
# chart with 20 no-data markers and the coverage note; and, measured by the
# browser itself on a probe copy of the page (the statement itself has no
# script), that nothing is wider than the phone's screen, the chart is as wide as
# the text and its labels are of a readable size.
#   statement_browser_test.sh FLOWS_BILL EMOP   (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
BILL_BIN=${1:?usage: $0 FLOWS_BILL EMOP}
EMOP_BIN=${2:?usage: $0 FLOWS_BILL EMOP}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" BILL="$BILL_BIN" EMOP="$EMOP_BIN"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$CHROMIUM" ]] || { echo "FATAL: chromium is not installed (scripts/install-deps.sh installs it)"; exit 1; }

"$EMOP" db migrate >/dev/null || { echo "FATAL: emop db migrate failed"; exit 1; }

# ESCO north (london) "Northfield Energy"; one live customer on plot N1, whose
# meter's power register has 0.5 kWh every half hour from 21 November 00:00
# (GMT: UK days are UTC days) and nothing before: 10 days x 48 x 0.5 = 240 kWh.
sql "
INSERT INTO flows.escos (code, name, region, app_url)
  VALUES ('north', 'Northfield Energy', 'london', 'https://northfield.example/help');
INSERT INTO flows.meter_registry (serial, esco, mode, ip_address)
  SELECT 'MN', id, 'active', '127.0.93.1'::inet FROM flows.escos WHERE code = 'north';
INSERT INTO flows.meter_registers (meter_id, nature, element, start_time)
  SELECT id, 'power', 'SINGLE', '2026-01-01Z' FROM flows.meter_registry WHERE serial = 'MN';
INSERT INTO flows.circuits (name, type) VALUES ('N power', 'power');
INSERT INTO flows.circuit_register (circuit, register, start_time)
  SELECT c.id, r.register_id, '2026-01-01Z' FROM flows.circuits c, flows.meter_registers r WHERE c.name = 'N power';
INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh)
  SELECT register_id, t, 0.5 FROM flows.meter_registers
  CROSS JOIN generate_series('2026-11-21T00:00Z'::timestamptz, '2026-11-30T23:30Z', '30 minutes') t;
INSERT INTO public.properties (plot, esco, supply_meter) SELECT 'N1', esco, id FROM flows.meter_registry;
INSERT INTO public.customers (fullname, email, status) VALUES ('Nia N', 'nia@north.example', 'live');
INSERT INTO public.accounts (property, type, status) SELECT id, 'supply', 'open' FROM public.properties;
INSERT INTO public.customer_accounts (customer, account, role)
  SELECT c.id, a.id, 'occupier' FROM public.customers c, public.accounts a;
" >/dev/null || { echo "FATAL: seeding failed"; exit 1; }
"$BILL" tariffs benchmark add --region london --period-start 2026-10-01 --unit-rate 0.2450 --standing-charge 0.60 \
  >/dev/null 2>&1 || { echo "FATAL: benchmark add failed"; exit 1; }
"$BILL" tariffs quarter --start 2026-10-01 >/dev/null 2>&1 || { echo "FATAL: tariffs quarter failed"; exit 1; }
OUT=$("$BILL" run --month 2026-11 --as-of 2026-12-15 --out "$WORK/st" 2>&1); expect_eq "run exit" "$?" 0

# 0.245 x 0.75 = 0.18375 per kWh, 0.45 a day: 240 x 0.18375 = 44.10; 30 x 0.45 = 13.50; 57.60.
ST=$(sql "SELECT statement::text FROM public.monthly_statements")
expect_eq "stored statement: 20 days without data (null), then 24 kWh a day, total as a decimal string" \
  "$(python3 -c 'import json,sys; d = json.loads(sys.argv[1]); k = [x["kwh"] for x in d["daily"]]
print(len(k), k[:20] == [None] * 20, k[20:] == ["24"] * 10, d["total_gbp"], d["esco_name"])' "$ST")" \
  "30 True True 57.60 Northfield Energy"
PAGE="$WORK/st/statement-2026-11-$(printf %06d "$(sql "SELECT account_number FROM public.accounts")").html"
[[ -f "$PAGE" ]] && pass || { fail "no statement page $PAGE: $(ls "$WORK/st")"; finish; }

# Chromium, headless, in a profile of its own under $WORK (--no-sandbox: tests may run as root).
browse() {  # WIDTH ARGS...
  local width=$1; shift
  timeout 40 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --hide-scrollbars --user-data-dir="$WORK/chrome-$width" --window-size="$width,2000" "$@" 2>>"$WORK/chromium.log"
}
png_size() {  # FILE: "WIDTH HEIGHT" from the PNG's IHDR
  python3 -c 'import struct,sys
b = open(sys.argv[1], "rb").read(24)
assert b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR", "not a PNG"
print(*struct.unpack(">II", b[16:24]))' "$1" 2>&1
}

for width in 390 1280; do
  (cd "$WORK" && browse "$width" --screenshot="$WORK/shot-$width.png" "file://$PAGE" >/dev/null)
  if [[ -s "$WORK/shot-$width.png" ]]; then pass; else fail "no screenshot at $width px: $(tail -5 "$WORK/chromium.log")"; fi
  expect_eq "screenshot at $width px has the requested size" "$(png_size "$WORK/shot-$width.png")" "$width 2000"
done

DOM=$(browse 390 --dump-dom "file://$PAGE")
expect_match "dom: the viewport meta" "$DOM" '<meta name="viewport" content="width=device-width, initial-scale=1">'
expect_match "dom: the title names the month" "$DOM" "<h1>Statement for November 2026 — account [0-9]+</h1>"
expect_match "dom: the ESCO by name, with its contact" "$DOM" \
  'Northfield Energy, <a href="https://northfield.example/help">'
expect_match "dom: the total" "$DOM" '<strong class="total">£57.60</strong>'
expect_eq "dom: the chart, 20 no-data markers and 10 bars" \
  "$(grep -c '<svg class="chart"' <<<"$DOM") $(grep -o '<rect class="nodata" x' <<<"$DOM" | wc -l) $(grep -o '<rect class="bar"' <<<"$DOM" | wc -l)" \
  "1 21 10"   # 20 days and the legend's swatch
expect_match "dom: why usage covers 10 days of 30" "$DOM" \
  "Usage recorded on 10 of 30 days \\(the standing charge is for all 30\\): the meter reported from 21 November\\."
expect_eq "dom: no heat lines for a home without heat" "$(grep -c '<td>Heat</td>' <<<"$DOM")" 0
expect_match "dom: no balance reading, said so" "$DOM" "No reading of the meter balance at month end"

# The browser measures a probe copy: the statement plus a script that reports
# what it laid out. Headless chromium keeps a window at least 500 px wide, so the
# copy is laid out in an iframe of exactly the width (a viewport of its own,
# media queries included) and posts its figures to the page around it.
PROBE="$WORK/st/probe.html"
sed 's|</body>|<script>\
const r = e => e.getBoundingClientRect();\
const chart = document.querySelector("svg.chart"), h1 = document.querySelector("h1");\
const ticks = [...chart.querySelectorAll("text")].map(t => r(t).height);\
const gaps = [...document.querySelectorAll("body *")].filter(e => r(e).right > document.documentElement.clientWidth + 0.5);\
parent.postMessage(JSON.stringify({view: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth,\
  chart: Math.round(r(chart).width), text: Math.round(r(h1).width), h1: Math.round(r(h1).height),\
  min_label: Math.min(...ticks), wider: gaps.map(e => e.tagName)}), "*");\
</script></body>|' "$PAGE" >"$PROBE"
for width in 390 1280; do
  printf '%s\n' '<!DOCTYPE html><html><body style="margin:0"><pre id="probe"></pre>' \
    "<iframe src=\"probe.html\" width=\"$width\" height=\"1800\" style=\"border:0;display:block\"></iframe>" \
    '<script>addEventListener("message", e => { document.getElementById("probe").textContent = e.data; });</script>' \
    '</body></html>' >"$WORK/st/frame-$width.html"
  P=$(browse 1300 --virtual-time-budget=5000 --dump-dom "file://$WORK/st/frame-$width.html" | python3 -c 'import html,re,sys
m = re.search(r"<pre id=\"probe\">(.*?)</pre>", sys.stdin.read(), re.S)
print(html.unescape(m.group(1)) if m and m.group(1) else "{}")')
  if python3 - "$P" "$width" <<'PY'
import json, sys
p, width = json.loads(sys.argv[1]), int(sys.argv[2])
assert p["view"] == width, p                       # laid out at the window's width
assert p["scroll"] <= p["view"], p                 # nothing scrolls sideways
assert p["wider"] == [], p                         # no element wider than the screen
assert p["chart"] >= min(p["text"], 560) - 2, p    # the chart as wide as the text (36em at most)
assert p["h1"] > 0, p
assert p["min_label"] >= 9, p                      # chart labels of a readable size (px)
PY
  then pass; else fail "layout at $width px: $P"; fi
done

finish
