-- 0001 flows_core: the flows schema's types, configuration tables and meter state.
--
-- Names, columns, constraints and trigger behaviour are those of deployed Flows
-- databases (see the schema spec): the tools run against such databases as they
-- are, so later migrations only add, never rename. Every object is qualified
-- with its schema so the result does not depend on the session's search_path.

CREATE SCHEMA IF NOT EXISTS flows;

-- Types -----------------------------------------------------------------------

CREATE TYPE flows.circuit_type_enum AS ENUM ('heat', 'power', 'solar');
CREATE TYPE flows.health_check_status AS ENUM ('healthy', 'unhealthy');
CREATE TYPE flows.meter_metric_run_frequency_enum AS ENUM ('hourly', 'daily', '12hourly');
CREATE TYPE flows.meter_mode_enum AS ENUM ('active', 'passive');
COMMENT ON TYPE flows.meter_mode_enum IS
  'active: kept in sync from the meter hardware; passive: a digital twin kept in sync from another database that has the same meter in active mode';
CREATE TYPE flows.meter_register_element AS ENUM ('A', 'B', 'SINGLE');
CREATE TYPE flows.meter_register_status_enum AS ENUM ('enabled', 'replaced');
CREATE TYPE flows.register_nature_enum AS ENUM ('heat', 'power', 'solar');
CREATE TYPE flows.emnify_device_connectivity_status_enum AS ENUM ('online', 'offline', 'attached', 'blocked');
CREATE TYPE flows.emnify_device_installation_status_enum AS ENUM ('enabled', 'disabled', 'deleted');

-- Sets updated_at on every update. statement_timestamp(), not now(): now() is
-- the start of the transaction, so several updates in one transaction (or a
-- test) would all get the same time.
CREATE FUNCTION flows.updated_at_now() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.updated_at := statement_timestamp();
  RETURN NEW;
END;
$$;

-- Configuration -----------------------------------------------------------------

-- Ofgem price-cap regions; benchmark tariffs are published per region.
CREATE TABLE flows.regions (
  code text CONSTRAINT regions_pkey PRIMARY KEY,
  name text NOT NULL
);
COMMENT ON TABLE flows.regions IS 'Regions of Great Britain as used by the Ofgem energy price cap';

INSERT INTO flows.regions (code, name) VALUES
  ('north_west', 'North West'),
  ('north_east', 'North East'),
  ('yorkshire', 'Yorkshire'),
  ('east_midlands', 'East Midlands'),
  ('west_midlands', 'West Midlands'),
  ('eastern', 'Eastern'),
  ('london', 'London'),
  ('south_east', 'South East'),
  ('southern', 'Southern'),
  ('south_west', 'South West'),
  ('south_wales', 'South Wales'),
  ('north_wales_mersey', 'North Wales and Mersey'),
  ('north_scotland', 'North Scotland'),
  ('south_scotland', 'South Scotland');

