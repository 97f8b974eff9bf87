INSERT INTO analysis_state VALUES ('analyzed_until', $until) ON CONFLICT (name) DO UPDATE SET value = excluded.value
