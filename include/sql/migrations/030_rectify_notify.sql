-- Issue #5: the rectification ledger's recurrences and the outbox's delivery bookkeeping.

-- A ledger item reopened because its finding came back (recurrence): when, and how often.
ALTER TABLE rectifications ADD COLUMN reopened_on date;
ALTER TABLE rectifications ADD COLUMN recurrences integer NOT NULL DEFAULT 0;

-- The ledger date an event belongs to (the as-of of the sync or the report), besides its wall-clock time.
ALTER TABLE rectification_events ADD COLUMN as_of date;
CREATE INDEX rectification_events_finding ON rectification_events (finding_id, id);

-- Outbox: provider template parameters and per-recipient progress (meta), the claim time of a
-- message being sent (a claim older than the lease is taken back: at-least-once), segments of an SMS.
ALTER TABLE outbox ADD COLUMN meta jsonb NOT NULL DEFAULT '{}';
ALTER TABLE outbox ADD COLUMN claimed_at timestamptz;
ALTER TABLE outbox ADD COLUMN segments integer;
ALTER TABLE outbox_attempts ADD COLUMN error text;
ALTER TABLE outbox_attempts ADD COLUMN recipient text;
