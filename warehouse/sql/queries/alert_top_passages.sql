-- The strongest passages behind an alert: narrative, day and camp ('*' = any camp).
SELECT p.text, s.name AS outlet, s.camp, a.url, a.title, l.stance, round(l.score, 3) AS score
FROM passage_narratives l
JOIN passages p USING (passage_id)
JOIN articles a ON a.article_id = l.article_id
JOIN sources s ON s.source_id = l.source_id
WHERE l.narrative_id = $narrative_id AND l.day = $day AND ($camp = '*' OR s.camp = $camp)
ORDER BY l.score DESC
LIMIT $limit
