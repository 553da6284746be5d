"""Loading the word lists in ``data/`` into compiled, read-only lexicons.

Every loader is a pure function of a file and is cached, so a process reads each file once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from .text import compile_phrases, trie_regex, words_regex

DATA_PACKAGE = "briefings.extract.data"


def data_path(name: str) -> Path:
    return Path(str(resources.files(DATA_PACKAGE).joinpath(name)))


def read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _strs(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value)


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Places:
    """Country names, aliases, demonyms and capitals, each mapped to a canonical country."""

    country_of: MappingProxyType[str, str]  # any surface form -> country
    kind_of: MappingProxyType[str, str]  # surface -> "country" | "demonym" | "capital"
    adjective: MappingProxyType[str, str]  # country -> adjective used in body names ("Chinese")
    pattern: re.Pattern[str]  # any surface form, with an optional possessive
    listed: frozenset[str] = frozenset()  # the surface forms of countries.txt (not the ISO names)

    def lookup(self, surface: str) -> str | None:
        key = re.sub(r"['’]s?$", "", surface.strip())
        return self.country_of.get(key) or self.country_of.get(key.removeprefix("the "))


@lru_cache(maxsize=1)
def load_places() -> Places:
    country_of: dict[str, str] = {}
    kind_of: dict[str, str] = {}
    adjective: dict[str, str] = {}
    for line in data_path("countries.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|")] + ["", "", ""]
        name, demonyms, aliases, capitals = fields[:4]
        forms = {
            "country": [name],
            "demonym": _split(demonyms),
            "alias": _split(aliases),
            "capital": _split(capitals),
        }
        for kind, values in forms.items():
            for value in values:
                country_of.setdefault(value, name)
                kind_of.setdefault(value, "country" if kind == "alias" else kind)
        adjective[name] = (_split(demonyms) or [name])[0]
    listed = frozenset(country_of)
    _add_iso_names(country_of, kind_of)
    for surface in [s for s in country_of if "'" in s]:  # the same with a typographic apostrophe
        country_of.setdefault(surface.replace("'", "’"), country_of[surface])
        kind_of.setdefault(surface.replace("'", "’"), kind_of[surface])
    alternation = trie_regex(country_of, space=" ", fold=False)
    pattern = re.compile(rf"(?<![\w.])(?:{alternation})(?:['’]s)?(?![\w])")
    return Places(
        MappingProxyType(country_of), MappingProxyType(kind_of), MappingProxyType(adjective), pattern, listed
    )


def _add_iso_names(country_of: dict[str, str], kind_of: dict[str, str]) -> None:
    """Every state's ISO names from pycountry ("Arab Republic of Egypt" -> Egypt), under the
    canonical name countries.txt gives it; states it lacks under their common name."""
    try:
        import pycountry
    except ImportError:  # the hand list alone
        return
    skip = set(_strs(read_toml(data_path("states.toml")).get("skip")))
    for entry in pycountry.countries:
        names = [getattr(entry, key, None) for key in ("common_name", "name", "official_name")]
        forms = [n.removeprefix("the ") for n in names if isinstance(n, str) and "," not in n]
        if not forms:
            continue
        canonical = next((country_of[f] for f in forms if f in country_of), None)
        if canonical is None:
            if forms[0] in skip:
                continue
            canonical = forms[0]
        for form in forms:
            if form not in skip and form not in country_of:
                country_of[form] = canonical
                kind_of[form] = "country"


def _split(field: str) -> list[str]:
    return [v.strip() for v in field.split(",") if v.strip()]


# --------------------------------------------------------------------------- titles and names


@dataclass(frozen=True)
class Titles:
    pattern: re.Pattern[str]  # a title with optional prefixes ("Vice Foreign Minister")
    with_plural: re.Pattern[str]  # the same or its plural (group "pl")
    weak: frozenset[str]  # lowercased weak titles
    former: re.Pattern[str]
    spokes: frozenset[str]
    not_public: re.Pattern[str]
    implied_country: MappingProxyType[str, str]  # lowercased title -> country
    modifiers: frozenset[str]  # lowercase words between a state and a title ("international")
    title_states: MappingProxyType[str, frozenset[str]]  # lowercased title -> states that use it
    ranks: frozenset[str]  # lowercased military ranks (a post outranks them as a title)
    post_words: frozenset[str] = frozenset()  # capitalised portfolio words ("Finance", "Affairs")


@lru_cache(maxsize=1)
def load_titles() -> Titles:
    raw = read_toml(data_path("titles.toml"))
    titles = _strs(raw.get("titles"))
    prefixes = _strs(raw.get("prefixes"))
    spokes = _strs(raw.get("spokes"))
    title_alt = trie_regex({*titles, *spokes, *_strs(raw.get("ranks"))}, space=r"[\s-]+")
    prefix_alt = trie_regex(prefixes)
    pattern = re.compile(rf"(?<![\w-])(?:(?:{prefix_alt})[\s-]+)*(?:{title_alt})(?![\w])", re.IGNORECASE)
    # the same, also finding plurals in the same scan: group "pl" marks one ("finance ministers")
    with_plural = re.compile(
        rf"(?<![\w-])(?:(?:{prefix_alt})[\s-]+)*(?:{title_alt})(?P<pl>(?<=[a-z])s)?(?![\w])", re.IGNORECASE
    )
    implied = cast(dict[str, str], raw.get("implied_country", {}))
    return Titles(
        pattern=pattern,
        with_plural=with_plural,
        weak=frozenset(t.lower() for t in _strs(raw.get("weak"))),
        former=re.compile(rf"(?:{'|'.join(re.escape(f) for f in _strs(raw.get('former')))})", re.IGNORECASE),
        spokes=frozenset(s.lower() for s in spokes),
        not_public=words_regex(_strs(raw.get("not_public"))),
        implied_country=MappingProxyType({k.lower(): v for k, v in implied.items()}),
        modifiers=frozenset(m.lower() for m in _strs(raw.get("modifiers"))),
        post_words=frozenset(_strs(raw.get("post_words"))),
        ranks=frozenset(r.lower() for r in _strs(raw.get("ranks"))),
        title_states=MappingProxyType(
            {
                k.lower(): frozenset(_strs(v))
                for k, v in cast(dict[str, Any], raw.get("title_states", {})).items()
            }
        ),
    )


@dataclass(frozen=True)
class NameRules:
    particles: frozenset[str]
    suffixes: frozenset[str]
    stop: frozenset[str]
    honorifics: frozenset[str]
    openers: frozenset[str]
    chinese_surnames: frozenset[str]
    pinyin: frozenset[str]


@lru_cache(maxsize=1)
def load_name_rules() -> NameRules:
    raw = read_toml(data_path("names.toml"))
    places = load_places()
    stop = set(_strs(raw.get("stop")))
    stop.update(w for surface in places.listed for w in surface.split())
    stop.update(MONTHS)
    openers = frozenset(_strs(raw.get("openers")))
    stop -= openers
    surnames, syllables = _read_chinese_names()
    return NameRules(
        particles=frozenset(_strs(raw.get("particles"))),
        suffixes=frozenset(_strs(raw.get("suffixes"))),
        stop=frozenset(stop),
        honorifics=frozenset(_strs(raw.get("honorifics"))),
        openers=openers,
        chinese_surnames=surnames,
        pinyin=syllables,
    )


def _read_chinese_names() -> tuple[frozenset[str], frozenset[str]]:
    section = ""
    found: dict[str, set[str]] = {"surnames": set(), "syllables": set()}
    for line in data_path("chinese_names.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("["):
            section = line.strip("[] ")
            continue
        found.setdefault(section, set()).update(line.split())
    return frozenset(found["surnames"]), frozenset(found["syllables"])


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --------------------------------------------------------------------------- bodies


@dataclass(frozen=True)
class BodyForm:
    canonical: str
    country: str | None


@dataclass(frozen=True)
class Bodies:
    named: MappingProxyType[str, BodyForm]  # lowercased form -> body
    named_pattern: re.Pattern[str]
    foreign_ministry: MappingProxyType[str, str]  # country -> canonical name
    foreign_forms: re.Pattern[str]
    generic_heads: tuple[str, ...]
    military: MappingProxyType[str, str]  # country -> its army's usual name ("Pakistan Army")
    form_states: MappingProxyType[str, frozenset[str]]  # lowercased foreign-ministry form -> states using it


@lru_cache(maxsize=1)
def load_bodies() -> Bodies:
    raw = read_toml(data_path("bodies.toml"))
    named: dict[str, BodyForm] = {}
    case_sensitive: list[str] = []
    insensitive: list[str] = []
    for entry in cast(list[dict[str, Any]], raw.get("body", [])):
        form = BodyForm(str(entry["canonical"]), str(entry.get("country") or "") or None)
        for surface in _strs(entry.get("forms")):
            named[surface.lower()] = form
            (case_sensitive if surface.isupper() else insensitive).append(surface)
    alts = [f"(?-i:{re.escape(s)})" for s in case_sensitive] + [re.escape(s) for s in insensitive]
    alts.sort(key=len, reverse=True)
    named_pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(alts)})(?![\w])", re.IGNORECASE)
    fm = cast(dict[str, str], raw.get("foreign_ministry", {}))
    return Bodies(
        named=MappingProxyType(named),
        named_pattern=named_pattern,
        foreign_ministry=MappingProxyType(dict(fm)),
        foreign_forms=words_regex(_strs(raw.get("foreign_ministry_forms"))),
        generic_heads=_strs(raw.get("generic_heads")),
        military=MappingProxyType(dict(cast(dict[str, str], raw.get("army", {})))),
        form_states=MappingProxyType(
            {
                k.lower(): frozenset(_strs(v))
                for k, v in cast(dict[str, Any], raw.get("form_states", {})).items()
            }
        ),
    )


# --------------------------------------------------------------------------- verbs, cues, credits


@dataclass(frozen=True)
class Verbs:
    speech: re.Pattern[str]
    speech_participles: re.Pattern[str]
    speech_nouns: frozenset[str]
    agree: re.Pattern[str]
    agree_nouns: re.Pattern[str]
    affirm: re.Pattern[str]
    future_subjects: re.Pattern[str]
    sign: re.Pattern[str]
    sign_objects: frozenset[str]
    action_verbs: frozenset[str]
    scope_nouns: frozenset[str]
    prior_markers: re.Pattern[str]
    clause_ends: re.Pattern[str]
    participle_next: frozenset[str]
    noun_before: frozenset[str]
    new_clause_verbs: re.Pattern[str]
    affirm_commitment: re.Pattern[str]
    commitment_nouns: frozenset[str]
    welcome: frozenset[str]
    no_object: frozenset[str]
    step_nouns: frozenset[str]


@lru_cache(maxsize=1)
def load_verbs() -> Verbs:
    raw = read_toml(data_path("verbs.toml"))
    return Verbs(
        speech=words_regex(_strs(raw.get("speech"))),
        speech_participles=words_regex(_strs(raw.get("speech_participles"))),
        speech_nouns=frozenset(_strs(raw.get("speech_nouns"))),
        agree=words_regex(_strs(raw.get("agree"))),
        agree_nouns=words_regex(_strs(raw.get("agree_nouns"))),
        affirm=words_regex(_strs(raw.get("affirm"))),
        future_subjects=words_regex(_strs(raw.get("future_subjects"))),
        sign=words_regex(_strs(raw.get("sign"))),
        sign_objects=frozenset(w.lower() for w in _strs(raw.get("sign_objects"))),
        action_verbs=frozenset(_strs(raw.get("action_verbs"))),
        scope_nouns=frozenset(_strs(raw.get("scope_nouns"))),
        prior_markers=words_regex(_strs(raw.get("prior_markers"))),
        clause_ends=words_regex(_strs(raw.get("clause_ends"))),
        participle_next=frozenset(w.lower() for w in _strs(raw.get("participle_next"))),
        noun_before=frozenset(w.lower() for w in _strs(raw.get("noun_before"))),
        new_clause_verbs=words_regex(_strs(raw.get("new_clause_verbs"))),
        affirm_commitment=words_regex(_strs(raw.get("affirm_commitment"))),
        commitment_nouns=frozenset(w.lower() for w in _strs(raw.get("commitment_nouns"))),
        welcome=frozenset(w.lower() for w in _strs(raw.get("welcome"))),
        no_object=frozenset(w.lower() for w in _strs(raw.get("no_object"))),
        step_nouns=frozenset(w.lower() for w in _strs(raw.get("step_nouns"))),
    )


@dataclass(frozen=True)
class StatusCues:
    open: re.Pattern[str] | None
    progress: re.Pattern[str] | None
    resolved: re.Pattern[str] | None
    future: re.Pattern[str] | None


def status_cues_from(table: dict[str, Any]) -> StatusCues:
    return StatusCues(
        open=compile_phrases(_strs(table.get("open"))),
        progress=compile_phrases(_strs(table.get("progress"))),
        resolved=compile_phrases(_strs(table.get("resolved"))),
        future=compile_phrases(_strs(table.get("future"))),
    )


@lru_cache(maxsize=1)
def load_status_cues() -> StatusCues:
    raw = read_toml(data_path("status.toml"))
    return status_cues_from(cast(dict[str, Any], raw.get("status", {})))


@dataclass(frozen=True)
class Credits:
    line_patterns: tuple[re.Pattern[str], ...]
    inline_patterns: tuple[re.Pattern[str], ...]
    caption_credit: re.Pattern[str]


@lru_cache(maxsize=1)
def load_credits() -> Credits:
    raw = read_toml(data_path("credits.toml"))
    return Credits(
        line_patterns=tuple(re.compile(p) for p in _strs(raw.get("line_patterns"))),
        inline_patterns=tuple(re.compile(p) for p in _strs(raw.get("inline_patterns"))),
        caption_credit=re.compile(str(raw.get("caption_credit", r"(?!x)x"))),
    )


# --------------------------------------------------------------------------- perspective


@dataclass(frozen=True)
class Perspective:
    """Cues of a government's own text (``data/perspective.toml``)."""

    genre: re.Pattern[str]  # a genre word opening a title ("Readout of ...", "Joint Statement")
    self_names: re.Pattern[str]  # any state's own names for its government
    state_of: MappingProxyType[str, str]  # lowercased own name -> state
    single_posts: frozenset[str]  # lowercased posts a state has one holder of ("president")
    head_posts: frozenset[str]  # lowercased posts of a head of state or government
    unused_words: MappingProxyType[str, frozenset[str]]  # state -> lowercased title words it never uses
    voice: re.Pattern[str]  # a title naming the one whose words the text is ("Statement from <Title> <Name>")
    spoken: re.Pattern[str]  # a title of a government's press call or gaggle (its talk commits no one)


