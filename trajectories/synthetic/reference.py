"""Phase 1, reference data: offices over the six regions, partners and projects (`organisations`), employers."""

from __future__ import annotations

import datetime

from .organisations import PARTNERS, PROJECTS
from .population import LAST_NAMES
from .synth import Synth, _add_years

# (code, name, region, NIS code of the office's municipality, weight ~ its share of the caseload)
OFFICES = [
    ("ANT01", "Antwerpen Centrum", "antwerpen", "11002", 9),
    ("ANT02", "Antwerpen Noord", "antwerpen", "11002", 8),
    ("ANT03", "Borgerhout", "antwerpen", "11002", 6),
    ("ANT04", "Mechelen", "antwerpen", "12025", 5),
    ("ANT05", "Turnhout", "antwerpen", "13040", 2),
    ("ANT06", "Lier", "antwerpen", "12021", 2),
    ("ANT07", "Boom", "antwerpen", "11005", 2),
    ("ANT08", "Geel", "antwerpen", "13008", 1),
    ("OVL01", "Gent Centrum", "oost-vlaanderen", "44021", 8),
    ("OVL02", "Gent Dampoort", "oost-vlaanderen", "44021", 5),
    ("OVL03", "Sint-Niklaas", "oost-vlaanderen", "46021", 3),
    ("OVL04", "Aalst", "oost-vlaanderen", "41002", 3),
    ("OVL05", "Dendermonde", "oost-vlaanderen", "42006", 2),
    ("OVL06", "Oudenaarde", "oost-vlaanderen", "45035", 1),
    ("OVL07", "Lokeren", "oost-vlaanderen", "46014", 1),
    ("WVL01", "Brugge", "west-vlaanderen", "31005", 3),
    ("WVL02", "Kortrijk", "west-vlaanderen", "34022", 3),
    ("WVL03", "Oostende", "west-vlaanderen", "35013", 3),
    ("WVL04", "Roeselare", "west-vlaanderen", "36015", 2),
    ("WVL05", "Ieper", "west-vlaanderen", "33011", 1),
    ("VBR01", "Leuven", "vlaams-brabant", "24062", 4),
    ("VBR02", "Vilvoorde", "vlaams-brabant", "23088", 4),
    ("VBR03", "Halle", "vlaams-brabant", "23027", 2),
    ("VBR04", "Tienen", "vlaams-brabant", "24107", 1),
    ("VBR05", "Diest", "vlaams-brabant", "24020", 1),
    ("LIM01", "Genk", "limburg", "71016", 4),
    ("LIM02", "Hasselt", "limburg", "71022", 3),
    ("LIM03", "Beringen", "limburg", "71004", 2),
    ("LIM04", "Sint-Truiden", "limburg", "71053", 2),
    ("LIM05", "Maasmechelen", "limburg", "73107", 2),
    ("BRU01", "Brussel Centrum", "brussel", "21004", 7),
    ("BRU02", "Anderlecht", "brussel", "21001", 5),
    ("BRU03", "Molenbeek", "brussel", "21012", 5),
    ("BRU04", "Schaarbeek", "brussel", "21015", 4),
]

EMPLOYER_WORDS = [
    "Bouw",
    "Logistiek",
    "Schoonmaak",
    "Horeca",
    "Zorg",
    "Metaal",
    "Transport",
    "Voeding",
    "Tuinbouw",
    "Techniek",
    "Retail",
    "Bakkerij",
    "Textiel",
    "Chemie",
    "Haven",
    "Installatie",
    "Catering",
    "Interim",
]
EMPLOYER_FORMS = ["NV", "BV", "bv", "VZW", "CV", "NV", "BV"]
EMPLOYER_BASE = 5_000_000  # enterprise numbers 05000000xx ... (the test factories use 02000000xx)


def _project_rows(synth: Synth, Project, projects) -> tuple[list[str], list[tuple]]:
    """Projects with the fields the partners app gives them (funding, lead, dates), where they exist."""
    names = {f.name for f in Project._meta.concrete_fields}
    fields = ["code", "name"] + [f for f in ("funding", "lead", "starts_on", "ends_on") if f in names]
    rows = []
    for code, name, funding, lead, _region in projects:
        values = {"code": code, "name": name, "funding": funding, "lead": lead}
        starts = synth.date_between(synth.start, max(synth.start, synth.end - datetime.timedelta(days=365)),
                                    "project", code, "starts_on")  # fmt: skip
        values["starts_on"] = starts
        values["ends_on"] = _add_years(starts, synth.randint(2, 4, "project", code, "years"))
        rows.append(tuple(values[f] for f in fields))
    return fields, rows


def generate_reference(synth: Synth) -> None:
    from ..models import Action, Office

    Partner = Action._meta.get_field("provider").related_model
    Project = Action._meta.get_field("project").related_model
    Employer = Action._meta.get_field("employer").related_model

    existing = set(Office.objects.values_list("code", flat=True))
    synth.insert(
        Office,
        ["code", "name", "region"],
        ((code, f"Werkwinkel {name}", region) for code, name, region, _, _ in OFFICES if code not in existing),
    )
    synth.office_codes = [o[0] for o in OFFICES]

    existing = set(Partner.objects.values_list("code", flat=True))
    synth.insert(Partner, ["code", "name", "kind"], (p[:3] for p in PARTNERS if p[0] not in existing))
    synth.partner_codes = [p[0] for p in PARTNERS]
    synth.partners_by_kind = {}
    for code, _name, kind, _region in PARTNERS:
        synth.partners_by_kind.setdefault(kind, []).append(code)

    existing = set(Project.objects.values_list("code", flat=True))
    synth.insert(Project, *_project_rows(synth, Project, [p for p in PROJECTS if p[0] not in existing]))
    synth.project_codes = [p[0] for p in PROJECTS]

    n = max(50, synth.count(20_000))
    taken = set(Employer.objects.values_list("enterprise_number", flat=True))
    first = synth.next_id(Employer)
    rows = []
    for i in range(n):
        body = EMPLOYER_BASE + 13 * i
        number = f"{body:08d}{97 - body % 97:02d}"
        if number in taken:
            continue
        word = synth.choice(EMPLOYER_WORDS, "employer", i, "word")
        surname = synth.choice(LAST_NAMES["BE"], "employer", i, "surname")
        form = synth.choice(EMPLOYER_FORMS, "employer", i, "form")
        rows.append((first + len(rows), f"{word} {surname} {form}", number))
    synth.insert(Employer, ["id", "name", "enterprise_number"], rows)
    synth.employer_ids = [r[0] for r in rows] or synth.ids(Employer)
