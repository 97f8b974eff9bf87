-- Per ISO week (starting Monday), outlet and narrative: passages by stance and share of the outlet's
-- classified passages that week.
CREATE OR REPLACE VIEW narrative_outlet_weekly AS
SELECT r.week, strftime(r.week, '%G-W%V') AS iso_week, r.source_id, s.name AS outlet, s.camp, r.narrative_id,
       r.passages, r.articles, r.claims, r.rebuttals, r.mentions, r.classified_passages,
       r.passages / r.classified_passages AS share
FROM rollup_narrative_outlet_weekly r
JOIN sources s USING (source_id)
