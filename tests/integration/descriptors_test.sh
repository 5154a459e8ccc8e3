#!/usr/bin/env bash
# A batch fits its concurrency to the descriptors it may open: under a descriptor
# limit far below the batch's size (Debian's default soft limit is 1024; here the
# hard limit itself is lowered, so emop cannot raise it), every meter is read and
# none fails with "Too many open files". One attempt per request, so a retry
# cannot hide a failure. Addresses: 127.0.69.1, consecutive ports.
source "$(dirname "$0")/lib.sh"

N=600
BASE=$(free_port 127.0.69.1)
(( BASE > 60000 )) && BASE=$((BASE - 2000))
start_sim --meters "$N" --seed 3 --host 127.0.69.1 --base-port "$BASE"
SERIALS="$WORK/serials.txt"
sed -n 's/.*serial: "\{0,1\}\([A-Z0-9]*\)"\{0,1\}.*/\1/p' "$INVENTORY" | grep -E '^EML' >"$SERIALS"
[[ $(wc -l <"$SERIALS") -eq $N ]] && pass || fail "expected $N serials in the inventory, got $(wc -l <"$SERIALS")"

# emop under a hard limit of 128 descriptors: a batch of 600 at the default concurrency.
LAST_CMD="ulimit -n 128; emop csq --serials-file serials.txt --attempts 1"
( ulimit -n 128 && exec timeout 120 "$EMOP" csq --serials-file "$SERIALS" --attempts 1 ) >"$WORK/out" 2>"$WORK/err"
RC=$?
OUT=$(head -c 400 "$WORK/out")
ERR=$(cat "$WORK/err")
[[ $RC -eq 0 ]] && pass || fail "status $RC under ulimit -n 128 (want 0); stderr: $(head -c 400 <<<"$ERR")"
LINES=$(grep -cE '^EML[0-9]+ csq=[0-9]+$' "$WORK/out")
[[ $LINES -eq $N ]] && pass || fail "$LINES of $N meters read"
grep -q "Too many open files" "$WORK/err" && fail "a meter failed for want of descriptors" || pass

finish
