-- Per source: last fetch and its status, last success, failed fetches, articles and active days, so a
-- silent or broken feed stands out.
WITH f AS (
    SELECT source_id,
           max(fetched_at) AS last_fetch,
           arg_max(status, fetched_at) AS last_status,
           arg_max(error, fetched_at) AS last_error,
           max(fetched_at) FILTER (WHERE status IN ('ok', 'not_modified')) AS last_success,
           count(*) FILTER (WHERE status IN ('failed', 'malformed')) AS failures,
           count(*) AS fetches
    FROM feed_fetches GROUP BY source_id
), a AS (
    SELECT source_id, count(*) AS articles, max(published_at) AS last_article
    FROM articles
    WHERE $since IS NULL OR published_at >= CAST($since AS DATE)
    GROUP BY source_id
)
SELECT s.source_id, s.name, s.camp, s.feed_url, f.last_fetch, f.last_status, f.last_success,
       coalesce(f.failures, 0) AS failures, coalesce(f.fetches, 0) AS fetches, f.last_error,
       coalesce(a.articles, 0) AS articles, a.last_article
FROM sources s
LEFT JOIN f USING (source_id)
LEFT JOIN a USING (source_id)
ORDER BY coalesce(a.articles, 0), s.name
