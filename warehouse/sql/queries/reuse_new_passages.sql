-- Passages (with their vectors) of articles not yet compared for reuse; only classified passages, whose vectors
-- exist, under the model that classified them. An article without them waits for a later run. (The new articles
-- are found first: an anti-join of two article tables, then their passages by the denormalised article_id.)
WITH new_articles AS MATERIALIZED (
    SELECT a.article_id, a.source_id, a.published_at, a.fetched_at
    FROM articles a ANTI JOIN reuse_checked USING (article_id)
    WHERE a.status IN ('ok', 'feed_only')
)
SELECT pc.passage_id, pc.article_id, n.source_id, n.published_at, n.fetched_at, p.text, pc.model_id, e.vector
FROM new_articles n
JOIN passage_classifications pc ON pc.article_id = n.article_id
JOIN passages p ON p.passage_id = pc.passage_id
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
ORDER BY coalesce(n.published_at, n.fetched_at), pc.passage_id
