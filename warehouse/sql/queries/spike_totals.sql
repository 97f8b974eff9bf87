-- Classified passages and articles per day, per camp and for all camps ('*'), from $since on.
WITH classified AS (
    SELECT s.camp, pc.day, pc.article_id
    FROM passage_classifications pc
    JOIN sources s ON s.source_id = pc.source_id
    WHERE pc.day >= $since
)
SELECT camp, day, count(*) AS total, count(DISTINCT article_id) AS articles FROM classified GROUP BY ALL
UNION ALL
SELECT '*', day, count(*), count(DISTINCT article_id) FROM classified GROUP BY ALL
