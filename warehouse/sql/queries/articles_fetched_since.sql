SELECT count(*) FROM articles WHERE fetched_at > $at
