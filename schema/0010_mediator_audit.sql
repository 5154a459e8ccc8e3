-- 0010 mediator_audit: the record of every write a mediator gateway (mediators
-- serve) sends to a meter. Additive only. A row is inserted, and committed,
-- before the write goes out; its end (outcome, status, duration) is set when the
-- write's answer comes back or is known lost. A row with ended_at null is a
-- write whose gateway stopped before it ended.
CREATE TABLE IF NOT EXISTS flows.mediator_audit (
  id bigserial CONSTRAINT mediator_audit_pkey PRIMARY KEY,
  gateway text NOT NULL DEFAULT '',
  client_id text NOT NULL,
  role text NOT NULL,
  method text NOT NULL,
  serial text NOT NULL,
  object_id integer NOT NULL,
  attempted_at timestamptz NOT NULL,
  ended_at timestamptz,
  outcome text CONSTRAINT mediator_audit_outcome_check CHECK (outcome IS NULL OR outcome IN ('done', 'failed', 'unknown')),
  status text,
  duration_ms integer,
  CONSTRAINT mediator_audit_ended_check CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX IF NOT EXISTS mediator_audit_serial_idx ON flows.mediator_audit (serial, attempted_at);
COMMENT ON TABLE flows.mediator_audit IS
  'Writes sent to meters through a mediator gateway: who (client id, role), what (method, serial, object id), when, and how each ended (done; failed: the meter did not apply it; unknown: it reached the meter and no answer came back).';
