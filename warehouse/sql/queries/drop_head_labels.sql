-- Articles whose passages the rule classified again: labelled again by the head in the same run.
DELETE FROM article_labels WHERE article_id IN (SELECT unnest($article_ids::VARCHAR[]));
DELETE FROM article_classifications WHERE article_id IN (SELECT unnest($article_ids::VARCHAR[]))
