-- Stored members of the clusters a run touches (some older than the window), with text and vector.
SELECT p.passage_id, p.article_id, a.source_id, a.published_at, a.fetched_at, p.text, e.vector
FROM passages p
JOIN articles a ON a.article_id = p.article_id
LEFT JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = $model_id
WHERE p.passage_id IN (SELECT unnest($ids))
