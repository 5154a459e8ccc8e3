-- 0002 flows_timeseries: the time series and the meter_shadows triggers that
-- fill them.
--
-- Every series is keyed on (id, "timestamp"). With TimescaleDB the tables become
-- hypertables on "timestamp"; without it they stay ordinary tables with the same
-- btree indexes TimescaleDB would have created (see the DO block at the end).

-- Register reads (Wh) and half-hourly consumption ------------------------------

CREATE TABLE flows.register_import (
  register_id uuid NOT NULL CONSTRAINT register_import_meter_id_fkey REFERENCES flows.meter_registers (register_id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  "timestamp" timestamptz NOT NULL,
  read bigint,
  CONSTRAINT register_import_unique UNIQUE (register_id, "timestamp")
);
COMMENT ON TABLE flows.register_import IS
  'History of import register reads (Wh): every update of meter_shadows.import_a/import_b.';

CREATE TABLE flows.register_export (
  register_id uuid NOT NULL CONSTRAINT register_export_meter_id_fkey REFERENCES flows.meter_registers (register_id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  "timestamp" timestamptz NOT NULL,
  read bigint,
  CONSTRAINT register_export_unique UNIQUE (register_id, "timestamp")
);
COMMENT ON TABLE flows.register_export IS
  'History of export register reads (Wh): every update of meter_shadows.export_a/export_b.';

-- "timestamp" is the start of the half hour.
CREATE TABLE flows.register_interval_hh (
  register_id uuid NOT NULL CONSTRAINT meter_interval_register_id_fkey REFERENCES flows.meter_registers (register_id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  "timestamp" timestamptz NOT NULL,
  kwh numeric NOT NULL,
  CONSTRAINT register_interval_hh_unique UNIQUE (register_id, "timestamp")
);

-- Meter measurements -----------------------------------------------------------

CREATE TABLE flows.meter_csq (
  meter_id uuid NOT NULL CONSTRAINT meter_csq_meter_id_fkey REFERENCES flows.meter_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  "timestamp" timestamptz NOT NULL,
  csq integer
);
CREATE UNIQUE INDEX meter_csq_meter_time_idx ON flows.meter_csq (meter_id, "timestamp");

CREATE TABLE flows.meter_voltage (
  meter_id uuid NOT NULL CONSTRAINT meter_voltage_meter_id_fkey REFERENCES flows.meter_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  "timestamp" timestamptz NOT NULL,
  voltage real
);
CREATE UNIQUE INDEX meter_voltage_meter_time_idx ON flows.meter_voltage (meter_id, "timestamp");

CREATE TABLE flows.meter_3p_voltage (
  meter_id uuid NOT NULL CONSTRAINT meter_3p_voltage_meter_id_fkey REFERENCES flows.meter_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  "timestamp" timestamptz NOT NULL,
  voltage_l1 real,
  voltage_l2 real,
  voltage_l3 real
);
CREATE UNIQUE INDEX meter_3p_voltage_meter_time_idx ON flows.meter_3p_voltage (meter_id, "timestamp");

CREATE TABLE flows.meter_prepay_balance (
  meter_id uuid NOT NULL CONSTRAINT meter_prepay_balance_meter_id_fkey REFERENCES flows.meter_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  "timestamp" timestamptz NOT NULL,
  balance numeric
);
CREATE UNIQUE INDEX meter_prepay_balance_meter_time_idx ON flows.meter_prepay_balance (meter_id, "timestamp");

CREATE TABLE flows.meter_health_history (
  meter_id uuid NOT NULL CONSTRAINT meter_health_history_meter_id_fkey REFERENCES flows.meter_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  "timestamp" timestamptz NOT NULL,
  health flows.health_check_status NOT NULL
);
CREATE UNIQUE INDEX meter_health_history_meter_time_idx ON flows.meter_health_history (meter_id, "timestamp");

CREATE TABLE flows.meter_event_log (
  meter_id uuid NOT NULL CONSTRAINT meter_event_log_meter_id_fkey REFERENCES flows.meter_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  "timestamp" timestamptz NOT NULL,
  event_type integer NOT NULL,
  event_set integer NOT NULL,
  CONSTRAINT meter_event_type_pkey PRIMARY KEY (meter_id, "timestamp", event_type)
);
COMMENT ON TABLE flows.meter_event_log IS 'Events logged inside each meter.';
COMMENT ON COLUMN flows.meter_event_log.event_type IS
  'A meter_event_log_type id; no foreign key because meters report types not (yet) in that table.';
COMMENT ON COLUMN flows.meter_event_log.event_set IS 'Incrementing count for the event_type';

-- meter_shadows -> time series -------------------------------------------------
--
-- Each update of a meter_shadows column is also a sample of that quantity: an
-- AFTER UPDATE OF <column> trigger copies it, stamped with the row's updated_at
-- (statement_timestamp(), set by meter_shadows_updated_at), into its series.
-- The trigger fires whenever the column is SET, changed or not, so a series
-- records every sync. Two samples with the same timestamp keep the later one.
--
-- The functions are SECURITY DEFINER so a syncer may update shadows without
-- write access to the history, and use an empty search_path so nothing the
-- caller puts on its path can stand in for flows objects.

CREATE FUNCTION flows.meter_csq_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  INSERT INTO flows.meter_csq (meter_id, "timestamp", csq)
    VALUES (NEW.id, NEW.updated_at, NEW.csq)
    ON CONFLICT (meter_id, "timestamp") DO UPDATE SET csq = EXCLUDED.csq;
  RETURN NEW;
END;
$$;

CREATE FUNCTION flows.meter_voltage_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  INSERT INTO flows.meter_voltage (meter_id, "timestamp", voltage)
    VALUES (NEW.id, NEW.updated_at, NEW.voltage)
    ON CONFLICT (meter_id, "timestamp") DO UPDATE SET voltage = EXCLUDED.voltage;
  RETURN NEW;
END;
$$;

CREATE FUNCTION flows.meter_3p_voltage_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  INSERT INTO flows.meter_3p_voltage (meter_id, "timestamp", voltage_l1, voltage_l2, voltage_l3)
    VALUES (NEW.id, NEW.updated_at, NEW."3p_voltage_l1", NEW."3p_voltage_l2", NEW."3p_voltage_l3")
    ON CONFLICT (meter_id, "timestamp") DO UPDATE
      SET voltage_l1 = EXCLUDED.voltage_l1, voltage_l2 = EXCLUDED.voltage_l2, voltage_l3 = EXCLUDED.voltage_l3;
  RETURN NEW;
END;
$$;

CREATE FUNCTION flows.meter_prepay_balance_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  INSERT INTO flows.meter_prepay_balance (meter_id, "timestamp", balance)
    VALUES (NEW.id, NEW.updated_at, NEW.balance)
    ON CONFLICT (meter_id, "timestamp") DO UPDATE SET balance = EXCLUDED.balance;
  RETURN NEW;
END;
$$;

-- A null health (unknown) is not a sample: the history column is NOT NULL.
CREATE FUNCTION flows.meter_health_history_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  IF NEW.health IS NOT NULL THEN
    INSERT INTO flows.meter_health_history (meter_id, "timestamp", health)
      VALUES (NEW.id, NEW.updated_at, NEW.health)
      ON CONFLICT (meter_id, "timestamp") DO UPDATE SET health = EXCLUDED.health;
  END IF;
  RETURN NEW;
END;
$$;

-- A healthy update also sets last_healthy_at. Done BEFORE the row is written
-- (rather than by a second UPDATE from the AFTER trigger) so each sync writes
-- one row version. Runs before meter_shadows_updated_at (triggers fire in name
-- order), hence statement_timestamp() rather than NEW.updated_at.
CREATE FUNCTION flows.meter_shadows_last_healthy_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.health = 'healthy' THEN
    NEW.last_healthy_at := statement_timestamp();
  END IF;
  RETURN NEW;
END;
$$;

-- The meter's register for an element at a time: element A also matches a
-- SINGLE-element meter's register. Prefers an enabled register whose time
-- range covers the time, then the most recently started.
CREATE FUNCTION flows.meter_register_for_element(
    meter uuid, wanted flows.meter_register_element, at_time timestamptz)
  RETURNS uuid
  LANGUAGE sql STABLE
  SET search_path = ''
  AS $$
  SELECT r.register_id
  FROM flows.meter_registers r
  WHERE r.meter_id = meter
    AND (r.element = wanted OR (wanted = 'A' AND r.element = 'SINGLE'))
    AND (r.start_time IS NULL OR r.start_time <= at_time)
    AND (r.end_time IS NULL OR r.end_time > at_time)
  ORDER BY r.status = 'enabled' DESC, r.start_time DESC NULLS LAST
  LIMIT 1
$$;

-- Records one register read. A meter without a register for the element (for
-- instance a single-element meter asked for element B) is skipped with a
-- WARNING: the sync of its other values must not fail because of it.
CREATE FUNCTION flows.register_read_insert(
    meter uuid, wanted flows.meter_register_element, direction text, reading bigint, at_time timestamptz)
  RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
DECLARE
  register uuid;
BEGIN
  IF reading IS NULL THEN
    RETURN;
  END IF;
  register := flows.meter_register_for_element(meter, wanted, at_time);
  IF register IS NULL THEN
    RAISE WARNING 'meter % has no element % register: % read % not recorded',
      meter, wanted, direction, reading;
    RETURN;
  END IF;
  IF direction = 'import' THEN
    INSERT INTO flows.register_import (register_id, "timestamp", read)
      VALUES (register, at_time, reading)
      ON CONFLICT (register_id, "timestamp") DO UPDATE SET read = EXCLUDED.read;
  ELSE
    INSERT INTO flows.register_export (register_id, "timestamp", read)
      VALUES (register, at_time, reading)
      ON CONFLICT (register_id, "timestamp") DO UPDATE SET read = EXCLUDED.read;
  END IF;
END;
$$;

CREATE FUNCTION flows.register_import_a_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  PERFORM flows.register_read_insert(NEW.id, 'A', 'import', NEW.import_a, NEW.updated_at);
  RETURN NEW;
END;
$$;

CREATE FUNCTION flows.register_import_b_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  PERFORM flows.register_read_insert(NEW.id, 'B', 'import', NEW.import_b, NEW.updated_at);
  RETURN NEW;
END;
$$;

CREATE FUNCTION flows.register_export_a_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  PERFORM flows.register_read_insert(NEW.id, 'A', 'export', NEW.export_a, NEW.updated_at);
  RETURN NEW;
END;
$$;

CREATE FUNCTION flows.register_export_b_insert() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  PERFORM flows.register_read_insert(NEW.id, 'B', 'export', NEW.export_b, NEW.updated_at);
  RETURN NEW;
END;
$$;

CREATE TRIGGER meter_shadows_csq_update
  AFTER UPDATE OF csq ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_csq_insert();

CREATE TRIGGER meter_shadows_voltage_update
  AFTER UPDATE OF voltage ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_voltage_insert();

CREATE TRIGGER meter_shadows_3p_voltage_update
  AFTER UPDATE OF "3p_voltage_l1", "3p_voltage_l2", "3p_voltage_l3" ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_3p_voltage_insert();

CREATE TRIGGER meter_shadows_prepay_balance_update
  AFTER UPDATE OF balance ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_prepay_balance_insert();

CREATE TRIGGER meter_shadows_health_update
  AFTER UPDATE OF health ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_health_history_insert();

CREATE TRIGGER meter_shadows_health_last_healthy_at
  BEFORE UPDATE OF health ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.meter_shadows_last_healthy_at();

CREATE TRIGGER meter_shadows_import_a_update
  AFTER UPDATE OF import_a ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.register_import_a_insert();

CREATE TRIGGER meter_shadows_import_b_update
  AFTER UPDATE OF import_b ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.register_import_b_insert();

CREATE TRIGGER meter_shadows_export_a_update
  AFTER UPDATE OF export_a ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.register_export_a_insert();

CREATE TRIGGER meter_shadows_export_b_update
  AFTER UPDATE OF export_b ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.register_export_b_insert();

-- TimescaleDB when available, plain indexes otherwise ---------------------------
--
-- Only when the extension is both installable and preloaded (CREATE EXTENSION
-- fails otherwise). create_hypertable() makes a ("timestamp" DESC) index per
-- table; without TimescaleDB the same indexes are created here, so queries plan
-- alike either way. The (id, "timestamp") keys above exist in both cases.
DO $$
DECLARE
  series text[] := ARRAY[
    'register_import', 'register_export', 'register_interval_hh', 'meter_csq',
    'meter_voltage', 'meter_3p_voltage', 'meter_prepay_balance',
    'meter_health_history', 'meter_event_log'];
  t text;
  ts_schema name;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb')
     AND current_setting('shared_preload_libraries') ~ 'timescaledb' THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    SELECT n.nspname INTO ts_schema
      FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'timescaledb';
    FOREACH t IN ARRAY series LOOP
      EXECUTE format('SELECT %I.create_hypertable(%L, %L, if_not_exists => true)',
                     ts_schema, 'flows.' || t, 'timestamp');
    END LOOP;
  ELSE
    FOREACH t IN ARRAY series LOOP
      EXECUTE format('CREATE INDEX %I ON flows.%I ("timestamp" DESC)', t || '_timestamp_idx', t);
    END LOOP;
  END IF;
END;
$$;
