-- Whether the embedding model reads an article in `language` ($languages: RADAR_MODEL_LANGUAGES as a list of primary
-- subtags, or '*'); an article of unknown language is read. The one SQL form of models.embedder.Embedder.reads.
CREATE OR REPLACE MACRO model_reads(language, languages) AS
    list_contains(languages, '*') OR language IS NULL
    OR list_contains(languages, regexp_extract(lower(language), '^[a-z]+'));
