-- The exemplar rule's own passage labels of some articles back: the head's evidence rows out, the rows it overruled in.
DELETE FROM passage_narratives WHERE origin = 'head' AND article_id IN (SELECT unnest($article_ids::VARCHAR[]));
INSERT INTO passage_narratives
    (passage_id, narrative_id, score, stance, model_id, catalog_hash, params_hash, article_id, source_id, day, origin)
SELECT passage_id, narrative_id, score, stance, model_id, catalog_hash, params_hash, article_id, source_id, day, 'rule'
FROM overruled_passage_narratives
WHERE article_id IN (SELECT unnest($article_ids::VARCHAR[]));
DELETE FROM overruled_passage_narratives WHERE article_id IN (SELECT unnest($article_ids::VARCHAR[]))
