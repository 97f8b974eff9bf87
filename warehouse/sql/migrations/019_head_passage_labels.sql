-- One set of labels: with a document head configured, the passage labels every analytic counts agree with the
-- head's article labels. origin says who tagged a passage row: 'rule' (the exemplar rule) or 'head' (the passage
-- most similar to a narrative the head gave an article where the rule tagged none of its passages).
ALTER TABLE passage_narratives ADD COLUMN IF NOT EXISTS origin VARCHAR DEFAULT 'rule';

-- The exemplar rule's rows for narratives the head decided and did not give the article: what the rule alone
-- said, no longer counted; put back when the head changes or goes (restore_rule_labels).
CREATE TABLE IF NOT EXISTS overruled_passage_narratives (
    passage_id        VARCHAR NOT NULL,
    narrative_id      VARCHAR NOT NULL,
    score             FLOAT NOT NULL,
    stance            VARCHAR NOT NULL,
    model_id          VARCHAR NOT NULL,
    catalog_hash      VARCHAR NOT NULL,
    params_hash       VARCHAR,
    article_id        VARCHAR,
    source_id         VARCHAR,
    day               DATE,
    head_fingerprint  VARCHAR NOT NULL,     -- the head that overruled it
    PRIMARY KEY (passage_id, narrative_id)
);

-- Head labels written before the passages followed them are dropped: the next run with the head (radar classify
-- or radar ingest) labels every article again and reconciles its passages. Until then the rule labels both.
DELETE FROM article_labels;
DELETE FROM article_classifications;
