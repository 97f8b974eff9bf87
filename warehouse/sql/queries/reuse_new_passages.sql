-- Passages (with their vectors) of articles not yet compared for reuse; only classified passages, whose vectors
-- exist, under the model that classified them. An article without them waits for a later run.
SELECT p.passage_id, p.article_id, a.source_id, a.published_at, a.fetched_at, p.text, pc.model_id, e.vector
FROM articles a
JOIN passages p ON p.article_id = a.article_id
JOIN passage_classifications pc ON pc.passage_id = p.passage_id
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
WHERE a.article_id NOT IN (SELECT article_id FROM reuse_checked)
  AND a.status IN ('ok', 'feed_only')
ORDER BY coalesce(a.published_at, a.fetched_at), p.passage_id
