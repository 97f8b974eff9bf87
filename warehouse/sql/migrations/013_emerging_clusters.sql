-- Emerging-narrative discovery: clusters of the passages no catalogue narrative names, with ids stable from
-- week to week (models/discovery.py, flows/discovery_step.py). Every row is derived data, recomputed per week.

-- One row per cluster: its latest week's description.
CREATE TABLE IF NOT EXISTS emerging_clusters (
    cluster_id         VARCHAR PRIMARY KEY,
    first_seen         VARCHAR NOT NULL,   -- ISO week it was first found
    last_seen          VARCHAR NOT NULL,   -- ISO week it was last found
    label              VARCHAR NOT NULL,   -- its keywords joined, for tables
    keywords           VARCHAR[] NOT NULL, -- class-based TF-IDF against the window's other passages
    size               INTEGER NOT NULL,   -- passages in its last window
    articles           INTEGER NOT NULL,
    outlets            VARCHAR[] NOT NULL, -- outlet names
    camps              VARCHAR[] NOT NULL,
    nearest_narrative  VARCHAR,            -- the catalogue narrative closest to its centroid
    similarity         DOUBLE,             -- mean of the two highest cosines to that narrative's claim exemplars
    status             VARCHAR NOT NULL,   -- new | growing | stable | fading | promoted (into the catalogue)
    central            JSON,               -- the most central passages: text, outlet, url, day
    merged_into        VARCHAR,            -- set when a later cluster absorbed it
    split_from         VARCHAR,            -- set when it split off another cluster
    updated_at         TIMESTAMPTZ NOT NULL
);

-- The state of each cluster in each week it was found (a trailing window ending that week).
CREATE TABLE IF NOT EXISTS emerging_cluster_weekly (
    cluster_id          VARCHAR NOT NULL,
    week                VARCHAR NOT NULL,
    passages            INTEGER NOT NULL,
    articles            INTEGER NOT NULL,
    week_articles       INTEGER NOT NULL,   -- its articles published in `week` itself
    previous_articles   INTEGER NOT NULL,   -- its articles published the week before
    outlets             VARCHAR[] NOT NULL,
    camps               VARCHAR[] NOT NULL,
    keywords            VARCHAR[] NOT NULL,
    nearest_narrative   VARCHAR,
    similarity          DOUBLE,
    match_similarity    DOUBLE,             -- centroid cosine to the cluster it continues (NULL: new)
    status              VARCHAR NOT NULL,
    central             JSON,
    centroid            FLOAT[] NOT NULL,
    PRIMARY KEY (cluster_id, week)
);

CREATE TABLE IF NOT EXISTS emerging_cluster_passages (
    cluster_id  VARCHAR NOT NULL,
    passage_id  VARCHAR NOT NULL,
    week        VARCHAR NOT NULL,          -- the window (ISO week) in which it was clustered
    article_id  VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    day         DATE NOT NULL,
    centrality  DOUBLE NOT NULL,           -- cosine to the cluster's centroid
    PRIMARY KEY (week, passage_id)
);
CREATE INDEX IF NOT EXISTS emerging_cluster_passages_cluster ON emerging_cluster_passages (cluster_id);

CREATE TABLE IF NOT EXISTS emerging_cluster_events (
    week        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,          -- merge (cluster_id merged into other_id) | split (cluster_id split off other_id)
                                           -- | retained (kept by hysteresis; other_id = cluster_id, similarity = share of its members kept)
                                           -- | kept_apart (a week computed again joined cluster_id and other_id: split back,
                                           --   similarity = cosine of their centroids)
    cluster_id  VARCHAR NOT NULL,
    other_id    VARCHAR NOT NULL,
    similarity  DOUBLE NOT NULL,
    PRIMARY KEY (week, kind, cluster_id, other_id)
);

-- Which weeks were clustered on which input: a week is recomputed only when its window's input changed.
CREATE TABLE IF NOT EXISTS emerging_weeks (
    week         VARCHAR PRIMARY KEY,
    fingerprint  VARCHAR NOT NULL,
    candidates   INTEGER NOT NULL,         -- passages without a (strong) catalogue narrative in the window
    boilerplate  INTEGER NOT NULL,
    clustered    INTEGER NOT NULL,         -- passages in some cluster
    clusters     INTEGER NOT NULL,
    computed_at  TIMESTAMPTZ NOT NULL
);
