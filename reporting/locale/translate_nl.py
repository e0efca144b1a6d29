"""Fill reporting/locale/nl/LC_MESSAGES/django.po with the Dutch of the reporting app's strings.

To refresh after a string changes:

    cd reporting && DEBUG=1 ../.venv/bin/python ../manage.py makemessages -l nl --no-obsolete --add-location file
    cd .. && .venv/bin/python reporting/locale/translate_nl.py
    msgfmt --check-format -o reporting/locale/nl/LC_MESSAGES/django.mo reporting/locale/nl/LC_MESSAGES/django.po

The .po machinery is the foundation's (locale/translate_nl.py); this table holds
the reporting app's Dutch. A msgid missing from it makes this script exit 1.
"""

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PO = HERE / "nl" / "LC_MESSAGES" / "django.po"

NL = {
    "dimensions": "dimensies",
    "always-carried dimensions": "altijd meegegeven dimensies",
    "supported pairs": "ondersteunde combinaties",
    "as of": "peildatum",
    "Empty: today.": "Leeg: vandaag.",
    "lexicon version": "lexiconversie",
    "publish": "publiceren",
    "A published run is served to the dashboard and the API once it succeeds.": (
        "Een gepubliceerde berekening wordt aan het dashboard en de API gegeven zodra ze geslaagd is."
    ),
    "(current)": "(huidige)",
    "indicator families": "indicatorfamilies",
    "Run %(id)s with other parameters is in flight; wait until it has finished.": (
        "Berekening %(id)s met andere parameters loopt al; wacht tot ze klaar is."
    ),
    "Run %(id)s requested.": "Berekening %(id)s aangevraagd.",
    "Run %(id)s with these parameters is in flight.": "Berekening %(id)s met deze parameters loopt al.",
    "Start an indicator run": "Een indicatorberekening starten",
    "Enter a month as YYYY-MM.": "Geef een maand als JJJJ-MM.",
    "Reporting": "Rapportering",
    "count": "aantal",
    "percentage": "percentage",
    "days": "dagen",
    "year": "jaar",
    "quarter": "kwartaal",
    "month": "maand",
    "code": "code",
    "objective": "doelstelling",
    "position": "volgorde",
    "name (Dutch)": "naam (Nederlands)",
    "name (English)": "naam (Engels)",
    "method (Dutch)": "methode (Nederlands)",
    "method (English)": "methode (Engels)",
    "unit": "eenheid",
    "disclosive": "onthullend (kleine aantallen afgeschermd)",
    "indicator": "indicator",
    "indicators": "indicatoren",
    "full": "volledig",
    "incremental": "incrementeel",
    "queued": "in de wachtrij",
    "running": "bezig",
    "succeeded": "geslaagd",
    "failed": "mislukt",
    "kind": "soort",
    "status": "status",
    "base run": "basisberekening",
    "code version": "codeversie",
    "nightly": "nachtelijk",
    "attempt": "poging",
    "re-enqueued after a lost worker": "opnieuw in de wachtrij na een verloren worker",
    "requested at": "aangevraagd op",
    "started at": "gestart op",
    "heartbeat": "laatste teken van leven",
    "finished at": "klaar op",
    "values written": "geschreven waarden",
    "first period starts": "eerste periode begint",
    "error": "fout",
    "indicator run": "indicatorberekening",
    "indicator runs": "indicatorberekeningen",
    "%(kind)s run %(id)s (%(status)s)": "berekening %(id)s (%(kind)s, %(status)s)",
    "folder": "folder",
    "website": "website",
    "video": "video",
    "booking tool": "boekingstool",
    "app": "app",
    "other": "andere",
    "tool": "instrument",
    "tool usage": "gebruik van instrumenten",
    "measured on": "gemeten op",
    "question": "vraag",
    "agree share (%)": "aandeel akkoord (%)",
    "sample size": "steekproefgrootte",
    "source": "bron",
    "perception survey": "perceptiebevraging",
    "perception surveys": "perceptiebevragingen",
    "mediator": "bemiddelaar",
    "course": "opleiding",
    "provider": "aanbieder",
    "held on": "gegeven op",
    "hours": "uren",
    "mediator training": "opleiding van bemiddelaars",
    "mediator trainings": "opleidingen van bemiddelaars",
    "Unknown lexicon version.": "Onbekende lexiconversie.",
    "The as-of date cannot be in the future.": "De peildatum kan niet in de toekomst liggen.",
    "Only full runs can be requested.": "Alleen volledige berekeningen kunnen aangevraagd worden.",
    "Not a user with the mediator role.": "Geen gebruiker met de rol bemiddelaar.",
    "Home": "Voorpagina",  # Django's own word: the catalogues merge, so keep it
    "A full run computes every indicator as of the date given; it runs in the background, and this page then "
    "shows its progress.": (
        "Een volledige berekening berekent elke indicator op de gegeven peildatum; ze loopt op de achtergrond, "
        "en de pagina daarna toont hoe ver ze staat."
    ),
    "Start the run": "De berekening starten",
}


def main() -> int:
    spec = importlib.util.spec_from_file_location(
        "root_translate_nl", HERE.parent.parent / "locale" / "translate_nl.py"
    )
    root = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root)
    root.NL = NL
    text, missing = root.fill(PO.read_text(encoding="utf-8"))
    text = text.replace("Generated by locale/translate_nl.py;", "Generated by reporting/locale/translate_nl.py;")
    PO.write_text(text, encoding="utf-8")
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
