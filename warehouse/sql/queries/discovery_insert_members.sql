-- A week's cluster members, from parallel lists.
INSERT INTO emerging_cluster_passages
SELECT unnest($cluster_id::VARCHAR[]), unnest($passage_id::VARCHAR[]), $week, unnest($article_id::VARCHAR[]),
       unnest($source_id::VARCHAR[]), unnest($day::DATE[]), unnest($centrality::DOUBLE[])
