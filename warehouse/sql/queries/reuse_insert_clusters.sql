INSERT OR REPLACE INTO reuse_clusters (cluster_id, first_passage_id, first_article_id, first_source_id,
                                       first_published_at, first_tied, n_members, n_outlets, first_day, computed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now())
