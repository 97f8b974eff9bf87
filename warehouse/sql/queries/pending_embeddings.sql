-- Distinct passage texts that have no vector yet for the given model, of articles in a language it reads
-- ($languages: primary subtags, or '*'; an article of unknown language is read).
SELECT p.text_hash, any_value(p.text) AS text
FROM passages p
JOIN articles a USING (article_id)
WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.text_hash = p.text_hash AND e.model_id = $model_id)
  AND (list_contains($languages, '*') OR a.language IS NULL
       OR list_contains($languages, regexp_extract(lower(a.language), '^[a-z]+')))
GROUP BY p.text_hash
ORDER BY p.text_hash
LIMIT $limit
