"""Where articles disagree on a fact: flagged for the reader, never settled silently.

Only conflicts of fact are discrepancies. Kinds:

- ``title``: one person given two posts at the same time (by articles within a month of each
  other; a title that changes over months is a new post). Wordings of one post are not a
  conflict: "Vice Foreign Minister", "Vice Minister of Foreign Affairs", "Deputy Foreign
  Minister" and "Vice Minister" are one post; "Executive Vice Foreign Minister" is another (see
  names.py and data/titles.toml). Former roles are not compared, and posts that one article gives
  the person together are held at once.
- ``country``: one person said to serve different states.
- ``date``: one happening dated differently (see timeline.py), by articles that give no date in
  common for it (an article that gives both dates does not contradict either).
- ``figure``: different values for the same thing (see figures.py).
- ``speaker``: the same words given to two speakers who are not one person (or one body).
- ``quote``: one speaker's statement in versions that contradict each other: a negation in one
  version only, or different numbers (see quotes.py).

Not discrepancies, because nobody is wrong: a name spelt or transliterated two ways, initials
against the full name (both are aliases of the person's record), one quote paraphrased or
shortened by different outlets (variants of one quote, see :func:`quote_variants`), an
issue's status as each article's wording suggests it (the issue history shows it), one post
named in other words.

``details`` maps each article to what it says; long lists are cut to ``MAX_DETAILS`` articles,
keeping at least one article for each version.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import combinations

from briefings.consolidate import dates
from briefings.consolidate.figures import FigureMention
from briefings.consolidate.memo import Memo
from briefings.consolidate.names import NameForm, derivable, same_post, spelling_variants
from briefings.consolidate.people import PersonCluster, PersonMention
from briefings.consolidate.quotes import QuoteIndex, QuoteMention
from briefings.consolidate.text import STOPWORDS, fold
from briefings.consolidate.timeline import EntryGroup, Timeline
from briefings.consolidate.unionfind import UnionFind
from briefings.models import Discrepancy

MAX_DETAILS = 8
TITLE_WINDOW_DAYS = 30


def capped(versions: Mapping[str, str]) -> dict[str, str]:
    """At most MAX_DETAILS articles, taking one article of each version in turn."""
    by_version: dict[str, list[str]] = {}
    for article, text in versions.items():
        by_version.setdefault(text.casefold(), []).append(article)
    # no queue gives more than MAX_DETAILS: each version's first articles only (not all sorted)
    queues = [heapq.nsmallest(MAX_DETAILS, by_version[v]) for v in sorted(by_version)]
    chosen: list[str] = []
    while len(chosen) < MAX_DETAILS and any(queues):
        for queue in queues:
            if queue and len(chosen) < MAX_DETAILS:
                chosen.append(queue.pop(0))
    return {a: versions[a] for a in sorted(chosen)}


def _flag(kind: str, about: str, versions: Mapping[str, str]) -> Discrepancy | None:
    details = capped(versions)
    return Discrepancy(about=about, kind=kind, details=details) if len(details) >= 2 else None


# ---------------------------------------------------------------------------- people


def person(cluster: PersonCluster) -> list[Discrepancy]:
    found = (_title(cluster), _country(cluster))
    return [d for d in found if d is not None]


def _near(a: list[int | None], b: list[int | None]) -> bool:
    """True when some date of ``a`` is within the window of some date of ``b`` (unknown dates are near)."""
    if None in a or None in b:
        return True
    sb = sorted(d for d in b if d is not None)
    for d in a:
        assert d is not None
        i = bisect.bisect_left(sb, d - TITLE_WINDOW_DAYS)
        if i < len(sb) and sb[i] <= d + TITLE_WINDOW_DAYS:
            return True
    return False


def _held_together(a: frozenset[str], b: frozenset[str], mentions: Iterable[PersonMention]) -> bool:
    """True when one article gives the person both posts (its title and another current one)."""
    for m in mentions:
        if len(m.held) > 1 and any(same_post(a, x) for x in m.held) and any(same_post(b, x) for x in m.held):
            return True
    return False


def _title(cluster: PersonCluster) -> Discrepancy | None:
    current = [m for m in cluster.mentions if m.role and m.title]
    days: dict[frozenset[str], list[int | None]] = {}
    for m in current:
        days.setdefault(m.role, []).append(dates.ordinal(m.date))
    clashing: set[frozenset[str]] = set()
    for a, b in combinations(sorted(days, key=sorted), 2):
        if same_post(a, b) or not _near(days[a], days[b]) or _held_together(a, b, cluster.mentions):
            continue
        clashing |= {a, b}
    if not clashing:
        return None
    versions = {
        m.article: m.title for m in sorted(current, key=lambda m: m.key) if m.role in clashing and m.title
    }
    return _flag("title", f"title of {cluster.name}", versions)


def _country(cluster: PersonCluster) -> Discrepancy | None:
    given = [m for m in _by_key(cluster.mentions) if m.country and m.country_key]
    if len({m.country_key for m in given}) < 2:
        return None
    return _flag("country", f"country of {cluster.name}", {m.article: m.country or "" for m in given})


def _by_key(mentions: Iterable[PersonMention]) -> list[PersonMention]:
    return sorted(mentions, key=lambda m: m.key)


# ---------------------------------------------------------------------------- timeline


def event_dates(
    timeline: Timeline, memo: Memo[tuple[frozenset[tuple[str, str]], int], Discrepancy | None] | None = None
) -> list[Discrepancy]:
    """One discrepancy per set of timeline entries that date one happening differently."""
    uf: UnionFind[int] = UnionFind()
    for a, b in timeline.conflicts:
        uf.link(a, b)
    out = []
    for members in uf.groups().values():
        entries = [timeline.groups[i] for i in sorted(members)]
        if memo is None:
            flag = _event_date(entries)
        else:
            # the (date, description) of every mention is the key of its variant: the entries' keys
            key = (frozenset().union(*(g.key[0] for g in entries)), sum(g.key[1] for g in entries))
            flag = memo.get(key, partial(_event_date, entries))
        if flag is not None:
            out.append(flag)
    return out


def _most_precise(given: set[str]) -> set[str]:
    """The dates an article gives, without those it also gives more precisely ("2025-05" of "2025-05-11")."""
    return {d for d in given if not any(o != d and o.startswith(d) for o in given)}


def _contradicting_dates(said: Iterable[set[str]]) -> bool:
    """True when two articles give the happening no date in common: none of the one's (most
    precise) dates is the other's or a less precise form of it (``said``: the dates each article
    gives). An article that gives both dates contradicts neither."""
    # articles that give the same dates agree with each other: each set of dates is compared once
    precise = {frozenset(_most_precise(set(given))) for given in {frozenset(g) for g in said}}
    for a, b in combinations(sorted(precise, key=sorted), 2):
        if not any(dates.compatible(x, y) for x in a for y in b):
            return True
    return False


def _event_date(entries: Sequence[EntryGroup]) -> Discrepancy | None:
    # article -> (entry, its mention, what it says, its date): the first mention of each article,
    # and all of them for the few articles with more than one (no set and list per article)
    first: dict[str, tuple[int, int, str, str]] = {}
    more: dict[str, list[tuple[int, int, str, str]]] = {}
    for n, g in enumerate(entries):
        for v in g.variants:  # from the variants' keys: a stored variant makes no mention for it
            date, what = v.key
            text = f"{date}: {what}"
            for article, i in v.mention_keys():
                row = (n, i, text, date)
                seen = first.setdefault(article, row)
                if seen is not row:
                    rows = more.get(article)
                    if rows is None:
                        more[article] = [seen, row]
                    else:
                        rows.append(row)
    said = [{date} for date in {row[3] for a, row in first.items() if a not in more}]
    said += [{row[3] for row in rows} for rows in more.values()]
    if not _contradicting_dates(said):
        return None
    main = max(entries, key=lambda g: len(g.entry.articles))
    # what each article says, in the order of the entries and of its mentions, each version once
    versions = {a: row[2] for a, row in first.items()}
    for a, rows in more.items():
        versions[a] = "; ".join(dict.fromkeys(text for _, _, text, _ in sorted(rows)))
    return _flag("date", f"date of: {main.entry.what}", versions)


# ---------------------------------------------------------------------------- quotes and figures


def form_keys(cluster: PersonCluster) -> frozenset[str]:
    """The folded forms a person is named by."""
    return frozenset(f.key for m in cluster.mentions for f in m.forms)


def speakers_of(people: Iterable[tuple[str, frozenset[str]]]) -> dict[str, str]:
    """Folded name form -> record name, from (record name, its forms), for forms of one person only."""
    owners: dict[str, set[str]] = {}
    for name, forms in people:
        for form in forms:
            owners.setdefault(form, set()).add(name)
    return {form: next(iter(names)) for form, names in owners.items() if len(names) == 1}


Who = Callable[[QuoteMention], str]


def speaker_names(speakers: Mapping[str, str]) -> Who:
    """The speaker's record name when the speaker is one known person, else the speaker as written."""
    names: dict[tuple[str, str], str] = {}

    def who(q: QuoteMention) -> str:
        if (q.speaker, q.kind) not in names:
            known = speakers.get(fold(q.speaker), q.speaker)
            names[q.speaker, q.kind] = q.speaker if q.kind == "body" else known
        return names[q.speaker, q.kind]

    return who


