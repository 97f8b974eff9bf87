DELETE FROM article_labels WHERE article_id IN (SELECT unnest($article_ids::VARCHAR[]))
