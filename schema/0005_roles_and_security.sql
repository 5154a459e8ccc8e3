-- 0005 roles_and_security: the roles of deployed Flows databases, their grants,
-- and row-level security per ESCO.

-- Roles ------------------------------------------------------------------------
--
-- flows: the application (read/write); grafanareader and tableau: dashboards
-- and reports (read only). Roles belong to the cluster, not to the database, so
-- each is created only when missing, NOLOGIN, and an existing one is never
-- altered (deployments give them LOGIN and passwords of their own). Creating
-- roles needs CREATEROLE; where they already exist nothing is needed.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['flows', 'grafanareader', 'tableau'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;  -- created meanwhile by a migration of another database in the cluster
      END;
    END IF;
  END LOOP;
END;
$$;

-- Grants -------------------------------------------------------------------------

GRANT USAGE ON SCHEMA flows TO flows, grafanareader, tableau;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA flows TO flows;
GRANT SELECT ON ALL TABLES IN SCHEMA flows TO grafanareader, tableau;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA flows TO flows;

GRANT USAGE ON SCHEMA public TO flows, grafanareader, tableau;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    public.customers, public.properties, public.accounts, public.customer_accounts,
    public.customer_events, public.account_events, public.payments, public.topups,
    public.topups_payments
  TO flows;
GRANT SELECT ON
    public.customers, public.properties, public.accounts, public.customer_accounts,
    public.customer_events, public.account_events, public.payments, public.topups,
    public.topups_payments
  TO grafanareader, tableau;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO flows;
-- Tools check the schema version (require_current) as whichever role they
-- connect as; the migration runner creates this table before 0001.
GRANT SELECT ON public.flows_migrations TO flows, grafanareader, tableau;

-- Tables, views and sequences that later migrations create (as the same
-- migrating role) get the same grants without repeating them.
ALTER DEFAULT PRIVILEGES IN SCHEMA flows GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO flows;
ALTER DEFAULT PRIVILEGES IN SCHEMA flows GRANT SELECT ON TABLES TO grafanareader, tableau;
ALTER DEFAULT PRIVILEGES IN SCHEMA flows GRANT USAGE, SELECT ON SEQUENCES TO flows;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO flows;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO grafanareader, tableau;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO flows;

-- Row-level security per ESCO ------------------------------------------------------
--
-- The session setting flows.esco names one ESCO, by code (or by id). While it
-- is set, the policy esco_isolation on each flows table that carries an ESCO
-- (escos itself, sites_new, feeder_registry, meter_registry) shows only that
-- ESCO's rows and accepts only writes of rows of that ESCO; the flows views are
-- security_invoker, so they are filtered the same way. While it is unset or
-- empty, every row is visible: fleet jobs and reports work across ESCOs.
--
--   SET flows.esco = 'wlce';                          -- this session
--   ALTER ROLE wlce_dashboard SET flows.esco = 'wlce'; -- every session of a role
--   "... options='-c flows.esco=wlce'"                -- a connection string
--
-- Not subject to it: superusers, roles with BYPASSRLS, and the tables' owner
-- (the role that ran the migrations). The setting belongs to the session, so
-- this scopes cooperating clients, such as a dashboard pinned to one ESCO; a
-- role that may run arbitrary SQL can change its own flows.esco and is not
-- confined by it.

-- The ESCO the session is limited to, or null for all.
CREATE FUNCTION flows.current_esco() RETURNS text
  LANGUAGE sql STABLE
  AS $$
  SELECT nullif(current_setting('flows.esco', true), '')
$$;

-- Whether a row of ESCO row_esco is visible to the session. (The lookup in
-- flows.escos is itself filtered by the escos policy, consistently.)
CREATE FUNCTION flows.esco_visible(row_esco uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
  SELECT flows.current_esco() IS NULL
      OR row_esco IN (SELECT e.id FROM flows.escos e
                      WHERE e.code = flows.current_esco() OR e.id::text = flows.current_esco())
$$;

ALTER TABLE flows.escos ENABLE ROW LEVEL SECURITY;
CREATE POLICY esco_isolation ON flows.escos
  USING (flows.current_esco() IS NULL OR code = flows.current_esco() OR id::text = flows.current_esco());

ALTER TABLE flows.sites_new ENABLE ROW LEVEL SECURITY;
CREATE POLICY esco_isolation ON flows.sites_new USING (flows.esco_visible(esco));

ALTER TABLE flows.feeder_registry ENABLE ROW LEVEL SECURITY;
CREATE POLICY esco_isolation ON flows.feeder_registry USING (flows.esco_visible(esco));

ALTER TABLE flows.meter_registry ENABLE ROW LEVEL SECURITY;
CREATE POLICY esco_isolation ON flows.meter_registry USING (flows.esco_visible(esco));
