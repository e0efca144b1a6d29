"""Fill dashboard/locale/nl/LC_MESSAGES/django.po (and the login's strings in accounts/locale) with Dutch.

To refresh after a string changes:

    (cd dashboard && DEBUG=1 ../.venv/bin/python ../manage.py makemessages -l nl --no-location --no-wrap)
    .venv/bin/python dashboard/locale/translate_nl.py
    msgfmt --check-format -o dashboard/locale/nl/LC_MESSAGES/django.mo dashboard/locale/nl/LC_MESSAGES/django.po
    msgfmt --check-format -o accounts/locale/nl/LC_MESSAGES/django.mo accounts/locale/nl/LC_MESSAGES/django.po

The compiled .mo files are committed, so a fresh machine needs no gettext.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard" / "locale" / "nl" / "LC_MESSAGES" / "django.po"
ACCOUNTS = ROOT / "accounts" / "locale" / "nl" / "LC_MESSAGES" / "django.po"

LOGIN = {
    "Log in": "Aanmelden",
    "Log out": "Afmelden",
    "Unknown user name or wrong password, or no access to IDW.": (
        "Onbekende gebruikersnaam of fout wachtwoord, of geen toegang tot IDW."
    ),
    "Too many failed attempts. Try again in 15 minutes.": (
        "Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."
    ),
    "User name": "Gebruikersnaam",
    "Password": "Wachtwoord",
}

NL = {
    "The chart shows the %(chart_lines)s partners with the most referrals; the table has all %(total)s.": (
        "De grafiek toont de %(chart_lines)s partners met de meeste toeleidingen; de tabel bevat ze alle %(total)s."
    ),
    # dashboard/labels.py: dimension names and the values that are no enum's
    "region": "regio",
    "office": "kantoor",
    "age band": "leeftijdsgroep",
    "gender": "geslacht",
    "residence status": "verblijfsstatus",
    "education level": "opleidingsniveau",
    "Dutch level": "niveau Nederlands",
    "registration channel": "inschrijvingskanaal",
    "unaccompanied minor": "niet-begeleide minderjarige",
    "trajectory type": "trajecttype",
    "outflow reason": "uitstroomreden",
    "action category": "actiecategorie",
    "action type": "actietype",
    "project": "project",
    "partner": "partner",
    "partner kind": "soort partner",
    "housing": "huisvesting",
    "provider": "aanbieder",
    "language": "taal",
    "channel": "kanaal",
    "ground": "grond",
    "audience": "doelpubliek",
    "measure": "maatregel",
    "tool": "instrument",
    "group": "groep",
    "segment": "segment",
    "horizon (months)": "termijn (maanden)",
    "barrier": "drempel",
    "time in trajectory": "tijd in traject",
    "prior education": "vooropleiding",
    "project lead": "regie van het project",
    "unknown": "onbekend",
    "none": "geen",
    "yes": "ja",
    "no": "nee",
    "any": "eender welke",
    "still in trajectory": "nog in traject",
    "the employment service": "de dienst zelf",
    "table": "tabel",
    "period": "periode",
    "total": "totaal",
    "Dashboard": "Dashboard",
    "Overview": "Overzicht",
    "Cohorts": "Cohorten",
    "Partners": "Partners",
    "Served run": "Getoonde berekening",
    "as of": "peildatum",
    "lexicon": "lexicon",
    "finished at": "klaar op",
    "No run has been published yet.": "Er is nog geen berekening gepubliceerd.",
    "fewer than k people; never shown as zero.": "minder dan k personen; nooit als nul getoond.",
    "Outflow to work by months since intake": "Uitstroom naar werk per aantal maanden sinds de instroom",
    "intake year": "instroomjaar",
    "months": "maanden",
    "Status at 36 months by trajectory type": "Situatie na 36 maanden per trajecttype",
    "Period type": "Periodetype",
    "From": "Van",
    "To": "Tot",
    "Breakdown": "Uitsplitsing",
    "none (total)": "geen (totaal)",
    "Show": "Tonen",
    "Download exactly this:": "Precies dit downloaden:",
    "Method": "Methode",
    "Not found": "Niet gevonden",
    "The plan's objectives": "De doelstellingen van het plan",
    "Start a run": "Een berekening starten",
    "Run": "Berekening",
    "progress": "voortgang",
    "this page refreshes until it is published": "deze pagina ververst tot ze gepubliceerd is",
    "published": "gepubliceerd",
    "latest": "laatste",
    "No values in these years.": "Geen waarden in deze jaren.",
    "Referrals by partners": "Toeleidingen door partners",
    "per partner": "per partner",
    "per partner kind": "per soort partner",
    "received": "ontvangen",
    "accepted": "aanvaard",
    "expired": "verlopen",
    "registered": "ingeschreven",
    "agreement target": "streefcijfer van de overeenkomst",
    "registration rate": "inschrijvingsgraad",
    "The dashboard is for the programme team (reporting and admin).": (
        "Het dashboard is voor het programmateam (rapportering en beheer)."
    ),
    "suppressed": "onderdrukt",
    "period not complete": "periode niet volledig",
    "cohort not mature": "cohort niet rijp",
    "estimate": "schatting",
    "days": "dagen",
    "number": "aantal",
    "Only the programme team's admin starts runs.": "Enkel het beheer van het programmateam start berekeningen.",
    "Run %(id)s with other parameters is in flight.": "Berekening %(id)s met andere parameters is bezig.",
    "year": "jaar",
    "quarter": "kwartaal",
    "month": "maand",
    "One dimension.": "Eén dimensie.",
    "More than 50,000 rows: ask for a narrower range.": "Meer dan 50.000 rijen: vraag een kleinere periode.",
    "one line per intake year; a dashed line is the cumulative-incidence estimate of a cohort that is not mature": (
        "één lijn per instroomjaar; een streepjeslijn is de schatting (cumulatieve incidentie) van een cohort dat "
        "nog niet rijp is"
    ),
    "months since intake": "maanden sinds de instroom",
    "estimate, not mature": "schatting, niet rijp",
    "%(months)s months after the outflow": "%(months)s maanden na de uitstroom",
    "%(months)s months": "%(months)s maanden",
    "outflow year": "uitstroomjaar",
    "After the outflow to work: does the work last, who comes back?": (
        "Na de uitstroom naar werk: blijft het werk duren, wie komt terug?"
    ),
    "by outflow year, one line per horizon; a cohort is mature once every person has had the whole horizon": (
        "per uitstroomjaar, één lijn per termijn; een cohort is rijp zodra iedereen de volledige termijn gehad heeft"
    ),
}

ENTRY = re.compile(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr ""\n(?!")', re.M)
SET = re.compile(r'^msgid "((?:[^"\\]|\\.)+)"\nmsgstr "(?:[^"\\]|\\.)*"\n(?!")', re.M)
# makemessages guesses a new msgid's translation from a similar one (fuzzy, and ignored by msgfmt):
# such a guess is dropped, so the entry is filled from the table like any new one.
FUZZY = re.compile(r'#, fuzzy\n(?:#\| .*\n)*(msgid "(?:[^"\\]|\\.)+"\n)msgstr "(?:[^"\\]|\\.)*"\n')


def fill(po: Path, table: dict, *, only: bool = False) -> list[str]:
    text = FUZZY.sub(lambda m: m.group(1) + 'msgstr ""\n', po.read_text())
    # The table is the truth for its msgids: a translation that drifted from it (an old guess) is replaced.
    text = re.sub(r"^#\| msgid .*\n", "", text, flags=re.M)
    text = SET.sub(
        lambda m: f'msgid "{m.group(1)}"\nmsgstr "{table[m.group(1)]}"\n' if m.group(1) in table else m.group(0), text
    )
    missing = []

    def sub(match):
        msgid = match.group(1)
        if msgid == "":
            return match.group(0)
        if msgid not in table:
            missing.append(msgid)
            return match.group(0)
        return f'msgid "{msgid}"\nmsgstr "{table[msgid]}"\n'

    text = ENTRY.sub(sub, text).replace("#, fuzzy\n", "", 1).replace('"Language: \\n"', '"Language: nl\\n"', 1)
    if only:
        # Keep the header and this table's entries only (the rest are the root catalogue's).
        blocks = text.split("\n\n")
        text = "\n\n".join(b for b in blocks if 'msgid ""' in b or any(f'msgid "{k}"' in b for k in table)) + "\n"
        missing = []
    po.write_text(text)
    return missing


if __name__ == "__main__":
    missing = fill(DASHBOARD, NL) + fill(ACCOUNTS, LOGIN, only=True)
    for msgid in missing:
        print("missing:", msgid)
    sys.exit(1 if missing else 0)
