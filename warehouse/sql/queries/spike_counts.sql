-- Passages carrying each narrative per day, per camp and for all camps ('*'), any stance.
SELECT s.camp, l.narrative_id, l.day, count(*) AS n
FROM passage_narratives l JOIN sources s USING (source_id)
WHERE l.day >= $since
GROUP BY ALL
UNION ALL
SELECT '*', narrative_id, day, count(*) FROM passage_narratives WHERE day >= $since GROUP BY ALL
