-- Which narratives each outlet pushes: per outlet, its articles in the latest $weeks calendar weeks (ending with
-- the warehouse's newest publication week, so a paused radar or a silent outlet still shows its real pace), the
-- narratives most of its articles claim (`pushes`) and rebut (`rebuts`), each with its number of articles, and how
-- many of its articles were classified (`classified`: not those in a language the model does not read). Article
-- labels come from `article_narratives`: the fitted head where one is configured, the passage rule otherwise.
WITH dated AS (
    SELECT article_id, source_id, CAST(timezone('UTC', published_at) AS DATE) AS day
    FROM articles
    WHERE status IN ('ok', 'feed_only') AND published_at IS NOT NULL
), win AS (
    SELECT CAST(date_trunc('week', max(day)) AS DATE) - 7 * (CAST($weeks AS INTEGER) - 1) AS first_day FROM dated
), recent AS (
    SELECT d.article_id, d.source_id FROM dated d, win WHERE d.day >= win.first_day
), labels AS (
    SELECT r.source_id, an.narrative_id,
           count(*) FILTER (WHERE an.stance = 'claim') AS claiming,
           count(*) FILTER (WHERE an.stance = 'rebuttal') AS rebutting
    FROM article_narratives an
    JOIN recent r USING (article_id)
    GROUP BY ALL
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY source_id ORDER BY claiming DESC, narrative_id) AS claim_rank,
              row_number() OVER (PARTITION BY source_id ORDER BY rebutting DESC, narrative_id) AS rebut_rank
    FROM labels
), tops AS (
    SELECT source_id,
           string_agg(narrative_id || ' ' || claiming, ', ' ORDER BY claim_rank)
               FILTER (WHERE claim_rank <= 3 AND claiming > 0) AS pushes,
           string_agg(narrative_id || ' ' || rebutting, ', ' ORDER BY rebut_rank)
               FILTER (WHERE rebut_rank <= 2 AND rebutting > 0) AS rebuts
    FROM ranked
    GROUP BY source_id
), read AS (  -- articles with a classified passage: not those in a language the model does not read
    SELECT DISTINCT pc.article_id FROM passage_classifications pc JOIN recent USING (article_id)
), counts AS (
    SELECT r.source_id, count(*) AS articles, count(read.article_id) AS classified
    FROM recent r LEFT JOIN read USING (article_id)
    GROUP BY r.source_id
), last_days AS (
    SELECT source_id, max(day) AS last_article FROM dated GROUP BY source_id
)
SELECT s.name AS outlet, s.camp, coalesce(c.articles, 0) AS articles, coalesce(c.classified, 0) AS classified,
       round(coalesce(c.articles, 0) / CAST($weeks AS INTEGER), 1) AS per_week,
       l.last_article, h.health, t.pushes, t.rebuts
FROM sources s
LEFT JOIN counts c USING (source_id)
LEFT JOIN last_days l USING (source_id)
LEFT JOIN tops t USING (source_id)
LEFT JOIN feed_health h USING (source_id)
WHERE $camp IS NULL OR s.camp = $camp
ORDER BY s.camp, articles DESC, s.name
