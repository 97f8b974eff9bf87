-- Weeks whose last discovery attempt failed: their clusters (if any) are from an earlier run. A week here is
-- retried on every run (its stored fingerprint is the old one) and leaves this table when it succeeds.
CREATE TABLE IF NOT EXISTS emerging_week_failures (
    week       VARCHAR PRIMARY KEY,
    failed_at  TIMESTAMPTZ NOT NULL,
    error      VARCHAR NOT NULL,          -- exception type and message
    attempts   INTEGER NOT NULL           -- failed attempts in a row
);
