-- Per day, camp, narrative and stance: volume and share of the camp's classified passages that day.
CREATE OR REPLACE VIEW narrative_camp_daily AS
SELECT day, camp, narrative_id, stance, passages, articles, outlets, classified_passages,
       passages / classified_passages AS share
FROM rollup_narrative_camp_daily
