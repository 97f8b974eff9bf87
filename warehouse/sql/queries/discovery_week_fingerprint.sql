-- What a week's discovery was last computed from.
SELECT fingerprint FROM emerging_weeks WHERE week = $week
