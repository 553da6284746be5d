"""Per-article fact extraction: officials, agreements, issues, events, quotes and figures.

from briefings.extract import Extractor
ex = Extractor.load()                       # or Extractor.load(topics_file=Path("my-beat.toml"))
summary = ex.extract(article, "name.txt")   # ArticleSummary
for s in ex.extract_many(items, n_process=2): ...
ex.topics                                   # [(slug, label), ...]
"""

from .pipeline import Extractor

__all__ = ["Extractor"]
