-- The TCP port of a meter's EMOP server (8080 when null). Deployed meters all
-- answer on 8080 at their ip_address; simulated communities may put many meters on
-- one loopback address with consecutive ports. Additive: deployed databases keep
-- working with the column left null.
ALTER TABLE flows.meter_registry
  ADD COLUMN IF NOT EXISTS emop_port integer
  CONSTRAINT meter_registry_emop_port_range CHECK (emop_port BETWEEN 1 AND 65535);
