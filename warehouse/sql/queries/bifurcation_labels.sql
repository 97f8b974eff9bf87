-- Every label with its ISO week, for the weekly bifurcation.
SELECT strftime(day, '%G-W%V') AS week, source_id, article_id, narrative_id, stance, score
FROM passage_narratives
WHERE day IS NOT NULL
