#!/usr/bin/env bash
# Row-level security per ESCO (0005, 0012, 0014) as a deployment has it: the schema
# migrated by an owner role of its own, an application LOGIN role member of
# flows pinned to ESCO alpha in its connection string, and a LOGIN role
# granted grafanareader. Two ESCOs' customers, shadows, topups, payments,
# wallets, payment lines and sync runs: the pinned role sees and writes only alpha's, the
# reader never sees a token but through public.topups_redacted, masked.
#   esco_isolation_test.sh EMOP      (FLOWS_DATABASE_URL: a superuser conninfo)
set -u
EMOP_BIN=${1:?usage: $0 EMOP}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" EMOP="$EMOP_BIN"

SUFFIX="$$_$RANDOM"
OWNER="rls_owner_$SUFFIX"
APP="rls_app_$SUFFIX"
READER="rls_reader_$SUFFIX"
test_cleanup() {
  drop_db   # first: the owner's objects go with the database
  psql "$ADMIN_URL" -X -qAt -c "DROP ROLE IF EXISTS \"$APP\"; DROP ROLE IF EXISTS \"$READER\";
                                DROP ROLE IF EXISTS \"$OWNER\"" >/dev/null 2>&1
}

# The owner migrates (as a deployment's migrating role: not a superuser, and
# not flows, so flows and its members are subject to row-level security).
# (the cluster's roles, as 0005 would create them: the owner may not create roles)
sql "DO \$\$ DECLARE r text; BEGIN FOREACH r IN ARRAY ARRAY['grafanareader', 'tableau'] LOOP
       IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
         BEGIN EXECUTE format('CREATE ROLE %I NOLOGIN', r);
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
       END IF; END LOOP; END \$\$" >/dev/null
sql "CREATE ROLE \"$OWNER\" LOGIN; ALTER DATABASE \"$DB\" OWNER TO \"$OWNER\";
     CREATE ROLE \"$APP\" LOGIN IN ROLE flows;
     CREATE ROLE \"$READER\" LOGIN IN ROLE grafanareader" >/dev/null
OWNER_URL="$DB_URL user=$OWNER"
APP_URL="$DB_URL user=$APP options='-c flows.esco=alpha'"
READER_URL="$DB_URL user=$READER"
FLOWS_DATABASE_URL="$OWNER_URL" "$EMOP" db migrate >"$WORK/migrate.out" 2>&1 ||
  { cat "$WORK/migrate.out"; echo "FATAL: emop db migrate failed"; exit 1; }

as_owner() { psql "$OWNER_URL" -X -qAt -v ON_ERROR_STOP=1 -c "$1"; }
as_app() { psql "$APP_URL" -X -qAt -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
as_reader() { psql "$READER_URL" -X -qAt -v ON_ERROR_STOP=1 -c "$1" 2>&1; }

# --- two ESCOs, each: a meter with a register and half hours, a property, an
# account, a customer (with events, tariff, wallet), a payment and its bank line,
# a topup (with its push attempt, wallet topup and payment link), a tariff push;
# besides, a customer with no account and a bank line matched to nothing.
as_owner "
INSERT INTO flows.escos (code, name, region) VALUES ('alpha', 'Alpha', 'south_west'), ('beta', 'Beta', 'south_west');
INSERT INTO flows.meter_registry (serial, name, esco, prepay_enabled, hardware)
  SELECT 'EML_' || upper(code), 'Plot ' || code, id, true, 'C1.w' FROM flows.escos;
UPDATE flows.meter_shadows s SET balance = CASE m.serial WHEN 'EML_ALPHA' THEN 11.5 ELSE 22.5 END
  FROM flows.meter_registry m WHERE m.id = s.id;
INSERT INTO flows.meter_registers (meter_id, element, nature) SELECT id, 'A', 'power' FROM flows.meter_registry;
INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh)
  SELECT register_id, '2026-11-02T00:00Z', 1.5 FROM flows.meter_registers;
INSERT INTO public.properties (plot, esco, supply_meter)
  SELECT 'Plot ' || e.code, e.id, m.id FROM flows.escos e JOIN flows.meter_registry m ON m.esco = e.id;
INSERT INTO public.accounts (property, type, status, name)
  SELECT p.id, 'supply', 'open', p.plot FROM public.properties p;
INSERT INTO public.customers (fullname, email) VALUES
  ('Alice', 'alice@alpha.example'), ('Bob', 'bob@beta.example'), ('Nobody', 'nobody@example.org');
