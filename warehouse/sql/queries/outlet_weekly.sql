-- One outlet week by week over the latest $weeks calendar weeks (ending with the warehouse's newest publication
-- week): its articles that week, and per narrative how many of them carry it, claim it, rebut it or mention it,
-- with the passage labels behind those article labels and who decided them (`head` or `passages`, as in
-- `article_narratives`). Every week appears, also one without articles or without a narrative (narrative_id
-- empty): at 1-3 articles a week the base matters as much as the label.
WITH dated AS (
    SELECT article_id, source_id, CAST(date_trunc('week', CAST(timezone('UTC', published_at) AS DATE)) AS DATE) AS week
    FROM articles
    WHERE status IN ('ok', 'feed_only') AND published_at IS NOT NULL
), win AS (
    SELECT max(week) AS last_week FROM dated
), weeks AS (
    SELECT win.last_week - CAST(7 * i AS INTEGER) AS week FROM win, range(CAST($weeks AS INTEGER)) AS r(i)
    WHERE win.last_week IS NOT NULL  -- no article stored yet: no week
), mine AS (
    SELECT article_id, week FROM dated WHERE source_id = $source_id
), per_week AS (
    SELECT week, count(*) AS articles FROM mine GROUP BY week
), labels AS (
    SELECT m.week, an.narrative_id, an.stance, an.label_source, an.passages
    FROM article_narratives an
    JOIN mine m USING (article_id)
)
SELECT strftime(w.week, '%G-W%V') AS week, coalesce(p.articles, 0) AS articles, l.narrative_id,
       count(l.narrative_id) AS labelled_articles,
       count(*) FILTER (WHERE l.stance = 'claim') AS claiming,
       count(*) FILTER (WHERE l.stance = 'rebuttal') AS rebutting,
       count(*) FILTER (WHERE l.stance = 'mention') AS mentioning,
       sum(l.passages) AS passages,
       string_agg(DISTINCT l.label_source, '+' ORDER BY l.label_source) AS decided_by
FROM weeks w
LEFT JOIN per_week p USING (week)
LEFT JOIN labels l USING (week)
GROUP BY ALL
ORDER BY week DESC, labelled_articles DESC, l.narrative_id
