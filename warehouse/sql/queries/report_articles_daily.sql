-- Articles per source and publication day (UTC), for the feed-health heatmap.
SELECT s.name, CAST(timezone('UTC', a.published_at) AS DATE) AS day, count(*) AS articles
FROM articles a JOIN sources s USING (source_id)
WHERE a.published_at IS NOT NULL AND ($since IS NULL OR a.published_at >= CAST($since AS DATE))
GROUP BY ALL
ORDER BY day, s.name
