"""A government's own text: whose officials are whose (written for the purpose, fictional people)."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.extract import Extractor
from briefings.extract.document import build_doc
from briefings.extract.perspective import publisher
from briefings.models import CleanArticle, Official


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor.load()


def officials(ex: Extractor, title: str, body: str) -> dict[str, Official]:
    article = CleanArticle(title=title, text=body, published=dt.date(2024, 3, 5))
    return {o.name: o for o in ex.extract(article, "t.txt").officials}


def test_the_one_backed_by_the_publisher_is_the_other_side(ex: Extractor) -> None:
    people = officials(
        ex,
        "Readout of Secretary Alan Vance’s Meeting with Minister of Finance Tomas Reld of Chile",
        "Secretary of the Treasury Alan Vance met today with Minister of Finance Tomas Reld of Chile. "
        "Secretary Vance affirmed the United States’ full support for President Saren’s fiscal reforms.",
    )
    assert people["Alan Vance"].country == "United States"
    assert people["Saren"].country == "Chile"


def test_a_second_holder_of_one_post_serves_the_other_side(ex: Extractor) -> None:
    people = officials(
        ex,
        "Readout of Secretary Alan Vance’s Meeting with Vice Premier Dov Ral of Chile",
        "Secretary Alan Vance met today with Vice Premier Dov Ral of Chile. The meeting builds on the "
        "progress made by President Harlan and President Istra at their summit last year. Secretary Vance "
        "raised the concerns of the United States about overcapacity.",
    )
    assert people["Harlan"].country == "United States"
    assert people["Istra"].country == "Chile"


def test_a_delegation_with_modifiers_gives_its_state(ex: Extractor) -> None:
    people = officials(
        ex,
        "Joint Statement from Chile and the United States on Security Cooperation",
        "National Security Advisor Dale Myer hosted the talks at the White House. The Chilean high-level "
        "delegation included Foreign Minister Ana Pell and Chief Officer for North America Rui Salm.",
    )
    assert people["Dale Myer"].country == "United States"
    assert people["Ana Pell"].country == "Chile"
    assert people["Rui Salm"].country == "Chile"


def test_the_state_a_title_gives_a_name_is_never_the_publisher(ex: Extractor) -> None:
    people = officials(
        ex,
        "Readout of National Security Advisor Dale Myer’s Call with Chief Adviser Rana Osk of Bangladesh",
        "National Security Advisor Dale Myer spoke today with Chief Adviser Rana Osk, head of the Interim "
        "Government of Bangladesh. Mr. Myer thanked Chief Adviser Osk for his leadership of Bangladesh and "
        "reiterated the United States’ support for a stable Bangladesh.",
    )
    assert people["Dale Myer"].country == "United States"
    assert people["Rana Osk"].country == "Bangladesh"


def test_a_visitor_to_the_publisher_state_is_the_other_side(ex: Extractor) -> None:
    people = officials(
        ex,
        "Readout of Secretary Alan Vance’s Meeting with Minister of Finance Tomas Reld of Chile",
        "Secretary Alan Vance met today with Minister of Finance Tomas Reld of Chile and looked forward to "
        "President Saren’s upcoming state visit to the United States.",
    )
    assert people["Saren"].country == "Chile"


def test_a_title_opening_with_a_government_names_the_publisher(ex: Extractor) -> None:
    people = officials(
        ex,
        "Government of Peru and Partners Launch a Water Fund Secretariat",
        "Today, the Government of Peru and its partners launched the Secretariat. “The Secretariat is a "
        "milestone,” said Rosa Quilca, Deputy Minister for Water Resources. Partners included Dana Holt "
        "(Assistant Secretary of the U.S. Treasury for International Affairs) and Ken Arima (Deputy "
        "Director General of the Ministry of Finance of Japan). “It helps,” Assistant Secretary Dana Holt "
        "said. “It is a model,” Deputy Director General Ken Arima said.",
    )
    assert people["Rosa Quilca"].country == "Peru"
    assert people["Dana Holt"].country == "United States"
    assert people["Ken Arima"].country == "Japan"


def test_a_title_the_publisher_never_uses_is_the_other_side(ex: Extractor) -> None:
    people = officials(
        ex,
        "READOUT: Secretary of the Treasury Alan Vance’s Meeting with Chilean Finance Minister Tomas Reld",
        "Secretary Alan Vance met today with Chilean Finance Minister Tomas Reld. Secretary Vance also "
        "spoke with Coordinating Minister for Maritime Affairs Ana Poblete.",
    )
    assert people["Alan Vance"].country == "United States"
    assert people["Ana Poblete"].country == "Chile"


def test_leaders_listed_together_lead_different_states(ex: Extractor) -> None:
    people = officials(
        ex,
        "Joint Statement from Chile, Peru and the United States following the Trilateral Water Meeting",
        "At their summit President Alan Vance, President Rosa Quilca, and Prime Minister Dov Ral of Chile "
        "directed the formation of a committee. Chilean Minister Tomas Reld and Peruvian Minister Ana "
        "Poblete attended.",
    )
    assert people["Alan Vance"].country == "United States"
    assert people["Rosa Quilca"].country == "Peru"


def test_a_press_gaggle_reads_its_officials_from_the_publishers_side(ex: Extractor) -> None:
    people = officials(
        ex,
        "Background Press Gaggle on the Chile-Peru Bilateral Meeting",
        "MODERATOR: Thanks for joining.\n\nSENIOR OFFICIAL: President Lena Orrin had a warm meeting with"
        " President Tomas Reyk of Peru. Administrator Paul Wexley joined them to discuss the"
        " Chile-Peru space partnership and Chile’s support for the harbour.",
    )
    assert people["Tomas Reyk"].country == "Peru"
    assert people["Paul Wexley"].country == "Chile"


def test_a_tie_goes_to_the_state_a_text_pairs_first_with_the_other_side(ex: Extractor) -> None:
    title = (
        "Readout of National Security Advisor Dana Holt’s Meeting with Defence Secretary Ivo Brandt of Peru"
    )
    body = (
        "National Security Advisor Dana Holt met with Defence Secretary Ivo Brandt of Peru today to"
        " discuss Chile-Peru cooperation, the crisis in Sudan and support for Ukraine."
    )
    doc = build_doc(body, dt.date(2024, 3, 5), ex.lexicon, title)
    assert publisher(doc, ex.lexicon, {"Peru"}) == "Chile"


def test_a_text_naming_one_state_only_gives_its_officials_that_state(ex: Extractor) -> None:
    people = officials(
        ex,
        "Statement from President Lena Orrin on her Intent to Nominate Paul Wexley",
        "Today, President Lena Orrin announced her intent to nominate Paul Wexley for Commissioner of"
        " the Trade Commission. Commissioner Ada Brix served the people of Chile for a decade.",
    )
    assert people["Lena Orrin"].country == "Chile"
    assert people["Ada Brix"].country == "Chile"


def test_a_text_naming_one_foreign_state_gives_its_officials_no_state(ex: Extractor) -> None:
    # a domestic story names the foreign state it is about, never its own
    people = officials(
        ex,
        "Governor faults tariff plan",
        "Governor Ann Lorde said on Tuesday that Peru's new tariffs on copper would hurt farmers"
        " in her province.",
    )
    assert people["Ann Lorde"].country != "Peru"


def test_a_title_owned_by_a_post_takes_the_state_of_its_holder(ex: Extractor) -> None:
    people = officials(
        ex,
        "Poland and Chile talk trade",
        "Polish Prime Minister Karl Weiss received the delegation on Monday. The Prime Minister's"
        " National Security Adviser Jane Roe said the talks were useful. Commissioner Maria Lopez of"
        " Chile led the visiting delegation.",
    )
    assert people["Jane Roe"].country == "Poland"