INSERT INTO public.customer_accounts (customer, account, role)
  SELECT c.id, a.id, 'occupier' FROM public.customers c JOIN public.accounts a
    ON a.name = CASE c.fullname WHEN 'Alice' THEN 'Plot alpha' WHEN 'Bob' THEN 'Plot beta' END;
INSERT INTO public.customer_events (customer, event_type) SELECT id, 'created ' || fullname FROM public.customers;
INSERT INTO public.account_events (account, event_type) SELECT id, 'open' FROM public.accounts;
INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge)
  SELECT id, '2026-11-01', 10, 0.25, 0.5 FROM public.customers;
INSERT INTO public.wallets (customer) SELECT id FROM public.customers;
INSERT INTO public.payments (account, amount_pence, status, description)
  SELECT id, 1000, 'succeeded', name FROM public.accounts;
INSERT INTO public.payment_lines (provider, reference, booked_at, amount_pence, status, payment)
  SELECT 'bank', 'ref ' || description, '2026-11-03T09:00Z', 1000, 'succeeded', id FROM public.payments;
INSERT INTO public.payment_lines (provider, reference, booked_at, amount_pence, status)
  VALUES ('bank', 'ref unmatched', '2026-11-03T10:00Z', 777, 'succeeded');
INSERT INTO public.topups (meter, amount_pence, status, source, token, reference)
  SELECT id, CASE serial WHEN 'EML_ALPHA' THEN 1000 ELSE 2000 END, 'wait_token_push', 'payment',
         CASE serial WHEN 'EML_ALPHA' THEN '11112222333344441234' ELSE '99998888777766665678' END, serial
    FROM flows.meter_registry;
INSERT INTO public.topups_payments (payment_id, topup_id)
  SELECT p.id, t.id FROM public.payments p JOIN public.topups t ON p.description = 'Plot ' || lower(substr(t.reference, 5));
INSERT INTO public.topup_token_push_attempts (topup_id, meter, meter_balance_before, transaction_count_before)
  SELECT id, meter, 1, 1 FROM public.topups;
INSERT INTO public.wallet_topups (topup_id, customer, meter, reading_at, balance)
  SELECT t.id, ca.customer, t.meter, '2026-11-03T08:00Z', 5 FROM public.topups t
    JOIN public.properties p ON p.supply_meter = t.meter JOIN public.accounts a ON a.property = p.id
    JOIN public.customer_accounts ca ON ca.account = a.id;
INSERT INTO public.meter_tariff_pushes (meter_id, period_start, unit_rate, standing_charge, activation, outcome)
  SELECT id, '2026-11-01', 0.25, 0.5, '2026-11-01 00:00', 'ok' FROM flows.meter_registry;
INSERT INTO flows.sync_runs (frequency, esco, started_at, finished_at, meters, ok, failed, by_esco) VALUES
  ('hourly', 'alpha', '2026-11-03T08:00Z', '2026-11-03T08:01Z', 1, 1, 0, '{\"alpha\": {\"meters\": 1, \"ok\": 1, \"failed\": 0}}'),
  ('hourly', 'beta', '2026-11-03T08:00Z', '2026-11-03T08:01Z', 1, 0, 1, '{\"beta\": {\"meters\": 1, \"ok\": 0, \"failed\": 1}}'),
  ('daily', NULL, '2026-11-03T09:00Z', '2026-11-03T09:01Z', 2, 1, 1,
   '{\"alpha\": {\"meters\": 1, \"ok\": 1, \"failed\": 0}, \"beta\": {\"meters\": 1, \"ok\": 0, \"failed\": 1}}');
" >/dev/null || { echo "FATAL: cannot seed"; exit 1; }

# The rows of every table as the owner sees them: 2 each (3 customers and
# their events, tariffs and wallets; 3 payment lines), so the counts below
# can tell one ESCO's from both.
expect_eq "owner sees both ESCOs" "$(as_owner "SELECT
  (SELECT count(*) FROM public.customers) || ' ' || (SELECT count(*) FROM flows.meter_shadows) || ' ' ||
  (SELECT count(*) FROM public.topups) || ' ' || (SELECT count(*) FROM public.payment_lines)")" "3 2 2 3"

