-- Each outlet's passages by narrative and stance in the latest week that has an outlet split, with its
-- configured camp, side and whether it crossed sides that week.
WITH latest AS (SELECT max(week) AS week FROM outlet_alignment_weekly)
SELECT n.source_id, n.outlet, n.camp, n.narrative_id, n.claims, n.rebuttals, n.mentions, n.classified_passages,
       o.week, o.side, coalesce(o.crossed, false) AS crossed
FROM narrative_outlet_weekly n
JOIN outlet_alignment_weekly o ON o.source_id = n.source_id AND o.week = n.iso_week
WHERE o.week = (SELECT week FROM latest)
ORDER BY n.source_id, n.narrative_id
