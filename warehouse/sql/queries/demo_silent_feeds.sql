SELECT count(*) FILTER (WHERE health = 'silent'), max(last_new_article) FROM feed_health