def quote_variants(index: QuoteIndex, who: Who) -> list[list[QuoteMention]]:
    """The quotes that articles give one speaker in other words: variants of one quote, each set
    in article order."""
    return index.groups(lambda a, b: who(a).casefold() == who(b).casefold())


def quotes(index: QuoteIndex, who: Who) -> list[Discrepancy]:
    """One discrepancy per statement of one speaker whose versions contradict each other."""
    out = []
    for qs in quote_variants(index, who):
        pairs = index.contradicting(qs)
        if not pairs:
            continue
        involved = {q.key for pair in pairs for q in pair}
        versions = _versions((q.article, q.text) for q in qs if q.key in involved)
        flag = _flag("quote", f"what {who(qs[0])} said", {a: " / ".join(v) for a, v in versions.items()})
        if flag is not None:
            out.append(flag)
    return out


def _body_words(body: str) -> tuple[frozenset[str], set[str]]:
    """The words that name a body (nationality words kept: they say whose body), and its acronyms."""
    words = fold(body).split()
    content = [w for w in words if w not in STOPWORDS]
    acronyms = {"".join(w[0] for w in ws) for ws in (words, content) if len(ws) > 1}
    return frozenset(content), acronyms


def _bodies_differ(a: str, b: str) -> bool:
    """Two bodies that cannot be one ("Ministry of Transport", "Ministry of Fisheries"). A name of
    one word may be either: a bare noun ("the ministry") stands for any, an acronym ("MOT") for
    the names it abbreviates; so may a name that another one only adds words to."""
    (wa, aa), (wb, ab) = _body_words(a), _body_words(b)
    if not wa or not wb or wa <= wb or wb <= wa:
        return False
    for words, raw, other in ((wa, a, ab), (wb, b, aa)):
        if len(words) == 1:
            acronym = raw.strip().isupper()
            return acronym and next(iter(words)) not in other
    return True


