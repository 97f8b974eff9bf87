-- Weekly volume per camp and narrative (claims, rebuttals), most recent weeks first. Unfiltered, the overview keeps
-- rows of 3 passages or more and at most 60 rows; filtered by narrative or camp, every row (sparse outlets' camps
-- publish 1-3 articles a week, and an analyst following one narrative wants all of its weeks).
WITH recent AS (
    SELECT DISTINCT date_trunc('week', day) AS week FROM narrative_camp_daily ORDER BY week DESC LIMIT $weeks
)
SELECT strftime(date_trunc('week', d.day), '%G-W%V') AS week, d.camp, d.narrative_id,
       sum(d.passages) FILTER (WHERE d.stance = 'claim') AS claims,
       sum(d.passages) FILTER (WHERE d.stance = 'rebuttal') AS rebuttals,
       sum(d.passages) AS passages
FROM narrative_camp_daily d
WHERE date_trunc('week', d.day) IN (SELECT week FROM recent)
  AND ($narrative IS NULL OR d.narrative_id = $narrative)
  AND ($camp IS NULL OR d.camp = $camp)
GROUP BY ALL
HAVING $narrative IS NOT NULL OR $camp IS NOT NULL OR sum(d.passages) >= 3
ORDER BY week DESC, passages DESC, d.camp, d.narrative_id
LIMIT (CASE WHEN $narrative IS NULL AND $camp IS NULL THEN 60 END)
