-- No head configured: the passage rule labels every article again (head labels are derived data), its own passage
-- rows back, and the days of the articles the head had labelled are analysed again.
UPDATE passage_classifications SET classified_at = now()
WHERE article_id IN (SELECT article_id FROM article_classifications
                     UNION SELECT article_id FROM overruled_passage_narratives
                     UNION SELECT article_id FROM passage_narratives WHERE origin = 'head');
DELETE FROM passage_narratives WHERE origin = 'head';
INSERT INTO passage_narratives
    (passage_id, narrative_id, score, stance, model_id, catalog_hash, params_hash, article_id, source_id, day, origin)
SELECT passage_id, narrative_id, score, stance, model_id, catalog_hash, params_hash, article_id, source_id, day, 'rule'
FROM overruled_passage_narratives;
DELETE FROM overruled_passage_narratives;
DELETE FROM article_labels;
DELETE FROM article_classifications
