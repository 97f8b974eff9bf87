INSERT INTO runs (run_id, flow, started_at, status, counts, owner_host, owner_pid, owner_started)
VALUES (?, ?, ?, 'running', NULL, ?, ?, ?)
ON CONFLICT (run_id) DO NOTHING
