-- Daily passages per camp and narrative (all stances), for the report's volume chart; the catalogue's label
-- names each narrative (its id when the narrative has left the catalogue).
SELECT c.day, c.camp, c.narrative_id, coalesce(n.label, c.narrative_id) AS label, sum(c.passages) AS passages
FROM narrative_camp_daily c
LEFT JOIN (SELECT DISTINCT narrative_id, label FROM narratives) n USING (narrative_id)
WHERE $since IS NULL OR c.day >= CAST($since AS DATE)
GROUP BY ALL
ORDER BY c.day, c.camp, c.narrative_id
