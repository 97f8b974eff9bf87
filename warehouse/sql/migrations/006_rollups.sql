-- Rollups behind the trend views, maintained by `analyze` for the days it touches, so the views stay
-- fast on warehouses of tens of millions of labels; and the analysis watermark.
CREATE TABLE IF NOT EXISTS rollup_narrative_daily (
    day DATE NOT NULL, narrative_id VARCHAR NOT NULL, passages BIGINT, articles BIGINT, outlets BIGINT,
    claims BIGINT, rebuttals BIGINT, mentions BIGINT, classified_passages BIGINT,
    PRIMARY KEY (day, narrative_id)
);
CREATE TABLE IF NOT EXISTS rollup_narrative_camp_daily (
    day DATE NOT NULL, camp VARCHAR NOT NULL, narrative_id VARCHAR NOT NULL, stance VARCHAR NOT NULL,
    passages BIGINT, articles BIGINT, outlets BIGINT, classified_passages BIGINT,
    PRIMARY KEY (day, camp, narrative_id, stance)
);
CREATE TABLE IF NOT EXISTS rollup_narrative_outlet_weekly (
    week DATE NOT NULL, source_id VARCHAR NOT NULL, narrative_id VARCHAR NOT NULL,
    passages BIGINT, articles BIGINT, claims BIGINT, rebuttals BIGINT, mentions BIGINT, classified_passages BIGINT,
    PRIMARY KEY (week, source_id, narrative_id)
);
-- When analyze last finished: classifications after it mark the days to recompute.
CREATE TABLE IF NOT EXISTS analysis_state (
    name VARCHAR PRIMARY KEY,
    value TIMESTAMPTZ NOT NULL
);