def _people_differ(a: str, b: str) -> bool:
    """Two named people who cannot be one: neither name is a form of the other."""
    if a.casefold() == b.casefold() or not _named(a) or not _named(b):
        return False
    fa, fb = NameForm.parse(a), NameForm.parse(b)
    if fa is None or fb is None or fa.tokens == fb.tokens:
        return False
    return not (derivable(fa, fb) or derivable(fb, fa) or spelling_variants(fa, fb))


def _named(speaker: str) -> bool:
    """A speaker given by name ("Ruth Amadi"), not described ("an official")."""
    return any(c.isupper() for c in speaker)


def speakers_differ(a: QuoteMention, b: QuoteMention, who: Who) -> bool:
    """The same words given to two speakers who are not one. A person and a body are not compared:
    a spokesperson speaks for a ministry, and an article may give the words to either."""
    if a.kind != b.kind:
        return False
    if a.kind == "person":
        return _people_differ(who(a), who(b))
    if a.kind == "body":
        return _bodies_differ(a.speaker, b.speaker)
    return False


def _given_to_two(qs: Sequence[QuoteMention], who: Who) -> bool:
    """Some two articles give the words to speakers who are not one."""
    by_speaker: dict[tuple[str, str], list[QuoteMention]] = {}
    for q in qs:
        by_speaker.setdefault((q.kind, who(q).casefold()), []).append(q)
    said = [(g[0], {q.article for q in g}) for g in by_speaker.values()]
    for (qa, arts_a), (qb, arts_b) in combinations(said, 2):
        if (len(arts_a | arts_b) > 1) and speakers_differ(qa, qb, who):
            return True
    return False


