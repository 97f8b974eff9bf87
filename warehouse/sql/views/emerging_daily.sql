-- Daily size of each emerging cluster: every passage counted once, in the cluster of the latest window holding it.
CREATE OR REPLACE VIEW emerging_daily AS
WITH latest AS (
    SELECT passage_id, arg_max(cluster_id, week) AS cluster_id, any_value(article_id) AS article_id,
           any_value(source_id) AS source_id, any_value(day) AS day
    FROM emerging_cluster_passages GROUP BY passage_id
)
SELECT day, cluster_id, count(*) AS passages, count(DISTINCT article_id) AS articles,
       count(DISTINCT source_id) AS outlets
FROM latest GROUP BY day, cluster_id
