-- The report's lag charts: every pair tested in the latest week, for the narratives with a lead beyond chance
-- first (then the strongest), at most 6 narratives.
WITH latest AS (SELECT * FROM narrative_leadlag WHERE week = (SELECT max(week) FROM narrative_leadlag)),
ranked AS (
    SELECT narrative_id, max(ci_low) AS best FROM latest GROUP BY 1 ORDER BY best DESC, narrative_id LIMIT 6
)
SELECT l.week, l.narrative_id, l.grouping, l.leader, l.follower, l.lag_days, l.strength, l.ci_low, l.ci_high,
       l.p_value, l.significant, r.best
FROM latest l JOIN ranked r USING (narrative_id)
ORDER BY r.best DESC, l.narrative_id, l.grouping, l.leader, l.follower
