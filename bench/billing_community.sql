-- A community for the billing benchmark: one ESCO (london), :customers customers,
-- each the live occupier of an open supply account on a property whose supply
-- meter has a power register (A) on a power circuit and a heat register (B) on a
-- heat circuit, and a month of half-hourly kWh for every register (June 2024,
-- UK civil month, 1440 half hours). Values are deterministic.
--   psql -v customers=10000 -f bench/billing_community.sql
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO flows.escos (code, name, region) VALUES ('bench', 'Benchmark ESCO', 'london');
-- Addresses are only registry data here: nothing listens on or connects to them.
INSERT INTO flows.meter_registry (serial, esco, mode, ip_address, name)
SELECT 'EMLB' || lpad(i::text, 6, '0'), e.id, 'active',
       ('127.' || (10 + i / 65536) || '.' || ((i / 256) % 256) || '.' || (i % 256))::inet, 'bench plot ' || i
FROM generate_series(1, :customers) i, flows.escos e WHERE e.code = 'bench';
INSERT INTO flows.meter_registers (meter_id, nature, element, start_time)
SELECT m.id, v.n::flows.register_nature_enum, v.e::flows.meter_register_element, '2024-01-01Z'
FROM flows.meter_registry m, (VALUES ('power', 'A'), ('heat', 'B')) v(n, e)
WHERE m.serial LIKE 'EMLB%';
INSERT INTO flows.circuits (name, type)
SELECT m.name || ' ' || r.nature, r.nature::text::flows.circuit_type_enum
FROM flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id WHERE m.serial LIKE 'EMLB%';
INSERT INTO flows.circuit_register (circuit, register, start_time)
SELECT c.id, r.register_id, '2024-01-01Z'
FROM flows.meter_registers r JOIN flows.meter_registry m ON m.id = r.meter_id
JOIN flows.circuits c ON c.name = m.name || ' ' || r.nature
WHERE m.serial LIKE 'EMLB%';
INSERT INTO public.properties (plot, esco, supply_meter)
SELECT m.name, m.esco, m.id FROM flows.meter_registry m WHERE m.serial LIKE 'EMLB%';
INSERT INTO public.customers (fullname, email, status)
SELECT 'Customer ' || i, 'customer' || i || '@bench.example', 'live' FROM generate_series(1, :customers) i;
INSERT INTO public.accounts (property, type, status)
SELECT p.id, 'supply', 'open' FROM public.properties p WHERE p.plot LIKE 'bench plot %'
ORDER BY substr(p.plot, 12)::int;
INSERT INTO public.customer_accounts (customer, account, role)
SELECT c.id, a.id, 'occupier'
FROM public.customers c
JOIN public.properties p ON p.plot = 'bench plot ' || substring(c.email from 'customer([0-9]+)@')
JOIN public.accounts a ON a.property = p.id;
INSERT INTO public.benchmark_tariffs (region, period_start, unit_rate, standing_charge)
VALUES ('london', '2024-04-01', 0.2245, 0.6012);
COMMIT;

-- The intervals, laid out as a daily ingest leaves them (each day, every
-- register's 48 half hours together), bulk-loaded as a restore would be:
-- without triggers (no per-row foreign-key checks: the registers were created
-- above), the unique index built once, then the daily rollup (0009) rebuilt,
-- since the triggers that keep it were off.
SET session_replication_role = replica;
ALTER TABLE flows.register_interval_hh DROP CONSTRAINT register_interval_hh_unique;
-- A day per statement, so each sort is small.
CREATE TEMPORARY TABLE bench_registers AS
SELECT register_id, row_number() OVER (ORDER BY register_id) AS n FROM flows.meter_registers ORDER BY register_id;
DO $$
BEGIN
  FOR d IN 0..29 LOOP
    INSERT INTO flows.register_interval_hh (register_id, "timestamp", kwh)
    SELECT r.register_id, timestamptz '2024-05-31T23:00Z' + (d * 48 + h) * interval '30 minutes',
           ((r.n * 7919 + d * 48 + h) % 997)::numeric / 1000
    FROM bench_registers r CROSS JOIN generate_series(0, 47) h
    ORDER BY r.register_id, h;
  END LOOP;
END;
$$;
ALTER TABLE flows.register_interval_hh ADD CONSTRAINT register_interval_hh_unique UNIQUE (register_id, "timestamp");
SET session_replication_role = DEFAULT;
SELECT flows.register_interval_daily_rebuild();
VACUUM ANALYZE;
