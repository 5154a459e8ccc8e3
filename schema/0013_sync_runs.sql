-- 0013 sync_runs: a record of every `emop sync` run (one row per run, written in
-- the transaction of its results, so a run killed before the end leaves none).
-- Additive only: what `emop status` reads as the last sync per frequency. The
-- per-ESCO counts let a status for one ESCO show its meters of a run over all.
CREATE TABLE IF NOT EXISTS flows.sync_runs (
  id bigserial CONSTRAINT sync_runs_pkey PRIMARY KEY,
  frequency text NOT NULL CONSTRAINT sync_runs_frequency_check CHECK (frequency IN ('hourly', '12hourly', 'daily')),
  esco text,
  by_serials boolean NOT NULL DEFAULT false,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  meters integer NOT NULL,
  ok integer NOT NULL,
  failed integer NOT NULL,
  by_esco jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS sync_runs_frequency_idx ON flows.sync_runs (frequency, finished_at);
COMMENT ON TABLE flows.sync_runs IS
  'Runs of emop sync: frequency, the --esco given (null: every ESCO), whether --serials narrowed it, when it ran, its meters ok and failed, and by_esco {code: {meters, ok, failed}} ("" for meters without an ESCO).';

-- The deployed roles get on it what they hold on flows.meter_registry (on a
-- database built here the default privileges of 0005 already gave it them).
DO $$
DECLARE
  r text;
  p text;
BEGIN
  FOREACH r IN ARRAY ARRAY['flows', 'grafanareader', 'tableau'] LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r);
    FOREACH p IN ARRAY ARRAY['SELECT', 'INSERT'] LOOP
      IF has_table_privilege(r, 'flows.meter_registry', p) THEN
        EXECUTE format('GRANT %s ON TABLE flows.sync_runs TO %I', p, r);
      END IF;
    END LOOP;
    IF has_table_privilege(r, 'flows.meter_registry', 'INSERT') THEN
      EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE flows.sync_runs_id_seq TO %I', r);
    END IF;
  END LOOP;
END $$;
