SELECT divergence, null_p95, p_value, embedding_index, embedding_null_p95, embedding_p_value
FROM bifurcation_weekly WHERE week = $week
