-- `radar copies --format json`: every cluster with its first publisher and its copies (URL, outlet, lag).
SELECT c.cluster_id, c.first_published_at, fs.name AS first_outlet, fa.url AS first_url, c.first_tied,
       c.n_outlets, fp.text AS first_text,
       list({'outlet': s.name, 'url': a.url, 'published_at': m.published_at, 'lag_hours': m.lag_hours,
             'similarity': m.similarity, 'jaccard': m.jaccard,
             'whole_article': coalesce(r.whole_article, false)} ORDER BY m.published_at, a.url) AS copies
FROM reuse_clusters c
JOIN sources fs ON fs.source_id = c.first_source_id
JOIN articles fa ON fa.article_id = c.first_article_id
JOIN passages fp ON fp.passage_id = c.first_passage_id
JOIN reuse_members m ON m.cluster_id = c.cluster_id AND NOT m.is_first
JOIN articles a ON a.article_id = m.article_id
JOIN sources s ON s.source_id = m.source_id
LEFT JOIN reuse_article_copies r ON r.article_id = m.article_id AND r.original_article_id = c.first_article_id
WHERE $since IS NULL OR c.first_day >= CAST($since AS DATE) OR m.published_at >= CAST($since AS DATE)
GROUP BY ALL
ORDER BY c.first_published_at DESC, c.cluster_id
