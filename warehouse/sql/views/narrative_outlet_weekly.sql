-- Per ISO week (starting Monday), outlet and narrative: passages by stance and share of the outlet's
-- classified passages that week.
CREATE OR REPLACE VIEW narrative_outlet_weekly AS
WITH totals AS (
    SELECT date_trunc('week', day) AS week, source_id, count(*) AS classified_passages
    FROM passage_classifications
    GROUP BY 1, 2
)
SELECT
    date_trunc('week', l.day) AS week,
    strftime(l.day, '%G-W%V') AS iso_week,
    l.source_id,
    s.name AS outlet,
    s.camp,
    l.narrative_id,
    count(*) AS passages,
    count(DISTINCT l.article_id) AS articles,
    count(*) FILTER (WHERE l.stance = 'claim') AS claims,
    count(*) FILTER (WHERE l.stance = 'rebuttal') AS rebuttals,
    count(*) FILTER (WHERE l.stance = 'mention') AS mentions,
    t.classified_passages,
    count(*) / t.classified_passages AS share
FROM passage_narratives l
JOIN sources s USING (source_id)
JOIN totals t ON t.week = date_trunc('week', l.day) AND t.source_id = l.source_id
GROUP BY date_trunc('week', l.day), strftime(l.day, '%G-W%V'), l.source_id, s.name, s.camp, l.narrative_id,
    t.classified_passages
