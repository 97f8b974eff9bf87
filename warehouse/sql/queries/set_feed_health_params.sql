-- The run's feed-health thresholds and clock, read by the feed_health view.
INSERT OR REPLACE INTO feed_health_params (id, failing_after, silent_multiple, silent_floor_days, wall_clock)
VALUES (1, $failing_after, $silent_multiple, $silent_floor_days, $wall_clock)
