SELECT b.week, round(b.divergence, 3) AS divergence, round(b.ci_low, 3) AS ci_low, round(b.ci_high, 3) AS ci_high,
       round(b.split_quality, 2) AS split_quality, b.n_outlets, b.excluded_outlets,
       round(b.resistance_to_russia, 3) AS resistance_to_russia, round(b.resistance_to_china, 3) AS resistance_to_china,
       (SELECT string_agg(s.name || ' → ' || o.side, ', ') FROM outlet_alignment_weekly o JOIN sources s USING (source_id)
        WHERE o.week = b.week AND o.crossed) AS crossed
FROM bifurcation_weekly b
ORDER BY b.week
