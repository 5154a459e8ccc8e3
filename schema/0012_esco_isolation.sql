-- 0012 esco_isolation: row-level security per ESCO (0005's session setting
-- flows.esco) on every table that holds an ESCO's data, and tokens hidden from
-- the read-only roles.
--
-- An ESCO's data: what is keyed by one of its meters (shadows, registers and
-- every time series of them, topups, token pushes, tariff pushes, wallet
-- topups, service head links), by one of its properties (accounts, solar
-- installations and allocations) and, through those, by its accounts
-- (customer links, account events, payments), its customers (customers,
-- customer events and tariffs, wallets), its payments (payment lines, topup
-- links) and its circuits' registers (circuit_register, monthly_usage).
-- Not an ESCO's data, so not filtered: flows.regions, meter_metrics,
-- meter_event_log_type, circuits (a name and a type; what a circuit measures
-- is filtered through circuit_register), the topology tables without a meter
-- (service_head_registry, flows.properties, properties_service_head),
-- benchmark_tariffs (per region), flows.mediator_audit (the gateway's record,
-- by serial, read by operators) and the migration records.
--
-- A row is visible, and may be written, while flows.esco is unset, or when the
-- meter, property, account, customer or payment it belongs to is the ESCO's.
-- Rows that belong to no ESCO (a customer with no account, a payment line not
-- matched to a payment, a meter without an ESCO) only while flows.esco is
-- unset. Every policy has USING and WITH CHECK: an UPDATE or DELETE of another
-- ESCO's rows touches nothing, an INSERT or UPDATE that makes one is refused.
--
-- Cost: the predicates are uncorrelated semi-joins on the visible ids (the
-- functions below, inlined: one hashed subplan per query), behind
-- "(SELECT flows.current_esco()) IS NULL", computed once per query, so a
-- session without flows.esco pays one comparison per row. The table owner
-- (which runs the tools in the tests and benchmarks), superusers and BYPASSRLS
-- roles are not subject to row-level security at all; the SECURITY DEFINER
-- history and rollup triggers write as the owner.
--
-- On a database adopted from a deployed Flows schema (public.flows_adoption
-- exists) this migration changes no one's access: the functions are created,
-- and the policies and the token grants come only with
-- `emop db migrate --with-esco-isolation` (lib/db/adoption_plan.cpp, step
-- esco_isolation_tables, which calls flows.esco_isolation_apply below).

-- The visible ids ------------------------------------------------------------------

CREATE OR REPLACE FUNCTION flows.esco_meter_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT m.id FROM flows.meter_registry m WHERE flows.esco_visible(m.esco)
$$;

CREATE OR REPLACE FUNCTION flows.esco_register_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT r.register_id FROM flows.meter_registers r
   WHERE r.meter_id IN (SELECT m FROM flows.esco_meter_ids() m)
$$;

CREATE OR REPLACE FUNCTION flows.esco_circuit_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT DISTINCT cr.circuit FROM flows.circuit_register cr
   WHERE cr.register IN (SELECT r FROM flows.esco_register_ids() r)
$$;

CREATE OR REPLACE FUNCTION flows.esco_property_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT p.id FROM public.properties p WHERE flows.esco_visible(p.esco)
$$;

CREATE OR REPLACE FUNCTION flows.esco_account_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT a.id FROM public.accounts a WHERE a.property IN (SELECT p FROM flows.esco_property_ids() p)
$$;

CREATE OR REPLACE FUNCTION flows.esco_customer_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT DISTINCT ca.customer FROM public.customer_accounts ca
   WHERE ca.account IN (SELECT a FROM flows.esco_account_ids() a)
$$;

CREATE OR REPLACE FUNCTION flows.esco_payment_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT p.id FROM public.payments p WHERE p.account IN (SELECT a FROM flows.esco_account_ids() a)
$$;

CREATE OR REPLACE FUNCTION flows.esco_topup_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT t.id FROM public.topups t WHERE t.meter IN (SELECT m FROM flows.esco_meter_ids() m)
$$;

