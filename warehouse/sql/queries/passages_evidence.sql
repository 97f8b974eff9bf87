-- The passages behind the counts: passage labels filtered by narrative, outlet, camp, stance and days, newest
-- first and strongest first within a day, with the article's outlet, URL and title.
SELECT pn.day, s.name AS outlet, s.camp, pn.narrative_id, pn.stance, round(CAST(pn.score AS DOUBLE), 3) AS score, a.url, a.title,
       p.text
FROM passage_narratives pn
JOIN passages p USING (passage_id)
JOIN articles a ON a.article_id = pn.article_id
JOIN sources s ON s.source_id = pn.source_id
WHERE ($narrative IS NULL OR pn.narrative_id = $narrative)
  AND ($source_id IS NULL OR pn.source_id = $source_id)
  AND ($camp IS NULL OR s.camp = $camp)
  AND ($stance IS NULL OR pn.stance = $stance)
  AND ($since IS NULL OR pn.day >= CAST($since AS DATE))
  AND ($until IS NULL OR pn.day <= CAST($until AS DATE))
ORDER BY pn.day DESC, pn.score DESC, a.url, p.position
LIMIT $limit
