INSERT INTO passage_narratives (passage_id, narrative_id, score, stance, model_id, catalog_hash)
SELECT unnest($passage_ids::VARCHAR[]), unnest($narrative_ids::VARCHAR[]), unnest($scores::FLOAT[]),
       unnest($stances::VARCHAR[]), $model_id, $catalog_hash
