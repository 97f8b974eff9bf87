-- Every label with its article, for the hypothesis tests.
SELECT article_id, narrative_id, stance, score
FROM passage_narratives
WHERE article_id IS NOT NULL