@lru_cache(maxsize=1)
def load_perspective() -> Perspective:
    raw = read_toml(data_path("perspective.toml"))
    genre, spoken = (_opening(_strs(raw.get(key))) for key in ("genres", "spoken"))
    state_of: dict[str, str] = {}
    for state, names in cast(dict[str, Any], raw.get("self", {})).items():
        for name in _strs(names):
            state_of[name.lower()] = str(state)
    self_names = words_regex([n for n in state_of], ignore_case=True)
    single = frozenset(p.lower() for p in _strs(raw.get("single_posts")))
    heads = frozenset(p.lower() for p in _strs(raw.get("head_posts")))
    unused = {
        state: frozenset(w.lower() for w in _strs(words))
        for state, words in cast(dict[str, Any], raw.get("unused_words", {})).items()
    }
    voices = sorted(_strs(raw.get("voices")), key=len, reverse=True) or ["(?!x)x"]
    voice = re.compile(
        r"\W*(?:" + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in voices) + r")\s+(?:the\s+)?",
        re.IGNORECASE,
    )
    return Perspective(
        genre, self_names, MappingProxyType(state_of), single, heads, MappingProxyType(unused), voice, spoken
    )


def _opening(words: tuple[str, ...]) -> re.Pattern[str]:
    """A title opening with one of ``words`` (the longest first; none: never)."""
    alts = sorted(words, key=len, reverse=True) or ["(?!x)x"]
    return re.compile(
        r"^\W*(?:" + "|".join(re.escape(g).replace(r"\ ", r"\s+") for g in alts) + r")\b", re.IGNORECASE
    )


# --------------------------------------------------------------------------- everything


@dataclass(frozen=True)
class Lexicon:
    places: Places
    titles: Titles
    names: NameRules
    bodies: Bodies
    verbs: Verbs
    status: StatusCues
    credits: Credits
    perspective: Perspective


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    return Lexicon(
        places=load_places(),
        titles=load_titles(),
        names=load_name_rules(),
        bodies=load_bodies(),
        verbs=load_verbs(),
        status=load_status_cues(),
        credits=load_credits(),
        perspective=load_perspective(),
    )
