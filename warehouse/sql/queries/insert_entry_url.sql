INSERT INTO entry_urls (url, article_id, source_id, first_seen) VALUES (?, ?, ?, ?)
ON CONFLICT (url) DO NOTHING
