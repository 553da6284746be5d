"""Cross-article consolidation: one picture from many article summaries.

``consolidate(summaries)`` merges people, corroborates agreements, follows each issue's status,
builds one timeline and flags where sources disagree. ``Consolidator`` does the same one article
at a time; both give the same result whatever the order of the articles. Pure functions over
:mod:`briefings.models`: no database, no network, no I/O.
"""

from briefings.consolidate.consolidator import Consolidator, consolidate

__all__ = ["Consolidator", "consolidate"]
