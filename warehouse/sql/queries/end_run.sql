-- A run that did not reach its end: failed or interrupted, with the reason. Only a row still 'running' changes, so
-- an ending recorded earlier (the flow's own 'failed' when every feed failed) is kept.
UPDATE runs SET finished_at = ?, status = ?, reason = ? WHERE run_id = ? AND status = 'running'
