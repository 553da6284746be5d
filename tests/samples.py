"""Small articles written for the tests (not taken from any real outlet)."""

from __future__ import annotations

WIRE = """date 2025-03-04 Trade negotiators from Washington and Beijing ended two days of talks in Geneva on Tuesday with a plan to meet again next month, officials said.

US Trade Representative Jamieson Greer said the sides had narrowed differences on tariff schedules. Chinese Vice Premier He Lifeng described the exchange as candid and constructive, according to a statement from the Chinese Commerce Ministry.

ALSO READ: Coffee prices climb for a third week as supply tightens In a joint note, the delegations agreed to set up a working group on export licences for critical minerals.

More stories like this are available on example-wire.com
"""

SIGNOFF = """Ministers from the European Union and Japan met in Brussels to review a partnership on semiconductor supply chains, pledging to share early warnings about shortages.

European Commission Vice-President Maros Sefcovic said the partnership would help both economies cope with sudden export curbs. Japanese Economy Minister Yoji Muto welcomed the plan and said Tokyo would host the next round in the autumn.

The two sides also agreed to coordinate research funding for chip packaging and to meet every six months.

Published on March 21, 2025
"""

CAPTIONED = """Home World Asia Pakistan and India Reopen a Border Crossing for Pilgrims

Pakistan and India Reopen a Border Crossing for Pilgrims

Pilgrims queue at the crossing point on a cold morning in November. JOHN ROE/Pool via AGENCY/File Photo

Pakistan and India reopened a border crossing for pilgrims on Saturday after a pause of several weeks, officials on both sides said. Pakistan's Foreign Office spokesperson said the corridor would remain open every day of the week.

India's Ministry of External Affairs said it welcomed the step and hoped for further movement on other humanitarian issues between the two neighbours.

Written By Jane Placeholder

Exit mobile version
"""

FEATURE = """'We want predictable rules,' the envoy told reporters.
Canada's envoy to Mexico City said on Monday that the two governments had agreed to revive a dormant dialogue on farm trade, with a first meeting planned for May.
The envoy said that officials would also look at customs delays at the border that have frustrated exporters of both countries.
Feature Presentation: Sam Example/Northern Daily
"""


def html_page(
    title: str, body_paragraphs: list[str], *, site: str = "Example Herald", date: str = "2025-05-02"
) -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in body_paragraphs)
    return f"""<!doctype html>
<html><head><title>{title} | {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<article><h1>{title}</h1>
{paras}
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Another story</a></li></ul></aside>
<section id="comments" class="comments"><div class="comment"><p>Great article, thanks for sharing this!</p></div></section>
<footer>Copyright Example Herald. All rights reserved.</footer>
</body></html>"""


PAGE_PARAGRAPHS = [
    "Brazil and Argentina agreed on Friday to restore a direct ferry link across the river estuary, "
    "ending a suspension that had lasted nearly two years, the two foreign ministries said.",
    "Brazilian Foreign Minister Mauro Vieira said in Brasilia that the first crossing would take place "
    "in June and that visa processing for frequent travellers would be simplified.",
    "Argentina's foreign ministry said both governments would also set up a committee on river data, "
    "sharing water levels during the flood season.",
]


def rss(items: list[tuple[str, str, str]], *, title: str = "Example Wire", version: str = "2.0") -> str:
    """items: (title, link, full html content)."""
    body = "\n".join(
        f"""<item><title>{t}</title><link>{link}</link><guid>{link}</guid>
<pubDate>Tue, 10 Jun 2025 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[{content}]]></content:encoded></item>"""
        for t, link, content in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="{version}" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{title}</title><link>https://example.org/</link><description>test</description>
{body}
</channel></rss>"""


def long_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs * 3)
