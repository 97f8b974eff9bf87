INSERT INTO passage_classifications (passage_id, model_id, catalog_hash, classified_at)
SELECT unnest($passage_ids::VARCHAR[]), $model_id, $catalog_hash, now()
ON CONFLICT (passage_id) DO UPDATE SET
    model_id = excluded.model_id, catalog_hash = excluded.catalog_hash, classified_at = excluded.classified_at
