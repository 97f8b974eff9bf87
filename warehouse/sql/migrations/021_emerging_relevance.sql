-- Relevance before alerting (models/relevance.py): each cluster judged against the catalogue's families and the
-- analyst's muted topics (config/muted_topics.yaml). An off-topic cluster (a muted topic nearer than every family,
-- or every family below RADAR_DISCOVERY_RELEVANCE_MIN) stays listed and is never alerted. NULL: not judged (rows
-- computed before this migration, or no cached exemplars to judge against).
ALTER TABLE emerging_cluster_weekly ADD COLUMN IF NOT EXISTS off_topic BOOLEAN;
ALTER TABLE emerging_cluster_weekly ADD COLUMN IF NOT EXISTS nearest_family VARCHAR;   -- the family of its nearest narrative
ALTER TABLE emerging_cluster_weekly ADD COLUMN IF NOT EXISTS family_similarity DOUBLE;
ALTER TABLE emerging_cluster_weekly ADD COLUMN IF NOT EXISTS muted_topic VARCHAR;      -- the nearest muted topic
ALTER TABLE emerging_cluster_weekly ADD COLUMN IF NOT EXISTS muted_similarity DOUBLE;  -- mean of the two highest cosines to its phrases
ALTER TABLE emerging_clusters ADD COLUMN IF NOT EXISTS off_topic BOOLEAN;
ALTER TABLE emerging_clusters ADD COLUMN IF NOT EXISTS nearest_family VARCHAR;
ALTER TABLE emerging_clusters ADD COLUMN IF NOT EXISTS family_similarity DOUBLE;
ALTER TABLE emerging_clusters ADD COLUMN IF NOT EXISTS muted_topic VARCHAR;
ALTER TABLE emerging_clusters ADD COLUMN IF NOT EXISTS muted_similarity DOUBLE;
