-- Per camp and narrative: articles claiming it in the ISO week starting $monday, and per week on average in the
-- 4 weeks before (the one classifier's article labels, `article_narratives`). Rows with 2 or more this week.
WITH claims AS (
    SELECT s.camp, an.narrative_id,
           CAST(date_trunc('week', CAST(timezone('UTC', a.published_at) AS DATE)) AS DATE) AS week
    FROM article_narratives an
    JOIN articles a USING (article_id)
    JOIN sources s USING (source_id)
    WHERE an.stance = 'claim' AND a.published_at IS NOT NULL
      AND CAST(timezone('UTC', a.published_at) AS DATE) BETWEEN CAST($monday AS DATE) - 28 AND CAST($monday AS DATE) + 6
)
SELECT camp, narrative_id,
       count(*) FILTER (WHERE week = CAST($monday AS DATE)) AS this_week,
       round(count(*) FILTER (WHERE week < CAST($monday AS DATE)) / 4, 1) AS previous_4_weeks_mean
FROM claims
GROUP BY ALL
HAVING this_week >= 2
ORDER BY camp, this_week DESC, narrative_id
