-- A deployed Flows database as the schema spec describes one ("Deployed databases
-- the tools must adopt"), written for the adoption tests (not taken from the public
-- Flows migrations): the flows schema of sqitch changes 0000..0006 with its
-- differences from a fresh install here (real register reads, AFTER UPDATE OF
-- row triggers, clock_time_diff_synced_at, regions and escos.region with row-level
-- security, ev_chargers and meter_tophat_registry, get_meters_for_cli, materialized
-- "missing" views and continuous aggregates), the sqitch registry, the roles
-- flows, grafanareader and tableau with grants, and operator data: three ESCOs,
-- active and passive meters, October 2026 of half hours, shadows, event logs.
--
-- TimescaleDB is not installed here: create_hypertable is a no-op stand-in
-- (pg_temp, gone with the session) and the continuous aggregates are
-- materialized views. Run with psql -v ON_ERROR_STOP=1 as a superuser.

CREATE FUNCTION pg_temp.create_hypertable(relation regclass, time_column name) RETURNS void
  LANGUAGE sql AS $$ SELECT $$;

DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['flows', 'grafanareader', 'tableau'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END;
    END IF;
  END LOOP;
END $$;

-- sqitch's registry --------------------------------------------------------------
CREATE SCHEMA flows_sqitch;
CREATE TABLE flows_sqitch.releases (version real PRIMARY KEY, installed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  installer_name text NOT NULL, installer_email text NOT NULL);
CREATE TABLE flows_sqitch.projects (project text PRIMARY KEY, uri text UNIQUE, created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  creator_name text NOT NULL, creator_email text NOT NULL);
CREATE TABLE flows_sqitch.changes (change_id text PRIMARY KEY, script_hash text, change text NOT NULL,
  project text NOT NULL REFERENCES flows_sqitch.projects (project) ON UPDATE CASCADE, note text NOT NULL DEFAULT '',
  committed_at timestamptz NOT NULL DEFAULT clock_timestamp(), committer_name text NOT NULL, committer_email text NOT NULL,
  planned_at timestamptz NOT NULL, planner_name text NOT NULL, planner_email text NOT NULL);
INSERT INTO flows_sqitch.releases VALUES (1.1, '2024-01-10T09:00Z', 'ops', 'ops@example.org');
INSERT INTO flows_sqitch.projects (project, uri, created_at, creator_name, creator_email)
  VALUES ('flows', 'https://example.org/flows', '2024-01-10T09:00Z', 'ops', 'ops@example.org');
INSERT INTO flows_sqitch.changes (change_id, script_hash, change, project, committed_at, committer_name, committer_email,
                                  planned_at, planner_name, planner_email)
  SELECT md5(c), md5('script ' || c), c, 'flows', '2024-01-10T09:00Z'::timestamptz + n * interval '30 days', 'ops', 'ops@example.org',
         '2024-01-01T00:00Z', 'dev', 'dev@example.org'
  FROM unnest(ARRAY['0000_initial', '0001_upstream_updates', '0002_reads_insert_handle_no_register',
                    '0003_meter_mode_active_default', '0004_meter_shadows_clock_synced_at',
                    '0005_flows_patch_from_myenergy', '0006_regions_and_escos_region']) WITH ORDINALITY AS x(c, n);

-- flows: types and configuration --------------------------------------------------
CREATE SCHEMA flows;
CREATE TYPE flows.circuit_type_enum AS ENUM ('heat', 'power', 'solar');
CREATE TYPE flows.health_check_status AS ENUM ('healthy', 'unhealthy');
CREATE TYPE flows.meter_metric_run_frequency_enum AS ENUM ('hourly', 'daily', '12hourly');
CREATE TYPE flows.meter_mode_enum AS ENUM ('active', 'passive');
CREATE TYPE flows.meter_register_element AS ENUM ('A', 'B', 'SINGLE');
CREATE TYPE flows.meter_register_status_enum AS ENUM ('enabled', 'replaced');
CREATE TYPE flows.register_nature_enum AS ENUM ('heat', 'power', 'solar');
CREATE TYPE flows.emnify_device_connectivity_status_enum AS ENUM ('online', 'offline', 'attached', 'blocked');
CREATE TYPE flows.emnify_device_installation_status_enum AS ENUM ('enabled', 'disabled', 'deleted');

-- the deployed updated_at function (not this project's flows.updated_at_now)
CREATE FUNCTION flows.update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at = statement_timestamp(); RETURN NEW; END $$;

CREATE TABLE flows.regions (code text PRIMARY KEY, name text NOT NULL);
CREATE TABLE flows.escos (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), created_at timestamptz NOT NULL DEFAULT now(),
  name text, code text UNIQUE, app_url text, region text REFERENCES flows.regions (code));
CREATE TABLE flows.sites_new (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, code text UNIQUE,
  esco uuid NOT NULL REFERENCES flows.escos (id), created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE flows.feeder_registry (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL UNIQUE,
  esco uuid NOT NULL REFERENCES flows.escos (id), created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE flows.service_head_registry (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL UNIQUE,
  feeder uuid REFERENCES flows.feeder_registry (id), created_at timestamptz NOT NULL DEFAULT now(),
  phase integer CHECK (phase IN (1, 2, 3)), fuse_rating smallint,
  type text CHECK (type IS NULL OR type IN ('customer_owned', 'network_owned')));
CREATE TABLE flows.properties (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), plot text, created_at timestamptz DEFAULT now());
CREATE TABLE flows.properties_service_head (property uuid NOT NULL REFERENCES flows.properties (id),
  service_head uuid NOT NULL REFERENCES flows.service_head_registry (id), created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (property, service_head));
CREATE TABLE flows.meter_registry (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(), serial text UNIQUE, emnify_id integer UNIQUE, ip_address inet UNIQUE,
  name text, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
  installation_status flows.emnify_device_installation_status_enum, commissioned_iso_week_date text, hardware text,
  prepay_enabled boolean, iccid text UNIQUE, site uuid REFERENCES flows.sites_new (id),
  mode flows.meter_mode_enum DEFAULT 'active', firmware_version text, esco uuid REFERENCES flows.escos (id),
  daylight_savings_correction_enabled boolean, single_meter_app boolean NOT NULL DEFAULT false);
CREATE TABLE flows.service_head_meter (service_head uuid NOT NULL REFERENCES flows.service_head_registry (id),
  meter uuid NOT NULL REFERENCES flows.meter_registry (id), created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service_head, meter));
CREATE TABLE flows.meter_registers (register_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  meter_id uuid NOT NULL REFERENCES flows.meter_registry (id), nature flows.register_nature_enum,
  created_at timestamptz NOT NULL DEFAULT now(), status flows.meter_register_status_enum DEFAULT 'enabled',
  element flows.meter_register_element, start_time timestamptz, end_time timestamptz, notes text);
CREATE TABLE flows.circuits (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), type flows.circuit_type_enum NOT NULL,
  name text, created_at timestamptz DEFAULT now());
