-- The weeks from $first_week on, recomputed whole.
DELETE FROM bifurcation_weekly WHERE week >= $first_week;
DELETE FROM outlet_alignment_weekly WHERE week >= $first_week;
