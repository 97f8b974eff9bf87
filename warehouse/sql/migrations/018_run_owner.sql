-- Honest run status. `reason` says why a run failed or was interrupted (an exception's type and first line, the
-- signal that stopped it, or that its process ended without finishing). `owner_*` name the process running it,
-- so the next run's start can tell a run that is still going from one whose process was killed (SIGKILL, power
-- loss): same host, and that pid gone or started at another time. Rows written before this migration have no
-- owner and are left as they are.
ALTER TABLE runs ADD COLUMN IF NOT EXISTS reason VARCHAR;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS owner_host VARCHAR;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS owner_started DOUBLE;  -- the process's start, seconds since the epoch
