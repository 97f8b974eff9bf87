-- One cluster-week of discovery (flows/discovery_step.py), columns named: migrations add columns at the end.
INSERT INTO emerging_cluster_weekly (cluster_id, week, passages, articles, week_articles, previous_articles, outlets,
    camps, keywords, nearest_narrative, similarity, match_similarity, status, central, centroid, window_neighbours,
    reference_neighbours, novelty_p, off_topic, nearest_family, family_similarity, muted_topic, muted_similarity)
VALUES ($cluster_id, $week, $passages, $articles, $week_articles, $previous_articles, $outlets, $camps, $keywords,
    $nearest_narrative, $similarity, $match_similarity, $status, $central, $centroid, $window_neighbours,
    $reference_neighbours, $novelty_p, $off_topic, $nearest_family, $family_similarity, $muted_topic, $muted_similarity)
