INSERT INTO passage_classifications (passage_id, model_id, catalog_hash, params_hash, classified_at, source_id, day,
                                     article_id)
SELECT p.passage_id, $model_id, $catalog_hash, $params_hash, now(), a.source_id, CAST(timezone('UTC', a.published_at) AS DATE),
       p.article_id
FROM passages p JOIN articles a USING (article_id)
WHERE p.passage_id IN (SELECT unnest($passage_ids::VARCHAR[]))
ON CONFLICT (passage_id) DO UPDATE SET
    model_id = excluded.model_id, catalog_hash = excluded.catalog_hash, params_hash = excluded.params_hash,
    classified_at = excluded.classified_at, source_id = excluded.source_id, day = excluded.day,
    article_id = excluded.article_id
