SELECT count(*) FROM judgments
