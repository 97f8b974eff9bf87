-- Each narrative's labelling quality measured on the held-out share of the judgments by the latest
-- `radar narratives fit` (issue #36 item 5; models/judged.py). Rewritten whole by each fit; the report and
-- `radar narratives check` read it.
CREATE TABLE IF NOT EXISTS narrative_quality (
    narrative_id    VARCHAR PRIMARY KEY,
    decided_by      VARCHAR NOT NULL,   -- judgments (a classifier fitted on them) | exemplars (the exemplar rule)
    judgments       INTEGER NOT NULL,   -- judgments naming it or answering a proposal of it, both parts
    held_out        INTEGER NOT NULL,   -- of those, in the held-out part
    true_positive   INTEGER NOT NULL,
    false_positive  INTEGER NOT NULL,
    false_negative  INTEGER NOT NULL,
    precision       DOUBLE,             -- NULL when nothing held out was labelled with it
    precision_low   DOUBLE,             -- 95% Wilson interval
    precision_high  DOUBLE,
    recall          DOUBLE,             -- NULL when nothing held out was judged it
    recall_low      DOUBLE,
    recall_high     DOUBLE,
    params_hash     VARCHAR NOT NULL,   -- the classifier parameters measured
    judgments_hash  VARCHAR NOT NULL,   -- the judgments they were fitted on
    fitted_at       TIMESTAMPTZ NOT NULL
);
