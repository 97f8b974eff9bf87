INSERT INTO runs (run_id, flow, started_at, status, counts) VALUES (?, ?, ?, 'running', NULL)
ON CONFLICT (run_id) DO NOTHING
