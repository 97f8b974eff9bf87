-- Classifications also depend on the decision parameters (thresholds, fitted artefacts): a change re-classifies.
ALTER TABLE passage_classifications ADD COLUMN IF NOT EXISTS params_hash VARCHAR;
ALTER TABLE passage_narratives ADD COLUMN IF NOT EXISTS params_hash VARCHAR;
