-- Per outlet and ISO week between $start and $end, one row per vector element: the summed article vectors of
-- the model with the most articles in that span (one row per element keeps the fetch columnar and fast).
WITH model AS (
    SELECT model_id FROM outlet_day_vectors WHERE day BETWEEN $start AND $end
    GROUP BY model_id ORDER BY sum(articles) DESC, model_id LIMIT 1
), elements AS (
    SELECT source_id, strftime(day, '%G-W%V') AS week, unnest(range(1, len(vector_sum) + 1)) AS i,
           unnest(vector_sum) AS v
    FROM outlet_day_vectors
    WHERE day BETWEEN $start AND $end AND model_id = (SELECT model_id FROM model)
)
SELECT source_id, week, i, sum(v) AS v FROM elements GROUP BY ALL ORDER BY source_id, week, i
