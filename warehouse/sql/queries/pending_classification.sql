-- Passages with a vector for the model but no classification under this catalogue and model.
SELECT p.passage_id, p.text, e.vector
FROM passages p
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = $model_id
WHERE NOT EXISTS (
    SELECT 1 FROM passage_classifications c
    WHERE c.passage_id = p.passage_id AND c.model_id = $model_id AND c.catalog_hash = $catalog_hash
      AND c.params_hash = $params_hash
)
ORDER BY p.passage_id
LIMIT $limit
