-- What the week was computed from and what it found.
INSERT OR REPLACE INTO emerging_weeks VALUES ($week, $fingerprint, $passages, $boilerplate, $members, $clusters, now())
