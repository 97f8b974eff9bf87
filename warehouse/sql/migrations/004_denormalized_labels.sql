-- Publication day (UTC) and outlet copied onto every label, so trend views aggregate one table
-- without joining passages and articles (10M-row warehouses stay fast).
ALTER TABLE passage_narratives ADD COLUMN IF NOT EXISTS article_id VARCHAR;
ALTER TABLE passage_narratives ADD COLUMN IF NOT EXISTS source_id VARCHAR;
ALTER TABLE passage_narratives ADD COLUMN IF NOT EXISTS day DATE;
ALTER TABLE passage_classifications ADD COLUMN IF NOT EXISTS source_id VARCHAR;
ALTER TABLE passage_classifications ADD COLUMN IF NOT EXISTS day DATE;
UPDATE passage_narratives pn SET article_id = p.article_id, source_id = a.source_id,
    day = CAST(timezone('UTC', a.published_at) AS DATE)
FROM passages p JOIN articles a USING (article_id) WHERE p.passage_id = pn.passage_id;
UPDATE passage_classifications pc SET source_id = a.source_id, day = CAST(timezone('UTC', a.published_at) AS DATE)
FROM passages p JOIN articles a USING (article_id) WHERE p.passage_id = pc.passage_id;
