-- The report's copy graph: copying articles per (copying outlet, copied outlet), whole-article republications apart.
SELECT s.name AS copier, o.name AS original, count(*) AS articles, count(*) FILTER (WHERE r.whole_article) AS whole,
       round(median(r.lag_hours), 1) AS median_lag_hours
FROM reuse_article_copies r
JOIN articles a ON a.article_id = r.article_id
JOIN sources s ON s.source_id = r.source_id
JOIN sources o ON o.source_id = r.original_source_id
WHERE $since IS NULL OR a.published_at >= CAST($since AS DATE)
GROUP BY ALL
ORDER BY articles DESC, copier, original
