-- A week's clusters, members and events, replaced whole when the week is computed again.
DELETE FROM emerging_cluster_weekly WHERE week = $week;
DELETE FROM emerging_cluster_passages WHERE week = $week;
DELETE FROM emerging_cluster_events WHERE week = $week;
