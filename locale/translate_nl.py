"""Fill locale/nl/LC_MESSAGES/django.po with the Dutch of the foundation's strings.

The msgids are English; this table holds their Dutch. To refresh after a
string changes (other apps keep their own `<app>/locale/`):

    DEBUG=1 .venv/bin/python manage.py makemessages -l nl --no-obsolete --add-location file \
        -i ".venv/*" -i "var/*" -i "employers/*" -i "partners/*" -i "reporting/*" -i "tests/*" \
        -i "bench/*" -i "docs/*" -i "locale/*" -i "trajectories/synthetic/*" -i "trajectories/management/*" \
        -i "accounts/management/commands/demo.py"
    .venv/bin/python locale/translate_nl.py
    msgfmt --check-format -o locale/nl/LC_MESSAGES/django.mo locale/nl/LC_MESSAGES/django.po

The compiled .mo is committed, so a fresh machine needs no gettext. A msgid
missing from the table is reported and makes this script exit 1.
"""

import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent / "nl" / "LC_MESSAGES" / "django.po"

NL = {
    # idw/codes.py: codes by name
    "stateless": "staatloos",
    "province": "provincie",
    "Unknown country: %(value)s. Pick a name from the list or type the two-letter code.": (
        "Onbekend land: %(value)s. Kies een naam uit de lijst of typ de code van twee letters."
    ),
    "Unknown language: %(value)s. Pick a name from the list or type the ISO code.": (
        "Onbekende taal: %(value)s. Kies een naam uit de lijst of typ de ISO-code."
    ),
    "The NIS code of the municipality (5 digits); its province is shown beside it.": (
        "De NIS-code van de gemeente (5 cijfers); de provincie staat ernaast."
    ),
    "Role": "Rol",
    "active": "actief",
    "The new key of %(user)s, shown only this once: %(key)s": (
        "De nieuwe sleutel van %(user)s, slechts deze ene keer getoond: %(key)s"
    ),
    "Revoke the selected keys": "De geselecteerde sleutels intrekken",
    "%(count)d key revoked.": ["%(count)d sleutel ingetrokken.", "%(count)d sleutels ingetrokken."],
    "Users and API keys": "Gebruikers en API-sleutels",
    "Invalid token header.": "Ongeldige token-header.",
    "Invalid token.": "Ongeldig token.",
    "mediator": "bemiddelaar",
    "partner system": "partnersysteem",
    "complaints officer": "klachtenbehandelaar",
    "reporting client": "rapporteringsclient",
    "programme team (admin)": "programmateam (beheer)",
    "role": "rol",
    "office": "kantoor",
    "partner": "partner",
    "user": "gebruiker",
    "users": "gebruikers",
    "prefix": "begin",
    "First characters, to recognise a key.": "De eerste tekens, om een sleutel te herkennen.",
    "created at": "aangemaakt op",
    "revoked at": "ingetrokken op",
    "API key": "API-sleutel",
    "API keys": "API-sleutels",
    "Dutch": "Nederlands",
    "English": "Engels",
    "Django site admin": "Django-sitebeheer",
    "Django administration": "Django-beheer",
    "Language": "Taal",
    "Change": "Wijzigen",
    "IDW: Integration through Work": "IDW: Integratie door Werk",
    "IDW": "IDW",
    "Case management": "Dossierbeheer",
    "This record cannot be changed here.": "Dit record kan hier niet gewijzigd worden.",
    "This record cannot be deleted here.": "Dit record kan hier niet verwijderd worden.",
    "target group": "doelgroep",
    "yes": "ja",
    "no": "nee",
    "A residence status period cannot be edited; add a new one.": (
        "Een periode van verblijfsstatus kan niet gewijzigd worden; voeg een nieuwe toe."
    ),
    "Origin and language": "Herkomst en taal",
    "Situation": "Situatie",
    "Audit trail": "Audittrail",
    "who changed what, when": "wie wat wanneer wijzigde",
    "when": "wanneer",
    "who": "wie",
    "operation": "bewerking",
    "record": "record",
    "what": "wat",
    "The whole audit trail of this person": "De volledige audittrail van deze persoon",
    "status": "status",
    "open": "lopend",
    "closed": "afgesloten",
    "job seeker": "werkzoekende",
    "competences": "competenties",
    "Case records": "Dossiers",
    "Use true or false.": "Gebruik true of false.",
    "name": "naam",
    "code": "code",
    "name (Dutch)": "naam (Nederlands)",
    "name (English)": "naam (Engels)",
    "region": "regio",
    "regions": "regio's",
    "offices": "kantoren",
    "female": "vrouw",
    "male": "man",
    "other / not specified": "anders / niet opgegeven",
    "none": "geen",
    "low": "laag",
    "medium": "midden",
    "high": "hoog",
    "online": "online",
    "service line": "servicelijn",
    "partner referral (toeleiding)": "toeleiding door een partner",
    "INSZ": "INSZ",
    "first name": "voornaam",
    "last name": "achternaam",
    "birth date": "geboortedatum",
    "gender": "geslacht",
    "nationality": "nationaliteit",
    "nationality at birth": "nationaliteit bij de geboorte",
    "country of birth": "geboorteland",
    "a parent with a foreign nationality at birth": "een ouder met een buitenlandse nationaliteit bij de geboorte",
    "mother tongue": "moedertaal",
    "Dutch level": "niveau Nederlands",
    "education level": "opleidingsniveau",
    "arrived as unaccompanied minor (NBMV)": "aangekomen als niet-begeleide minderjarige (NBMV)",
    "municipality (NIS code)": "gemeente (NIS-code)",
    "registration channel": "inschrijvingskanaal",
    "updated at": "gewijzigd op",
    "job seekers": "werkzoekenden",
    "Belgian": "Belg",
    "EU citizen": "EU-burger",
    "recognised refugee (erkend vluchteling)": "erkend vluchteling",
    "subsidiary protection (subsidiair beschermde)": "subsidiair beschermde",
    "asylum seeker in procedure": "asielzoeker in procedure",
    "other third-country national": "andere derdelander",
    "work permit C (arbeidskaart C)": "arbeidskaart C",
    "single permit": "gecombineerde vergunning",
    "not required": "niet vereist",
    "typed by hand": "manueel ingevoerd",
    "national register (machtiging rijksregister)": "rijksregister (machtiging rijksregister)",
    "work permit": "arbeidsvergunning",
    "valid from": "geldig vanaf",
    "valid to": "geldig tot",
    "Empty: still valid.": "Leeg: nog geldig.",
    "source": "bron",
    "residence status": "verblijfsstatus",
    "residence statuses": "verblijfsstatussen",
    "fast mediation (snelle bemiddeling)": "snelle bemiddeling",
    "integrated (geïntegreerd)": "geïntegreerd",
    "combined (gecombineerd)": "gecombineerd",
    "linear (lineair)": "lineair",
    "work": "werk",
    "self-employment": "zelfstandige",
    "education": "onderwijs",
    "moved": "verhuisd",
    "not available": "niet beschikbaar",
    "unknown": "onbekend",
    "type": "type",
    "registration (inschrijving)": "inschrijving",
    "personal service from": "persoonlijke dienstverlening vanaf",
    "first action": "eerste actie",
    "last action": "laatste actie",
    "outflow (uitstroom)": "uitstroom",
    "outflow reason": "reden van uitstroom",
    "intake office": "kantoor bij instroom",
    "education level at intake": "opleidingsniveau bij instroom",
    "trajectory": "traject",
    "trajectories": "trajecten",
    "orientation": "oriëntering",
    "language": "taal",
    "vocational training": "beroepsopleiding",
    "workplace learning (werkplekleren)": "werkplekleren",
    "mentoring": "mentoring",
    "mediation": "bemiddeling",
    "competence strengthening": "competentieversterking",
    "social orientation": "maatschappelijke oriëntatie",
    "diploma recognition": "diplomaerkenning",
    "support": "ondersteuning",
    "category": "categorie",
    "action type": "actietype",
    "action types": "actietypes",
    "planned": "gepland",
    "ongoing": "lopend",
    "completed": "afgerond",
    "aborted": "afgebroken",
    "start": "start",
    "end": "einde",
    "provider": "aanbieder",
    "project": "project",
    "employer": "werkgever",
    "interpreter used (tolk)": "tolk gebruikt",
    "action": "actie",
    "actions": "acties",
    "created": "aangemaakt",
    "changed": "gewijzigd",
    "deleted": "verwijderd",
    "record type": "soort record",
    "audit entry": "auditregel",
    "audit trail": "audittrail",
    "This date lies in the future.": "Deze datum ligt in de toekomst.",
    "A job seeker with this INSZ is already registered.": "Er is al een werkzoekende met dit INSZ ingeschreven.",
    "A mediator can only register job seekers in their own office.": (
        "Een bemiddelaar kan werkzoekenden enkel in het eigen kantoor inschrijven."
    ),
    "Moving a person to another office is an admin action.": (
        "Een persoon naar een ander kantoor verplaatsen is voorbehouden aan het programmateam."
    ),
    "A job seeker with a trajectory cannot be deleted.": "Een werkzoekende met een traject kan niet verwijderd worden.",
    "This job seeker is referred to by other records and cannot be deleted.": (
        "Andere records verwijzen naar deze werkzoekende; hij of zij kan niet verwijderd worden."
    ),
    "Only the national-register import may write this source.": (
        "Enkel de import uit het rijksregister mag deze bron invullen."
    ),
    "The end lies before the start.": "Het einde ligt voor het begin.",
    "This period overlaps another residence status of this person.": (
        "Deze periode overlapt met een andere verblijfsstatus van deze persoon."
    ),
    "Personal service cannot start before registration.": (
        "De persoonlijke dienstverlening kan niet voor de inschrijving beginnen."
    ),
    "Outflow cannot lie before registration.": "De uitstroom kan niet voor de inschrijving liggen.",
    "An outflow needs a reason.": "Een uitstroom heeft een reden nodig.",
    "An outflow reason needs an outflow date.": "Een reden van uitstroom heeft een uitstroomdatum nodig.",
    "This job seeker already has an open trajectory.": "Deze werkzoekende heeft al een lopend traject.",
    "This trajectory overlaps another trajectory of this person.": (
        "Dit traject overlapt met een ander traject van deze persoon."
    ),
    "A trajectory cannot move to another job seeker.": "Een traject kan niet naar een andere werkzoekende verhuizen.",
    "An action of this trajectory starts before this date.": "Een actie van dit traject begint voor deze datum.",
    "An action of this trajectory starts after this date.": "Een actie van dit traject begint na deze datum.",
    "An action cannot start before its trajectory.": "Een actie kan niet voor haar traject beginnen.",
    "An action cannot start after the trajectory's outflow.": (
        "Een actie kan niet na de uitstroom uit het traject beginnen."
    ),
    "Only a planned action can start in the future.": "Enkel een geplande actie kan in de toekomst beginnen.",
    "An action cannot end before it starts.": "Een actie kan niet eindigen voor ze begint.",
    "Workplace learning needs an employer.": "Werkplekleren heeft een werkgever nodig.",
    "Only workplace-learning actions name an employer.": "Enkel acties werkplekleren vermelden een werkgever.",
    "An action cannot move to another trajectory.": "Een actie kan niet naar een ander traject verhuizen.",
    "This action is referred to by other records and cannot be deleted.": (
        "Andere records verwijzen naar deze actie; ze kan niet verwijderd worden."
    ),
    "An INSZ has 11 digits.": "Een INSZ heeft 11 cijfers.",
    "This is not a valid INSZ (national number or BIS number).": (
        "Dit is geen geldig INSZ (rijksregisternummer of BIS-nummer)."
    ),
    "%(value)s is not an ISO 3166-1 alpha-2 country code (upper case) or XX.": (
        "%(value)s is geen landcode volgens ISO 3166-1 alpha-2 (hoofdletters) of XX."
    ),
    "%(value)s is not an ISO 639-1 language code (or ISO 639-3 where no two-letter code exists), lower case.": (
        "%(value)s is geen taalcode volgens ISO 639-1 (of ISO 639-3 waar geen code van twee letters bestaat), "
        "in kleine letters."
    ),
    "A NIS code has 5 digits.": "Een NIS-code heeft 5 cijfers.",
    "A code has letters, digits, dots, dashes and underscores.": (
        "Een code bestaat uit letters, cijfers, punten, koppeltekens en underscores."
    ),
    # The admin start page's work lists (trajectories/worklists.py, idw/templates/admin/index.html).
    "Referrals waiting for a decision": "Toeleidingen die op een beslissing wachten",
    "Open trajectories without an action in 90 days": "Open trajecten zonder actie in 90 dagen",
    "Workplace learning without a technical screening": "Werkplekleren zonder technische screening",
    "Planned actions whose start has passed": "Geplande acties waarvan de start voorbij is",
    "Open complaints by nearest deadline": "Open klachten volgens de eerstvolgende termijn",
    "(erased)": "(gewist)",
    "acknowledge by": "ontvangst bevestigen tegen",
    "close by": "afsluiten tegen",
    "late": "te laat",
    "%(shown)s of %(total)s shown.": "%(shown)s van %(total)s getoond.",
    "Nothing to do.": "Niets te doen.",
    "Own region only": "Alleen de eigen regio",
    "All regions": "Alle regio's",
    "Open the list": "Naar de lijst",
    "technical screening": "technische screening",
    "Record a technical screening": "Een technische screening registreren",
    # The mediators' admin: a job seeker's file, case notes, barriers and employment on it.
    "written": "geschreven",
    "Only the author of a note may change or delete it.": (
        "Alleen de auteur van een nota mag ze wijzigen of verwijderen."
    ),
    "Contact": "Contact",
    "History of %(person)s": "Geschiedenis van %(person)s",
    "reception class for newcomers (OKAN)": "onthaalklas voor anderstalige nieuwkomers (OKAN)",
    "part-time education (deeltijds onderwijs)": "deeltijds onderwijs",
    "left secondary school without a qualification": "secundair onderwijs verlaten zonder kwalificatie",
    "secondary school with a qualification": "secundair onderwijs met kwalificatie",
    "higher education": "hoger onderwijs",
    "adult education": "volwassenenonderwijs",
    "schooling abroad only": "enkel scholing in het buitenland",
    "phone": "telefoon",
    "email": "e-mail",
    "health": "gezondheid",
    "childcare": "kinderopvang",
    "mobility": "mobiliteit",
    "digital skills": "digitale vaardigheden",
    "uncertain residence": "onzeker verblijf",
    "administrative": "administratief",
    "noted on": "vastgesteld op",
    "resolved on": "opgelost op",
    "Empty: still there.": "Leeg: nog steeds aanwezig.",
    "barriers": "belemmeringen",
    "author": "auteur",
    "written at": "geschreven op",
    "case note": "dossiernota",
    "case notes": "dossiernota's",
    "employee": "werknemer",
    "temporary agency work (uitzendarbeid)": "uitzendarbeid",
    "self-employed": "zelfstandige",
    "declaration id": "aangiftenummer",
    "Empty: ongoing.": "Leeg: loopt nog.",
    "employer (enterprise number)": "werkgever (ondernemingsnummer)",
    "employment spell": "tewerkstellingsperiode",
    "employment spells": "tewerkstellingsperiodes",
    "until %(day)s": "tot %(day)s",
    "for: %(competences)s": "voor: %(competences)s",
    "Registration (inschrijving)": "Inschrijving",
    "Personal service starts": "Start persoonlijke dienstverlening",
    "Outflow (uitstroom)": "Uitstroom",
    "competence strengthening planned": "competentieversterking gepland",
    "Barrier: %(kind)s": "Belemmering: %(kind)s",
    "Barrier resolved: %(kind)s": "Belemmering opgelost: %(kind)s",
    "A barrier is not noted before its trajectory starts.": (
        "Een belemmering wordt niet vastgesteld voor de start van haar traject."
    ),
    "A barrier is not noted after its trajectory's outflow.": (
        "Een belemmering wordt niet vastgesteld na de uitstroom van haar traject."
    ),
    "A barrier is not resolved before it was noted.": "Een belemmering is niet opgelost voor ze werd vastgesteld.",
    "This trajectory already has an unresolved barrier of this kind.": (
        "Dit traject heeft al een onopgeloste belemmering van deze soort."
    ),
    "A barrier cannot move to another trajectory.": "Een belemmering kan niet naar een ander traject verhuizen.",
    "A note needs a text.": "Een nota heeft een tekst nodig.",
    "A note has at most %(max)d characters.": "Een nota heeft hoogstens %(max)d tekens.",
    "A note cannot move to another job seeker.": "Een nota kan niet naar een andere werkzoekende verhuizen.",
    "New trajectory": "Nieuw traject",
    "Competence profile (print)": "Competentieprofiel (afdrukken)",
    "Identity and contact": "Identiteit en contact",
    "Name": "Naam",
    "(current definition)": "(huidige definitie)",
    "Residence status": "Verblijfsstatus",
    "now": "heden",
    "No residence status recorded.": "Geen verblijfsstatus geregistreerd.",
    "Trajectories": "Trajecten",
    "No trajectory yet.": "Nog geen traject.",
    "A new trajectory can start once the open one has an outflow.": (
        "Een nieuw traject kan starten zodra het lopende traject een uitstroom heeft."
    ),
    "Referrals (toeleiding)": "Toeleidingen",
    "Not referred by a partner.": "Niet toegeleid door een partner.",
    "score": "score",
    "Printable competence profile": "Afdrukbaar competentieprofiel",
    "No technical screening yet.": "Nog geen technische screening.",
    "Employment (DIMONA)": "Tewerkstelling (DIMONA)",
    "No employment recorded.": "Geen tewerkstelling geregistreerd.",
    "Edit the file": "Het dossier bewerken",
    "Who changed what, when": "Wie wijzigde wat, wanneer",
    "Nothing recorded yet.": "Nog niets geregistreerd.",
    "The whole history of this person": "De volledige geschiedenis van deze persoon",
    "%(counter)s change, from every channel (admin, API, imports), newest first.": [
        "%(counter)s wijziging, via elk kanaal (beheer, API, imports), nieuwste eerst.",
        "%(counter)s wijzigingen, via elk kanaal (beheer, API, imports), nieuwste eerst.",
    ],
    "newer": "nieuwer",
    "page %(number)s of %(count)s": "pagina %(number)s van %(count)s",
    "older": "ouder",
    "This person's file has no recorded changes.": (
        "In het dossier van deze persoon zijn geen wijzigingen geregistreerd."
    ),
    # The mediators' admin: a job seeker's file, case notes, barriers and employment on it.
    "more than %(cap)s": "meer dan %(cap)s",
    "%(shown)s of more than %(cap)s shown.": "%(shown)s van meer dan %(cap)s getoond.",
}


