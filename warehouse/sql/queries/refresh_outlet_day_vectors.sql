-- Per outlet and day from $since on: the sum of its articles' mean passage vectors (under the model that
-- classified them), recomputed for the changed days only.
DELETE FROM outlet_day_vectors WHERE day >= $since;
INSERT INTO outlet_day_vectors
WITH pv AS (
    SELECT pc.source_id, pc.day, p.article_id, pc.model_id, e.vector
    FROM passage_classifications pc
    JOIN passages p USING (passage_id)
    JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
    WHERE pc.day >= $since AND pc.source_id IS NOT NULL
), elements AS (
    SELECT source_id, day, article_id, model_id, unnest(range(1, len(vector) + 1)) AS i, unnest(vector) AS v FROM pv
), article_means AS (
    SELECT source_id, day, article_id, model_id, i, avg(v) AS v FROM elements GROUP BY ALL
), outlet_sums AS (
    SELECT source_id, day, model_id, i, sum(v) AS v, count(*) AS articles FROM article_means GROUP BY ALL
)
SELECT source_id, day, model_id, max(articles), list(CAST(v AS FLOAT) ORDER BY i) FROM outlet_sums GROUP BY ALL
