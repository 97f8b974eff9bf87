-- The rule's rows of a narrative the head decided for the article but did not give it: moved aside, so no
-- analytic counts the article for that narrative.
INSERT INTO overruled_passage_narratives
    (passage_id, narrative_id, score, stance, model_id, catalog_hash, params_hash, article_id, source_id, day,
     head_fingerprint)
SELECT pn.passage_id, pn.narrative_id, pn.score, pn.stance, pn.model_id, pn.catalog_hash, pn.params_hash,
       pn.article_id, pn.source_id, pn.day, $head_fingerprint
FROM passage_narratives pn
WHERE pn.article_id IN (SELECT unnest($article_ids::VARCHAR[]))
  AND pn.narrative_id IN (SELECT unnest($narrative_ids::VARCHAR[]))
  AND NOT EXISTS (SELECT 1 FROM article_labels l WHERE l.article_id = pn.article_id AND l.narrative_id = pn.narrative_id);
DELETE FROM passage_narratives
WHERE article_id IN (SELECT unnest($article_ids::VARCHAR[]))
  AND narrative_id IN (SELECT unnest($narrative_ids::VARCHAR[]))
  AND NOT EXISTS (SELECT 1 FROM article_labels l
                  WHERE l.article_id = passage_narratives.article_id AND l.narrative_id = passage_narratives.narrative_id)