HEADER = {
    "# SOME DESCRIPTIVE TITLE.": "# Dutch translations of IDW (Integratie door Werk).",
    "# Copyright (C) YEAR THE PACKAGE'S COPYRIGHT HOLDER": "#",
    "# This file is distributed under the same license as the PACKAGE package.": (
        "# Generated by locale/translate_nl.py;"
    ),
    "# FIRST AUTHOR <EMAIL@ADDRESS>, YEAR.": "# edit the table there, not this file.",
    '"Project-Id-Version: PACKAGE VERSION\\n"': '"Project-Id-Version: IDW 1.0\\n"',
    '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"': '"Last-Translator: IDW <idw@example.invalid>\\n"',
    '"Language-Team: LANGUAGE <LL@li.org>\\n"': '"Language-Team: Dutch\\n"',
    '"Language: \\n"': '"Language: nl\\n"',
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquote(lines: list[str]) -> str:
    return "".join(re.findall(r'^"(.*)"$', line)[0] for line in lines).replace('\\"', '"').replace("\\\\", "\\")


def fill(text: str) -> tuple[str, list[str]]:
    entries, missing = [], []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        try:
            start = next(i for i, line in enumerate(lines) if line.startswith("msgid "))
        except StopIteration:
            entries.append(block)
            continue
        end = start + 1
        while end < len(lines) and lines[end].startswith('"'):
            end += 1
        msgid = _unquote([lines[start][len("msgid ") :], *lines[start + 1 : end]])
        if msgid == "":
            entries.append("\n".join(HEADER.get(line, line) for line in lines if line != "#, fuzzy"))
            continue
        head = [line for line in lines[:end] if line != "#, fuzzy"]
        if end < len(lines) and lines[end].startswith("msgid_plural"):
            head.append(lines[end])
        translation = NL.get(msgid)
        if translation is None:
            missing.append(msgid)
            entries.append(block)
            continue
        if isinstance(translation, list):
            body = [f"msgstr[{n}] {_quote(form)}" for n, form in enumerate(translation)]
        else:
            body = [f"msgstr {_quote(translation)}"]
        entries.append("\n".join(head + body))
    return "\n\n".join(entries), missing


def main() -> int:
    text, missing = fill(PO.read_text(encoding="utf-8"))
    PO.write_text(text, encoding="utf-8")
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
