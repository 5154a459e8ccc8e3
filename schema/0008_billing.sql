-- Billing (flows-bill): tariffs, monthly usage and costs, solar credits, statements.
--
-- Money is numeric (exact). Rates are £ (unit rate £/kWh, standing charge £/day);
-- benchmark rates carry at most 5 decimals, customer rates are truncated to 5
-- decimals (they are programmed into meters), microgrid rates are kept exact.
-- Months are stored as the date of their first day (UK civil months).

CREATE FUNCTION flows.is_month_start(d date) RETURNS boolean
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT d = date_trunc('month', d)::date $$;

-- Ofgem price cap per region and period (quarter) start.
CREATE TABLE public.benchmark_tariffs (
  region text NOT NULL CONSTRAINT benchmark_tariffs_region_fkey REFERENCES flows.regions (code)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  period_start date NOT NULL,
  unit_rate numeric NOT NULL CONSTRAINT benchmark_tariffs_unit_rate_check
    CHECK (unit_rate >= 0 AND unit_rate <= 100 AND unit_rate = round(unit_rate, 5)),
  standing_charge numeric NOT NULL CONSTRAINT benchmark_tariffs_standing_charge_check
    CHECK (standing_charge >= 0 AND standing_charge <= 100 AND standing_charge = round(standing_charge, 5)),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT benchmark_tariffs_pkey PRIMARY KEY (region, period_start)
);

