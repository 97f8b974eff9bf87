-- The run's feed-health thresholds, read by the feed_health view.
INSERT OR REPLACE INTO feed_health_params VALUES (1, $failing_after, $silent_multiple, $silent_floor_days)
