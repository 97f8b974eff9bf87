-- Claim and rebuttal passages per narrative and camp, with the narrative's catalogue label.
SELECT c.narrative_id, coalesce(n.label, c.narrative_id) AS label, c.camp,
       coalesce(sum(c.passages) FILTER (WHERE c.stance = 'claim'), 0) AS claims,
       coalesce(sum(c.passages) FILTER (WHERE c.stance = 'rebuttal'), 0) AS rebuttals
FROM narrative_camp_daily c
LEFT JOIN (SELECT DISTINCT narrative_id, label FROM narratives) n USING (narrative_id)
WHERE $since IS NULL OR c.day >= CAST($since AS DATE)
GROUP BY ALL
HAVING sum(c.passages) FILTER (WHERE c.stance IN ('claim', 'rebuttal')) > 0
ORDER BY c.narrative_id, c.camp