CREATE TABLE flows.escos (
  id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT escos_pkey PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  name text,
  code text CONSTRAINT escos_unique_code UNIQUE,
  app_url text,
  region text CONSTRAINT esco_region_fkey REFERENCES flows.regions (code)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX escos_region_idx ON flows.escos (region);

CREATE TABLE flows.sites_new (
  id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT sites_new_pkey PRIMARY KEY,
  name text NOT NULL,
  code text CONSTRAINT sites_new_unique_code UNIQUE,
  esco uuid NOT NULL CONSTRAINT sites_new_esco_fkey REFERENCES flows.escos (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE flows.sites_new IS
  'An ESCO has one or more sites; a site groups the meters behind one boundary settlement meter.';
CREATE INDEX sites_new_esco_idx ON flows.sites_new (esco);

CREATE TABLE flows.feeder_registry (
  id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT feeder_registry_pkey PRIMARY KEY,
  name text NOT NULL CONSTRAINT feeder_registry_name_unique UNIQUE,
  esco uuid NOT NULL CONSTRAINT feeder_registry_esco_fkey REFERENCES flows.escos (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feeder_registry_esco_idx ON flows.feeder_registry (esco);

CREATE TABLE flows.service_head_registry (
  id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT service_head_registry_pkey PRIMARY KEY,
  name text NOT NULL CONSTRAINT service_head_registry_name_unique UNIQUE,
  feeder uuid CONSTRAINT service_head_registry_feeder_fkey REFERENCES flows.feeder_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  created_at timestamptz NOT NULL DEFAULT now(),
  phase integer CONSTRAINT service_head_registry_phase_check CHECK (phase IN (1, 2, 3)),
  fuse_rating smallint,
  type text CONSTRAINT service_head_registry_type_check
    CHECK (type IS NULL OR type IN ('customer_owned', 'network_owned'))
);
CREATE INDEX service_head_registry_feeder_idx ON flows.service_head_registry (feeder);

CREATE TABLE flows.properties (
  id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT properties_pkey PRIMARY KEY,
  plot text,
  created_at timestamptz DEFAULT now()
);

CREATE TABLE flows.properties_service_head (
  property uuid NOT NULL CONSTRAINT properties_service_head_properties_fkey REFERENCES flows.properties (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  service_head uuid NOT NULL CONSTRAINT properties_service_head_service_head_fkey REFERENCES flows.service_head_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT properties_service_head_pkey PRIMARY KEY (property, service_head)
);
CREATE INDEX properties_service_head_service_head_idx ON flows.properties_service_head (service_head);

CREATE TABLE flows.meter_registry (
  id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT meters_registry_pkey PRIMARY KEY,
  serial text CONSTRAINT meters_registry_serial_unique UNIQUE,
  emnify_id integer CONSTRAINT meters_registry_emnify_id_unique UNIQUE,
  ip_address inet CONSTRAINT meters_registry_ip_address_unique UNIQUE,
  name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  installation_status flows.emnify_device_installation_status_enum,
  commissioned_iso_week_date text,
  hardware text,
  prepay_enabled boolean,
  iccid text CONSTRAINT meter_registry_iccid_unique UNIQUE,
  site uuid CONSTRAINT meter_registry_site_fkey REFERENCES flows.sites_new (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  mode flows.meter_mode_enum DEFAULT 'active',
  firmware_version text,
  esco uuid CONSTRAINT meter_registry_esco_fkey REFERENCES flows.escos (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  daylight_savings_correction_enabled boolean,
  single_meter_app boolean NOT NULL DEFAULT false
);
COMMENT ON COLUMN flows.meter_registry.mode IS 'see the comment on the type meter_mode_enum';
COMMENT ON COLUMN flows.meter_registry.daylight_savings_correction_enabled IS
  'Whether the meter applies daylight saving (BST in summer), e.g. to the activation time of future tariffs.';
COMMENT ON COLUMN flows.meter_registry.single_meter_app IS
  'Deployed as a single meter in its own app (as opposed to many meters per ESCO app).';
-- `emop list --esco`, fleet jobs and the ESCO row-level security all filter on esco.
CREATE INDEX meter_registry_esco_idx ON flows.meter_registry (esco);
CREATE INDEX meter_registry_site_idx ON flows.meter_registry (site);

CREATE TABLE flows.service_head_meter (
  service_head uuid NOT NULL CONSTRAINT service_head_meter_service_head_fkey REFERENCES flows.service_head_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  meter uuid NOT NULL CONSTRAINT service_head_meter_meter_fkey REFERENCES flows.meter_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT service_head_pkey PRIMARY KEY (service_head, meter)
);
CREATE INDEX service_head_meter_meter_idx ON flows.service_head_meter (meter);

CREATE TABLE flows.meter_registers (
  register_id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT meter_registers_pkey PRIMARY KEY,
  meter_id uuid NOT NULL CONSTRAINT meter_registers_meter_registry_fkey REFERENCES flows.meter_registry (id),
  nature flows.register_nature_enum,
  created_at timestamptz NOT NULL DEFAULT now(),
  status flows.meter_register_status_enum DEFAULT 'enabled',
  element flows.meter_register_element,
  start_time timestamptz,
  end_time timestamptz,
  notes text,
  CONSTRAINT meter_registers_register_id_meter_id_unique UNIQUE (register_id, meter_id),
  CONSTRAINT meter_registers_check_date_range
    CHECK (end_time IS NULL OR start_time IS NULL OR end_time > start_time)
);
-- The meter_shadows triggers look a meter's register up by element on every read.
CREATE INDEX meter_registers_meter_element_idx ON flows.meter_registers (meter_id, element);

CREATE TABLE flows.circuits (
  id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT circuit_pkey PRIMARY KEY,
  type flows.circuit_type_enum NOT NULL,
  name text,
  created_at timestamptz DEFAULT now()
);

-- A register counts toward a circuit from start_time (inclusive) to end_time
-- (exclusive; open when null).
CREATE TABLE flows.circuit_register (
  circuit uuid NOT NULL CONSTRAINT circuit_registers_circuit_fkey REFERENCES flows.circuits (id),
  register uuid NOT NULL CONSTRAINT circuit_registers_register_fkey REFERENCES flows.meter_registers (register_id),
  start_time timestamptz NOT NULL,
  end_time timestamptz,
  created_at timestamptz DEFAULT now(),
  notes text,
  CONSTRAINT circuit_registers_pkey PRIMARY KEY (circuit, register, start_time),
  CONSTRAINT circuit_register_check_date_range CHECK (end_time IS NULL OR end_time > start_time)
);
CREATE INDEX circuit_register_register_idx ON flows.circuit_register (register);

-- Which syncers the fleet sync runs, and how often.
CREATE TABLE flows.meter_metrics (
  id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT meter_metrics_pkey PRIMARY KEY,
  name text NOT NULL CONSTRAINT meter_metrics_name_unique UNIQUE,
  notes text,
  enabled boolean NOT NULL,
  run_frequency flows.meter_metric_run_frequency_enum NOT NULL
);

INSERT INTO flows.meter_metrics (name, enabled, run_frequency, notes) VALUES
  ('SyncerVoltage', true, 'hourly', 'instantaneous voltage'),
  ('SyncerCsq', true, 'hourly', 'signal quality'),
  ('SyncerEventLog', true, 'hourly', 'meter event log'),
  ('SyncerPrepayBalance', true, 'hourly', 'prepayment balance'),
  ('SyncerBacklight', true, 'daily', 'backlight setting'),
  ('SyncerLoadSwitch', true, 'daily', 'load switch setting'),
  ('SyncerFirmwareVersion', true, 'daily', 'firmware version'),
  ('SyncerPrepayEnabled', true, 'daily', 'prepayment mode flag'),
  ('SyncerReads', true, 'daily', 'element A/B import and export registers'),
  ('SyncerDaylightSavingsEnabled', true, 'daily', 'daylight saving correction flag'),
  ('SyncerSerial', true, 'daily', 'serial number'),
  ('SyncerHardware', true, 'daily', 'hardware version'),
  ('SyncerClockDiff', true, '12hourly', 'meter clock against UTC'),
  ('SyncerTariffsActive', true, '12hourly', 'active tariff'),
  ('SyncerTariffsFuture', true, '12hourly', 'future tariff');

-- Event types of the meter event log (meter_event_log.event_type).
CREATE TABLE flows.meter_event_log_type (
  id integer CONSTRAINT meter_event_log_type_pkey PRIMARY KEY,
  name text NOT NULL CONSTRAINT meter_event_log_type_name_unique UNIQUE
);

INSERT INTO flows.meter_event_log_type (id, name) VALUES
  (1, 'BM_OVER_CURRENT'),
  (2, 'BM_FAULTY_CONTACTOR'),
  (3, 'BM_REVERSE_ENERGY_DETECT'),
  (4, 'BM_TERMINAL_COVER_REMOVED'),
  (5, 'BM_WATCHDOG_RESET'),
  (6, 'BM_NV_WRITE_EXCEEDED'),
  (7, 'BM_METROLOGY_ERROR'),
  (8, 'BM_MEMORY_ERROR'),
  (9, 'BM_MODULE_REMOVED'),
  (10, 'BM_MAGNETIC_FRAUD'),
  (11, 'BM_NON_LEGAL_TIME'),
  (15, 'BM_SPAD_1_WRITE'),
  (16, 'BM_SPAD_2_WRITE'),
  (17, 'DSP_ERROR'),
  (18, 'BM_COMMS_ERROR'),
  (19, 'GW_COMMS_ERROR'),
  (20, 'PF_TAG_1_ERROR'),
  (21, 'PF_TAG_2_ERROR'),
  (22, 'SPARE_0020'),
  (23, 'SPARE_0040'),
  (24, 'SPARE_0080'),
  (25, 'NON_LEGAL_TIME'),
  (26, 'MEMORY_TYPE'),
  (27, 'MEMORY_ERROR'),
  (28, 'WATCHDOG_RESET'),
  (29, 'SW_IMAGE_WDOG'),
  (30, 'SW_IMAGE_HES_PREVIOUS'),
  (31, 'SW_IMAGE_APPLIED'),
  (32, 'SW_IMAGE_BAD'),
  (33, 'EVENT_POWER_UP'),
  (34, 'EVENT_POWER_DN'),
  (35, 'EVENT_IMAGE_RECEIVED'),
  (36, 'EVENT_LOG_RESET_ID'),
  (37, 'EVENT_IMAGE_ERROR'),
  (38, 'DAILY_LOG_SNAPSHOT'),
  (39, 'BILLING_LOG_SNAPSHOT'),
  (40, 'DO_BIND_COMMAND'),
  (41, 'DO_UNBIND_COMMAND'),
  (42, 'NEW_IMAGE_APPLIED'),
  (43, 'WATCHDOG_IMAGE_APPLIED'),
  (44, 'PREVIOUS_IMAGE_APPLIED'),
  (61, 'HES_MSG_PENDING'),
  (62, 'SM_COMMS_ERROR'),
  (63, 'WAN_COMMS_ERROR'),
  (64, 'HAN_COMMS_ERROR_GAS'),
  (65, 'HAN_COMMS_ERROR_IHU'),
  (66, 'HAN_API_NOT_RESPONDING'),
  (67, 'SPARE_0040_2'),
  (68, 'SPARE_0080_2'),
  (69, 'NON_LEGAL_TIME_2'),
  (70, 'MEMORY_TYPE_2'),
  (71, 'MEMORY_ERROR_2'),
  (72, 'WATCHDOG_RESET_2'),
  (73, 'SW_IMAGE_WDOG_2'),
  (74, 'SW_IMAGE_HES_PREVIOUS_2'),
  (75, 'SW_IMAGE_APPLIED_2'),
  (76, 'SW_IMAGE_BAD_2'),
  (77, 'EVENT_IMAGE_RECEIVED_2'),
  (78, 'EVENT_LOG_RESET_ID_2'),
  (80, 'HAN_DEVICE_JOINED'),
  (81, 'HAN_DEVICE_LEFT'),
  (83, 'INVALID_WAN_MESSAGE'),
  (84, 'EVENT_POWER_UP_2'),
  (85, 'EVENT_POWER_DOWN'),
  (86, 'LAST_GASP_SENT_TO_HES'),
  (87, 'ALARM_SENT_TO_HES'),
  (88, 'EVENT_IMAGE_ERROR_2'),
  (89, 'GW_DO_UNBIND_COMMAND'),
  (90, 'GW_DO_BIND_COMMAND'),
  (91, 'GW_NEW_IMAGE_APPLIED'),
  (92, 'GW_WATCHDOG_IMAGE_APPLIED'),
  (93, 'GW_PREVIOUS_IMAGE_APPLIED'),
  (94, 'GSM_RESET_NO_CONNECTION'),
  (95, 'STATUS_WORD_RESET'),
  (96, 'ZIGBEE_GET_SW_VER_ERR'),
  (97, 'ZIGBEE_SEND_MAC_LINK_ERR'),
  (98, 'ZIGBEE_SHUTODWN_ERR'),
  (99, 'ZIGBEE_ACTIVE_IMAGE_ERR'),
  (104, 'LISTENING_SOCKET_ABORTED'),
  (105, 'AUTO_ROAMING_DISABLE');

-- Meter state -------------------------------------------------------------------

-- The latest known state of each meter, one row per meter_registry row. Syncers
-- update it; the triggers in 0002 copy every update into the time series.
CREATE TABLE flows.meter_shadows (
  id uuid NOT NULL CONSTRAINT meter_shadows_pkey PRIMARY KEY
    CONSTRAINT meter_shadows_meters_registry_fkey REFERENCES flows.meter_registry (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
  balance numeric,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  clock_time_diff_seconds integer,
  clock_time_diff_synced_at timestamptz,
  csq integer,
  emnify_connectivity_status flows.emnify_device_connectivity_status_enum,
  health flows.health_check_status,
  health_details text,
  last_healthy_at timestamptz,
  "3p_voltage_l1" real,
  "3p_voltage_l2" real,
  "3p_voltage_l3" real,
  voltage numeric,
  import_a bigint,
  export_a bigint,
  import_b bigint,
  export_b bigint,
  tariffs_active jsonb,
  tariffs_future jsonb,
  backlight text,
  load_switch text
);
COMMENT ON COLUMN flows.meter_shadows.import_a IS 'element A (or single element) import register, Wh';
COMMENT ON COLUMN flows.meter_shadows.export_a IS 'element A (or single element) export register, Wh';
COMMENT ON COLUMN flows.meter_shadows.import_b IS 'element B import register, Wh';
COMMENT ON COLUMN flows.meter_shadows.export_b IS 'element B export register, Wh';

-- SECURITY DEFINER so that a role allowed to insert meters need not be allowed
-- to insert shadows; an empty search_path so callers cannot redirect names.
CREATE FUNCTION flows.meter_shadows_insert_new() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = ''
  AS $$
BEGIN
  INSERT INTO flows.meter_shadows (id) VALUES (NEW.id);
  RETURN NEW;
END;
$$;

CREATE TRIGGER meter_registry_insert_shadow
  AFTER INSERT ON flows.meter_registry
  FOR EACH ROW EXECUTE FUNCTION flows.meter_shadows_insert_new();

CREATE TRIGGER meter_registry_updated_at
  BEFORE UPDATE ON flows.meter_registry
  FOR EACH ROW EXECUTE FUNCTION flows.updated_at_now();

CREATE TRIGGER meter_shadows_updated_at
  BEFORE UPDATE ON flows.meter_shadows
  FOR EACH ROW EXECUTE FUNCTION flows.updated_at_now();
