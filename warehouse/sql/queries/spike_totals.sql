-- Classified passages per day, per camp and for all camps ('*').
SELECT s.camp, pc.day, count(*) AS total
FROM passage_classifications pc JOIN sources s USING (source_id)
WHERE pc.day >= $since
GROUP BY ALL
UNION ALL
SELECT '*', day, count(*) FROM passage_classifications WHERE day >= $since GROUP BY ALL
