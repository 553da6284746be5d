"""Structure from the dependency parse: who a quotation belongs to, and who an appositive title
belongs to, when the surface does not say.

Sentences written for these tests (fictional people and states). The parse is asked only about
sentences the surface rules could not settle; the ``Parsed`` checks use hand-built trees, so they
do not depend on the model's version."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.extract import Extractor
from briefings.extract.parse import Parsed, Parses, Token
from briefings.models import CleanArticle


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor.load()


def speakers(ex: Extractor, text: str) -> list[tuple[str, str | None]]:
    article = CleanArticle(title="", text=text, published=dt.date(2025, 3, 4))
    return [(q.text, q.speaker) for q in ex.extract(article, "s.txt").quotes]


def tree(spec: str) -> Parsed:
    """Tokens from "text/dep/head" items (head: the index of the head token), one space apart."""
    tokens, pos = [], 0
    for item in spec.split():
        text, dep, head = item.rsplit("/", 2)
        tokens.append(Token(pos, pos + len(text), text, dep, int(head)))
        pos += len(text) + 1
    return Parsed(tuple(tokens))


# "Vell recounted how talks stalled and ensured that “ships sail”"
RECOUNTED = tree(
    "Vell/nsubj/1 recounted/ROOT/1 how/advmod/4 talks/nsubj/4 stalled/ccomp/1 and/cc/1 "
    "ensured/conj/1 that/mark/10 “/punct/10 ships/nsubj/10 sail/ccomp/6 ”/punct/10"
)


def test_the_subject_of_the_clause_above_a_quotation_is_outside_it() -> None:
    quote = RECOUNTED.tokens[8]
    assert RECOUNTED.governing_subject(quote.start, RECOUNTED.tokens[11].end) == 0  # not "ships"


def test_a_relative_pronoun_stands_for_the_noun_it_modifies() -> None:
    # "met Lamb , who warned “fees rise”"
    parsed = tree(
        "met/ROOT/0 Lamb/dobj/0 ,/punct/1 who/nsubj/4 warned/relcl/1 “/punct/7 fees/nsubj/7 "
        "rise/ccomp/4 ”/punct/7"
    )
    assert parsed.governing_subject(parsed.tokens[5].start, parsed.tokens[8].end) == 1


def test_a_noun_the_quotation_completes_stands_for_its_possessor() -> None:
    # "Lamb 's pledge that “ports open” was heard"
    parsed = tree(
        "Lamb/poss/2 's/case/0 pledge/nsubjpass/9 that/mark/6 “/punct/6 ports/nsubj/6 "
        "open/acl/2 ”/punct/6 was/auxpass/9 heard/ROOT/9"
    )
    assert parsed.governing_subject(parsed.tokens[4].start, parsed.tokens[7].end) == 0


def test_a_name_with_its_title_is_one_noun_phrase() -> None:
    parsed = tree("Grand/compound/1 Chancellor/compound/3 Osric/compound/3 Lamb/nsubj/4 spoke/ROOT/4")
    assert parsed.noun_phrase(3) == (0, 3)


def test_without_a_parser_nothing_is_parsed() -> None:
    parses = Parses(None)
    assert parses.sentence("Vell spoke.", 0, 11) is None and parses.used == 0


def test_a_sentence_is_parsed_once() -> None:
    calls: list[str] = []

    def fake(text: str) -> list[tuple[int, int, str, str, int]]:
        calls.append(text)
        return [(0, 4, "Vell", "nsubj", 1), (5, 10, "spoke", "ROOT", 1)]

    parses = Parses(fake)
    first = parses.sentence("xx Vell spoke.", 3, 13)
    assert first is not None and first.tokens[0].start == 3 and first.tokens[1].head == 1
    assert parses.sentence("xx Vell spoke.", 3, 13) is first and calls == ["Vell spoke"]


def test_speaker_is_the_subject_of_the_clause_that_holds_the_quote(ex: Extractor) -> None:
    text = (
        "Prime Minister Osric Lamb of Borduria met Foreign Minister Anna Vell of Ruritania on Monday.\n\n"
        "In a speech to the assembly that ran past midnight, the Foreign Minister made the case that the "
        "new ferry line “will carry grain before winter.”"
    )
    assert speakers(ex, text) == [("will carry grain before winter.", "Anna Vell")]


def test_speaker_is_the_possessor_of_the_statement_a_quote_completes(ex: Extractor) -> None:
    text = (
        "Prime Minister Osric Lamb of Borduria thanked Foreign Minister Anna Vell of Ruritania for her "
        "support, noting that the Foreign Minister’s pledge that “no fishing boat will be turned away” "
        "had been heard along the coast."
    )
    assert speakers(ex, text) == [("no fishing boat will be turned away", "Anna Vell")]


def officials(ex: Extractor, text: str) -> dict[str, str | None]:
    article = CleanArticle(title="", text=text, published=dt.date(2025, 3, 4))
    return {o.name: o.title for o in ex.extract(article, "o.txt").officials}


def test_an_appositive_title_holding_a_second_name_belongs_to_the_first(ex: Extractor) -> None:
    text = (
        "The talks were opened by Marten Quill, Head of Cabinet of Prime Minister Anna Vell, and "
        "closed by a reception in the old harbour."
    )
    found = officials(ex, text)
    assert found["Marten Quill"] == "Head of Cabinet of Prime Minister Anna Vell"
    assert found["Anna Vell"] == "Prime Minister"


def test_a_list_of_titled_names_is_not_an_apposition(ex: Extractor) -> None:
    text = (
        "The Ruritanian delegation included Trade Minister Anna Vell, Ambassador to Chile Marten "
        "Quill, and Deputy Minister of Fisheries Osric Lamb."
    )
    found = officials(ex, text)
    assert found["Anna Vell"] == "Trade Minister"
    assert found["Marten Quill"] == "Ambassador to Chile"
    assert found["Osric Lamb"] == "Deputy Minister of Fisheries"
