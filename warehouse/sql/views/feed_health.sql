-- Per source: last successful fetch, the failed fetches since then, and whether the feed is flagged
-- (failed on each of its last 3 fetches). A fetch counts as failed only with status 'failed'; a
-- 'malformed' feed still yielded entries and ends a failure streak, as it counts as ok for the run.
CREATE OR REPLACE VIEW feed_health AS
WITH f AS (
    SELECT source_id,
           max(fetched_at) AS last_fetch,
           max(fetched_at) FILTER (WHERE status <> 'failed') AS last_success,
           arg_max(error, fetched_at) FILTER (WHERE status = 'failed') AS last_error
    FROM feed_fetches GROUP BY source_id
), streak AS (
    SELECT f.source_id, count(ff.fetch_id) AS consecutive_failures
    FROM f LEFT JOIN feed_fetches ff
      ON ff.source_id = f.source_id AND ff.status = 'failed'
     AND (f.last_success IS NULL OR ff.fetched_at > f.last_success)
    GROUP BY f.source_id
), a AS (
    SELECT source_id, count(*) AS articles_last_7_days
    FROM articles
    WHERE status <> 'failed' AND fetched_at >= now() - INTERVAL 7 DAY
    GROUP BY source_id
)
SELECT s.source_id, s.name, s.camp, s.feed_url, f.last_fetch, f.last_success,
       coalesce(streak.consecutive_failures, 0) AS consecutive_failures,
       coalesce(streak.consecutive_failures, 0) >= 3 AS flagged,
       CASE WHEN coalesce(streak.consecutive_failures, 0) > 0 THEN f.last_error END AS last_error,
       coalesce(a.articles_last_7_days, 0) AS articles_last_7_days
FROM sources s
LEFT JOIN f USING (source_id)
LEFT JOIN streak USING (source_id)
LEFT JOIN a USING (source_id)
