SELECT article_id, count(*) AS passages FROM passages WHERE article_id IN (SELECT unnest($articles)) GROUP BY 1
