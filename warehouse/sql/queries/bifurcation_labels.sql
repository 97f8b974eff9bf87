-- Labels with their ISO week, from the Monday `since` on, for the weekly bifurcation.
SELECT strftime(day, '%G-W%V') AS week, source_id, article_id, narrative_id, stance, score
FROM passage_narratives
WHERE day >= $since
