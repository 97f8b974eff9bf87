-- The trailing (and leading) window a batch of new passages is compared with: classified passages published
-- from $first to $last (passage_classifications.day is the UTC publication day, so no scan of all passages).
SELECT p.passage_id, pc.article_id, pc.source_id, a.published_at, a.fetched_at, p.text, e.vector
FROM passage_classifications pc
JOIN passages p ON p.passage_id = pc.passage_id
JOIN articles a ON a.article_id = pc.article_id
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
WHERE pc.day BETWEEN $first AND $last AND pc.model_id = $model_id
