"""Extraction stages: HTTP fetching, feed parsing, article extraction, passage splitting."""
