"""Is a short text news? A wire flash of one or two sentences is; a page of navigation crumbs is not.

A text shorter than ``min_words`` words is taken as an article when one of its sentences says
who did what: it ends as a sentence does, has a verb (a past tense in -ed, or a verb of the news
from ``data/flash.toml``) and names an actor (a capitalised name that does more than open the
sentence). Menus, crumbs and headlines have no such sentence: no end, no verb in lowercase, or no
one named.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

_ENDS = ".!?।。"
_CLOSERS = "\"'”’)]»"
_SPLIT = re.compile(rf"(?<=[{re.escape(_ENDS)}])[{re.escape(_CLOSERS)}]*\s+")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_PAST = re.compile(r"^[a-z]{2,}ed$")
_ACRONYM = re.compile(r"^[A-Z]{2,5}s?$")


@dataclass(frozen=True)
class Rules:
    min_words: int
    sentence_words: int
    verbs: frozenset[str]
    not_verbs: frozenset[str]
    not_actors: frozenset[str]


@cache
def rules() -> Rules:
    data = tomllib.loads((resources.files("briefings.ingest") / "data" / "flash.toml").read_text("utf-8"))
    return Rules(
        min_words=int(data["min_words"]),
        sentence_words=int(data["sentence_words"]),
        verbs=frozenset(data["verbs"]),
        not_verbs=frozenset(data["not_verbs"]),
        not_actors=frozenset(data["not_actors"]),
    )


def is_news(text: str) -> bool:
    """Long enough to be an article, or a flash."""
    return len(text.split()) >= rules().min_words or is_flash(text)


def is_flash(text: str) -> bool:
    """One of the sentences of ``text`` says who did what."""
    return any(_says_who_did_what(s) for line in text.splitlines() for s in _SPLIT.split(line.strip()))


def _says_who_did_what(sentence: str) -> bool:
    if not sentence.rstrip(_CLOSERS).endswith(tuple(_ENDS)):
        return False
    words = [w.rstrip(".") for w in _WORD.findall(sentence)]
    r = rules()
    if len(words) < r.sentence_words:
        return False
    return _has_verb(words, r) and _names_an_actor(words, r)


def _has_verb(words: list[str], r: Rules) -> bool:
    return any(w in r.verbs or (_PAST.match(w) is not None and w not in r.not_verbs) for w in words)


def _names_an_actor(words: list[str], r: Rules) -> bool:
    """A capitalised name past the first word, or a first word that starts a name of several."""
    named = [_is_name(w, r) for w in words]
    return any(named[1:]) or (named[0] and len(named) > 1 and words[1][:1].isupper())


def _is_name(word: str, r: Rules) -> bool:
    if word in r.not_actors:
        return False
    return _ACRONYM.match(word) is not None or (word[:1].isupper() and any(c.islower() for c in word[1:]))
