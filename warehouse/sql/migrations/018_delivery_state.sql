-- The newest classified day the webhook delivery saw at its previous pass: a run after missed runs (machine off, a
-- stalled schedule) also sends the alerts of the days it caught up on, while a first run over history does not.
CREATE TABLE IF NOT EXISTS delivery_state (
    name VARCHAR PRIMARY KEY,
    day  DATE NOT NULL
);
