-- The passages of one article in reading order (the review page shows a queued passage among its neighbours).
SELECT passage_id, text FROM passages WHERE article_id = $article_id ORDER BY position, passage_id
