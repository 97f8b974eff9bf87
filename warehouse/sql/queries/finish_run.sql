UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE run_id = ?
