-- Article-level narratives: every narrative found in any passage of the article; its stance is the
-- stance of the article's strongest passage for it (the lead evidence), its score that passage's score.
CREATE OR REPLACE VIEW article_narratives AS
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
