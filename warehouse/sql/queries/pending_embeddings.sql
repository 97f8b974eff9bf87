-- Distinct passage texts that have no vector yet for the given model.
SELECT p.text_hash, any_value(p.text) AS text
FROM passages p
WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.text_hash = p.text_hash AND e.model_id = $model_id)
GROUP BY p.text_hash
ORDER BY p.text_hash
LIMIT $limit
