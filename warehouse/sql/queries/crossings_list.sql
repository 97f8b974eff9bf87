-- Every outlet crossing of the camp split (outlet_alignment_weekly.crossed), with the outlet's name and configured
-- camp, oldest first: the crossing alerts are made from these.
SELECT o.week, o.source_id, s.name AS outlet, s.camp AS configured_camp, o.stable_side, o.margin, o.articles,
       CAST(o.evidence AS VARCHAR) AS evidence
FROM outlet_alignment_weekly o
JOIN sources s USING (source_id)
WHERE o.crossed
ORDER BY o.week, o.source_id
