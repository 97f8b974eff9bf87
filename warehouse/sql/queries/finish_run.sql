UPDATE runs SET finished_at = ?, status = ?, counts = ?, reason = ? WHERE run_id = ?
