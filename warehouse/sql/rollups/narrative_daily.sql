DELETE FROM rollup_narrative_daily WHERE day >= $since;
INSERT INTO rollup_narrative_daily
WITH totals AS (
    SELECT day, count(*) AS classified_passages FROM passage_classifications WHERE day >= $since GROUP BY day
)
SELECT l.day, l.narrative_id, count(*), count(DISTINCT l.article_id), count(DISTINCT l.source_id),
       count(*) FILTER (WHERE l.stance = 'claim'), count(*) FILTER (WHERE l.stance = 'rebuttal'),
       count(*) FILTER (WHERE l.stance = 'mention'), t.classified_passages
FROM passage_narratives l JOIN totals t USING (day)
WHERE l.day >= $since
GROUP BY l.day, l.narrative_id, t.classified_passages;
