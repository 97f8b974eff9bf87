-- Outlets (with camp) and stances behind an alert.
SELECT s.name AS outlet, s.camp, count(*) AS passages,
       count(*) FILTER (WHERE l.stance = 'claim') AS claims,
       count(*) FILTER (WHERE l.stance = 'rebuttal') AS rebuttals
FROM passage_narratives l JOIN sources s USING (source_id)
WHERE l.narrative_id = $narrative_id AND l.day = $day AND ($camp = '*' OR s.camp = $camp)
GROUP BY ALL
ORDER BY passages DESC
