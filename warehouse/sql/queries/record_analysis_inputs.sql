-- After an analysis: the inputs it ran against and when it started (flows/backlog.py).
INSERT INTO analysis_inputs VALUES ($name, $fingerprint, $started)
ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, recorded_at = excluded.recorded_at
