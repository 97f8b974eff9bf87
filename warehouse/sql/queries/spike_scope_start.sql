-- Per camp (and '*' for all camps): the day its last outlet began, i.e. the latest of its outlets' first classified
-- days. A spike baseline covers its window only once every outlet of the scope has been watched that long.
WITH firsts AS (
    SELECT s.camp, pc.source_id, min(pc.day) AS first_day
    FROM passage_classifications pc JOIN sources s ON s.source_id = pc.source_id
    GROUP BY ALL
)
SELECT camp, max(first_day) AS began FROM firsts GROUP BY camp
UNION ALL
SELECT '*', max(first_day) FROM firsts
