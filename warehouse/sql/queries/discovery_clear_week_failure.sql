DELETE FROM emerging_week_failures WHERE week = $week
