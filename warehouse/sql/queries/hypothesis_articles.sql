-- Classified passages per article with its publication day and camp, for the hypothesis tests.
SELECT p.article_id, min(pc.day) AS day, s.camp, count(*) AS passages
FROM passage_classifications pc
JOIN passages p USING (passage_id)
JOIN sources s ON s.source_id = pc.source_id
WHERE pc.day IS NOT NULL
GROUP BY p.article_id, s.camp
