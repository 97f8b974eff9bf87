DELETE FROM reuse_article_copies WHERE article_id IN (SELECT unnest($ids))
