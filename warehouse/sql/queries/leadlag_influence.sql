-- `radar leadlag` (outlets): firsts and follows on narrative waves, copies made and received, latest weeks.
SELECT i.week, s.name AS outlet, s.camp, s.tier, i.firsts, i.follows, i.copies_made, i.copies_received,
       cf.name AS copied_from_top, cb.name AS copied_by_top
FROM outlet_influence i
JOIN sources s ON s.source_id = i.source_id
LEFT JOIN sources cf ON cf.source_id = i.copied_from_top
LEFT JOIN sources cb ON cb.source_id = i.copied_by_top
WHERE i.week >= coalesce($since_week, (SELECT max(week) FROM outlet_influence))
ORDER BY i.week DESC, i.firsts DESC, i.follows DESC, s.name
