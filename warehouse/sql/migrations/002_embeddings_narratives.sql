-- Passage embeddings and narrative classification.
-- Vectors are FLOAT[] rather than FLOAT[384] so that a model of another width can sit beside the old one.
CREATE TABLE IF NOT EXISTS embeddings (
    text_hash   VARCHAR NOT NULL,
    model_id    VARCHAR NOT NULL,
    dim         INTEGER NOT NULL,
    vector      FLOAT[] NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (text_hash, model_id)
);

CREATE TABLE IF NOT EXISTS narratives (
    narrative_id  VARCHAR PRIMARY KEY,
    label         VARCHAR NOT NULL,
    family        VARCHAR,
    description   VARCHAR,
    catalog_hash  VARCHAR NOT NULL
);

-- One row per (passage, narrative) assigned; reclassification replaces the rows of that passage.
CREATE TABLE IF NOT EXISTS passage_narratives (
    passage_id    VARCHAR NOT NULL,
    narrative_id  VARCHAR NOT NULL,
    score         FLOAT NOT NULL,
    stance        VARCHAR NOT NULL,   -- claim | rebuttal | mention
    model_id      VARCHAR NOT NULL,
    catalog_hash  VARCHAR NOT NULL,
    PRIMARY KEY (passage_id, narrative_id)
);
CREATE INDEX IF NOT EXISTS passage_narratives_narrative ON passage_narratives (narrative_id);

-- Which passages were classified under which catalogue and model (also those that got no narrative).
CREATE TABLE IF NOT EXISTS passage_classifications (
    passage_id     VARCHAR PRIMARY KEY,
    model_id       VARCHAR NOT NULL,
    catalog_hash   VARCHAR NOT NULL,
    classified_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
