-- Judgments per narrative ('none' counts the "none of these"), for the review queue's turns.
SELECT coalesce(narrative_id, 'none') AS narrative_id, count(*) AS judgments FROM judgments GROUP BY 1
