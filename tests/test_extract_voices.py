"""Officials named by a title as the text's own voice (written for the purpose, fictional people)."""

from __future__ import annotations

import datetime as dt

from briefings.extract import Extractor
from briefings.models import CleanArticle
from tests.test_extract_perspective import ex, officials

__all__ = ["ex"]  # the module's extractor fixture, shared with the perspective tests


def test_a_statement_from_an_official_names_its_speaker(ex: Extractor) -> None:
    people = officials(
        ex,
        "Statement from Secretary of State Orla Venn on the Harbour Accord",
        "Tonight the harbour talks ended without a deal. We will keep working with our partners.",
    )
    assert people["Orla Venn"].title == "Secretary of State"


def test_remarks_by_two_leaders_name_both(ex: Extractor) -> None:
    people = officials(
        ex,
        "Remarks by President Halvard Mott and Prime Minister Ines Calder of Ruritania Before Bilateral"
        " Meeting",
        "PRESIDENT MOTT: Welcome. It is good to see you again.\n\nPRIME MINISTER CALDER: Thank you.",
    )
    assert people["Halvard Mott"].title == "President"
    assert people["Ines Calder"].title == "Prime Minister"


def test_a_name_elsewhere_in_a_title_stays_unconfirmed(ex: Extractor) -> None:
    people = officials(
        ex,
        "Readout of the Harbour Talks on Minister Edda Brandt’s Proposal",
        "The delegations met today and discussed the harbour.",
    )
    assert "Edda Brandt" not in people


def test_the_body_keeps_its_own_title_for_a_voice(ex: Extractor) -> None:
    people = officials(
        ex,
        "Statement from President Halvard Mott",
        "President Halvard Mott, the Chair of the Council, said the harbour will reopen.",
    )
    assert list(people).count("Halvard Mott") == 1


def speakers(ex: Extractor, title: str, body: str) -> list[str | None]:
    article = CleanArticle(title=title, text=body, published=dt.date(2024, 3, 5))
    return [q.speaker for q in ex.extract(article, "t.txt").quotes]


def test_a_quotation_inside_a_labelled_turn_is_the_labelled_speakers(ex: Extractor) -> None:
    said = speakers(
        ex,
        "Remarks by President Halvard Mott and Prime Minister Ines Calder of Ruritania in a Press Gaggle",
        "Q What will you tell the harbour board?\n\nPRIME MINISTER CALDER: I will say “We are ready to sign "
        "the accord this week.”\n\nQ And the tariffs?\n\nTHE PRESIDENT: Stay tuned.",
    )
    assert said == ["Ines Calder"]


def test_a_statement_in_one_voice_is_that_voices_quotation(ex: Extractor) -> None:
    said = speakers(
        ex,
        "Statement from Secretary of State Orla Venn",
        "“Tonight the harbour talks ended without a deal, and we regret the outcome deeply.”",
    )
    assert said == ["Orla Venn"]


def test_the_voice_of_a_statement_speaks_for_the_publisher(ex: Extractor) -> None:
    people = officials(
        ex,
        "Statement from Secretary of State Orla Venn",
        "Tonight, Chile took action against Peru. We are not involved. President Dace Holm and the "
        "Administration have taken every step to protect our forces. Chile told us this was necessary.",
    )
    assert people["Orla Venn"].country == "United States"
    assert people["Dace Holm"].country == "United States"


def test_a_readout_titles_voices_serve_the_state_one_of_their_titles_implies(ex: Extractor) -> None:
    people = officials(
        ex,
        "Readout of National Security Advisor Rand Ostby, Secretary of State Orla Venn, and General Kell"
        " Marr’s Call with Chilean Counterparts",
        "Today, National Security Advisor Rand Ostby, Secretary of State Orla Venn, and General Kell Marr "
        "held a call with Foreign Minister Ana Pell of Chile. The U.S. officials discussed the Russian "
        "blockade of the port.",
    )
    assert people["Rand Ostby"].country == "United States"
    assert people["Kell Marr"].country == "United States"
    assert people["Ana Pell"].country == "Chile"


def test_a_reporters_echo_and_a_quoted_term_are_not_quotations(ex: Extractor) -> None:
    said = speakers(
        ex,
        "Remarks by President Halvard Mott in a Press Gaggle",
        "Q Mr. President, when will you sign?\n\nTHE PRESIDENT: When do you want me to sign?\n\n"
        "Q “When do you want me to sign”?\n\nTHE PRESIDENT: Press “raise hand” if you have a question. "
        "I said “We will sign the accord this week.”",
    )
    assert said == ["Halvard Mott"]


def test_a_voices_state_in_the_title_holds_when_the_body_names_the_post_only(ex: Extractor) -> None:
    people = officials(
        ex,
        "Remarks by President Halvard Mott and President Tomas Reyk of the Republic of Peru During Arrival",
        "(President Reyk arrives.)\n\nPRESIDENT MOTT: Welcome.\n\nPRESIDENT REYK: Thank you for having us.",
    )
    reyk = next(p for name, p in people.items() if "Reyk" in name or "REYK" in name)
    assert reyk.country == "Peru"
