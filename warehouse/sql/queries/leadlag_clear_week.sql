-- A week's lead-lag pairs and outlet influence, recomputed whole.
DELETE FROM narrative_leadlag WHERE week = $week;
DELETE FROM outlet_influence WHERE week = $week;
