-- Per outlet and ISO week between $start and $end: classified passages, articles, passages with no narrative.
SELECT pc.source_id, strftime(pc.day, '%G-W%V') AS week, count(*) AS passages,
       count(DISTINCT pc.article_id) AS articles,
       count(*) FILTER (WHERE pn.passage_id IS NULL) AS unlabelled
FROM passage_classifications pc
LEFT JOIN (SELECT DISTINCT passage_id FROM passage_narratives WHERE day BETWEEN $start AND $end) pn USING (passage_id)
WHERE pc.day BETWEEN $start AND $end AND pc.source_id IS NOT NULL
GROUP BY ALL
