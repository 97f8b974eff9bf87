-- Catalogue exemplar vectors, cached like passage vectors: an unchanged catalogue costs no encoding (and no
-- model load) on a run with nothing new; an edited exemplar is a new text hash, encoded once.
CREATE TABLE IF NOT EXISTS exemplar_embeddings (
    text_hash   VARCHAR NOT NULL,
    model_id    VARCHAR NOT NULL,
    dim         INTEGER NOT NULL,
    vector      FLOAT[] NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (text_hash, model_id)
);
