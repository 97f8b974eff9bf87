-- The texts already judged, with their vectors of one model where stored (the queue skips their near-duplicates).
SELECT DISTINCT j.text_hash, e.vector
FROM judgments j
LEFT JOIN embeddings e ON e.text_hash = j.text_hash AND e.model_id = $model_id
WHERE j.text_hash IS NOT NULL
