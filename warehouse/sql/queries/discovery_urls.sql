-- Outlet name, URL and title of the given articles.
SELECT a.article_id, s.name, coalesce(a.canonical_url, a.url) AS url, a.title
FROM articles a JOIN sources s USING (source_id)
WHERE a.article_id IN (SELECT unnest($ids::VARCHAR[]))
