-- A narrative the head gave an article none of whose passages the rule tagged with it: its most similar passage is
-- the evidence (origin 'head'), so the analytics count the article for it.
INSERT INTO passage_narratives
    (passage_id, narrative_id, score, stance, model_id, catalog_hash, params_hash, article_id, source_id, day, origin)
SELECT l.passage_id, l.narrative_id, l.score, l.stance, $model_id, $catalog_hash, $params_hash,
       p.article_id, a.source_id, CAST(timezone('UTC', a.published_at) AS DATE), 'head'
FROM (SELECT unnest($passage_ids::VARCHAR[]) AS passage_id, unnest($narrative_ids::VARCHAR[]) AS narrative_id,
             unnest($scores::FLOAT[]) AS score, unnest($stances::VARCHAR[]) AS stance) l
JOIN passages p USING (passage_id)
JOIN articles a USING (article_id)
WHERE NOT EXISTS (SELECT 1 FROM passage_narratives pn WHERE pn.article_id = p.article_id AND pn.narrative_id = l.narrative_id)
