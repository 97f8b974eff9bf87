-- Claim and rebuttal passages per narrative and camp.
SELECT narrative_id, camp,
       coalesce(sum(passages) FILTER (WHERE stance = 'claim'), 0) AS claims,
       coalesce(sum(passages) FILTER (WHERE stance = 'rebuttal'), 0) AS rebuttals
FROM narrative_camp_daily
WHERE $since IS NULL OR day >= CAST($since AS DATE)
GROUP BY ALL
HAVING sum(passages) FILTER (WHERE stance IN ('claim', 'rebuttal')) > 0
ORDER BY narrative_id, camp
