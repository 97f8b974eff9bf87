-- Daily passages per camp and narrative (all stances), for the report's volume chart.
SELECT day, camp, narrative_id, sum(passages) AS passages
FROM narrative_camp_daily
WHERE $since IS NULL OR day >= CAST($since AS DATE)
GROUP BY ALL
ORDER BY day, camp, narrative_id
