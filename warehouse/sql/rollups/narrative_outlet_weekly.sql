DELETE FROM rollup_narrative_outlet_weekly WHERE week >= date_trunc('week', $since::DATE);
INSERT INTO rollup_narrative_outlet_weekly
WITH totals AS (
    SELECT date_trunc('week', day) AS week, source_id, count(*) AS classified_passages
    FROM passage_classifications
    WHERE day >= date_trunc('week', $since::DATE)
    GROUP BY 1, 2
)
SELECT date_trunc('week', l.day), l.source_id, l.narrative_id, count(*), count(DISTINCT l.article_id),
       count(*) FILTER (WHERE l.stance = 'claim'), count(*) FILTER (WHERE l.stance = 'rebuttal'),
       count(*) FILTER (WHERE l.stance = 'mention'), t.classified_passages
FROM passage_narratives l
JOIN totals t ON t.week = date_trunc('week', l.day) AND t.source_id = l.source_id
WHERE l.day >= date_trunc('week', $since::DATE)
GROUP BY date_trunc('week', l.day), l.source_id, l.narrative_id, t.classified_passages;
