-- Per publication day (UTC) and narrative: passages, articles and outlets carrying it, by stance, and its
-- share of all passages classified that day.
CREATE OR REPLACE VIEW narrative_daily AS
WITH totals AS (
    SELECT day, count(*) AS classified_passages FROM passage_classifications GROUP BY day
)
SELECT
    l.day,
    l.narrative_id,
    count(*) AS passages,
    count(DISTINCT l.article_id) AS articles,
    count(DISTINCT l.source_id) AS outlets,
    count(*) FILTER (WHERE l.stance = 'claim') AS claims,
    count(*) FILTER (WHERE l.stance = 'rebuttal') AS rebuttals,
    count(*) FILTER (WHERE l.stance = 'mention') AS mentions,
    t.classified_passages,
    count(*) / t.classified_passages AS share
FROM passage_narratives l
JOIN totals t USING (day)
GROUP BY l.day, l.narrative_id, t.classified_passages
