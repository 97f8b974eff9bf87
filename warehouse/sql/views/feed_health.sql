-- Per source, the one definition of feed health (the end-of-run warnings, `radar outlets`, the digest and the
-- report read this view). A fetch fails only with status 'failed': 'ok', 'not_modified' and 'malformed' (broken
-- XML whose entries were still read) are successes. `health` is
--   'failing'  the last `failing_after` fetches (or more) failed, however many days apart, or every fetch so far
--              failed: a feed that never gave a valid feed (an HTML page, a 404) has nothing to wait for;
--   'silent'   the feed answers, but its newest productive article is older than `silent_multiple` times its
--              usual interval, and never less than `silent_floor_days`;
--   'dropped'  not fetched for more than `silent_floor_days` before the newest fetch of any feed: taken out of
--              the sources file (its other columns stay as at its last fetch);
--   'ok', or 'never fetched'.
-- A productive article has text (ok or feed_only) not seen before from the same source: an entry whose URL
-- keeps changing (tracking parameters, session ids) while its text does not adds nothing. Its time is its
-- publication time (never later than its fetch). The usual interval is the median gap in days between the
-- feed's last 31 publishing days; with fewer than 3 gaps there is no estimate and the floor alone applies.
-- Silence is measured against the data, not the wall clock: up to the newest productive article of any feed
-- (never past the feed's own last fetch), so a paused radar, or a replay or back-fill of past days, does not
-- make every feed look silent while one that stopped among publishing others does. With `wall_clock` (a
-- scheduled deployment, RADAR_FEED_SILENCE_WALL_CLOCK) it is measured up to the feed's last fetch, which also
-- catches every feed going quiet at once. A feed that never yielded anything counts its quiet from its first
-- fetch to its last.
CREATE OR REPLACE VIEW feed_health AS
WITH p AS (
    SELECT failing_after, silent_multiple, silent_floor_days, coalesce(wall_clock, false) AS wall_clock
    FROM feed_health_params WHERE id = 1
), f AS (
    SELECT source_id,
           min(fetched_at) AS first_fetch,
           max(fetched_at) AS last_fetch,
           arg_max(status, fetched_at) AS last_status,
           max(fetched_at) FILTER (WHERE status <> 'failed') AS last_success,
           arg_max(error, fetched_at) FILTER (WHERE status = 'failed') AS last_error,
           count(*) AS fetches,
           count(*) FILTER (WHERE status = 'failed') AS failed_fetches,
           count(*) FILTER (WHERE status = 'malformed') AS malformed_fetches
    FROM feed_fetches GROUP BY source_id
), streak AS (
    SELECT f.source_id, count(ff.fetch_id) AS consecutive_failures
    FROM f LEFT JOIN feed_fetches ff
      ON ff.source_id = f.source_id AND ff.status = 'failed'
     AND (f.last_success IS NULL OR ff.fetched_at > f.last_success)
    GROUP BY f.source_id
), productive AS (
    SELECT source_id, content_hash,
           min(least(coalesce(published_at, fetched_at), fetched_at)) AS pub_at
    FROM articles
    WHERE status IN ('ok', 'feed_only') AND content_hash IS NOT NULL
    GROUP BY source_id, content_hash
), pub_days AS (
    SELECT source_id, day, row_number() OVER (PARTITION BY source_id ORDER BY day DESC) AS recency
    FROM (SELECT DISTINCT source_id, CAST(timezone('UTC', pub_at) AS DATE) AS day FROM productive)
), gaps AS (
    SELECT source_id, day - lag(day) OVER (PARTITION BY source_id ORDER BY day) AS gap
    FROM pub_days WHERE recency <= 31
), usual AS (
    SELECT source_id, median(gap) AS interval_days, count(gap) AS n_gaps
    FROM gaps GROUP BY source_id
), newest AS (
    SELECT source_id, max(pub_at) AS last_new_article, count(*) AS productive_articles
    FROM productive GROUP BY source_id
), data_clock AS (  -- the data's own "now": its newest productive article, from any feed
    SELECT max(pub_at) AS newest_article FROM productive
), a AS (
    SELECT source_id, count(*) AS articles_last_7_days
    FROM articles
    WHERE status <> 'failed' AND fetched_at >= now() - INTERVAL 7 DAY
    GROUP BY source_id
), h AS (
    SELECT s.source_id, s.name, s.camp, s.feed_url, f.first_fetch, f.last_fetch, f.last_status, f.last_success,
           coalesce(streak.consecutive_failures, 0) AS consecutive_failures,
           coalesce(streak.consecutive_failures, 0) >= p.failing_after
               OR (coalesce(streak.consecutive_failures, 0) > 0 AND f.last_success IS NULL) AS failing,
           f.last_error,
           coalesce(f.fetches, 0) AS fetches,
           coalesce(f.failed_fetches, 0) AS failed_fetches,
           coalesce(f.malformed_fetches, 0) AS malformed_fetches,
           coalesce(a.articles_last_7_days, 0) AS articles_last_7_days,
           coalesce(newest.productive_articles, 0) AS productive_articles,
           newest.last_new_article,
           CASE WHEN usual.n_gaps >= 3 THEN usual.interval_days END AS usual_interval_days,
           CASE WHEN newest.last_new_article IS NULL THEN epoch(f.last_fetch - f.first_fetch)
                WHEN p.wall_clock THEN epoch(f.last_fetch - newest.last_new_article)
                ELSE epoch(least(f.last_fetch, data_clock.newest_article) - newest.last_new_article)
           END / 86400.0 AS quiet_days
    FROM sources s
    CROSS JOIN p
    CROSS JOIN data_clock
    LEFT JOIN f USING (source_id)
    LEFT JOIN streak USING (source_id)
    LEFT JOIN usual USING (source_id)
    LEFT JOIN newest USING (source_id)
    LEFT JOIN a USING (source_id)
)
SELECT h.source_id, h.name, h.camp, h.feed_url, h.last_fetch, h.last_status, h.last_success,
       h.consecutive_failures,
       h.failing AS flagged,
       CASE WHEN h.consecutive_failures > 0 THEN h.last_error END AS last_error,
       h.articles_last_7_days, h.fetches, h.failed_fetches, h.malformed_fetches, h.productive_articles,
       h.last_new_article, h.usual_interval_days, round(h.quiet_days, 2) AS quiet_days,
       greatest(p.silent_floor_days, p.silent_multiple * coalesce(h.usual_interval_days, 0)) AS silent_after_days,
       h.last_fetch IS NOT NULL AND h.consecutive_failures = 0
           AND h.quiet_days > greatest(p.silent_floor_days, p.silent_multiple * coalesce(h.usual_interval_days, 0))
           AS silent,
       CASE WHEN h.last_fetch IS NULL THEN 'never fetched'
            WHEN epoch((SELECT max(fetched_at) FROM feed_fetches) - h.last_fetch) / 86400.0 > p.silent_floor_days
                THEN 'dropped'
            WHEN h.failing THEN 'failing'
            WHEN h.consecutive_failures = 0
             AND h.quiet_days > greatest(p.silent_floor_days, p.silent_multiple * coalesce(h.usual_interval_days, 0))
                THEN 'silent'
            ELSE 'ok' END AS health
FROM h CROSS JOIN p
