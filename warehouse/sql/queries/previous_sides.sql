-- Each outlet's stable side and streak after its latest week before `week`, so crossings stay right in an
-- incremental run.
SELECT source_id, arg_max(stable_side, week), arg_max(streak, week) FROM outlet_alignment_weekly
WHERE week < $week
GROUP BY source_id
