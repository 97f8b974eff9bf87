-- Per outlet and day between $start and $end: its ISO week and summed article vectors, under the model
-- with the most articles in that span (summed per week in numpy: a list column fetches as arrays, fast).
WITH model AS (
    SELECT model_id FROM outlet_day_vectors WHERE day BETWEEN $start AND $end
    GROUP BY model_id ORDER BY sum(articles) DESC, model_id LIMIT 1
)
SELECT source_id, strftime(day, '%G-W%V') AS week, vector_sum
FROM outlet_day_vectors
WHERE day BETWEEN $start AND $end AND model_id = (SELECT model_id FROM model)
