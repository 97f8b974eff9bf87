-- The thresholds of the feed_health view, as one row: a view cannot take parameters, so each daily run
-- writes its settings here (RADAR_FEED_FAILING_AFTER, RADAR_FEED_SILENT_MULTIPLE, RADAR_FEED_SILENT_FLOOR_DAYS)
-- and `radar sql "select * from feed_health"` answers with the same rule the run warned with.
CREATE TABLE IF NOT EXISTS feed_health_params (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    failing_after      INTEGER NOT NULL,   -- failed fetches in a row that make a feed 'failing'
    silent_multiple    DOUBLE NOT NULL,    -- quiet for more than this many usual intervals: 'silent'
    silent_floor_days  DOUBLE NOT NULL     -- but never sooner than this many days
);
INSERT INTO feed_health_params VALUES (1, 3, 4.0, 3.0) ON CONFLICT DO NOTHING;
