-- 0009 register_interval_daily: kWh per register and UK civil day, kept by
-- triggers on flows.register_interval_hh in the same transaction as the half
-- hours themselves, so a monthly bill reads one row per register and day
-- instead of 48 (flows-bill usage/run). Exact: numeric sums, added and
-- subtracted as half hours come and go.
--
-- Days are UK civil dates (Europe/London), as customers are billed: a day holds
-- 46, 48 or 50 half hours. half_hours counts the rows summed (missing half
-- hours are simply absent). A register-day with no half hours left has no row.
--
-- The rollup is only as right as the triggers saw. Rebuild it
-- (SELECT flows.register_interval_daily_rebuild(), as the owner, or
-- `emop db rebuild-rollup`: it recomputes from the half hours and returns the
-- number of register-days) after
--   * writes with triggers off: session_replication_role = replica (bulk
--     loaders, logical-replication apply), pg_restore --disable-triggers;
--   * any data-only restore (pg_dump holds the rollup's rows too, and the
--     triggers add the restored half hours again), or restore with
--     --exclude-table-data=flows.register_interval_daily and rebuild;
--   * with TimescaleDB, drop_chunks or a retention policy (chunks are dropped
--     without DELETE triggers).

CREATE TABLE flows.register_interval_daily (
  register_id uuid NOT NULL,  -- no foreign key: the half hours summed carry it
  day date NOT NULL,
  kwh numeric NOT NULL,
  half_hours integer NOT NULL CONSTRAINT register_interval_daily_half_hours_check CHECK (half_hours >= 0),
  CONSTRAINT register_interval_daily_pkey PRIMARY KEY (register_id, day)
);

-- Only the triggers write it: the application roles read it. (Unless the
-- application role is the owner that ran the migrations: the triggers write as
-- the owner, which must keep its rights.)
DO $$
BEGIN
  IF current_user <> 'flows' THEN
    REVOKE INSERT, UPDATE, DELETE ON flows.register_interval_daily FROM flows;
  END IF;
END;
$$;

-- The statement's rows as deltas: subtract what left (old_rows), add what came
-- (new_rows). Statement-level with transition tables, so a COPY of a million
-- half hours costs one aggregate, not a million upserts. Each step is its own
-- statement so that, under READ COMMITTED, it sees rows other transactions
-- committed meanwhile (the upsert and the update lock the rows they change).
-- Rows are locked in (register_id, day) order, so two writers sharing
-- register-days wait for each other instead of deadlocking.
-- SECURITY DEFINER with an empty search_path, as the other history triggers;
-- it refuses to run for any table but register_interval_hh (a role that may
-- create triggers must not feed it a table of its own making).
CREATE FUNCTION flows.register_interval_daily_apply() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  IF TG_RELID <> 'flows.register_interval_hh'::regclass THEN
    RAISE EXCEPTION 'register_interval_daily_apply() keeps flows.register_interval_daily for '
                    'flows.register_interval_hh only, not %', TG_RELID::regclass;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    PERFORM 1 FROM flows.register_interval_daily d
      WHERE (d.register_id, d.day) IN (SELECT o.register_id, (o."timestamp" AT TIME ZONE 'Europe/London')::date
                                         FROM old_rows o)
      ORDER BY d.register_id, d.day
      FOR UPDATE;
    UPDATE flows.register_interval_daily d
       SET kwh = d.kwh - g.kwh, half_hours = d.half_hours - g.n
      FROM (SELECT o.register_id, (o."timestamp" AT TIME ZONE 'Europe/London')::date AS day,
                   sum(o.kwh) AS kwh, count(*)::integer AS n
              FROM old_rows o GROUP BY 1, 2) g
     WHERE d.register_id = g.register_id AND d.day = g.day;
    DELETE FROM flows.register_interval_daily d
     WHERE d.half_hours = 0
       AND (d.register_id, d.day) IN (SELECT o.register_id, (o."timestamp" AT TIME ZONE 'Europe/London')::date
                                        FROM old_rows o);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO flows.register_interval_daily AS d (register_id, day, kwh, half_hours)
    SELECT n.register_id, (n."timestamp" AT TIME ZONE 'Europe/London')::date, sum(n.kwh), count(*)
      FROM new_rows n GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (register_id, day) DO UPDATE
      SET kwh = d.kwh + excluded.kwh, half_hours = d.half_hours + excluded.half_hours;
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION flows.register_interval_daily_truncate() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  IF TG_RELID <> 'flows.register_interval_hh'::regclass THEN
    RAISE EXCEPTION 'register_interval_daily_truncate() is for flows.register_interval_hh only, not %',
                    TG_RELID::regclass;
  END IF;
  TRUNCATE flows.register_interval_daily;
  RETURN NULL;
