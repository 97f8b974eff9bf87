-- Per outlet and ISO week between $start and $end: articles behind the summed vectors (see bifurcation_vectors).
WITH model AS (
    SELECT model_id FROM outlet_day_vectors WHERE day BETWEEN $start AND $end
    GROUP BY model_id ORDER BY sum(articles) DESC, model_id LIMIT 1
)
SELECT source_id, strftime(day, '%G-W%V') AS week, sum(articles)
FROM outlet_day_vectors
WHERE day BETWEEN $start AND $end AND model_id = (SELECT model_id FROM model)
GROUP BY ALL
