-- Runs still marked running by a process of this host: the next start checks whether each owner is alive.
SELECT run_id, owner_pid, owner_started FROM runs
WHERE status = 'running' AND owner_host = ? AND owner_pid IS NOT NULL AND owner_started IS NOT NULL
