-- Articles carrying each narrative per day and camp and tier, from $first to $last (the lead-lag window).
SELECT l.narrative_id, s.camp, s.tier, l.day, count(DISTINCT l.article_id) AS articles
FROM passage_narratives l JOIN sources s USING (source_id)
WHERE l.day BETWEEN $first AND $last
GROUP BY ALL