# --- alpha's role sees only alpha's rows, in every table.
# WHAT QUERY (as the pinned role) WANT
pinned() { expect_eq "pinned to alpha: $1" "$(as_app "$2")" "$3"; }
pinned "session setting" "SELECT current_setting('flows.esco')" "alpha"
pinned "escos" "SELECT string_agg(code, ',') FROM flows.escos" "alpha"
pinned "meter_registry" "SELECT string_agg(serial, ',') FROM flows.meter_registry" "EML_ALPHA"
pinned "meter_shadows balances" "SELECT string_agg(balance::text, ',') FROM flows.meter_shadows" "11.5"
pinned "meter_registers" "SELECT count(*) FROM flows.meter_registers" "1"
pinned "register_interval_hh" "SELECT count(*) || ' ' || sum(kwh) FROM flows.register_interval_hh" "1 1.5"
pinned "register_interval_daily" "SELECT count(*) FROM flows.register_interval_daily" "1"
pinned "customers (emails)" "SELECT string_agg(email, ',') FROM public.customers" "alice@alpha.example"
pinned "customer_events" "SELECT string_agg(event_type, ',') FROM public.customer_events" "created Alice"
pinned "customer_tariffs" "SELECT count(*) FROM public.customer_tariffs" "1"
pinned "properties" "SELECT string_agg(plot, ',') FROM public.properties" "Plot alpha"
pinned "accounts" "SELECT string_agg(name, ',') FROM public.accounts" "Plot alpha"
pinned "customer_accounts" "SELECT count(*) FROM public.customer_accounts" "1"
pinned "account_events" "SELECT count(*) FROM public.account_events" "1"
pinned "payments" "SELECT string_agg(description, ',') FROM public.payments" "Plot alpha"
pinned "payment_lines (unmatched hidden)" "SELECT string_agg(reference, ',') FROM public.payment_lines" "ref Plot alpha"
pinned "topups" "SELECT string_agg(amount_pence::text, ',') FROM public.topups" "1000"
pinned "topups_payments" "SELECT count(*) FROM public.topups_payments" "1"
pinned "topup_token_push_attempts" "SELECT count(*) FROM public.topup_token_push_attempts" "1"
pinned "wallets" "SELECT count(*) FROM public.wallets" "1"
pinned "wallet_topups" "SELECT count(*) FROM public.wallet_topups" "1"
pinned "meter_tariff_pushes" "SELECT count(*) FROM public.meter_tariff_pushes" "1"
# sync_runs (0014): a run for alpha only; a run over every ESCO counts beta's meters too.
pinned "sync_runs (beta's and every ESCO's runs hidden)" \
  "SELECT count(*) || ' ' || string_agg(coalesce(esco, 'all') || ':' || by_esco::text, ',') FROM flows.sync_runs" \
  '1 alpha:{"alpha": {"ok": 1, "failed": 0, "meters": 1}}'
pinned "sync_runs: no beta counts anywhere" "SELECT count(*) FROM flows.sync_runs WHERE by_esco ? 'beta'" "0"
pinned "the application role reads its tokens" "SELECT string_agg(token, ',') FROM public.topups" "11112222333344441234"

# --- writes of beta's rows: an UPDATE touches nothing, an INSERT is refused.
BETA_TOPUP=$(as_owner "SELECT id FROM public.topups WHERE reference = 'EML_BETA'")
BETA_METER=$(as_owner "SELECT id FROM flows.meter_registry WHERE serial = 'EML_BETA'")
ALPHA_METER=$(as_owner "SELECT id FROM flows.meter_registry WHERE serial = 'EML_ALPHA'")
BETA_ACCOUNT=$(as_owner "SELECT id FROM public.accounts WHERE name = 'Plot beta'")
expect_eq "UPDATE of beta's topup" "$(as_app "UPDATE public.topups SET amount_pence = 1 WHERE id = '$BETA_TOPUP'")" ""
expect_eq "UPDATE of every topup touches alpha's only" \
  "$(psql "$APP_URL" -X -v ON_ERROR_STOP=1 -c "UPDATE public.topups SET notes = 'x'" 2>&1)" "UPDATE 1"
expect_eq "beta's topup unchanged" "$(as_owner "SELECT amount_pence || ' ' || coalesce(notes, '-') FROM public.topups
  WHERE id = '$BETA_TOPUP'")" "2000 -"
expect_eq "UPDATE of beta's shadow" "$(psql "$APP_URL" -X -c "UPDATE flows.meter_shadows SET balance = 0
  WHERE id = '$BETA_METER'" 2>&1)" "UPDATE 0"
BOB=$(as_owner "SELECT id FROM public.customers WHERE fullname = 'Bob'")
expect_eq "DELETE of beta's wallet and bank line" "$(psql "$APP_URL" -X -c "DELETE FROM public.wallets
  WHERE customer = '$BOB'" -c "DELETE FROM public.payment_lines WHERE reference = 'ref Plot beta'" 2>&1)" \
  "DELETE 0
