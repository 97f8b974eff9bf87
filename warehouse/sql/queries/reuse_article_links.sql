-- The copy links of $articles (their passages in clusters first published by another outlet's article).
SELECT m.article_id, m.source_id, m.passage_id, m.lag_hours, c.first_article_id, c.first_source_id
FROM reuse_members m JOIN reuse_clusters c USING (cluster_id)
WHERE m.article_id IN (SELECT unnest($articles)) AND NOT m.is_first AND m.source_id <> c.first_source_id
