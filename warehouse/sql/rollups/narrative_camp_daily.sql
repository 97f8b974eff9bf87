DELETE FROM rollup_narrative_camp_daily WHERE day >= $since;
INSERT INTO rollup_narrative_camp_daily
WITH totals AS (
    SELECT pc.day, s.camp, count(*) AS classified_passages
    FROM passage_classifications pc JOIN sources s USING (source_id)
    WHERE pc.day >= $since
    GROUP BY pc.day, s.camp
)
SELECT l.day, s.camp, l.narrative_id, l.stance, count(*), count(DISTINCT l.article_id), count(DISTINCT l.source_id),
       t.classified_passages
FROM passage_narratives l
JOIN sources s USING (source_id)
JOIN totals t ON t.day = l.day AND t.camp = s.camp
WHERE l.day >= $since
GROUP BY l.day, s.camp, l.narrative_id, l.stance, t.classified_passages;
