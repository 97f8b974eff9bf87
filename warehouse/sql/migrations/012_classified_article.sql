-- The article of each classified passage, copied like source_id and day, so the sparse-outlet analytics count
-- articles per outlet and day without joining the passages table (10 M rows at scale).
ALTER TABLE passage_classifications ADD COLUMN IF NOT EXISTS article_id VARCHAR;
UPDATE passage_classifications pc SET article_id = p.article_id
FROM passages p WHERE p.passage_id = pc.passage_id AND pc.article_id IS NULL;
