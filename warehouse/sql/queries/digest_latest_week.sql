-- The ISO week of the newest stored article.
SELECT strftime(max(CAST(timezone('UTC', published_at) AS DATE)), '%G-W%V') FROM articles
WHERE status IN ('ok', 'feed_only')
