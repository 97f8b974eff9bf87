-- Every classified passage from $since on with its outlet, day, article and vector (under the model that
-- classified it), for the per-outlet daily vector sums.
SELECT pc.source_id, pc.day, pc.article_id, pc.model_id, e.vector
FROM passage_classifications pc
JOIN passages p USING (passage_id)
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
WHERE pc.day >= $since AND pc.source_id IS NOT NULL
