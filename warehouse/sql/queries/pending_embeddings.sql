-- Distinct passage texts that have no vector yet for the given model, of articles in a language it reads
-- (`model_reads`, warehouse/sql/views/model_reads.sql).
SELECT p.text_hash, any_value(p.text) AS text
FROM passages p
JOIN articles a USING (article_id)
WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.text_hash = p.text_hash AND e.model_id = $model_id)
  AND model_reads(a.language, $languages)
GROUP BY p.text_hash
ORDER BY p.text_hash
LIMIT $limit
