-- Per day, camp, narrative and stance: volume and share of the camp's classified passages that day.
CREATE OR REPLACE VIEW narrative_camp_daily AS
WITH totals AS (
    SELECT pc.day, s.camp, count(*) AS classified_passages
    FROM passage_classifications pc JOIN sources s USING (source_id)
    GROUP BY pc.day, s.camp
)
SELECT
    l.day,
    s.camp,
    l.narrative_id,
    l.stance,
    count(*) AS passages,
    count(DISTINCT l.article_id) AS articles,
    count(DISTINCT l.source_id) AS outlets,
    t.classified_passages,
    count(*) / t.classified_passages AS share
FROM passage_narratives l
JOIN sources s USING (source_id)
JOIN totals t ON t.day = l.day AND t.camp = s.camp
GROUP BY l.day, s.camp, l.narrative_id, l.stance, t.classified_passages
