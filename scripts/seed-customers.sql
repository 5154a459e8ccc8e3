-- One live customer per supply meter of an imported community, for the demo and
-- the tests: a public.properties row (plot = the meter's name), an open supply
-- account and its occupier. Idempotent.
--   psql -v esco=demo -f scripts/seed-customers.sql
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO public.properties (plot, esco, supply_meter)
SELECT COALESCE(m.name, m.serial), m.esco, m.id
FROM flows.meter_registry m JOIN flows.escos e ON e.id = m.esco
WHERE e.code = :'esco'
  AND NOT EXISTS (SELECT 1 FROM public.properties p WHERE p.supply_meter = m.id);

INSERT INTO public.customers (fullname, email, status)
SELECT 'Occupier of ' || p.plot, lower(replace(p.plot, ' ', '-')) || '@' || e.code || '.example', 'live'
FROM public.properties p JOIN flows.escos e ON e.id = p.esco
WHERE e.code = :'esco' AND p.supply_meter IS NOT NULL
ON CONFLICT (email) DO NOTHING;

INSERT INTO public.accounts (property, type, status, name)
SELECT p.id, 'supply', 'open', p.plot || ' supply'
FROM public.properties p JOIN flows.escos e ON e.id = p.esco
WHERE e.code = :'esco' AND p.supply_meter IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM public.accounts a WHERE a.property = p.id AND a.type = 'supply');

INSERT INTO public.customer_accounts (customer, account, role)
SELECT c.id, a.id, 'occupier'
FROM public.accounts a
JOIN public.properties p ON p.id = a.property
JOIN flows.escos e ON e.id = p.esco
JOIN public.customers c ON c.email = lower(replace(p.plot, ' ', '-')) || '@' || e.code || '.example'
WHERE e.code = :'esco' AND a.type = 'supply'
ON CONFLICT DO NOTHING;
COMMIT;
