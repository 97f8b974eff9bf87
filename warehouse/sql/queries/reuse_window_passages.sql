-- The window a batch of new passages is compared with: classified passages published from $first to $last
-- (passage_classifications.day is the UTC publication day, so the window is picked without reading passages).
WITH w AS MATERIALIZED (
    SELECT passage_id, article_id, source_id, model_id FROM passage_classifications
    WHERE day BETWEEN $first AND $last AND model_id = $model_id
)
SELECT w.passage_id, w.article_id, w.source_id, a.published_at, a.fetched_at, p.text, e.vector
FROM w
JOIN passages p ON p.passage_id = w.passage_id
JOIN articles a ON a.article_id = w.article_id
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = w.model_id