CREATE TABLE flows.circuit_register (circuit uuid NOT NULL REFERENCES flows.circuits (id),
  register uuid NOT NULL REFERENCES flows.meter_registers (register_id), start_time timestamptz NOT NULL,
  end_time timestamptz, created_at timestamptz DEFAULT now(), notes text, PRIMARY KEY (circuit, register, start_time));
CREATE TABLE flows.meter_metrics (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL UNIQUE, notes text,
  enabled boolean NOT NULL, run_frequency flows.meter_metric_run_frequency_enum NOT NULL);
CREATE TABLE flows.meter_event_log_type (id integer PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE flows.ev_chargers (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), serial text UNIQUE, pin text,
  position text, esco uuid REFERENCES flows.escos (id), created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE flows.meter_tophat_registry (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  meter uuid REFERENCES flows.meter_registry (id), emnify_id integer, iccid text, ip_address inet,
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());

-- meter state: the register columns are real, as deployed
CREATE TABLE flows.meter_shadows (
  id uuid PRIMARY KEY REFERENCES flows.meter_registry (id), balance numeric,
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
  clock_time_diff_seconds integer, clock_time_diff_synced_at timestamptz, csq integer,
  emnify_connectivity_status flows.emnify_device_connectivity_status_enum, health flows.health_check_status,
  health_details text, last_healthy_at timestamptz, "3p_voltage_l1" real, "3p_voltage_l2" real, "3p_voltage_l3" real,
  voltage numeric, import_a real, export_a real, import_b real, export_b real, tariffs_active jsonb,
  tariffs_future jsonb, backlight text, load_switch text);

-- time series (hypertables on "timestamp" in production) ----------------------------
CREATE TABLE flows.register_import (register_id uuid NOT NULL REFERENCES flows.meter_registers (register_id),
  "timestamp" timestamptz NOT NULL, read real, UNIQUE (register_id, "timestamp"));
CREATE TABLE flows.register_export (register_id uuid NOT NULL REFERENCES flows.meter_registers (register_id),
  "timestamp" timestamptz NOT NULL, read real, UNIQUE (register_id, "timestamp"));
CREATE TABLE flows.register_interval_hh (register_id uuid NOT NULL REFERENCES flows.meter_registers (register_id),
  "timestamp" timestamptz NOT NULL, kwh numeric NOT NULL, UNIQUE (register_id, "timestamp"));
CREATE TABLE flows.meter_csq (meter_id uuid NOT NULL REFERENCES flows.meter_registry (id),
  "timestamp" timestamptz NOT NULL, csq integer, UNIQUE (meter_id, "timestamp"));
CREATE TABLE flows.meter_voltage (meter_id uuid NOT NULL REFERENCES flows.meter_registry (id),
  "timestamp" timestamptz NOT NULL, voltage real, UNIQUE (meter_id, "timestamp"));
CREATE TABLE flows.meter_3p_voltage (meter_id uuid NOT NULL REFERENCES flows.meter_registry (id),
  "timestamp" timestamptz NOT NULL, voltage_l1 real, voltage_l2 real, voltage_l3 real, UNIQUE (meter_id, "timestamp"));
CREATE TABLE flows.meter_prepay_balance (meter_id uuid NOT NULL REFERENCES flows.meter_registry (id),
  "timestamp" timestamptz NOT NULL, balance numeric, UNIQUE (meter_id, "timestamp"));
CREATE TABLE flows.meter_health_history (meter_id uuid NOT NULL REFERENCES flows.meter_registry (id),
  "timestamp" timestamptz NOT NULL, health flows.health_check_status NOT NULL, UNIQUE (meter_id, "timestamp"));
CREATE TABLE flows.meter_event_log (meter_id uuid NOT NULL REFERENCES flows.meter_registry (id),
  "timestamp" timestamptz NOT NULL, event_type integer NOT NULL, event_set integer NOT NULL,
  PRIMARY KEY (meter_id, "timestamp", event_type));
SELECT pg_temp.create_hypertable(('flows.' || t)::regclass, 'timestamp')
  FROM unnest(ARRAY['register_import', 'register_export', 'register_interval_hh', 'meter_csq', 'meter_voltage',
                    'meter_3p_voltage', 'meter_prepay_balance', 'meter_health_history', 'meter_event_log']) t;

-- shadow triggers: every update fans out into the history --------------------------
CREATE FUNCTION flows.meter_shadows_insert_new() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN INSERT INTO flows.meter_shadows (id) VALUES (NEW.id); RETURN NEW; END $$;
CREATE FUNCTION flows.meter_csq_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN INSERT INTO flows.meter_csq VALUES (NEW.id, NEW.updated_at, NEW.csq)
  ON CONFLICT (meter_id, "timestamp") DO UPDATE SET csq = EXCLUDED.csq; RETURN NEW; END $$;
CREATE FUNCTION flows.meter_voltage_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN INSERT INTO flows.meter_voltage VALUES (NEW.id, NEW.updated_at, NEW.voltage)
  ON CONFLICT (meter_id, "timestamp") DO UPDATE SET voltage = EXCLUDED.voltage; RETURN NEW; END $$;
CREATE FUNCTION flows.meter_3p_voltage_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN INSERT INTO flows.meter_3p_voltage VALUES (NEW.id, NEW.updated_at, NEW."3p_voltage_l1", NEW."3p_voltage_l2", NEW."3p_voltage_l3")
  ON CONFLICT (meter_id, "timestamp") DO NOTHING; RETURN NEW; END $$;
CREATE FUNCTION flows.meter_prepay_balance_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN INSERT INTO flows.meter_prepay_balance VALUES (NEW.id, NEW.updated_at, NEW.balance)
  ON CONFLICT (meter_id, "timestamp") DO UPDATE SET balance = EXCLUDED.balance; RETURN NEW; END $$;
CREATE FUNCTION flows.meter_health_history_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  IF NEW.health IS NOT NULL THEN
    INSERT INTO flows.meter_health_history VALUES (NEW.id, NEW.updated_at, NEW.health)
      ON CONFLICT (meter_id, "timestamp") DO UPDATE SET health = EXCLUDED.health;
  END IF;
  IF NEW.health = 'healthy' THEN
    UPDATE flows.meter_shadows SET last_healthy_at = NEW.updated_at WHERE id = NEW.id;
  END IF;
  RETURN NEW;
END $$;
-- 0002_reads_insert_handle_no_register: a meter without the element's register is skipped
CREATE FUNCTION flows.register_read_insert(meter uuid, wanted flows.meter_register_element, direction text,
                                           reading real, at_time timestamptz) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE register uuid;
BEGIN
  IF reading IS NULL THEN RETURN; END IF;
  SELECT r.register_id INTO register FROM flows.meter_registers r
   WHERE r.meter_id = meter AND (r.element = wanted OR (wanted = 'A' AND r.element = 'SINGLE')) LIMIT 1;
  IF register IS NULL THEN
    RAISE WARNING 'no register for meter % element %', meter, wanted;
    RETURN;
  END IF;
  IF direction = 'import' THEN
    INSERT INTO flows.register_import VALUES (register, at_time, reading)
      ON CONFLICT (register_id, "timestamp") DO UPDATE SET read = EXCLUDED.read;
  ELSE
    INSERT INTO flows.register_export VALUES (register, at_time, reading)
      ON CONFLICT (register_id, "timestamp") DO UPDATE SET read = EXCLUDED.read;
  END IF;
END $$;
CREATE FUNCTION flows.register_import_a_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN PERFORM flows.register_read_insert(NEW.id, 'A', 'import', NEW.import_a, NEW.updated_at); RETURN NEW; END $$;
CREATE FUNCTION flows.register_import_b_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN PERFORM flows.register_read_insert(NEW.id, 'B', 'import', NEW.import_b, NEW.updated_at); RETURN NEW; END $$;
CREATE FUNCTION flows.register_export_a_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN PERFORM flows.register_read_insert(NEW.id, 'A', 'export', NEW.export_a, NEW.updated_at); RETURN NEW; END $$;
CREATE FUNCTION flows.register_export_b_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN PERFORM flows.register_read_insert(NEW.id, 'B', 'export', NEW.export_b, NEW.updated_at); RETURN NEW; END $$;

CREATE TRIGGER meter_registry_insert_shadow AFTER INSERT ON flows.meter_registry
  FOR EACH ROW EXECUTE FUNCTION flows.meter_shadows_insert_new();
CREATE TRIGGER meter_registry_updated_at BEFORE UPDATE ON flows.meter_registry
  FOR EACH ROW EXECUTE FUNCTION flows.update_updated_at_column();
CREATE TRIGGER meter_shadows_updated_at BEFORE UPDATE ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.update_updated_at_column();
CREATE TRIGGER meter_shadows_csq_update AFTER UPDATE OF csq ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_csq_insert();
CREATE TRIGGER meter_shadows_voltage_update AFTER UPDATE OF voltage ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_voltage_insert();
CREATE TRIGGER meter_shadows_3p_voltage_update AFTER UPDATE OF "3p_voltage_l1" ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_3p_voltage_insert();
CREATE TRIGGER meter_shadows_prepay_balance_update AFTER UPDATE OF balance ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_prepay_balance_insert();
CREATE TRIGGER meter_shadows_health_update AFTER UPDATE OF health ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_health_history_insert();
CREATE TRIGGER meter_shadows_import_a_update AFTER UPDATE OF import_a ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.register_import_a_insert();
CREATE TRIGGER meter_shadows_import_b_update AFTER UPDATE OF import_b ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.register_import_b_insert();
CREATE TRIGGER meter_shadows_export_a_update AFTER UPDATE OF export_a ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.register_export_a_insert();
CREATE TRIGGER meter_shadows_export_b_update AFTER UPDATE OF export_b ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.register_export_b_insert();

-- what the deployed emop list and the gateway's GetMeters read ----------------------
CREATE FUNCTION flows.get_meters_for_cli(esco_filter text, feeder_filter text)
  RETURNS TABLE (id uuid, ip_address text, serial text, name text, esco text, csq integer, health text,
                 hardware text, feeder text)
  LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  SELECT mr.id, host(mr.ip_address), mr.serial, mr.name, e.code, ms.csq, ms.health::text, mr.hardware, fr.name
  FROM flows.meter_registry mr
  JOIN flows.meter_shadows ms ON ms.id = mr.id
  LEFT JOIN flows.escos e ON e.id = mr.esco
  LEFT JOIN flows.service_head_meter shm ON shm.meter = mr.id
  LEFT JOIN flows.service_head_registry shr ON shr.id = shm.service_head
  LEFT JOIN flows.feeder_registry fr ON fr.id = shr.feeder
  WHERE (esco_filter IS NULL OR e.code = esco_filter) AND (feeder_filter IS NULL OR fr.name = feeder_filter)
  ORDER BY e.code, mr.serial;
END $$;

-- views refreshed by TimescaleDB jobs, and the continuous aggregates (stand-ins) ---
CREATE MATERIALIZED VIEW flows.register_interval_hh_missing AS
  SELECT register_id, date_trunc('day', "timestamp") AS day, 48 - count(*) AS missing_count
  FROM flows.register_interval_hh GROUP BY 1, 2;
CREATE MATERIALIZED VIEW flows.register_import_missing AS
  SELECT register_id, date_trunc('day', "timestamp") AS day, count(*) AS reads FROM flows.register_import GROUP BY 1, 2;
CREATE MATERIALIZED VIEW flows.register_export_missing AS
  SELECT register_id, date_trunc('day', "timestamp") AS day, count(*) AS reads FROM flows.register_export GROUP BY 1, 2;
CREATE FUNCTION flows.refresh_register_interval_hh_missing(job_id integer, config jsonb) RETURNS void
  LANGUAGE sql AS $$ REFRESH MATERIALIZED VIEW flows.register_interval_hh_missing $$;
CREATE FUNCTION flows.refresh_register_import_missing(job_id integer, config jsonb) RETURNS void
  LANGUAGE sql AS $$ REFRESH MATERIALIZED VIEW flows.register_import_missing $$;
CREATE FUNCTION flows.refresh_register_export_missing(job_id integer, config jsonb) RETURNS void
  LANGUAGE sql AS $$ REFRESH MATERIALIZED VIEW flows.register_export_missing $$;
CREATE MATERIALIZED VIEW flows.circuit_interval_hh AS
  SELECT cr.circuit AS circuit_id, ri."timestamp", sum(ri.kwh) AS kwh
  FROM flows.circuit_register cr JOIN flows.register_interval_hh ri ON ri.register_id = cr.register
  GROUP BY 1, 2;
CREATE MATERIALIZED VIEW flows.circuit_interval_daily AS
  SELECT circuit_id, date_trunc('day', "timestamp", 'Europe/London') AS day, sum(kwh) AS kwh
  FROM flows.circuit_interval_hh GROUP BY 1, 2;
CREATE VIEW flows.meters_low_balance AS
  SELECT mr.id, mr.serial, mr.name, ms.balance FROM flows.meter_shadows ms JOIN flows.meter_registry mr ON mr.id = ms.id
  WHERE mr.prepay_enabled AND ms.balance < 15.0;

-- access: row-level security on escos (read all) and regions; grants ---------------
ALTER TABLE flows.escos ENABLE ROW LEVEL SECURITY;
CREATE POLICY escos_read_all ON flows.escos FOR SELECT USING (true);
CREATE POLICY escos_write_flows ON flows.escos FOR ALL TO flows USING (true);
ALTER TABLE flows.regions ENABLE ROW LEVEL SECURITY;
CREATE POLICY regions_read_all ON flows.regions FOR SELECT USING (true);
GRANT USAGE ON SCHEMA flows TO flows, grafanareader, tableau;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA flows TO flows;
GRANT SELECT ON ALL TABLES IN SCHEMA flows TO grafanareader, tableau;
REVOKE SELECT ON flows.ev_chargers FROM tableau;  -- an operator's own exception, to be kept

-- operator data ------------------------------------------------------------------------
INSERT INTO flows.regions (code, name) VALUES ('south_west', 'South West'), ('london', 'London'),
  ('eastern', 'Eastern'), ('south_east', 'South East');
INSERT INTO flows.escos (code, name, region, created_at) VALUES
  ('wlce', 'Water Lilies', 'south_west', '2024-01-10T10:00Z'), ('hmce', 'Hazel Mead', 'london', '2024-01-10T10:00Z'),
  ('lab', 'Lab', NULL, '2024-01-10T10:00Z');
INSERT INTO flows.sites_new (name, code, esco, created_at)
  SELECT 'Site ' || code, code || '_1', id, '2024-01-10T10:00Z' FROM flows.escos;
INSERT INTO flows.feeder_registry (name, esco, created_at)
  SELECT code || '-feeder-1', id, '2024-01-10T10:00Z' FROM flows.escos;
INSERT INTO flows.service_head_registry (name, feeder, phase, fuse_rating, type, created_at)
  SELECT replace(name, 'feeder', 'head'), id, 1, 100, 'network_owned', '2024-01-10T10:00Z' FROM flows.feeder_registry;
INSERT INTO flows.meter_metrics (name, enabled, run_frequency) VALUES
  ('SyncerVoltage', true, 'hourly'), ('SyncerCsq', true, 'hourly'), ('SyncerEventLog', true, 'hourly'),
  ('SyncerPrepayBalance', true, 'hourly'), ('SyncerBacklight', true, 'daily'), ('SyncerLoadSwitch', true, 'daily'),
  ('SyncerFirmwareVersion', true, 'daily'), ('SyncerPrepayEnabled', true, 'daily'), ('SyncerReads', true, 'daily'),
  ('SyncerDaylightSavingsEnabled', true, 'daily'), ('SyncerSerial', true, 'daily'), ('SyncerHardware', true, 'daily'),
  ('SyncerClockDiff', true, '12hourly'), ('SyncerTariffsActive', true, '12hourly'), ('SyncerTariffsFuture', true, '12hourly');
INSERT INTO flows.meter_event_log_type (id, name) VALUES (33, 'EVENT_POWER_UP'), (34, 'EVENT_POWER_DN'),
  (4, 'BM_TERMINAL_COVER_REMOVED');
-- Meters: 1-3 active (simulated by the tests), 4-5 passive twins of another database.
INSERT INTO flows.meter_registry (serial, ip_address, name, hardware, mode, esco, site, prepay_enabled,
                                  daylight_savings_correction_enabled, created_at, updated_at)
  SELECT v.serial, v.ip::inet, v.name, v.hw, v.mode::flows.meter_mode_enum, e.id, s.id, true, v.dst,
         '2024-02-01T10:00Z', '2024-02-01T10:00Z'
  FROM (VALUES ('EML8400000001', '127.0.84.1', 'WL-01 supply', 'B1.w', 'active', 'wlce', false),
               ('EML8400000002', '127.0.84.2', 'WL-02 supply', 'C1.w', 'active', 'wlce', true),
               ('EML8400000003', '127.0.84.3', 'HM-01 supply', 'B1.w', 'active', 'hmce', false),
               ('EML8400000004', '127.0.84.4', 'HM-02 twin', 'B1.w', 'passive', 'hmce', false),
               ('EML8400000005', '127.0.84.5', 'LAB-01 twin', 'B1.w', 'passive', 'lab', false))
       AS v(serial, ip, name, hw, mode, esco, dst)
  JOIN flows.escos e ON e.code = v.esco JOIN flows.sites_new s ON s.esco = e.id;
INSERT INTO flows.service_head_meter (service_head, meter, created_at)
  SELECT sh.id, m.id, '2024-02-01T10:00Z' FROM flows.meter_registry m
  JOIN flows.feeder_registry f ON f.esco = m.esco JOIN flows.service_head_registry sh ON sh.feeder = f.id;
INSERT INTO flows.meter_registers (meter_id, nature, element, start_time, created_at)
  SELECT m.id, 'power', e::flows.meter_register_element, '2026-01-01T00:00Z', '2024-02-01T10:00Z'
  FROM flows.meter_registry m,
       LATERAL unnest(CASE m.serial WHEN 'EML8400000002' THEN ARRAY['A', 'B'] ELSE ARRAY['SINGLE'] END) e;
INSERT INTO flows.circuits (type, name, created_at)
  SELECT 'power', m.serial || ' ' || r.element, '2024-02-01T10:00Z'
  FROM flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id;
INSERT INTO flows.circuit_register (circuit, register, start_time, created_at)
  SELECT c.id, r.register_id, '2026-01-01T00:00Z', '2024-02-01T10:00Z'
  FROM flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id
  JOIN flows.circuits c ON c.name = m.serial || ' ' || r.element;
INSERT INTO flows.ev_chargers (serial, pin, position, esco, created_at, updated_at)
  SELECT 'EV-1', '1234', 'car park', id, '2024-03-01T10:00Z', '2024-03-01T10:00Z' FROM flows.escos WHERE code = 'wlce';
INSERT INTO flows.meter_tophat_registry (meter, emnify_id, iccid, ip_address, created_at, updated_at)
  SELECT id, 99, '8944', '10.9.9.9', '2024-03-01T10:00Z', '2024-03-01T10:00Z' FROM flows.meter_registry
  WHERE serial = 'EML8400000001';
-- October 2026 (UK: 2026-09-30T23:00Z .. 2026-11-01T00:00Z, 1490 half hours with the
-- clocks going back on the 25th), and a day either side: 0.25 kWh each half hour
-- (EML8400000002 element B: 0.1).
INSERT INTO flows.register_interval_hh (register_id, "timestamp", kwh)
  SELECT r.register_id, t, CASE r.element WHEN 'B' THEN 0.1 ELSE 0.25 END
  FROM flows.meter_registers r
  CROSS JOIN generate_series('2026-09-29T23:00Z'::timestamptz, '2026-11-01T23:30Z', '30 minutes') t;
-- The shadows as the last syncs left them (the triggers write the history).
UPDATE flows.meter_shadows s SET csq = v.csq, balance = v.balance, health = 'healthy', voltage = 241.5,
       import_a = v.import_a, export_a = 0, clock_time_diff_seconds = 3, clock_time_diff_synced_at = '2026-11-02T06:00Z',
       tariffs_active = '{"standing_charge": 0.6556, "unit_rate_element_a": 0.2798, "unit_rate_element_b": 0.2798,
                          "prepayment_ecredit_availability": 10.0, "prepayment_debt_recovery_rate": 0.25,
                          "prepayment_emergency_credit": 15.0}'
  FROM (VALUES ('EML8400000001', 21, 42.17, 12345678), ('EML8400000002', 9, 7.5, 123456789),
               ('EML8400000003', 30, 101.01, 2500000), ('EML8400000004', 14, 20.0, 40000),
               ('EML8400000005', 11, 5.25, 16777217)) AS v(serial, csq, balance, import_a)
  JOIN flows.meter_registry m ON m.serial = v.serial WHERE s.id = m.id;
UPDATE flows.meter_shadows s SET import_b = 765432.5, export_b = 12.25
  FROM flows.meter_registry m WHERE m.id = s.id AND m.serial = 'EML8400000002';
INSERT INTO flows.meter_event_log (meter_id, "timestamp", event_type, event_set)
  SELECT m.id, ('2026-10-0' || n || 'T03:00Z')::timestamptz, CASE n WHEN 2 THEN 4 ELSE 33 END, n
  FROM flows.meter_registry m, generate_series(1, 3) n;
INSERT INTO flows.meter_event_log (meter_id, "timestamp", event_type, event_set)
  SELECT id, '2026-10-20T03:00Z', 999, 1 FROM flows.meter_registry WHERE serial = 'EML8400000003';  -- a type not in the table
REFRESH MATERIALIZED VIEW flows.register_interval_hh_missing;
REFRESH MATERIALIZED VIEW flows.circuit_interval_hh;
REFRESH MATERIALIZED VIEW flows.circuit_interval_daily;
