-- Outputs of `analyze`: spike alerts and the weekly bifurcation of camps.
CREATE TABLE IF NOT EXISTS alerts (
    alert_id           VARCHAR PRIMARY KEY,   -- hash of (narrative, camp, day): one alert per series and day
    narrative_id       VARCHAR NOT NULL,
    camp               VARCHAR NOT NULL,      -- '*' for all camps together
    day                DATE NOT NULL,
    count              INTEGER NOT NULL,
    total              INTEGER NOT NULL,
    share              DOUBLE NOT NULL,
    baseline           DOUBLE NOT NULL,       -- median share over the trailing window
    score              DOUBLE NOT NULL,       -- robust z-score
    evidence           JSON NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    delivered_at       TIMESTAMPTZ,           -- webhook delivery; NULL = not (yet) delivered
    delivery_attempts  INTEGER NOT NULL DEFAULT 0,
    delivery_error     VARCHAR
);

CREATE TABLE IF NOT EXISTS bifurcation_weekly (
    week                  VARCHAR PRIMARY KEY,  -- ISO week, e.g. 2026-W05
    divergence            DOUBLE,               -- Jensen-Shannon (base 2) russia_friendly vs china_friendly
    ci_low                DOUBLE,
    ci_high               DOUBLE,
    split_quality         DOUBLE,               -- silhouette of the unsupervised 2-way split
    n_outlets             INTEGER,
    excluded_outlets      INTEGER,              -- too few passages that week
    resistance_to_russia  DOUBLE,
    resistance_to_china   DOUBLE,
    n_articles_russia     INTEGER,
    n_articles_china      INTEGER,
    computed_at           TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS outlet_alignment_weekly (
    week               VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
    side               VARCHAR,              -- russia_friendly | china_friendly (the camp it resembles); NULL when the camps do not differ beyond noise
    distance_to_russia DOUBLE,
    distance_to_china  DOUBLE,
    passages           INTEGER,
    crossed            BOOLEAN NOT NULL,     -- side differs from this outlet's previous week
    PRIMARY KEY (week, source_id)
);
