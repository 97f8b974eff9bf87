-- Analytics for sparse outlets (1-3 articles a week): trailing-window bifurcation with a permutation null,
-- crossings with hysteresis, pooled-baseline spikes. The analysis tables are derived data: they are rebuilt
-- with their new columns, and the watermark is cleared so the next `analyze` recomputes every day.
DROP TABLE IF EXISTS bifurcation_weekly;
DROP TABLE IF EXISTS outlet_alignment_weekly;
CREATE TABLE bifurcation_weekly (
    week                  VARCHAR PRIMARY KEY,  -- ISO week: the last week of the trailing window
    window_weeks          INTEGER NOT NULL,
    divergence            DOUBLE,   -- label index: Jensen-Shannon of the camps' (narrative, stance, none) mixes minus its null mean
    ci_low                DOUBLE,   -- 95% interval of `divergence` over outlets resampled within each camp
    ci_high               DOUBLE,
    null_p95              DOUBLE,   -- 95th percentile of the label index under shuffled camp labels (same scale)
    p_value               DOUBLE,   -- share of camp shufflings at least as divergent as the observed camps
    js_observed           DOUBLE,   -- raw JS before the null correction
    embedding_index       DOUBLE,   -- cosine distance of the camps' article centroids minus its null mean
    embedding_null_p95    DOUBLE,
    embedding_p_value     DOUBLE,
    embedding_observed    DOUBLE,
    permutations          INTEGER,  -- camp shufflings in the null (all of them when few enough)
    split_quality         DOUBLE,   -- silhouette of the named sides in the outlets' embedding space
    n_outlets             INTEGER,  -- outlets with enough articles in the window
    excluded_outlets      INTEGER,  -- outlets with articles in the window but fewer than the minimum
    n_outlets_russia      INTEGER,
    n_outlets_china       INTEGER,
    resistance_to_russia  DOUBLE,   -- raw JS between the resistance camp's mix and each camp's
    resistance_to_china   DOUBLE,
    n_articles_russia     INTEGER,
    n_articles_china      INTEGER,
    computed_at           TIMESTAMPTZ NOT NULL
);
CREATE TABLE outlet_alignment_weekly (
    week               VARCHAR NOT NULL,
    source_id          VARCHAR NOT NULL,
    side               VARCHAR,   -- the camp it resembles this week when confident and the camps differ; else NULL
    distance_to_russia DOUBLE,    -- cosine distance of its recent articles' centroid to each camp's (its own camp left out)
    distance_to_china  DOUBLE,
    margin             DOUBLE,    -- (farther - nearer) / (farther + nearer)
    articles           INTEGER,   -- its articles in the trailing window
    passages           INTEGER,
    stable_side        VARCHAR,   -- its side after hysteresis (starts as its configured camp)
    streak             INTEGER,   -- consecutive confident weeks on the other side
    crossed            BOOLEAN NOT NULL,  -- stable_side changed this week
    evidence           JSON,      -- for a crossing: articles and the narratives whose share moved most
    PRIMARY KEY (week, source_id)
);
-- Per outlet and day: the sum of its articles' mean passage vectors, kept for changed days by analyze, so the
-- embedding-space divergence of a window reads one row per outlet and day instead of every vector.
CREATE TABLE IF NOT EXISTS outlet_day_vectors (
    source_id   VARCHAR NOT NULL,
    day         DATE NOT NULL,
    model_id    VARCHAR NOT NULL,
    articles    INTEGER NOT NULL,
    vector_sum  FLOAT[] NOT NULL,
    PRIMARY KEY (source_id, day, model_id)
);
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS kind VARCHAR DEFAULT 'spike';  -- spike | hypothesis
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS p_value DOUBLE;
DELETE FROM analysis_state WHERE name = 'analyzed_until';
UPDATE alerts SET kind = 'hypothesis' WHERE narrative_id LIKE 'hypothesis:%';
