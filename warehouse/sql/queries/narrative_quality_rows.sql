SELECT * EXCLUDE (params_hash, judgments_hash) FROM narrative_quality
