-- Articles and outlets of the week.
SELECT count(*), count(DISTINCT source_id) FROM articles
WHERE status IN ('ok', 'feed_only') AND CAST(timezone('UTC', published_at) AS DATE) BETWEEN $monday AND $sunday
