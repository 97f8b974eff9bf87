SELECT hypothesis_id, week, verdict FROM hypothesis_weekly
