-- Per publication day (UTC) and narrative: passages, articles and outlets carrying it, by stance, and its
-- share of all passages classified that day. Backed by a rollup that `analyze` refreshes.
CREATE OR REPLACE VIEW narrative_daily AS
SELECT day, narrative_id, passages, articles, outlets, claims, rebuttals, mentions, classified_passages,
       passages / classified_passages AS share
FROM rollup_narrative_daily