END;
$$;

-- Per-row form of the same deltas, for tables that cannot have transition
-- tables (TimescaleDB hypertables; it fires on their chunks, so it cannot
-- check TG_RELID as the statement-level form does).
CREATE FUNCTION flows.register_interval_daily_apply_row() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE flows.register_interval_daily d
       SET kwh = d.kwh - OLD.kwh, half_hours = d.half_hours - 1
     WHERE d.register_id = OLD.register_id AND d.day = (OLD."timestamp" AT TIME ZONE 'Europe/London')::date;
    DELETE FROM flows.register_interval_daily d
     WHERE d.register_id = OLD.register_id AND d.day = (OLD."timestamp" AT TIME ZONE 'Europe/London')::date
       AND d.half_hours = 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO flows.register_interval_daily AS d (register_id, day, kwh, half_hours)
    VALUES (NEW.register_id, (NEW."timestamp" AT TIME ZONE 'Europe/London')::date, NEW.kwh, 1)
    ON CONFLICT (register_id, day) DO UPDATE
      SET kwh = d.kwh + excluded.kwh, half_hours = d.half_hours + 1;
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION flows.register_interval_daily_rebuild() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
AS $$
DECLARE
  n bigint;
BEGIN
  -- Stop concurrent writers of half hours while the rollup is rebuilt.
  LOCK TABLE flows.register_interval_hh IN SHARE MODE;
  DELETE FROM flows.register_interval_daily;
  INSERT INTO flows.register_interval_daily (register_id, day, kwh, half_hours)
  SELECT register_id, ("timestamp" AT TIME ZONE 'Europe/London')::date, sum(kwh), count(*)
    FROM flows.register_interval_hh GROUP BY 1, 2;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END;
$$;

-- Nobody calls these but the owner and the triggers (PostgreSQL checks EXECUTE
-- when a trigger is created, not when it fires).
REVOKE EXECUTE ON FUNCTION flows.register_interval_daily_apply(), flows.register_interval_daily_truncate(),
  flows.register_interval_daily_apply_row(), flows.register_interval_daily_rebuild() FROM PUBLIC;

-- The same for the SECURITY DEFINER history functions of 0001 and 0002: their
-- EXECUTE was left to PUBLIC, so a role that could create a trigger on a table
-- of its own could have them write history rows as their owner. The triggers
-- of the flows tables keep working; register_read_insert (called by those
-- triggers) stays callable by the application role.
REVOKE EXECUTE ON FUNCTION flows.meter_shadows_insert_new(), flows.meter_csq_insert(),
  flows.meter_voltage_insert(), flows.meter_3p_voltage_insert(), flows.meter_prepay_balance_insert(),
  flows.meter_health_history_insert(), flows.register_import_a_insert(), flows.register_import_b_insert(),
  flows.register_export_a_insert(), flows.register_export_b_insert(),
  flows.register_read_insert(uuid, flows.meter_register_element, text, bigint, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION flows.register_read_insert(uuid, flows.meter_register_element, text, bigint, timestamptz)
  TO flows;

-- Transition tables need one trigger per event. A TimescaleDB hypertable
-- (0002) gets the per-row trigger instead.
DO $$
DECLARE
  hypertable boolean := false;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') THEN
    -- (a separate query: the view exists only with the extension)
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables '
            'WHERE hypertable_schema = ''flows'' AND hypertable_name = ''register_interval_hh'')'
      INTO hypertable;
  END IF;
  IF hypertable THEN
    CREATE TRIGGER register_interval_daily_row
      AFTER INSERT OR UPDATE OR DELETE ON flows.register_interval_hh
      FOR EACH ROW EXECUTE FUNCTION flows.register_interval_daily_apply_row();
  ELSE
    CREATE TRIGGER register_interval_daily_insert
      AFTER INSERT ON flows.register_interval_hh REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION flows.register_interval_daily_apply();
    CREATE TRIGGER register_interval_daily_update
      AFTER UPDATE ON flows.register_interval_hh REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION flows.register_interval_daily_apply();
    CREATE TRIGGER register_interval_daily_delete
      AFTER DELETE ON flows.register_interval_hh REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION flows.register_interval_daily_apply();
  END IF;
END;
$$;

CREATE TRIGGER register_interval_daily_truncate
  AFTER TRUNCATE ON flows.register_interval_hh
  FOR EACH STATEMENT EXECUTE FUNCTION flows.register_interval_daily_truncate();

-- The half hours already there.
INSERT INTO flows.register_interval_daily (register_id, day, kwh, half_hours)
SELECT register_id, ("timestamp" AT TIME ZONE 'Europe/London')::date, sum(kwh), count(*)
  FROM flows.register_interval_hh GROUP BY 1, 2;
