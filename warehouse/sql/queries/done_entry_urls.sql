-- Entry URLs already settled: their article is stored with text, or failed permanently.
SELECT e.url
FROM entry_urls e JOIN articles a USING (article_id)
WHERE e.url IN (SELECT unnest(?::VARCHAR[])) AND a.status IN ('ok', 'feed_only', 'failed')
