"""HTML pages to clean articles (trafilatura, comments off)."""

from __future__ import annotations

import logging

from briefings.ingest.clean import clean_text
from briefings.ingest.dates import parse_date
from briefings.ingest.outlets import real_name, site_name
from briefings.models import CleanArticle

# trafilatura logs every page it cannot parse at ERROR ("empty HTML tree"); such a page is
# rejected with a one-line reason instead, so its own lines would only be noise on stderr
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


class NoArticle(ValueError):
    """The page has no article text."""


def article_from_html(html: str, url: str | None = None) -> CleanArticle:
    import trafilatura  # here: a run of text files need not load it (0.14 s)

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
        favor_precision=True,
    )
    if doc is None:
        raise NoArticle("no article text found in the page")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = str(data.get("text") or "")
    if not text.strip():
        raise NoArticle("no article text found in the page")
    title = str(data.get("title") or "").strip() or None
    article = clean_text(text, fallback_title=title)
    published = parse_date(str(data.get("date") or "")) or article.published
    # the page's own name (og:site_name), else one its text gives, else its domain's (trafilatura
    # puts the bare domain in sitename when the page names no site)
    sitename = str(data.get("sitename") or "").strip()
    outlet = real_name(sitename) or article.outlet or site_name(sitename, url)
    return article.model_copy(
        update={"title": title or article.title, "published": published, "outlet": outlet, "url": url}
    )


def fragment_to_text(fragment: str) -> str:
    """Paragraph text of an HTML fragment (a feed entry's content), one blank line between blocks."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//iframe"):
        bad.drop_tree()
    blocks = root.xpath("//p|//h1|//h2|//h3|//h4|//li|//blockquote[not(.//p)]")
    if not blocks:
        return " ".join(root.text_content().split())
    texts = (" ".join(block.text_content().split()) for block in blocks)
    return "\n\n".join(t for t in texts if t)
