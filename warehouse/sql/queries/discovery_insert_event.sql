-- One event of a cluster in a week: matched, retained, split, kept apart (models/discovery.py).
INSERT INTO emerging_cluster_events VALUES ($week, $kind, $cluster_id, $other, $similarity) ON CONFLICT DO NOTHING
