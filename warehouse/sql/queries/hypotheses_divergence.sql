SELECT week, divergence, p_value, embedding_index, embedding_p_value FROM bifurcation_weekly
