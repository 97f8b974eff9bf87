-- Relabelled articles: the next analysis recomputes their days (first_changed_day reads classified_at).
UPDATE passage_classifications SET classified_at = now() WHERE article_id IN (SELECT unnest($article_ids::VARCHAR[]))
