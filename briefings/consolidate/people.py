"""One record per person across articles.

Merging works in two tiers, so that the result depends only on the set of articles:

1. When an article is added, mentions that share a specific form ("Samuel Okafor"), or whose
   specific forms differ by a small spelling variant in one token and whose countries agree,
   are joined in a union-find. These links are pairwise, so the clusters are the connected
   components of a graph and do not depend on the order of the articles.
2. When the result is built, every cluster whose fullest form is less specific ("Okafor",
   "S. Okafor", "Ruth Amadi" for "Ruth Efua Amadi") joins the one cluster it abbreviates within the same
   country, choosing by title when several would fit. When it still fits several or none, it
   stays apart; clusters of the same short form and country that stayed apart are one record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from briefings.consolidate.dates import sort_key
from briefings.consolidate.memo import Memo
from briefings.consolidate.names import (
    NameForm,
    derivable,
    is_former,
    spelling_variants,
    title_words,
    titles_agree,
)
from briefings.consolidate.text import fold
from briefings.consolidate.unionfind import UnionFind
from briefings.models import DatedTitle, Official, PersonRecord

MentionKey = tuple[str, int]


def country_key(country: str | None) -> str | None:
    key = fold(country or "")
    return key or None


def countries_agree(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


@dataclass(frozen=True)
class PersonMention:
    """One official as one article names them, with what merging needs worked out once."""

    key: MentionKey
    date: str | None
    forms: tuple[NameForm, ...]  # the article's fullest form first, then its aliases
    title: str | None
    country: str | None
    country_key: str | None
    best: NameForm  # the most specific form
    role: frozenset[str]  # the words of the current title (empty for a former role)
    held: tuple[frozenset[str], ...]  # the words of each current post the article gives (held at once)
    titles: tuple[tuple[str, str], ...]  # (folded, as written) for the title and the other titles

    @property
    def article(self) -> str:
        return self.key[0]


@dataclass
class PersonCluster:
    """Mentions of one person; the record and the facts discrepancies need are derived from them."""

    mentions: list[PersonMention] = field(default_factory=list)

    @cached_property
    def best(self) -> NameForm:
        if len(self.mentions) == 1:
            return self.mentions[0].best
        return max((m.best for m in self.mentions), key=lambda f: (f.specificity, f.tokens))

    @cached_property
    def _country(self) -> tuple[str, str] | None:
        if len(self.mentions) == 1:  # most clusters before attachment: no vote to count
            m = self.mentions[0]
            return (m.country_key, m.country.strip()) if m.country_key and m.country else None
        return majority_country(self.mentions)

    @property
    def country(self) -> str | None:
        return self._country[1] if self._country else None

    @property
    def country_key(self) -> str | None:
        return self._country[0] if self._country else None

    @cached_property
    def forms(self) -> list[NameForm]:
        return list({f.tokens: f for m in self.mentions for f in m.forms}.values())

    @cached_property
    def roles(self) -> set[frozenset[str]]:
        return {m.role for m in self.mentions if m.role}

    @cached_property
    def name(self) -> str:
        return fullest_name(self.mentions)

    def record(self) -> PersonRecord:
        seen = titles_seen(self.mentions)
        titles: dict[str, str] = {}
        for t in seen:
            titles.setdefault(t.title.casefold(), t.title)
        name_key = fold(self.name)
        aliases = {f.key: f.raw for m in sorted(self.mentions, key=lambda m: m.key) for f in m.forms}
        return PersonRecord(
            name=self.name,
            aliases=sorted(raw for key, raw in aliases.items() if key != name_key),
            titles=list(titles.values()),
            titles_seen=seen,
            country=self.country,
            articles=sorted({m.article for m in self.mentions}),
        )


def majority_country(mentions: Iterable[PersonMention]) -> tuple[str, str] | None:
    """(key, spelling) of the country most mentions give, spelt as most spell it; ties alphabetically."""
    given = [(m.country_key, m.country.strip()) for m in mentions if m.country_key and m.country]
    if not given:
        return None
    raws = Counter(given)  # counted in C: people are named in thousands of articles
    keys = Counter(k for k, _ in given)
    key = min(keys, key=lambda k: (-keys[k], k))
    return key, min((r for k, r in raws if k == key), key=lambda r: (-raws[key, r], r))


def fullest_name(mentions: Sequence[PersonMention]) -> str:
    """The most specific form; among equals, the one articles use most as their main form, then accented."""
    primary = Counter(m.forms[0].tokens for m in mentions)
    uses = Counter(f.raw for m in mentions for f in m.forms)
    forms = {f.raw: f for m in mentions for f in m.forms}

    def rank(raw: str) -> tuple[int, int, int, int, int, int, str]:
        f = forms[raw]
        accents = sum(not c.isascii() for c in raw)  # "José" keeps what "Jose" lost
        return (
            -f.specificity[0],
            -f.specificity[1],
            -primary[f.tokens],
            f.honorifics,
            -uses[raw],
            -accents,
            raw,
        )

    return min(forms, key=rank)


def titles_seen(mentions: Iterable[PersonMention]) -> list[DatedTitle]:
    seen: dict[tuple[str, str], tuple[str, DatedTitle]] = {}
    for m in mentions:
        for folded, title in m.titles:
            dated = DatedTitle.model_construct(
                title=title, date=m.date, article=m.article
            )  # valid by construction
            seen.setdefault((folded, m.article), (folded, dated))
    ordered = sorted(seen.values(), key=lambda p: (sort_key(p[1].date), p[1].article, p[0], p[1].title))
    return [t for _, t in ordered]


def _mention(key: MentionKey, date: str | None, official: Official) -> PersonMention | None:
    forms: dict[tuple[str, ...], NameForm] = {}
    for raw in [official.name, *official.aliases]:
        form = NameForm.parse(raw)
        if form is not None:
            forms.setdefault(form.tokens, form)
    if not forms:
        return None
    former = official.former or is_former(official.title)
    titles = [t.strip() for t in [official.title or "", *official.other_titles] if t.strip()]
    role = frozenset() if former else title_words(official.title, official.country)
    others = (title_words(t, official.country) for t in official.other_titles if not is_former(t))
    held = tuple(sorted({r for r in (role, *others) if r}, key=sorted))
    return PersonMention(
        key=key,
        date=date,
        forms=tuple(forms.values()),
        title=official.title,
        country=official.country,
        country_key=country_key(official.country),
        best=max(forms.values(), key=lambda f: (f.specificity, f.tokens)),
        role=role,
        held=held,
        titles=tuple((fold(t), t) for t in titles),
    )


class PeopleIndex:
    """Officials of every article added, indexed by name form and by surname."""

    def __init__(self) -> None:
        self._mentions: dict[MentionKey, PersonMention] = {}
        self._uf: UnionFind[MentionKey] = UnionFind()
        self._holder: dict[tuple[str, ...], MentionKey] = {}  # specific form -> one mention using it
        self._countries: dict[tuple[str, ...], set[str | None]] = {}  # specific form -> countries given
        self._variants: dict[tuple[str, ...], list[tuple[str, ...]]] = {}  # wildcard -> specific forms
        self._by_token: dict[str, list[MentionKey]] = {}  # surname, first token, one-word form -> mentions
        self._groups: Memo[tuple[MentionKey, int], PersonCluster] = Memo()  # by root and size
        self._facts: dict[tuple[MentionKey, int], list[Any]] = {}  # restored: see _group_facts

    def add(self, article: str, date: str | None, officials: Sequence[Official]) -> None:
        for i, official in enumerate(officials):
            mention = _mention((article, i), date, official)
            if mention is None:
                continue
            self._mentions[mention.key] = mention
            self._uf.add(mention.key)
            for form in mention.forms:
                self._index_tokens(form, mention.key)
                if form.specific:
                    self._link(form, mention)

    def _index_tokens(self, form: NameForm, key: MentionKey) -> None:
        for token in {form.surname, form.core[0]}:
            self._by_token.setdefault(token, []).append(key)

    def _file(self, form: NameForm, mention: PersonMention) -> MentionKey | None:
        """File a specific form by its tokens and wildcards; the mention that held it before, if any."""
        holder = self._holder.get(form.tokens)
        if holder is None:
            self._holder[form.tokens] = mention.key
            self._countries[form.tokens] = set()
            for wildcard in form.wildcards():
                self._variants.setdefault(wildcard, []).append(form.tokens)
        self._countries[form.tokens].add(mention.country_key)
        return holder

    def _link(self, form: NameForm, mention: PersonMention) -> None:
        holder = self._file(form, mention)
        if holder is not None:
            self._uf.union(mention.key, holder)
        for wildcard in form.wildcards():
            for other in self._variants.get(wildcard, []):
                if other != form.tokens and self._variant_fits(form, other, mention.country_key):
                    self._uf.union(mention.key, self._holder[other])

    def _variant_fits(self, form: NameForm, other: tuple[str, ...], country: str | None) -> bool:
        countries = self._countries[other]
        if not (country is None or None in countries or country in countries):
            return False
        return spelling_variants(form, NameForm(" ".join(other), other))

    def state(self) -> tuple[object, ...]:
        """Each mention as it was worked out (its name forms by number in one table: people are
        named alike again and again), the people they were joined into, and the tables that file
        them by form and token (read back as they are instead of being filed again), as plain data."""
        forms: dict[NameForm, int] = {}
        mentions = [
            (
                m.key,
                m.date,
                [forms.setdefault(f, len(forms)) for f in m.forms],
                m.title,
                m.country,
                m.country_key,
                m.forms.index(m.best),
                sorted(m.role),
                [sorted(h) for h in m.held],
                m.titles,
            )
            for m in self._mentions.values()
        ]
        tables = (
            list(self._by_token.items()),
            list(self._holder.items()),
            [(t, sorted(c, key=lambda k: (k is not None, k or ""))) for t, c in self._countries.items()],
            list(self._variants.items()),
        )
        table = [(f.raw, f.tokens, f.key, f.honorifics) for f in forms]
        return table, mentions, self._uf.state(), tables, self._group_facts()

    def _group_facts(self) -> list[tuple[Any, ...]]:
        """What the last result worked out of each group (by root and size: groups only join) that
        is slow to work out again: the mention with its best form, its country, its roles."""
        facts = [  # restored and not yet asked for, then those of the last result
            (root, size, (best[0], best[1]), tuple(country) if country else None, [list(r) for r in roles])
            for (root, size), (best, country, roles) in self._facts.items()
        ]
        for (root, size), c in self._groups._last.items():
            best = next(m.key for m in c.mentions if m.best == c.best)
            facts.append((root, size, best, c._country, sorted(sorted(r) for r in c.roles)))
        return sorted(facts, key=lambda f: (f[0], f[1]))

    @classmethod
    def from_state(cls, state: Any) -> PeopleIndex:
        """The index :meth:`state` described."""
        table, mentions, uf, (by_token, holder, countries, variants), facts = state
        index = cls()
        forms = [NameForm(raw, tuple(tokens), key, honorifics) for raw, tokens, key, honorifics in table]
        for key, date, numbers, title, country, country_key, best, role, held, titles in mentions:
            parsed = tuple(forms[i] for i in numbers)
            mention = object.__new__(PersonMention)  # as stored: valid by construction, and 5 times faster
            mention.__dict__.update(
                key=(key[0], key[1]),
                date=date,
                forms=parsed,
                title=title,
                country=country,
                country_key=country_key,
                best=parsed[best],
                role=frozenset(role),
                held=tuple(frozenset(h) for h in held),
                titles=tuple((folded, raw) for folded, raw in titles),
            )
            index._mentions[mention.key] = mention
        index._by_token = {token: list(keys) for token, keys in by_token}
        index._holder = {tuple(tokens): key for tokens, key in holder}
        index._countries = {tuple(tokens): set(keys) for tokens, keys in countries}
        index._variants = {tuple(w): [tuple(t) for t in tokens] for w, tokens in variants}
        index._uf = UnionFind.from_state(uf)
        index._facts = {(tuple(root), size): rest for root, size, *rest in facts}
        return index

    # ------------------------------------------------------------------ result

    def clusters(self) -> list[PersonCluster]:
        """The people, resolved over every article added so far."""
        members = self._uf.groups()  # a cluster's mentions are its members' (its memo: same root, same size)
        groups = {
            root: self._groups.get((root, len(keys)), partial(self._cluster, root, keys))
            for root, keys in members.items()
        }
        self._groups.done()
        order = sorted(groups, key=lambda r: _cluster_order(groups[r], members[r]))
        resolver = _Resolver(self, groups, members)
        target = {root: resolver.attach(root) for root in order}
        return _merge(groups, target, order)

    def _cluster(self, root: MentionKey, keys: list[MentionKey]) -> PersonCluster:
        cluster = PersonCluster(list(map(self._mentions.__getitem__, keys)))
        facts = self._facts.pop((root, len(keys)), None)
        if facts is not None:  # as the last result worked them out (see _group_facts)
            best, country, roles = facts
            cluster.__dict__.update(
                best=self._mentions[best[0], best[1]].best,
                _country=(country[0], country[1]) if country else None,
                roles={frozenset(r) for r in roles},
            )
        return cluster

    def mentions_with(self, token: str) -> list[MentionKey]:
        """The mentions with ``token`` as surname, first token or one-word form."""
        return self._by_token.get(token, [])


def _cluster_order(
    cluster: PersonCluster, keys: list[MentionKey]
) -> tuple[int, int, tuple[str, ...], MentionKey]:
    spec = cluster.best.specificity
    return -spec[0], -spec[1], cluster.best.tokens, min(keys)


class _Resolver:
    """Decides, most specific clusters first, which fuller cluster a less specific one belongs to."""

    def __init__(
        self,
        index: PeopleIndex,
        groups: dict[MentionKey, PersonCluster],
        members: dict[MentionKey, list[MentionKey]],
    ) -> None:
        self._index = index
        self._groups = groups
        self._members = members  # root -> the keys of its cluster's mentions
        self._final: dict[MentionKey, MentionKey] = {}
        self._token_roots: dict[str, set[MentionKey]] = {}
        self._root_of: dict[MentionKey, MentionKey] = {}  # mention -> the root of its group
        self._decided: dict[tuple[object, ...], MentionKey | None] = {}  # clusters alike decide alike

    def attach(self, root: MentionKey) -> MentionKey:
        cluster = self._groups[root]
        signature = (cluster.best.tokens, cluster.country_key, frozenset(cluster.roles))
        if signature not in self._decided:
            self._decided[signature] = self._target(cluster)
        self._final[root] = self._decided[signature] or root
        return self._final[root]

    def _target(self, cluster: PersonCluster) -> MentionKey | None:
        """The one fuller cluster ``cluster`` abbreviates, if there is exactly one (by title when needed)."""
        spec = cluster.best.specificity
        fuller = [c for c in self._candidates(cluster) if self._groups[c].best.specificity > spec]
        fits = [c for c in fuller if self._fits(cluster, self._groups[c])]
        targets = {self._final[c] for c in fits}
        if len(targets) > 1 and cluster.roles:
            by_title = [c for c in fits if _roles_agree(cluster.roles, self._groups[c].roles)]
            targets = {self._final[c] for c in by_title}
        return targets.pop() if len(targets) == 1 else None

    def _candidates(self, cluster: PersonCluster) -> set[MentionKey]:
        best = cluster.best
        tokens = {best.surname} if len(best.core) > 1 else {best.surname, best.core[0]}
        out: set[MentionKey] = set()
        for token in tokens:
            if token not in self._token_roots:
                self._token_roots[token] = self._roots_for_token(token)
            out |= self._token_roots[token]
        return out

    def _roots_for_token(self, token: str) -> set[MentionKey]:
        if not self._root_of:  # one lookup per mention instead of a walk up the union-find
            self._root_of = {key: root for root, keys in self._members.items() for key in keys}
        return set(map(self._root_of.__getitem__, self._index.mentions_with(token)))

    @staticmethod
    def _fits(short: PersonCluster, full: PersonCluster) -> bool:
        if not countries_agree(short.country_key, full.country_key):
            return False
        return any(derivable(short.best, f) for f in full.forms)


def _roles_agree(a: set[frozenset[str]], b: set[frozenset[str]]) -> bool:
    return any(titles_agree(x, y) for x in a for y in b)


def _merge(
    groups: dict[MentionKey, PersonCluster], target: dict[MentionKey, MentionKey], order: list[MentionKey]
) -> list[PersonCluster]:
    """Clusters after attachment; short forms that stayed apart are one record per form and country."""
    merged: dict[object, PersonCluster] = {}
    loose: dict[tuple[str, ...], list[MentionKey]] = {}
    for root in order:
        if target[root] == root and not groups[root].best.specific:
            loose.setdefault(groups[root].best.tokens, []).append(root)
            continue
        merged.setdefault(target[root], PersonCluster()).mentions.extend(groups[root].mentions)
    for tokens, roots in loose.items():
        for key, members in _by_country(tokens, [groups[r] for r in roots]).items():
            merged[key] = PersonCluster([m for c in members for m in c.mentions])
    return list(merged.values())


def _by_country(tokens: tuple[str, ...], clusters: list[PersonCluster]) -> dict[object, list[PersonCluster]]:
    """Clusters of one short form by country; those without one join the only country there is."""
    out: dict[object, list[PersonCluster]] = {}
    for c in clusters:
        out.setdefault((tokens, c.country_key), []).append(c)
    known = [k for k in out if isinstance(k, tuple) and k[1] is not None]
    if (tokens, None) in out and len(known) == 1:
        out[known[0]].extend(out.pop((tokens, None)))
    return out