-- A token as the tools show one: every digit but the last four masked, one
-- '*' each (emop -v shows a token write's frame so, "**" a byte).
CREATE OR REPLACE FUNCTION flows.mask_token(token text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT
  AS $$
  SELECT repeat('*', greatest(length(token) - 4, 0)) || right(token, 4)
$$;

-- The policies and the token grants -------------------------------------------------
--
-- flows.esco_isolation_apply(policy) creates (or re-creates) the policy named
-- policy on each table below that exists. A table whose row-level security is
-- already on (with policies of its own, or none: nothing visible) gets it as
-- RESTRICTIVE, so it narrows and never widens what was allowed; otherwise row
-- level security is turned on with the policy PERMISSIVE. Then the read-only
-- roles lose SELECT on public.topups.token (they keep every other column) and
-- read tokens masked through public.topups_redacted.
CREATE OR REPLACE FUNCTION flows.esco_isolation_apply(policy text) RETURNS integer
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  unset constant text := '(SELECT flows.current_esco()) IS NULL';
  by_meter constant text := ' IN (SELECT x FROM flows.esco_meter_ids() x)';
  by_register constant text := ' IN (SELECT x FROM flows.esco_register_ids() x)';
  by_account constant text := ' IN (SELECT x FROM flows.esco_account_ids() x)';
  by_customer constant text := ' IN (SELECT x FROM flows.esco_customer_ids() x)';
  targets constant text[][] := ARRAY[
    ['flows.meter_shadows', 'id' || by_meter],
    ['flows.meter_registers', 'meter_id' || by_meter],
    ['flows.register_import', 'register_id' || by_register],
    ['flows.register_export', 'register_id' || by_register],
    ['flows.register_interval_hh', 'register_id' || by_register],
    ['flows.register_interval_daily', 'register_id' || by_register],
    ['flows.meter_csq', 'meter_id' || by_meter],
    ['flows.meter_voltage', 'meter_id' || by_meter],
    ['flows.meter_3p_voltage', 'meter_id' || by_meter],
    ['flows.meter_prepay_balance', 'meter_id' || by_meter],
    ['flows.meter_health_history', 'meter_id' || by_meter],
    ['flows.meter_event_log', 'meter_id' || by_meter],
    ['flows.service_head_meter', 'meter' || by_meter],
    ['flows.circuit_register', 'register' || by_register],
    ['public.properties', 'flows.esco_visible(esco)'],
    ['public.accounts', 'property IN (SELECT x FROM flows.esco_property_ids() x)'],
    ['public.customer_accounts', 'account' || by_account],
    ['public.customers', 'id' || by_customer],
    ['public.customer_events', 'customer' || by_customer],
    ['public.account_events', 'account' || by_account],
    ['public.payments', 'account' || by_account],
    ['public.topups', 'meter' || by_meter],
    ['public.topups_payments', 'topup_id IN (SELECT x FROM flows.esco_topup_ids() x) '
                               'AND payment_id IN (SELECT x FROM flows.esco_payment_ids() x)'],
    ['public.topup_token_push_attempts', 'meter' || by_meter],
    ['public.customer_tariffs', 'customer' || by_customer],
    ['public.meter_tariff_pushes', 'meter_id' || by_meter],
    ['public.monthly_usage', 'circuit IN (SELECT x FROM flows.esco_circuit_ids() x)'],
    ['public.solar_installation', 'property IN (SELECT x FROM flows.esco_property_ids() x)'],
    ['public.solar_credit_allocation', 'property IN (SELECT x FROM flows.esco_property_ids() x) '
                                       'AND installation IN (SELECT x FROM flows.esco_property_ids() x)'],
    ['public.wallets', 'customer' || by_customer],
    ['public.wallet_topups', 'meter' || by_meter || ' AND customer' || by_customer],
    ['public.payment_lines', 'payment IN (SELECT x FROM flows.esco_payment_ids() x)']];
  t text;
  predicate text;
  permissive boolean;
  done integer := 0;
  cols text;
  r text;
BEGIN
  FOR i IN 1 .. array_length(targets, 1) LOOP
    t := targets[i][1];
    CONTINUE WHEN to_regclass(t) IS NULL;
    predicate := unset || ' OR (' || targets[i][2] || ')';
    SELECT p.polpermissive INTO permissive FROM pg_catalog.pg_policy p
     WHERE p.polrelid = t::regclass AND p.polname = policy;
    IF NOT FOUND THEN
      SELECT NOT c.relrowsecurity INTO permissive FROM pg_catalog.pg_class c WHERE c.oid = t::regclass;
    END IF;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS %I ON %s', policy, t);
    EXECUTE format('CREATE POLICY %I ON %s AS %s USING (%s) WITH CHECK (%s)', policy, t,
                   CASE WHEN permissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END, predicate, predicate);
    done := done + 1;
  END LOOP;

  -- Tokens: every column of public.topups but token to the read-only roles.
  SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
    FROM pg_catalog.pg_attribute a
   WHERE a.attrelid = 'public.topups'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> 'token';
  FOREACH r IN ARRAY ARRAY['grafanareader', 'tableau'] LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r);
    EXECUTE format('REVOKE SELECT ON public.topups FROM %I', r);
    EXECUTE format('REVOKE SELECT (token) ON public.topups FROM %I', r);
    EXECUTE format('GRANT SELECT (%s) ON public.topups TO %I', cols, r);
  END LOOP;

  -- The view runs with its owner's rights (a security_invoker view would need
  -- SELECT on token), so it applies the ESCO predicate itself; security_barrier
  -- keeps a caller's own conditions from seeing rows before it.
  EXECUTE format('CREATE OR REPLACE VIEW public.topups_redacted WITH (security_barrier = true) AS '
                 'SELECT %s, flows.mask_token(t.token) AS token FROM public.topups t '
                 'WHERE (SELECT flows.current_esco()) IS NULL OR t.meter IN (SELECT x FROM flows.esco_meter_ids() x)',
                 (SELECT string_agg('t.' || quote_ident(a.attname), ', ' ORDER BY a.attnum)
                    FROM pg_catalog.pg_attribute a
                   WHERE a.attrelid = 'public.topups'::regclass AND a.attnum > 0 AND NOT a.attisdropped
                     AND a.attname <> 'token'));
  COMMENT ON VIEW public.topups_redacted IS
    'public.topups with each token masked but its last four digits, for the read-only roles; filtered by flows.esco as the table is';
  FOREACH r IN ARRAY ARRAY['flows', 'grafanareader', 'tableau'] LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r);
    EXECUTE format('GRANT SELECT ON public.topups_redacted TO %I', r);
  END LOOP;
  RETURN done;
END;
$$;
REVOKE EXECUTE ON FUNCTION flows.esco_isolation_apply(text) FROM PUBLIC;

-- Applied here ------------------------------------------------------------------------

DO $$
BEGIN
  IF to_regclass('public.flows_adoption') IS NOT NULL THEN
    RAISE NOTICE 'adopted database: ESCO isolation of the business tables and token masking are left to '
                 '`emop db migrate --with-esco-isolation`';
  ELSE
    PERFORM flows.esco_isolation_apply('esco_isolation');
  END IF;
END;
$$;
