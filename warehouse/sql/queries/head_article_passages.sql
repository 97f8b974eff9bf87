-- The passages of some articles with their vectors, in article order.
SELECT p.article_id, p.passage_id, p.text, e.vector
FROM passages p
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = $model_id
WHERE p.article_id IN (SELECT unnest($article_ids::VARCHAR[]))
ORDER BY p.article_id, p.position
