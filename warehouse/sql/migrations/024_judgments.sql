-- Analyst judgments (issue #36): what a person decided about a passage (or an article), kept forever. Nothing but
-- `radar review` and `radar judgments import` writes here: re-ingest, `radar classify`, a model change and
-- `radar compact` (which copies every table) leave the rows as they are. A row is keyed by what survives the
-- re-creation of passages: the article (article_id, a hash of its canonical URL, which is kept too) and the
-- passage's text hash; passage_id is the row seen at the time and may go stale.
CREATE TABLE IF NOT EXISTS judgments (
    judgment_id            VARCHAR PRIMARY KEY,   -- hash of (target, article_id, text_hash, analyst, judged_at)
    target                 VARCHAR NOT NULL,      -- passage | article
    article_id             VARCHAR NOT NULL,
    article_url            VARCHAR NOT NULL,
    text_hash              VARCHAR,               -- the passage's (NULL for an article judgment)
    passage_id             VARCHAR,               -- as seen when judged; informational
    text                   VARCHAR NOT NULL,      -- the text judged, so a judgment outlives its passage row
    narrative_id           VARCHAR,               -- NULL = none of the catalogue's narratives
    stance                 VARCHAR,               -- claim | rebuttal | mention; NULL with no narrative
    analyst                VARCHAR NOT NULL,
    judged_at              TIMESTAMPTZ NOT NULL,
    model_id               VARCHAR,               -- the embedding model whose proposal the analyst saw
    catalog_hash           VARCHAR,               -- the catalogue version of that proposal
    proposed_narrative_id  VARCHAR,               -- what the model proposed (NULL = nothing)
    proposed_stance        VARCHAR
);
CREATE INDEX IF NOT EXISTS judgments_text ON judgments (article_id, text_hash);
