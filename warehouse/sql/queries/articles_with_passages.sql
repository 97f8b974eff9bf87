SELECT DISTINCT article_id FROM passages WHERE article_id IN (SELECT unnest($ids::VARCHAR[]))
