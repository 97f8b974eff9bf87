-- Passages with a vector for the model but no classification under this catalogue and model, of articles in a
-- language the model reads (a text also found in a read article has a vector; its copy elsewhere is not read).
SELECT p.passage_id, p.article_id, p.text, e.vector
FROM passages p
JOIN articles a USING (article_id)
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = $model_id
WHERE NOT EXISTS (
    SELECT 1 FROM passage_classifications c
    WHERE c.passage_id = p.passage_id AND c.model_id = $model_id AND c.catalog_hash = $catalog_hash
      AND c.params_hash = $params_hash
)
  AND model_reads(a.language, $languages)
ORDER BY p.passage_id
LIMIT $limit
