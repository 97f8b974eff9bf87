SELECT article_id, count(*) AS passages FROM passage_classifications
WHERE article_id IN (SELECT unnest($articles)) GROUP BY 1
