INSERT INTO narrative_heads (head_fingerprint, model_id, catalog_hash, narrative_ids, training_fingerprint, path)
VALUES ($head_fingerprint, $model_id, $catalog_hash, $narrative_ids, $training_fingerprint, $path)
ON CONFLICT (head_fingerprint) DO UPDATE SET path = excluded.path
