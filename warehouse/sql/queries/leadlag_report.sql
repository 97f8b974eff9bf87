-- The report's lead-lag: every pair tested in the latest week, with the narrative's catalogue label; leads beyond
-- chance first. A same-day pair (lag 0) is no lead: never significant, also in rows stored before that rule.
SELECT l.week, l.narrative_id, coalesce(n.label, l.narrative_id) AS narrative_label, l.grouping, l.leader,
       l.follower, l.lag_days, l.strength, l.ci_low, l.ci_high, l.p_value, l.significant AND l.lag_days > 0 AS significant
FROM narrative_leadlag l
LEFT JOIN (SELECT narrative_id, max(label) AS label FROM narratives GROUP BY narrative_id) n USING (narrative_id)
WHERE l.week = (SELECT max(week) FROM narrative_leadlag)
ORDER BY significant DESC, l.ci_low DESC, narrative_label, l.grouping, l.leader, l.follower
