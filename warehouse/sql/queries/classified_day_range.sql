SELECT min(day), max(day) FROM passage_classifications
