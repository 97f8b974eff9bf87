-- The report's feed-health table: the feed_health view (the one definition of failing and silent) plus
-- the articles and newest publication in the report's period.
WITH a AS (
    SELECT source_id, count(*) AS articles, max(published_at) AS last_article
    FROM articles
    WHERE status <> 'failed' AND ($since IS NULL OR published_at >= CAST($since AS DATE))
    GROUP BY source_id
)
SELECT h.source_id, h.name, h.camp, h.feed_url, h.last_fetch, h.last_status, h.last_success, h.health,
       h.consecutive_failures, h.failed_fetches AS failures, h.malformed_fetches, h.fetches, h.last_error,
       h.quiet_days, h.usual_interval_days, coalesce(a.articles, 0) AS articles, a.last_article
FROM feed_health h
LEFT JOIN a USING (source_id)
ORDER BY h.health = 'ok', coalesce(a.articles, 0), h.name
