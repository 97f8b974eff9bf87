-- Passages of a window that carry no catalogue narrative scoring $max_score or more, with text and vector
-- (under the model that classified them); in passage order so a window clusters the same way every time.
SELECT pc.passage_id, pc.article_id, pc.source_id, pc.day, p.text, e.vector
FROM passage_classifications pc
JOIN passages p USING (passage_id)
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
WHERE pc.day BETWEEN $start AND $end AND pc.source_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM passage_narratives pn WHERE pn.passage_id = pc.passage_id AND pn.score >= $max_score)
ORDER BY pc.passage_id
