SELECT count(*) FROM passages WHERE article_id = ?
