-- The stances of the day's passages carrying a narrative (in one camp or all): a spike of rebuttals is a different
-- event from a spike of claims.
SELECT l.stance, count(*) AS passages
FROM passage_narratives l JOIN sources s USING (source_id)
WHERE l.narrative_id = $narrative_id AND l.day = $day AND ($camp = '*' OR s.camp = $camp)
GROUP BY ALL
