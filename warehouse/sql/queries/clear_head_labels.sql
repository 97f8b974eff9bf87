-- No head configured: the passage rule labels every article again (head labels are derived data).
DELETE FROM article_labels;
DELETE FROM article_classifications;
