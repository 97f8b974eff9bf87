-- Which clock the feed_health view measures a feed's silence on (RADAR_FEED_SILENCE_WALL_CLOCK): false (the
-- default), up to the warehouse's newest article, so a replay or back-fill of past days (`radar demo`) does not
-- call every feed silent; true, up to each feed's last fetch, for a scheduled deployment fetching every day.
ALTER TABLE feed_health_params ADD COLUMN IF NOT EXISTS wall_clock BOOLEAN DEFAULT false;
