#!/usr/bin/env bash
# Grouped help, global options in every command's help, `completion`, and the
# bash completion run as bash runs it (serials from an inventory, ctl verbs).
#   completion_test.sh EMOP EMLITE_SIM FLOWS_BILL MEDIATORS
set -uo pipefail
emop=$1 sim=$2 bill=$3 mediators=$4
failures=0
check() {  # what expected actual
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}
work=$(mktemp -d /tmp/completion-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache HOME=$work
unset FLOWS_DATABASE_URL FLOWS_ENV EMOP_INVENTORY PGHOST PGPORT PGUSER PGDATABASE MEDIATOR_SERVER

# emop --help: the groups in order, each command under its own.
help=$("$emop" --help)
check "emop --help: group headings in order" \
  "Meter reads:|Meter writes:|Fleet jobs:|Database:|Frames and objects:|Management and environments:" \
  "$(grep -E '^[A-Z][a-z ]+:$' <<<"$help" | grep -v '^Options:$' | paste -sd'|')"
group_of() {  # the heading a command is listed under in the help HELP
  awk -v c="$2" '/^[A-Z][A-Za-z ]+:$/ {g = $0} $1 == c {print g; exit}' <<<"$1"
}
check "csq under Meter reads" "Meter reads:" "$(group_of "$help" csq)"
check "prepay_send_token under Meter writes" "Meter writes:" "$(group_of "$help" prepay_send_token)"
check "sync under Fleet jobs" "Fleet jobs:" "$(group_of "$help" sync)"
check "push under Fleet jobs" "Fleet jobs:" "$(group_of "$help" push)"
check "db under Database" "Database:" "$(group_of "$help" db)"
check "frame under Frames and objects" "Frames and objects:" "$(group_of "$help" frame)"
check "env_show under Management" "Management and environments:" "$(group_of "$help" env_show)"
check "completion under Management" "Management and environments:" "$(group_of "$help" completion)"
check "hidden commands stay hidden" "" "$(grep -E '^  (generate-docs|__complete)' <<<"$help")"
check "man page: the same groups" '.SH "METER READS"|.SH "METER WRITES"|.SH "FLEET JOBS"|.SH "DATABASE"|.SH "FRAMES AND OBJECTS"|.SH "MANAGEMENT AND ENVIRONMENTS"' \
  "$("$emop" generate-docs man | sed '/^\.SH "EXIT STATUS"/q' | grep '^\.SH "' | grep -v 'EXIT STATUS' | paste -sd'|')"

# The global options at the end of every command's help, from the tool's own.
csq_help=$("$emop" csq --help)
check "emop csq --help: global options heading" "Global options (before or after the command):" \
  "$(grep -m1 '^Global options' <<<"$csq_help")"
check "emop csq --help: --timeout" "  --timeout INT               seconds to wait for a connection or an answer (default 10)" \
  "$(grep -m1 -- '^  --timeout' <<<"$csq_help")"
check "emop db migrate --help: --json" "  --json                      print JSON instead of text" \
  "$("$emop" db migrate --help | sed -n '/^Global options/,$p' | grep -m1 -- '--json')"
check "emop help csq = emop csq --help" "$csq_help" "$("$emop" help csq)"
check "flows-bill run --help: before or after the command (options fall through)" "Global options (before or after the command):" \
  "$("$bill" run --help | grep -m1 '^Global options')"
check "flows-bill run --help: --env" "1" "$("$bill" run --help | sed -n '/^Global options/,$p' | grep -c -- '^  --env TEXT')"
check "emlite-sim serve --help: no global options to list" "" "$("$sim" serve --help | grep '^Global options')"

# completion SHELL prints what generate-docs SHELL prints.
for tool in "$emop" "$sim" "$bill" "$mediators"; do
  for shell in bash zsh fish; do
    a=$("$tool" completion "$shell"); b=$("$tool" generate-docs "$shell")
    check "$(basename "$tool") completion $shell = generate-docs $shell" "$b" "$a"
  done
done
"$emop" completion tcsh >/dev/null 2>&1
check "emop completion tcsh: status" "2" "$?"

# Serials from the inventory, in a real bash completion.
printf 'meters:\n  - { serial: EML1111111111, host: 127.0.0.1, port: 8080 }\n  - { serial: EML2222222222, host: 127.0.0.2, port: 8080 }\n  - { serial: EMX3333333333, host: 127.0.0.3, port: 8080 }\n' >"$work/fleet.yaml"
printf 'meters:\n  - { serial: EML9999999999, host: 127.0.0.9, port: 8080 }\n' >"$work/other.yaml"
"$emop" completion bash >"$work/emop.bash"
"$sim" completion bash >"$work/emlite-sim.bash"
complete_words() {  # SCRIPT FUNCTION WORD...: COMPREPLY for the words, the cursor on the last one
  local script=$1 fn=$2; shift 2
  (
    source "$script"
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    "$fn"
    printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd' '
  )
}
path_with_tools="$(dirname "$emop"):$(dirname "$sim"):$PATH"
export PATH=$path_with_tools
check "emop csq <TAB>: the inventory's serials" "EML1111111111 EML2222222222 EMX3333333333" \
  "$(EMOP_INVENTORY=$work/fleet.yaml complete_words "$work/emop.bash" _emop emop csq '')"
check "emop csq EML<TAB>" "EML1111111111 EML2222222222" \
  "$(EMOP_INVENTORY=$work/fleet.yaml complete_words "$work/emop.bash" _emop emop csq EML)"
check "emop prepay_balance -s <TAB>" "EML1111111111 EML2222222222 EMX3333333333" \
  "$(EMOP_INVENTORY=$work/fleet.yaml complete_words "$work/emop.bash" _emop emop prepay_balance -s '')"
check "emop event_log SERIAL <TAB>: IDX is not a serial" "" \
  "$(EMOP_INVENTORY=$work/fleet.yaml complete_words "$work/emop.bash" _emop emop event_log EML1111111111 '')"
check "emop --inventory FILE csq <TAB>: that inventory" "EML9999999999" \
  "$(EMOP_INVENTORY=$work/fleet.yaml complete_words "$work/emop.bash" _emop emop --inventory "$work/other.yaml" csq '')"
check "emop info <TAB>" "EML9999999999" \
  "$(EMOP_INVENTORY=$work/other.yaml complete_words "$work/emop.bash" _emop emop info '')"
# The environment's inventory.
mkdir -p "$work/config/flows"
printf 'current = "qa"\n[environments.qa]\ninventory = "%s"\n' "$work/other.yaml" >"$work/config/flows/config.toml"
check "emop csq <TAB> with the environment's inventory" "EML9999999999" \
  "$(complete_words "$work/emop.bash" _emop emop csq '')"
rm -f "$work/config/flows/config.toml"

# No inventory: the database, or nothing, quickly and silently.
out=$("$emop" __complete serials 2>&1); rc=$?
check "__complete serials, nothing configured: output" "" "$out"
check "__complete serials, nothing configured: status" "0" "$rc"
start=$SECONDS
out=$(FLOWS_DATABASE_URL="host=127.0.0.1 port=9 dbname=nosuch" "$emop" __complete serials 2>&1); rc=$?
check "__complete serials, database unreachable: output" "" "$out"
check "__complete serials, database unreachable: status" "0" "$rc"
check "__complete serials, database unreachable: quick" "1" "$(( SECONDS - start <= 5 ))"
check "__complete serials, database unreachable: no cache written" "" "$(ls "$work/cache/flows" 2>/dev/null)"
# A fresh cache of the database's serials is used (no connection); one 11 minutes old is not.
fnv1a() {  # the FNV-1a hash of $1, 16 hex digits (bash arithmetic wraps at 64 bits)
  local h=-3750763034362895579 i c  # 14695981039346656037
  for ((i = 0; i < ${#1}; i++)); do
    printf -v c '%d' "'${1:i:1}"
    h=$(( (h ^ c) * 1099511628211 ))
  done
  printf '%016x' "$h"
}
url="host=127.0.0.1 port=9 dbname=cached"
cache=$work/cache/flows/serials-local-$(fnv1a "$url").txt
mkdir -p "$work/cache/flows"
printf 'EML5555555555\nEML6666666666\n' >"$cache"
check "__complete serials: a fresh cache" "EML5555555555 EML6666666666" \
  "$(FLOWS_DATABASE_URL=$url "$emop" __complete serials 2>/dev/null | paste -sd' ')"
check "emop csq <TAB>: the cached serials" "EML5555555555 EML6666666666" \
  "$(FLOWS_DATABASE_URL=$url complete_words "$work/emop.bash" _emop emop csq '')"
touch -d '11 minutes ago' "$cache"
check "__complete serials: a stale cache is not used (and the database cannot be reached)" "" \
  "$(FLOWS_DATABASE_URL=$url "$emop" __complete serials 2>/dev/null)"
rm -rf "$work/cache"
out=$("$emop" --env nosuch __complete serials 2>&1); rc=$?
check "__complete serials, unknown environment: silent, status 0" "|0" "$out|$rc"
check "__complete nosuch: nothing" "|0" "$("$emop" __complete nosuch 2>&1)|$?"

# emlite-sim ctl HOST:PORT <TAB>: the control commands, then the fault kinds.
verbs="advance balance clear clock_error fault meter_time now save"
check "emlite-sim ctl 127.0.0.1:9 <TAB>" "$verbs" \
  "$(complete_words "$work/emlite-sim.bash" _emlite_sim emlite-sim ctl 127.0.0.1:9 '')"
check "emlite-sim ctl 127.0.0.1 : 9 <TAB> (':' breaking words)" "$verbs" \
  "$(complete_words "$work/emlite-sim.bash" _emlite_sim emlite-sim ctl 127.0.0.1 : 9 '')"
check "emlite-sim ctl 127.0.0.1:9 b<TAB>" "balance" \
  "$(complete_words "$work/emlite-sim.bash" _emlite_sim emlite-sim ctl 127.0.0.1:9 b)"
check "emlite-sim ctl 127.0.0.1:9 fault EML1 <TAB>" "bad_crc busy concurrent garbage latency: nak: none refuse reset silent" \
  "$(complete_words "$work/emlite-sim.bash" _emlite_sim emlite-sim ctl 127.0.0.1:9 fault EML1 '')"
check "emlite-sim ctl 127.0.0.1:9 advance <TAB>: nothing" "" \
  "$(complete_words "$work/emlite-sim.bash" _emlite_sim emlite-sim ctl 127.0.0.1:9 advance '')"
check "emlite-sim <TAB>: completion is a command" "1" \
  "$(complete_words "$work/emlite-sim.bash" _emlite_sim emlite-sim '' | tr ' ' '\n' | grep -cx completion)"
exit $((failures > 0))
