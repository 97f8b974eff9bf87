-- Articles in a language the model reads (`model_reads`) whose passages all have a vector for the model and that
-- the head has not labelled under this model, head and catalogue. Labelled articles are dropped before the join with
-- embeddings, so a run with nothing new reads no vector.
WITH todo AS (
    SELECT DISTINCT p.article_id
    FROM passages p
    JOIN articles a USING (article_id)
    WHERE model_reads(a.language, $languages)
      AND NOT EXISTS (
        SELECT 1 FROM article_classifications c
        WHERE c.article_id = p.article_id AND c.model_id = $model_id AND c.head_fingerprint = $head_fingerprint
          AND c.catalog_hash = $catalog_hash
    )
)
SELECT p.article_id
FROM passages p
JOIN todo USING (article_id)
LEFT JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = $model_id
GROUP BY p.article_id
HAVING count(e.text_hash) = count(*)
ORDER BY p.article_id
LIMIT $limit
