-- Each cluster-week's window/reference test (models.discovery.cluster_novelty): the articles of the window and of the
-- reference period in the cluster's neighbourhood, and the binomial p-value of the window's count under no change.
-- Emerging alerts need it below RADAR_DISCOVERY_ALERT_ALPHA; analysts can rank clusters by it.
ALTER TABLE emerging_cluster_weekly ADD COLUMN IF NOT EXISTS window_neighbours INTEGER;
ALTER TABLE emerging_cluster_weekly ADD COLUMN IF NOT EXISTS reference_neighbours INTEGER;
ALTER TABLE emerging_cluster_weekly ADD COLUMN IF NOT EXISTS novelty_p DOUBLE;
