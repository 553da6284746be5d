"""The word lists of event lines: ``eventlines_data.toml`` beside the package, read once per process."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent.with_name("eventlines_data.toml")


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``eventlines_data.toml`` (see the file's header)."""

    reporting_verbs: frozenset[str]
    telling_verbs: frozenset[str]
    light_nouns: frozenset[str]
    complement_nouns: frozenset[str]
    title_words: frozenset[str]
    attribution_preps: frozenset[str]
    background_preps: frozenset[str]
    partner_preps: frozenset[str]
    topic_preps: frozenset[str]
    object_preps: frozenset[str]
    keep_adverbs: frozenset[str]
    condition_marks: frozenset[str]
    person_nouns: frozenset[str]
    org_nouns: frozenset[str]
    date_heads: frozenset[str]
    date_fillers: frozenset[str]
    leading_adverbials: tuple[str, ...]
    leading_openers: frozenset[str]
    clause_words: frozenset[str]
    phrase_words: frozenset[str]
    function_words: frozenset[str]
    argument_preps: dict[str, frozenset[str]]


@lru_cache(maxsize=4)
def lexicon(path: Path = DATA_FILE) -> Lexicon:
    """The word lists, read once per process."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in raw[key])

    return Lexicon(
        reporting_verbs=words("reporting_verbs"),
        telling_verbs=words("telling_verbs"),
        light_nouns=words("light_nouns"),
        complement_nouns=words("complement_nouns"),
        title_words=words("title_words"),
        attribution_preps=words("attribution_preps"),
        background_preps=words("background_preps"),
        partner_preps=words("partner_preps"),
        topic_preps=words("topic_preps"),
        object_preps=words("object_preps"),
        keep_adverbs=words("keep_adverbs"),
        condition_marks=words("condition_marks"),
        person_nouns=words("person_nouns"),
        org_nouns=words("org_nouns"),
        date_heads=words("date_heads"),
        date_fillers=words("date_fillers"),
        leading_adverbials=tuple(
            sorted({str(w).lower() for w in raw["leading_adverbials"]}, key=len, reverse=True)
        ),
        leading_openers=words("leading_openers"),
        clause_words=words("clause_words"),
        phrase_words=words("phrase_words"),
        function_words=words("function_words"),
        argument_preps={
            str(verb).lower(): frozenset(str(p).lower() for p in preps)
            for verb, preps in raw["argument_preps"].items()
        },
    )
