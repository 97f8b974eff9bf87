-- Per ISO week (trailing window): both null-corrected divergences with the null's 95th percentile and p-value,
-- the outlets judged, the resistance camp's distances, and the outlets that crossed sides that week.
SELECT b.week, b.window_weeks AS win,
       round(b.divergence, 3) AS label_index, round(b.null_p95, 3) AS label_p95, round(b.p_value, 3) AS label_p,
       round(b.embedding_index, 3) AS embedding_index, round(b.embedding_null_p95, 3) AS embedding_p95,
       round(b.embedding_p_value, 3) AS embedding_p,
       b.n_outlets, b.excluded_outlets,
       round(b.resistance_to_russia, 3) AS resistance_to_russia, round(b.resistance_to_china, 3) AS resistance_to_china,
       (SELECT string_agg(s.name || ' → ' || o.stable_side, ', ') FROM outlet_alignment_weekly o JOIN sources s USING (source_id)
        WHERE o.week = b.week AND o.crossed) AS crossed
FROM bifurcation_weekly b
ORDER BY b.week
