"""The objectives are served in the plan's own words: the table of answer 1b of written question 668."""

import datetime
import re
from pathlib import Path

import pytest

from reporting.catalogue import BY_CODE
from reporting.objectives import CORRECTIONS, OBJECTIVES, SD4_MONITORING_EN, SD4_MONITORING_NL

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "docs" / "schriftelijke-vraag-668.txt"  # a copy of design/schriftelijke-vraag-668.txt
DESIGN = ROOT.parent.parent / "shared" / "design" / "schriftelijke-vraag-668.txt"


def _table() -> str:
    """The table of answer 1b with the document's line breaks, bullets and page breaks undone."""
    text = SOURCE.read_text(encoding="utf-8")
    table = text[text.index("Indicatoren:") : text.index("Het programmateam volgt de monitoring op.")]
    table = re.sub(r"\s+", " ", table.replace("\uf0b7", " ")).strip()
    # TD2.1's name runs across a page break, interleaved with its monitoring line's last word.
    broken = "TD2.1: Bedrijven erkennen Aantal technische screenings op de opleidings- en werkvloer voor anderstalige "
    broken += "werkzoekenden met een competenties migratieachtergrond."
    assert broken in table
    return table.replace(
        broken,
        "TD2.1: Bedrijven erkennen competenties Aantal technische screenings op de opleidings- en werkvloer voor "
        "anderstalige werkzoekenden met een migratieachtergrond.",
    )


def _as_in_source(text: str) -> str:
    for corrected, original in CORRECTIONS.items():
        text = text.replace(corrected, original)
    return text


def test_the_repositorys_copy_is_the_design_document():
    if DESIGN.exists():
        assert SOURCE.read_bytes() == DESIGN.read_bytes()


def test_names_and_monitoring_lines_are_the_tables_words_in_order():
    table = _table()
    position = 0
    for objective in OBJECTIVES:
        label = objective.code.upper()
        texts = [objective.name_nl, *objective.monitoring_nl]
        if objective.code == "sd4":
            texts = [objective.name_nl]
        for text in texts:
            found = table.find(_as_in_source(text), position)
            assert found >= 0, (label, text)
            position = found + len(_as_in_source(text))
    # every correction is used once, and each replaces a text really in the source
    for original in CORRECTIONS.values():
        assert original in table


def test_every_monitoring_line_of_the_table_is_served():
    table = _table()
    served = [_as_in_source(line) for o in OBJECTIVES for line in o.monitoring_nl]
    rest = table
    for line in served:
        rest = rest.replace(line, "")
    for objective in OBJECTIVES:
        rest = rest.replace(_as_in_source(objective.name_nl), "")
    rest = re.sub(r"(SD\d|TD ?\d\.\d):", "", rest).replace("Indicatoren:", "").strip()
    assert rest == ""


def test_english_is_given_for_every_line_and_sd4_points_to_its_tactical_objectives():
    for objective in OBJECTIVES:
        assert objective.name_en and len(objective.monitoring_en) == len(objective.monitoring_nl)
    sd4 = next(o for o in OBJECTIVES if o.code == "sd4")
    assert sd4.monitoring_nl == (SD4_MONITORING_NL,) and "TD4.1" in SD4_MONITORING_NL and "TD4.5" in SD4_MONITORING_NL
    assert sd4.monitoring_en == (SD4_MONITORING_EN,) and "TD4.1" in SD4_MONITORING_EN and "TD4.5" in SD4_MONITORING_EN


def test_objectives_api_serves_the_plans_words(reporting_client, compute):
    compute(datetime.date(2024, 6, 30))
    r = reporting_client.get("/api/v1/reporting/objectives/")
    assert r.status_code == 200
    body = {o["code"]: o for o in r.json()}
    for objective in OBJECTIVES:
        served = body[objective.code]
        assert served["name_nl"] == objective.name_nl and served["name_en"] == objective.name_en
        assert served["monitoring_nl"] == list(objective.monitoring_nl)
        assert served["monitoring_en"] == list(objective.monitoring_en)
    assert body["td2.2"]["name_nl"].startswith("We informeren werkgevers maximaal over de wetgeving")
    assert body["td4.1"]["name_nl"].startswith("Er is een gecoördineerde en gestructureerde aanpak")
    assert body["sd4"]["monitoring_nl"] == [SD4_MONITORING_NL]


@pytest.mark.django_db
def test_method_texts_say_when_they_count_the_target_group_only(reporting_client):
    served = {i["code"]: i for i in reporting_client.get("/api/v1/reporting/indicators/").json()}
    for code in (
        "td2.1.technical_screenings",
        "td2.1.competence_gap_share",
        "td3.2.mentoring",
        "td4.3.self_employment",
        "td4.4.interpreter_use",
        "td4.4.integrated_language",
    ):
        assert "Telt enkel werkzoekenden in de doelgroep" in BY_CODE[code].method_nl, code
        assert "Counts only job seekers in the target group" in BY_CODE[code].method_en, code
        assert served[code]["method_nl"] == BY_CODE[code].method_nl, code
