-- Outlet-day vector sums from $since on, rewritten by the bifurcation step.
DELETE FROM outlet_day_vectors WHERE day >= $since
