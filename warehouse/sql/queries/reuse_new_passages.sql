-- Passages (with their vectors) of articles not yet compared for reuse, once every passage of the article is
-- classified (its vectors exist; a run killed between embedding and classifying leaves the article for the next
-- run), under the model that classified them. The new articles are found first (an anti-join of two article
-- tables), then their passages by the denormalised article_id.
WITH new_articles AS MATERIALIZED (
    SELECT a.article_id, a.source_id, a.published_at, a.fetched_at
    FROM articles a ANTI JOIN reuse_checked USING (article_id)
    WHERE a.status IN ('ok', 'feed_only')
),
complete AS MATERIALIZED (
    SELECT n.article_id
    FROM new_articles n
    JOIN passages p ON p.article_id = n.article_id
    LEFT JOIN passage_classifications c ON c.passage_id = p.passage_id
    GROUP BY n.article_id
    HAVING count(*) = count(c.passage_id)
)
SELECT pc.passage_id, pc.article_id, n.source_id, n.published_at, n.fetched_at, p.text, pc.model_id, e.vector
FROM new_articles n
JOIN complete USING (article_id)
JOIN passage_classifications pc ON pc.article_id = n.article_id
JOIN passages p ON p.passage_id = pc.passage_id
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
ORDER BY coalesce(n.published_at, n.fetched_at), pc.passage_id
