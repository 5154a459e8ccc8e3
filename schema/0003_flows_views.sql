-- 0003 flows_views: views over meter state and the time series.
--
-- All are plain views with security_invoker, so they run with the privileges
-- and the ESCO row-level security (0005) of whoever queries them, not of their
-- owner. Plain rather than materialized (or TimescaleDB continuous aggregates):
-- they are always current, and billing reads them.

-- Tariffs in meter_shadows' JSON, one column per setting (P1.ax meters excluded
-- as in deployed databases: their tariff JSON has another shape).
CREATE VIEW flows.meter_shadows_tariffs WITH (security_invoker = true) AS
SELECT ms.id,
       mr.serial,
       (ms.tariffs_active ->> 'standing_charge')::numeric AS active_standing_charge,
       (ms.tariffs_active ->> 'unit_rate_element_a')::numeric AS active_unit_rate_a,
       (ms.tariffs_active ->> 'unit_rate_element_b')::numeric AS active_unit_rate_b,
       (ms.tariffs_active ->> 'prepayment_ecredit_availability')::numeric AS active_ecredit_availability,
       (ms.tariffs_active ->> 'prepayment_debt_recovery_rate')::numeric AS active_debt_recovery_rate,
       (ms.tariffs_active ->> 'prepayment_emergency_credit')::numeric AS active_emergency_credit,
       (ms.tariffs_future ->> 'standing_charge')::numeric AS future_standing_charge,
       (ms.tariffs_future ->> 'unit_rate_element_a')::numeric AS future_unit_rate_a,
       (ms.tariffs_future ->> 'unit_rate_element_b')::numeric AS future_unit_rate_b,
       (ms.tariffs_future ->> 'activation_datetime')::timestamp AS future_activation_datetime,
       (ms.tariffs_future ->> 'prepayment_ecredit_availability')::numeric AS future_ecredit_availability,
       (ms.tariffs_future ->> 'prepayment_debt_recovery_rate')::numeric AS future_debt_recovery_rate,
       (ms.tariffs_future ->> 'prepayment_emergency_credit')::numeric AS future_emergency_credit
FROM flows.meter_shadows ms
JOIN flows.meter_registry mr ON mr.id = ms.id
WHERE mr.hardware IS DISTINCT FROM 'P1.ax';

-- Prepayment meters with less than £15 of credit.
CREATE VIEW flows.meters_low_balance WITH (security_invoker = true) AS
SELECT mr.id, mr.serial, mr.name, ms.balance
FROM flows.meter_shadows ms
JOIN flows.meter_registry mr ON mr.id = ms.id
WHERE mr.prepay_enabled IS TRUE
  AND ms.balance < 15.0;

-- Meters whose clock is a minute or more out, either way.
CREATE VIEW flows.meters_clock_drift WITH (security_invoker = true) AS
SELECT ms.clock_time_diff_seconds, mr.serial, mr.name
FROM flows.meter_shadows ms
JOIN flows.meter_registry mr ON mr.id = ms.id
WHERE abs(ms.clock_time_diff_seconds) >= 60
ORDER BY abs(ms.clock_time_diff_seconds) DESC;

-- A meter is online when it answers with a signal quality; these list meters
-- whose last non-null CSQ is older than 3 hours (all), or 3 to 24 hours old
-- (recently, i.e. newly offline).
CREATE VIEW flows.meters_offline_all WITH (security_invoker = true) AS
SELECT max(mc."timestamp") AS last_online, mr.serial, mr.name
FROM flows.meter_csq mc
JOIN flows.meter_registry mr ON mr.id = mc.meter_id
WHERE mc.csq IS NOT NULL
GROUP BY mr.serial, mr.name
HAVING max(mc."timestamp") < now() - interval '3 hours'
ORDER BY max(mc."timestamp");

CREATE VIEW flows.meters_offline_recently WITH (security_invoker = true) AS
SELECT max(mc."timestamp") AS last_online, mr.serial, mr.name
FROM flows.meter_csq mc
JOIN flows.meter_registry mr ON mr.id = mc.meter_id
WHERE mc.csq IS NOT NULL
GROUP BY mr.serial, mr.name
HAVING max(mc."timestamp") < now() - interval '3 hours'
   AND max(mc."timestamp") > now() - interval '24 hours'
ORDER BY max(mc."timestamp");

-- Consumption per circuit: the sum of its registers' half-hourly kWh, each
-- register counted only inside its circuit_register range [start_time, end_time).
CREATE VIEW flows.circuit_interval_hh WITH (security_invoker = true) AS
SELECT cr.circuit AS circuit_id,
       date_bin('30 minutes', ri."timestamp", timestamptz '2000-01-01 00:00:00+00') AS "timestamp",
       sum(ri.kwh) AS kwh
FROM flows.circuit_register cr
JOIN flows.register_interval_hh ri
  ON ri.register_id = cr.register
 AND ri."timestamp" >= cr.start_time
 AND (cr.end_time IS NULL OR ri."timestamp" < cr.end_time)
GROUP BY cr.circuit, 2;

-- Days and months are UK civil ones (Europe/London), as customers are billed;
-- day and month are the timestamptz of their local midnight.
CREATE VIEW flows.circuit_interval_daily WITH (security_invoker = true) AS
SELECT circuit_id,
       date_trunc('day', "timestamp", 'Europe/London') AS day,
       sum(kwh) AS kwh
FROM flows.circuit_interval_hh
GROUP BY circuit_id, 2;

CREATE VIEW flows.circuit_interval_monthly WITH (security_invoker = true) AS
SELECT circuit_id,
       date_trunc('month', "timestamp", 'Europe/London') AS month,
       sum(kwh) AS kwh
FROM flows.circuit_interval_hh
GROUP BY circuit_id, 2;

-- Per register and day over the last year (up to yesterday): 48 half hours
-- expected, how many are present and how many missing. Days are UTC days, which
-- always have 48 half hours; days outside the register's start/end are left out.
CREATE VIEW flows.register_interval_hh_missing WITH (security_invoker = true) AS
WITH days AS (
  SELECT d AT TIME ZONE 'UTC' AS day
  FROM generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 year',
                       date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 day',
                       interval '1 day') AS d
), actual AS (
  SELECT ri.register_id,
         date_bin('1 day', ri."timestamp", timestamptz '2000-01-01 00:00:00+00') AS day,
         count(*) AS record_count
  FROM flows.register_interval_hh ri
  WHERE ri."timestamp" >= (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 year') AT TIME ZONE 'UTC'
    AND ri."timestamp" < date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
  GROUP BY 1, 2
)
SELECT r.register_id,
       d.day AS date,
       coalesce(a.record_count, 0) AS record_count,
       greatest(0, 48 - coalesce(a.record_count, 0)) AS missing_count
FROM flows.meter_registers r
CROSS JOIN days d
LEFT JOIN actual a ON a.register_id = r.register_id AND a.day = d.day
WHERE (r.start_time IS NULL OR r.start_time < d.day + interval '1 day')
  AND (r.end_time IS NULL OR r.end_time > d.day)
ORDER BY r.register_id, d.day;
