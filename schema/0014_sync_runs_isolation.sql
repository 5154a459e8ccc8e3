-- 0014 sync_runs_isolation: row-level security per ESCO on flows.sync_runs
-- (0013 added the table without a policy, so a session pinned to one ESCO read
-- every run, and in by_esco every ESCO's meter counts).
--
-- A run is visible, and may be written, while flows.esco is unset, or when the
-- run was one ESCO's (its esco, the --esco given, is the session's ESCO, by
-- code or id). A run over every ESCO (esco null) counts every ESCO's meters in
-- by_esco, so a pinned session does not see it: `emop status` run in a session
-- pinned to one ESCO shows only the runs made for that ESCO (`emop sync --esco`).
-- USING and WITH CHECK alike, as 0012's.
--
-- On a database adopted from a deployed Flows schema (public.flows_adoption
-- exists) the policy comes only where ESCO isolation was asked for: here when
-- the adoption recorded step esco_isolation_tables, otherwise with
-- `emop db migrate --with-esco-isolation` (lib/db/adoption_plan.cpp, step
-- esco_isolation_tables, which calls flows.sync_runs_isolation_apply below).

-- The policies ------------------------------------------------------------------------
--
-- flows.sync_runs_isolation_apply(policy) creates (or re-creates) the policy
-- named policy on flows.sync_runs: PERMISSIVE with row-level security turned
-- on, or RESTRICTIVE where row-level security was already on (it narrows and
-- never widens what was allowed), as flows.esco_isolation_apply does.
CREATE OR REPLACE FUNCTION flows.sync_runs_isolation_apply(policy text) RETURNS integer
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  predicate constant text := '(SELECT flows.current_esco()) IS NULL OR esco IN '
                             '(SELECT e.code FROM flows.escos e '
                             'WHERE e.code = flows.current_esco() OR e.id::text = flows.current_esco())';
  permissive boolean;
BEGIN
  IF to_regclass('flows.sync_runs') IS NULL THEN
    RETURN 0;
  END IF;
  SELECT p.polpermissive INTO permissive FROM pg_catalog.pg_policy p
   WHERE p.polrelid = 'flows.sync_runs'::regclass AND p.polname = policy;
  IF NOT FOUND THEN
    SELECT NOT c.relrowsecurity INTO permissive FROM pg_catalog.pg_class c WHERE c.oid = 'flows.sync_runs'::regclass;
  END IF;
  ALTER TABLE flows.sync_runs ENABLE ROW LEVEL SECURITY;
  EXECUTE format('DROP POLICY IF EXISTS %I ON flows.sync_runs', policy);
  EXECUTE format('CREATE POLICY %I ON flows.sync_runs AS %s USING (%s) WITH CHECK (%s)', policy,
                 CASE WHEN permissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END, predicate, predicate);
  RETURN 1;
END;
$$;
REVOKE EXECUTE ON FUNCTION flows.sync_runs_isolation_apply(text) FROM PUBLIC;

-- Applied here ------------------------------------------------------------------------

DO $$
BEGIN
  IF to_regclass('public.flows_adoption') IS NULL THEN
    PERFORM flows.sync_runs_isolation_apply('esco_isolation');
  ELSIF EXISTS (SELECT 1 FROM public.flows_adoption WHERE step = 'esco_isolation_tables') THEN
    PERFORM flows.sync_runs_isolation_apply('flows_tools_esco_isolation');
  ELSE
    RAISE NOTICE 'adopted database: ESCO isolation of flows.sync_runs is left to '
                 '`emop db migrate --with-esco-isolation`';
  END IF;
END;
$$;