-- An ESCO's list price: a discount against the benchmark in force at period_start,
-- and the prepayment settings its meters should carry.
CREATE TABLE public.microgrid_tariffs (
  esco uuid NOT NULL CONSTRAINT microgrid_tariffs_esco_fkey REFERENCES flows.escos (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  period_start date NOT NULL,
  discount numeric NOT NULL CONSTRAINT microgrid_tariffs_discount_check CHECK (discount >= 0 AND discount <= 100),
  unit_rate numeric NOT NULL CONSTRAINT microgrid_tariffs_unit_rate_check CHECK (unit_rate >= 0 AND unit_rate <= 100),
  standing_charge numeric NOT NULL
    CONSTRAINT microgrid_tariffs_standing_charge_check CHECK (standing_charge >= 0 AND standing_charge <= 100),
  emergency_credit numeric NOT NULL DEFAULT 15
    CONSTRAINT microgrid_tariffs_emergency_credit_check CHECK (emergency_credit >= 0 AND emergency_credit <= 5000),
  ecredit_button_threshold numeric NOT NULL DEFAULT 10
    CONSTRAINT microgrid_tariffs_ecredit_button_threshold_check
    CHECK (ecredit_button_threshold >= 0 AND ecredit_button_threshold <= 5000),
  debt_recovery_rate numeric NOT NULL DEFAULT 0.25
    CONSTRAINT microgrid_tariffs_debt_recovery_rate_check CHECK (debt_recovery_rate >= 0 AND debt_recovery_rate <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT microgrid_tariffs_pkey PRIMARY KEY (esco, period_start)
);
CREATE TRIGGER microgrid_tariffs_updated_at BEFORE UPDATE ON public.microgrid_tariffs
  FOR EACH ROW EXECUTE FUNCTION flows.updated_at_now();

-- customer_tariffs (0007) is kept as deployed: rows there may carry more than 5
-- decimals; meters (emop push tariffs) and bills (flows-bill) use them truncated.

-- kWh per circuit per month (inside each register's range on the circuit).
CREATE TABLE public.monthly_usage (
  circuit uuid NOT NULL CONSTRAINT monthly_usage_circuit_fkey REFERENCES flows.circuits (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  month date NOT NULL CONSTRAINT monthly_usage_month_check CHECK (flows.is_month_start(month)),
  kwh numeric NOT NULL CONSTRAINT monthly_usage_kwh_check CHECK (kwh >= 0),
  half_hours integer NOT NULL CONSTRAINT monthly_usage_half_hours_check CHECK (half_hours >= 0),
  CONSTRAINT monthly_usage_pkey PRIMARY KEY (circuit, month)
);
CREATE INDEX monthly_usage_month_idx ON public.monthly_usage (month);

-- A customer's month at three tariffs: theirs, the microgrid's and the benchmark.
-- Amounts are exact £ (statements round each line to the penny).
CREATE TABLE public.monthly_costs (
  customer uuid NOT NULL CONSTRAINT monthly_costs_customer_fkey REFERENCES public.customers (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  month date NOT NULL CONSTRAINT monthly_costs_month_check CHECK (flows.is_month_start(month)),
  account uuid NOT NULL CONSTRAINT monthly_costs_account_fkey REFERENCES public.accounts (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  esco uuid NOT NULL CONSTRAINT monthly_costs_esco_fkey REFERENCES flows.escos (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  days integer NOT NULL CONSTRAINT monthly_costs_days_check CHECK (days >= 0 AND days <= 31),
  power_kwh numeric NOT NULL CONSTRAINT monthly_costs_power_kwh_check CHECK (power_kwh >= 0),
  heat_kwh numeric NOT NULL CONSTRAINT monthly_costs_heat_kwh_check CHECK (heat_kwh >= 0),
  unit_rate numeric NOT NULL,
  standing_charge_rate numeric NOT NULL,
  power numeric NOT NULL CONSTRAINT monthly_costs_power_check CHECK (power >= 0),
  heat numeric NOT NULL CONSTRAINT monthly_costs_heat_check CHECK (heat >= 0),
  standing_charge numeric NOT NULL CONSTRAINT monthly_costs_standing_charge_check CHECK (standing_charge >= 0),
  total numeric NOT NULL CONSTRAINT monthly_costs_total_check CHECK (total = power + heat + standing_charge),
  microgrid_power numeric NOT NULL CONSTRAINT monthly_costs_microgrid_power_check CHECK (microgrid_power >= 0),
  microgrid_heat numeric NOT NULL CONSTRAINT monthly_costs_microgrid_heat_check CHECK (microgrid_heat >= 0),
  microgrid_standing_charge numeric NOT NULL
    CONSTRAINT monthly_costs_microgrid_standing_charge_check CHECK (microgrid_standing_charge >= 0),
  microgrid_total numeric NOT NULL CONSTRAINT monthly_costs_microgrid_total_check
    CHECK (microgrid_total = microgrid_power + microgrid_heat + microgrid_standing_charge),
  benchmark_power numeric NOT NULL CONSTRAINT monthly_costs_benchmark_power_check CHECK (benchmark_power >= 0),
  benchmark_heat numeric NOT NULL CONSTRAINT monthly_costs_benchmark_heat_check CHECK (benchmark_heat >= 0),
  benchmark_standing_charge numeric NOT NULL
    CONSTRAINT monthly_costs_benchmark_standing_charge_check CHECK (benchmark_standing_charge >= 0),
  benchmark_total numeric NOT NULL CONSTRAINT monthly_costs_benchmark_total_check
    CHECK (benchmark_total = benchmark_power + benchmark_heat + benchmark_standing_charge),
  CONSTRAINT monthly_costs_pkey PRIMARY KEY (customer, month)
);
CREATE INDEX monthly_costs_month_idx ON public.monthly_costs (month, esco);

-- A property's solar installation, by its declared net capacity.
CREATE TABLE public.solar_installation (
  property uuid NOT NULL CONSTRAINT solar_installation_pkey PRIMARY KEY
    CONSTRAINT solar_installation_property_fkey REFERENCES public.properties (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  declared_net_capacity numeric NOT NULL CONSTRAINT solar_installation_capacity_check
    CHECK (declared_net_capacity > 0 AND declared_net_capacity <= 1000),
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN public.solar_installation.declared_net_capacity IS 'kW';

CREATE TABLE public.solar_credit_tariffs (
  esco uuid NOT NULL CONSTRAINT solar_credit_tariffs_esco_fkey REFERENCES flows.escos (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  period_start date NOT NULL,
  pence_per_year numeric NOT NULL CONSTRAINT solar_credit_tariffs_pence_per_year_check
    CHECK (pence_per_year >= 0 AND pence_per_year <= 1000000),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT solar_credit_tariffs_pkey PRIMARY KEY (esco, period_start)
);

-- An installation's credit shared among properties; an installation without rows
-- credits its own property in full. The ratios of an installation sum to exactly
-- 1, checked when the transaction commits.
CREATE TABLE public.solar_credit_allocation (
  installation uuid NOT NULL CONSTRAINT solar_credit_allocation_installation_fkey
    REFERENCES public.solar_installation (property) ON UPDATE RESTRICT ON DELETE RESTRICT,
  property uuid NOT NULL CONSTRAINT solar_credit_allocation_property_fkey REFERENCES public.properties (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  ratio numeric NOT NULL CONSTRAINT solar_credit_allocation_ratio_check CHECK (ratio > 0 AND ratio <= 1),
  CONSTRAINT solar_credit_allocation_pkey PRIMARY KEY (installation, property)
);
CREATE INDEX solar_credit_allocation_property_idx ON public.solar_credit_allocation (property);

CREATE FUNCTION public.solar_credit_allocation_sums_to_one() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  inst uuid;
  total numeric;
BEGIN
  inst := CASE WHEN TG_OP = 'DELETE' THEN OLD.installation ELSE NEW.installation END;
  SELECT sum(ratio) INTO total FROM public.solar_credit_allocation WHERE installation = inst;
  IF total IS NOT NULL AND total <> 1 THEN
    RAISE EXCEPTION 'the allocation ratios of solar installation % sum to %, not 1', inst, total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER solar_credit_allocation_sums_to_one
  AFTER INSERT OR UPDATE OR DELETE ON public.solar_credit_allocation
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION public.solar_credit_allocation_sums_to_one();

-- What each property is credited for a month, and why: one row per (property,
-- installation) share; installation is null (credit 0) for a solar property
-- without an installation.
CREATE TABLE public.monthly_solar_credits (
  property uuid NOT NULL CONSTRAINT monthly_solar_credits_property_fkey REFERENCES public.properties (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  month date NOT NULL CONSTRAINT monthly_solar_credits_month_check CHECK (flows.is_month_start(month)),
  installation uuid CONSTRAINT monthly_solar_credits_installation_fkey REFERENCES public.solar_installation (property)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  esco uuid NOT NULL CONSTRAINT monthly_solar_credits_esco_fkey REFERENCES flows.escos (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  capacity_kw numeric,
  days integer NOT NULL CONSTRAINT monthly_solar_credits_days_check CHECK (days >= 0 AND days <= 31),
  pence_per_year numeric,
  ratio numeric NOT NULL CONSTRAINT monthly_solar_credits_ratio_check CHECK (ratio >= 0 AND ratio <= 1),
  credit_pence bigint NOT NULL CONSTRAINT monthly_solar_credits_credit_check CHECK (credit_pence >= 0),
  note text  -- why the credit is 0: 'no installation', 'no solar credit tariff'
);
CREATE UNIQUE INDEX monthly_solar_credits_key
  ON public.monthly_solar_credits (month, property, COALESCE(installation, property));
CREATE INDEX monthly_solar_credits_month_idx ON public.monthly_solar_credits (month, esco);

-- The statement of a customer's month as produced by `flows-bill run`: what
-- `flows-bill statements` renders (JSON document; amounts as decimal strings).
CREATE TABLE public.monthly_statements (
  customer uuid NOT NULL CONSTRAINT monthly_statements_customer_fkey REFERENCES public.customers (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  month date NOT NULL CONSTRAINT monthly_statements_month_check CHECK (flows.is_month_start(month)),
  esco uuid NOT NULL CONSTRAINT monthly_statements_esco_fkey REFERENCES flows.escos (id)
    ON UPDATE RESTRICT ON DELETE RESTRICT,
  total_pence bigint NOT NULL,
  statement jsonb NOT NULL,
  CONSTRAINT monthly_statements_pkey PRIMARY KEY (customer, month)
);
CREATE INDEX monthly_statements_month_idx ON public.monthly_statements (month, esco);

-- Row-level security per ESCO, as for the flows tables (0005).
ALTER TABLE public.microgrid_tariffs ENABLE ROW LEVEL SECURITY;
CREATE POLICY esco_isolation ON public.microgrid_tariffs USING (flows.esco_visible(esco));
ALTER TABLE public.solar_credit_tariffs ENABLE ROW LEVEL SECURITY;
CREATE POLICY esco_isolation ON public.solar_credit_tariffs USING (flows.esco_visible(esco));
ALTER TABLE public.monthly_costs ENABLE ROW LEVEL SECURITY;
CREATE POLICY esco_isolation ON public.monthly_costs USING (flows.esco_visible(esco));
ALTER TABLE public.monthly_solar_credits ENABLE ROW LEVEL SECURITY;
CREATE POLICY esco_isolation ON public.monthly_solar_credits USING (flows.esco_visible(esco));
ALTER TABLE public.monthly_statements ENABLE ROW LEVEL SECURITY;
CREATE POLICY esco_isolation ON public.monthly_statements USING (flows.esco_visible(esco));
