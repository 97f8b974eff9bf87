INSERT INTO article_labels
    (article_id, narrative_id, score, stance, evidence_passage_id, model_id, head_fingerprint, catalog_hash)
SELECT unnest($article_ids::VARCHAR[]), unnest($narrative_ids::VARCHAR[]), unnest($scores::FLOAT[]),
       unnest($stances::VARCHAR[]), unnest($evidence::VARCHAR[]), $model_id, $head_fingerprint, $catalog_hash
