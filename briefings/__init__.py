"""Briefings: news articles on one beat turned into briefings."""
