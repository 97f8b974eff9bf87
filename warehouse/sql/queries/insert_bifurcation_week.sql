INSERT INTO bifurcation_weekly VALUES ($week, $window_weeks, $divergence, $ci_low, $ci_high, $null_p95, $p_value,
    $js_observed, $embedding_index, $embedding_null_p95, $embedding_p_value, $embedding_observed, $permutations,
    $split_quality, $n_outlets, $excluded_outlets, $n_outlets_russia, $n_outlets_china, $resistance_to_russia,
    $resistance_to_china, $n_articles_russia, $n_articles_china, now())
