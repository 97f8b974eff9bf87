INSERT INTO article_classifications (article_id, model_id, head_fingerprint, catalog_hash, passages, classified_at)
SELECT unnest($article_ids::VARCHAR[]), $model_id, $head_fingerprint, $catalog_hash, unnest($passages::INTEGER[]), now()
ON CONFLICT (article_id) DO UPDATE SET
    model_id = excluded.model_id, head_fingerprint = excluded.head_fingerprint, catalog_hash = excluded.catalog_hash,
    passages = excluded.passages, classified_at = excluded.classified_at
