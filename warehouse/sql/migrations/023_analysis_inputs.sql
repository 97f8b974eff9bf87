-- What the last analysis ran against besides the labels: `radar analyze` and `radar classify` answer "nothing new"
-- without starting a flow only when the fingerprint of these inputs (the hypothesis file and its settings) is the
-- one recorded here and no label, article or due alert came after `recorded_at` (flows/backlog.py). A migration that wants
-- the next analysis to run in full deletes the row.
CREATE TABLE IF NOT EXISTS analysis_inputs (
    name VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
