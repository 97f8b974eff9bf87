-- Articles with text fetched since $since, per outlet and language: which of them the model does not read.
SELECT s.name, a.language, count(*) AS articles
FROM articles a
JOIN sources s USING (source_id)
WHERE a.fetched_at >= $since AND a.status IN ('ok', 'feed_only')
GROUP BY ALL
ORDER BY s.name, a.language