DELETE 0"
expect_match "INSERT of a topup for beta's meter" \
  "$(as_app "INSERT INTO public.topups (meter, amount_pence) VALUES ('$BETA_METER', 500)")" \
  "new row violates row-level security policy"
expect_match "INSERT of a payment for beta's account" \
  "$(as_app "INSERT INTO public.payments (account, amount_pence) VALUES ('$BETA_ACCOUNT', 500)")" \
  "new row violates row-level security policy"
expect_match "moving alpha's topup to beta's meter" \
  "$(as_app "UPDATE public.topups SET meter = '$BETA_METER' WHERE meter = '$ALPHA_METER'")" \
  "new row violates row-level security policy"
expect_match "INSERT of a sync run for beta" \
  "$(as_app "INSERT INTO flows.sync_runs (frequency, esco, started_at, finished_at, meters, ok, failed)
             VALUES ('hourly', 'beta', now(), now(), 0, 0, 0)")" "new row violates row-level security policy"
expect_eq "UPDATE of every sync run touches alpha's only" \
  "$(psql "$APP_URL" -X -v ON_ERROR_STOP=1 -c "UPDATE flows.sync_runs SET ok = ok" 2>&1)" "UPDATE 1"
expect_eq "INSERT of a topup for alpha's meter" \
  "$(as_app "INSERT INTO public.topups (meter, amount_pence, reference) VALUES ('$ALPHA_METER', 500, 'new') RETURNING amount_pence")" "500"
expect_eq "topups as the owner afterwards" \
  "$(as_owner "SELECT string_agg(reference || ':' || amount_pence, ',' ORDER BY reference) FROM public.topups")" \
  "EML_ALPHA:1000,EML_BETA:2000,new:500"

# --- flows.esco unset (the fleet tools' sessions): everything.
unset_app() { psql "$APP_URL" -X -qAt -v ON_ERROR_STOP=1 -c "SET flows.esco = ''" -c "$1" 2>&1; }
expect_eq "unset: every row" "$(unset_app "SELECT
  (SELECT count(*) FROM public.customers) || ' ' || (SELECT count(*) FROM flows.meter_shadows) || ' ' ||
  (SELECT count(*) FROM public.topups) || ' ' || (SELECT count(*) FROM public.payment_lines) || ' ' ||
  (SELECT count(*) FROM public.wallets) || ' ' || (SELECT count(*) FROM flows.register_interval_hh) || ' ' ||
  (SELECT count(*) FROM flows.sync_runs)")" "3 2 3 3 3 2 3"

# --- the read-only role: no token, but the masked one through the view.
expect_match "reader: SELECT token refused" "$(as_reader "SELECT token FROM public.topups")" \
  "permission denied for table topups"
expect_match "reader: SELECT * refused" "$(as_reader "SELECT * FROM public.topups")" "permission denied"
expect_eq "reader: the other columns" \
  "$(as_reader "SELECT string_agg(reference || ':' || amount_pence || ':' || status, ',' ORDER BY reference) FROM public.topups")" \
  "EML_ALPHA:1000:wait_token_push,EML_BETA:2000:wait_token_push,new:500:pending"
expect_eq "reader: masked tokens through topups_redacted" \
  "$(as_reader "SELECT string_agg(reference || ':' || coalesce(token, '-'), ',' ORDER BY reference) FROM public.topups_redacted")" \
  "EML_ALPHA:****************1234,EML_BETA:****************5678,new:-"
expect_eq "reader pinned to beta: the view is filtered too" \
  "$(psql "$READER_URL options='-c flows.esco=beta'" -X -qAt -c "SELECT string_agg(token, ',') FROM public.topups_redacted" 2>&1)" \
  "****************5678"
expect_eq "reader pinned to beta: the table too" \
  "$(psql "$READER_URL options='-c flows.esco=beta'" -X -qAt -c "SELECT string_agg(reference, ',') FROM public.topups" 2>&1)" \
  "EML_BETA"
expect_eq "reader: cannot write" "$(as_reader "UPDATE public.topups SET notes = 'r'" | grep -c 'permission denied')" "1"

# --- not isolation against the role itself: its own SQL can change the setting.
expect_eq "a pinned role that runs its own SQL can unpin itself" \
  "$(psql "$APP_URL" -X -qAt -c "SET flows.esco = 'beta'" -c "SELECT string_agg(email, ',') FROM public.customers" 2>&1)" \
  "bob@beta.example"

finish
