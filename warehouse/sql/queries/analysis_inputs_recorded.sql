SELECT fingerprint, recorded_at FROM analysis_inputs WHERE name = $name
