-- Per camp (and '*' for all camps), narrative and day from $since on: passages carrying the narrative, the
-- articles carrying it, and the sum over those articles of their carrying passages squared (for the dispersion).
WITH per_article AS (
    SELECT s.camp, l.narrative_id, l.day, l.article_id, count(*) AS c
    FROM passage_narratives l JOIN sources s USING (source_id)
    WHERE l.day >= $since
    GROUP BY ALL
)
SELECT camp, narrative_id, day, sum(c) AS n, count(*) AS articles, sum(c * c) AS sum_sq FROM per_article GROUP BY ALL
UNION ALL
SELECT '*', narrative_id, day, sum(c), count(*), sum(c * c) FROM per_article GROUP BY ALL
