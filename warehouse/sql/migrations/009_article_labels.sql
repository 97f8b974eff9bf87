-- Article-level labels written by the fitted narrative head (RADAR_NARRATIVE_HEAD).
-- A head knows the narratives it was fitted on; for those, its labels replace the passage rule's
-- in the article_narratives view. Passage labels (passage_narratives) stay as the evidence.
CREATE TABLE IF NOT EXISTS narrative_heads (
    head_fingerprint  VARCHAR PRIMARY KEY,   -- hash of the head file's content
    model_id          VARCHAR NOT NULL,      -- embedding model whose vectors it reads
    catalog_hash      VARCHAR NOT NULL,      -- catalogue part its exemplar features come from
    narrative_ids     VARCHAR[] NOT NULL,    -- the narratives it decides
    training_fingerprint VARCHAR,
    path              VARCHAR,
    registered_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Which articles the head has labelled (also those it labelled Other, which have no article_labels row).
CREATE TABLE IF NOT EXISTS article_classifications (
    article_id        VARCHAR PRIMARY KEY,
    model_id          VARCHAR NOT NULL,
    head_fingerprint  VARCHAR NOT NULL,
    catalog_hash      VARCHAR NOT NULL,
    passages          INTEGER NOT NULL,
    classified_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per (article, narrative) the head assigns; relabelling replaces the article's rows.
CREATE TABLE IF NOT EXISTS article_labels (
    article_id        VARCHAR NOT NULL,
    narrative_id      VARCHAR NOT NULL,
    score             FLOAT NOT NULL,        -- the head's probability for the narrative
    stance            VARCHAR NOT NULL,      -- stance of the passage most similar to the narrative
    evidence_passage_id VARCHAR,
    model_id          VARCHAR NOT NULL,
    head_fingerprint  VARCHAR NOT NULL,
    catalog_hash      VARCHAR NOT NULL,
    PRIMARY KEY (article_id, narrative_id)
);
