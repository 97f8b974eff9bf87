-- Outlet tier (state | alt | mainstream | free text), text reuse across outlets, and narrative lead-lag.
ALTER TABLE sources ADD COLUMN IF NOT EXISTS tier VARCHAR;

-- One cluster of near-duplicate passages from different outlets; cluster_id is the first publisher's passage_id.
CREATE TABLE IF NOT EXISTS reuse_clusters (
    cluster_id          VARCHAR PRIMARY KEY,
    first_passage_id    VARCHAR NOT NULL,
    first_article_id    VARCHAR NOT NULL,
    first_source_id     VARCHAR NOT NULL,
    first_published_at  TIMESTAMPTZ,
    first_tied          BOOLEAN NOT NULL,   -- another outlet published at the same instant (tie broken by fetch time, then id)
    n_members           INTEGER NOT NULL,
    n_outlets           INTEGER NOT NULL,
    first_day           DATE,
    computed_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS reuse_clusters_day ON reuse_clusters (first_day);

CREATE TABLE IF NOT EXISTS reuse_members (
    cluster_id    VARCHAR NOT NULL,
    passage_id    VARCHAR NOT NULL,
    article_id    VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    published_at  TIMESTAMPTZ,            -- NULL: the article had no date (never first, no lag)
    lag_hours     DOUBLE,                 -- after the first publisher; 0 for the first, NULL without a date
    similarity    DOUBLE NOT NULL,        -- cosine to the first publisher's passage (1 for the first)
    jaccard       DOUBLE NOT NULL,        -- word-shingle Jaccard to the first publisher's passage
    is_first      BOOLEAN NOT NULL,
    PRIMARY KEY (cluster_id, passage_id)
);
CREATE INDEX IF NOT EXISTS reuse_members_passage ON reuse_members (passage_id);
CREATE INDEX IF NOT EXISTS reuse_members_article ON reuse_members (article_id);

-- Article-level reuse: which article copied passages of which earlier article; whole_article when most did.
CREATE TABLE IF NOT EXISTS reuse_article_copies (
    article_id          VARCHAR NOT NULL,
    source_id           VARCHAR NOT NULL,
    original_article_id VARCHAR NOT NULL,
    original_source_id  VARCHAR NOT NULL,
    copied_passages     INTEGER NOT NULL,
    article_passages    INTEGER NOT NULL,
    share               DOUBLE NOT NULL,
    whole_article       BOOLEAN NOT NULL,
    lag_hours           DOUBLE,
    PRIMARY KEY (article_id, original_article_id)
);

-- Articles already compared with their trailing window (the incremental step's memory).
CREATE TABLE IF NOT EXISTS reuse_checked (
    article_id  VARCHAR PRIMARY KEY,
    checked_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS narrative_leadlag (
    week          VARCHAR NOT NULL,       -- ISO week (trailing window ending that week)
    narrative_id  VARCHAR NOT NULL,
    grouping      VARCHAR NOT NULL,       -- camp | tier
    leader        VARCHAR NOT NULL,
    follower      VARCHAR NOT NULL,
    lag_days      INTEGER NOT NULL,
    correlation   DOUBLE NOT NULL,        -- observed correlation at that lag
    strength      DOUBLE NOT NULL,        -- observed minus the shuffled-days null's mean
    ci_low        DOUBLE NOT NULL,        -- observed minus the null's upper quantile
    ci_high       DOUBLE NOT NULL,        -- observed minus the null's lower quantile
    p_value       DOUBLE NOT NULL,
    significant   BOOLEAN NOT NULL,       -- ci_low > 0 at the multiple-comparison-adjusted level
    leader_articles   INTEGER NOT NULL,
    follower_articles INTEGER NOT NULL,
    computed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (week, narrative_id, grouping, leader, follower)
);

CREATE TABLE IF NOT EXISTS outlet_influence (
    source_id        VARCHAR NOT NULL,
    week             VARCHAR NOT NULL,
    firsts           INTEGER NOT NULL,    -- narrative waves it opened
    follows          INTEGER NOT NULL,    -- narrative waves it joined later
    copies_made      INTEGER NOT NULL,    -- its articles that copied another outlet's passages
    copies_received  INTEGER NOT NULL,    -- other outlets' articles copying its passages
    copied_from_top  VARCHAR,             -- the outlet it copied most
    copied_by_top    VARCHAR,             -- the outlet that copied it most
    PRIMARY KEY (source_id, week)
);