def speakers(index: QuoteIndex, who: Who) -> list[Discrepancy]:
    """One discrepancy per statement that articles give to speakers who are not one."""
    out = []
    for qs in index.same_words():
        if not _given_to_two(qs, who):
            continue
        versions = _versions((q.article, q.speaker) for q in qs)
        text = min((q.text for q in qs), key=lambda t: (len(t), t))
        flag = _flag("speaker", f"speaker of “{text}”", {a: " / ".join(v) for a, v in versions.items()})
        if flag is not None:
            out.append(flag)
    return out


def figure(fs: Sequence[FigureMention]) -> Discrepancy | None:
    """The discrepancy of figures for one thing that articles give different values for."""
    versions = _versions((f.article, f"{f.value} ({f.what})") for f in fs)
    return _flag("figure", f"figure for: {fs[0].what}", {a: "; ".join(v) for a, v in versions.items()})


def _versions(said: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Article -> what it says, in order, each version once."""
    out: dict[str, dict[str, None]] = {}  # a dict keeps the order and finds a repeat at once
    for article, text in said:
        seen = out.get(article)
        if seen is None:
            out[article] = {text: None}
        else:
            seen[text] = None
    return {article: list(texts) for article, texts in out.items()}


def ordered(found: Iterable[Discrepancy]) -> list[Discrepancy]:
    return sorted(found, key=lambda d: (d.kind, d.about, sorted(d.details.items())))


# ---------------------------------------------------------------------------- variants

#: kinds of record that are conflicts of fact: what a reader's "Disagreements" shows
FACT_KINDS = frozenset({"title", "country", "date", "figure", "speaker", "quote"})
#: kinds of record that are variants (nobody is wrong): kept in the consolidated record, labelled,
#: so that tools reading it see how sources differ; never shown to a reader as a disagreement
VARIANT_KINDS = frozenset({"name", "spelling", "wording"})


def name_forms(cluster: PersonCluster) -> Discrepancy | None:
    """A person's name in two forms across articles (initials against the full name, or a
    transliteration): a variant, labelled ``name``."""
    primary: dict[tuple[str, ...], NameForm] = {}
    for m in cluster.mentions:
        primary.setdefault(m.forms[0].tokens, m.forms[0])
    flagged: set[tuple[str, ...]] = set()
    for a, b in combinations(sorted(primary), 2):
        fa, fb = primary[a], primary[b]
        short, full = (fa, fb) if fa.specificity < fb.specificity else (fb, fa)
        initials = short.initials > 0 and len(short.tokens) > 1 and derivable(short, full)
        if spelling_variants(fa, fb) or initials:
            flagged |= {a, b}
    versions = {m.article: m.forms[0].raw for m in _by_key(cluster.mentions) if m.forms[0].tokens in flagged}
    return _flag("name", f"name of {cluster.name}", versions) if flagged else None


def spellings(groups: Iterable[tuple[list[str], dict[str, str]]]) -> list[Discrepancy]:
    """A named thing spelt two ways: variants, labelled ``spelling``."""
    return [
        f
        for names, versions in groups
        if (f := _flag("spelling", f"spelling of {' / '.join(names)}", versions))
    ]


def wordings(index: QuoteIndex, who: Who) -> list[Discrepancy]:
    """One speaker's statement in other words by different outlets: variants, labelled ``wording``."""
    out = []
    for qs in quote_variants(index, who):
        versions = _versions((q.article, q.text) for q in qs)
        flag = _flag(
            "wording",
            f"wording of a statement by {who(qs[0])}",
            {a: " / ".join(v) for a, v in versions.items()},
        )
        if flag is not None:
            out.append(flag)
    return out
