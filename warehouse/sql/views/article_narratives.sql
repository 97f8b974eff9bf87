-- Article-level narratives, with `label_source` saying who decided each one:
--   'head'     the fitted document head (RADAR_NARRATIVE_HEAD) for the narratives it knows; its score is
--              the head's probability, its stance that of the passage most similar to the narrative;
--   'passages' the passage rule: every narrative found in any passage of the article, with the stance
--              and score of the article's strongest passage for it (the lead evidence).
-- passages / claim_passages / rebuttal_passages always count the passage labels behind the article label.
CREATE OR REPLACE VIEW article_narratives AS
WITH rule AS (
    SELECT
        p.article_id,
        pn.narrative_id,
        max(pn.score) AS score,
        arg_max(pn.stance, pn.score) AS stance,
        count(*) AS passages,
        count(*) FILTER (WHERE pn.stance = 'claim') AS claim_passages,
        count(*) FILTER (WHERE pn.stance = 'rebuttal') AS rebuttal_passages
    FROM passage_narratives pn
    JOIN passages p USING (passage_id)
    GROUP BY p.article_id, pn.narrative_id
),
decided AS (
    -- (article, narrative) pairs the head has decided, whether it assigned the narrative or not
    SELECT ac.article_id, unnest(h.narrative_ids) AS narrative_id
    FROM article_classifications ac
    JOIN narrative_heads h USING (head_fingerprint)
)
SELECT r.article_id, r.narrative_id, r.score, r.stance, r.passages, r.claim_passages, r.rebuttal_passages,
       'passages' AS label_source
FROM rule r
WHERE NOT EXISTS (SELECT 1 FROM decided d WHERE d.article_id = r.article_id AND d.narrative_id = r.narrative_id)
UNION ALL
SELECT l.article_id, l.narrative_id, l.score, l.stance,
       coalesce(r.passages, 0) AS passages,
       coalesce(r.claim_passages, 0) AS claim_passages,
       coalesce(r.rebuttal_passages, 0) AS rebuttal_passages,
       'head' AS label_source
FROM article_labels l
LEFT JOIN rule r USING (article_id, narrative_id)
