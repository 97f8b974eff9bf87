-- Configured outlets whose name the warehouse holds under another source id that is no longer configured (with its
-- articles): most likely a feed that moved without the sources file's `id:`, which splits the outlet's history.
SELECT c.name, c.source_id, s.source_id AS stored_id, s.feed_url AS stored_feed_url,
       (SELECT count(*) FROM articles a WHERE a.source_id = s.source_id) AS stored_articles
FROM (SELECT unnest($names) AS name, unnest($ids) AS source_id) c
JOIN sources s ON s.name = c.name AND s.source_id <> c.source_id
WHERE NOT list_contains($ids, s.source_id)
ORDER BY c.name
