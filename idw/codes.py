"""Countries, languages, municipalities and INSZ as people write them: the forms' fields and the pages' names.

The stored values stay the codes of api.md: ISO 3166-1 alpha-2 (or XX,
stateless) for countries, ISO 639-1 (639-3 where no two-letter code exists)
for languages, the 5-digit NIS code for a municipality, the 11 digits of an
INSZ. What a mediator types or reads is the name: pycountry's ISO tables and
their gettext translations (domains iso3166-1 and iso639-3 in
pycountry.LOCALES_DIR) give the Dutch and English names, so no list of
countries or languages is kept here by hand. The project knows no municipality
names, only a NIS code's province (its first digit, two for the old Brabant),
which is shown beside the code, named by ISO 3166-2.

Every form of the admin gets these fields through `formfield_for_code`, which
recognises a model field by its validator.
"""

import gettext
import unicodedata
from functools import cache

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trajectories import validators

# -- names ---------------------------------------------------------------------------


def _dutch(domain: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["nl"], fallback=True)


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


def label_key(text: str) -> str:
    """Sort and match key: case and accents ignored ("Ōman" with "Oman", "België" with "belgie")."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@cache
def _country_names() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """code -> (Dutch name, English name, other names that also find it)."""
    nl = _dutch("iso3166-1")
    names = {}
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        dutch = nl.gettext(country.name)
        if dutch == country.name and english != country.name:
            dutch = nl.gettext(english)
        others = tuple(n for n in (country.name, getattr(country, "official_name", None)) if n)
        names[country.alpha_2] = (dutch, english, others)
    return names


@cache
def _language_names() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """code (639-1, else 639-3) -> (Dutch name, English name, other names), for every ISO 639-3 language."""
    nl = _dutch("iso639-3")
    names = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None) or language.alpha_3
        others = tuple(n for n in (language.alpha_3, getattr(language, "inverted_name", None)) if n)
        names[code] = (nl.gettext(language.name), language.name, others)
    return names


def _stateless() -> tuple[str, str, tuple[str, ...]]:
    return (str(_("stateless")), "stateless", ("stateless", "staatloos"))


def country_name(code: str | None) -> str:
    """A country code's name in the page's language; the code itself when it is unknown."""
    if not code:
        return ""
    entry = _stateless() if code == validators.STATELESS else _country_names().get(code)
    return code if entry is None else entry[1 if _english() else 0]


def language_name(code: str | None) -> str:
    if not code:
        return ""
    entry = _language_names().get(code)
    return code if entry is None else entry[1 if _english() else 0]


@cache
def _index(kind: str) -> dict[str, frozenset[str]]:
    """Every way to write a code (the code, its Dutch, English and other names) -> the codes it names."""
    entries = dict(_country_names() if kind == "country" else _language_names())
    if kind == "country":
        entries[validators.STATELESS] = ("staatloos", "stateless", ())
    found: dict[str, set[str]] = {}
    for code, (dutch, english, others) in entries.items():
        for text in (code, dutch, english, *others):
            for variant in _variants(text):
                found.setdefault(label_key(variant), set()).add(code)
    return {key: frozenset(codes) for key, codes in found.items()}


def _variants(name: str) -> set[str]:
    """The ways ISO writes a name and people say it: "Pushto; Pashto" is two names, and
    "Congo, The Democratic Republic of the" is also "Democratic Republic of the Congo"."""
    variants = set()
    for part in name.split(";"):
        part = part.strip()
        variants.add(part)
        if ", " in part:
            head, tail = part.split(", ", 1)
            variants.add(f"{tail} {head}")
    for variant in list(variants):
        for article in ("the ", "The "):
            if variant.startswith(article):
                variants.add(variant[len(article) :])
    return variants


def resolve(kind: str, text: str) -> str | None:
    """The code `text` names (a code, or a Dutch or English name), or None when none or several."""
    key = label_key(text)
    codes = _index(kind).get(key, frozenset())
    if len(codes) == 1:
        return next(iter(codes))
    # A code typed as such wins over a name shared by several languages.
    exact = [code for code in codes if label_key(code) == key]
    return exact[0] if len(exact) == 1 else None


@cache
def _suggested_languages() -> tuple[str, ...]:
    """The languages offered in the list: those with a two-letter code or a Dutch name (some 600 of 7,900)."""
    return tuple(code for code, (dutch, english, _o) in _language_names().items() if len(code) == 2 or dutch != english)


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country and XX, sorted by name in the page's language."""
    return list(_choices("country", "en" if _english() else "nl"))


def language_choices() -> list[tuple[str, str]]:
    """(code, name) of the suggested languages, sorted by name; a name two languages share is left out."""
    return list(_choices("language", "en" if _english() else "nl"))


@cache
def _choices(kind: str, language: str) -> tuple[tuple[str, str], ...]:
    if kind == "country":
        choices = [(code, country_name(code)) for code in [*_country_names(), validators.STATELESS]]
    else:
        choices = [(code, language_name(code)) for code in _suggested_languages()]
    choices = [(code, name) for code, name in choices if resolve(kind, name) == code]
    return tuple(sorted(choices, key=lambda choice: label_key(choice[1])))


# -- municipalities: the province of a NIS code --------------------------------------------------------

# The first digit of a NIS code names the province, two digits for the old
# province of Brabant (REFNIS): as ISO 3166-2 subdivisions, named by pycountry.
NIS_PROVINCES = {
    "1": "BE-VAN",
    "21": "BE-BRU",
    "23": "BE-VBR",
    "24": "BE-VBR",
    "25": "BE-WBR",
    "3": "BE-VWV",
    "4": "BE-VOV",
    "5": "BE-WHT",
    "6": "BE-WLG",
    "7": "BE-VLI",
    "8": "BE-WLX",
    "9": "BE-WNA",
}


def province_of_nis(nis: str | None) -> str:
    """`11002` -> "Antwerpen": the province (Brussels: the region) a NIS code lies in; "" when unknown."""
    if not nis or len(nis) != 5 or not nis.isdigit():
        return ""
    subdivision = NIS_PROVINCES.get(nis[:2]) or NIS_PROVINCES.get(nis[:1])
    if subdivision is None:
        return ""
    name = pycountry.subdivisions.get(code=subdivision).name
    return name if _english() else _dutch("iso3166-2").gettext(name)


def municipality_label(nis: str | None) -> str:
    if not nis:
        return ""
    province = province_of_nis(nis)
    return f"{nis} ({_('province')} {province})" if province else nis


# -- form fields ------------------------------------------------------------------------------------


class NameListInput(forms.TextInput):
    """A text input with a datalist of names: shows the stored code's name, takes a name or a code."""

    def __init__(self, kind: str, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "size": 28, **(attrs or {})})
        self.kind = kind

    def format_value(self, value):
        if value in (None, ""):
            return None
        shown = country_name(value) if self.kind == "country" else language_name(value)
        return shown or value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = self.list_id(name, context["widget"]["attrs"])
        context["widget"]["attrs"]["data-codes"] = self.kind
        return context

    @staticmethod
    def list_id(name, attrs) -> str:
        return f"{attrs.get('id') or 'id_' + name}_names"

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        options = country_choices() if self.kind == "country" else language_choices()
        # The option's value is what the input receives (the name); its label shows the code.
        items = format_html_join("", '<option value="{}">{}</option>', ((label, code) for code, label in options))
        list_id = self.list_id(name, {**self.attrs, **(attrs or {})})
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, items)


class CodeByNameField(forms.CharField):
    """A country or language typed or picked by name; cleaned to its api.md code."""

    messages = {
        "country": _("Unknown country: %(value)s. Pick a name from the list or type the two-letter code."),
        "language": _("Unknown language: %(value)s. Pick a name from the list or type the ISO code."),
    }

    def __init__(self, kind: str, **kwargs):
        kwargs.pop("max_length", None)  # the name is longer than the code: no maxlength cutting it
        kwargs.setdefault("widget", NameListInput(kind))
        super().__init__(**kwargs)
        self.kind = kind

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        code = resolve(self.kind, value)
        if code is None:
            raise ValidationError(self.messages[self.kind], code="invalid", params={"value": value})
        return code


class MunicipalityInput(forms.TextInput):
    """The NIS code, with its province beside it (the project knows no municipality names)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"size": 6, "inputmode": "numeric", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        province = province_of_nis(value if isinstance(value, str) else None)
        if not province:
            return field
        return format_html('{} <span class="nis-province" data-province>{} {}</span>', field, _("province"), province)


class MunicipalityField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MunicipalityInput())
        kwargs.setdefault(
            "help_text", _("The NIS code of the municipality (5 digits); its province is shown beside it.")
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(" ", "") if isinstance(value, str) else value


class InszField(forms.CharField):
    """An INSZ as printed on the eID card (`90.03.15-123.77`) or as 11 digits; cleaned to the 11 digits."""

    def __init__(self, **kwargs):
        kwargs["max_length"] = None  # the printed form is 15 characters
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 16, "placeholder": "90.03.15-123.77"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return validators.normalise_insz(value) if isinstance(value, str) and value else value


def formfield_for_code(db_field, **kwargs) -> forms.Field | None:
    """The by-name field for a model field holding a country, language, NIS or INSZ code; None otherwise."""
    found = [v for v in db_field.validators if callable(v) and getattr(v, "__module__", "") == validators.__name__]
    if not found:
        return None
    options = {
        "label": kwargs.get("label", db_field.verbose_name[:1].upper() + db_field.verbose_name[1:]),
        "required": not db_field.blank,
        "help_text": kwargs.get("help_text", db_field.help_text) or "",
        "empty_value": None if db_field.null else "",
    }
    if db_field.has_default():
        options["initial"] = db_field.get_default()
    if validators.validate_country in found:
        return CodeByNameField("country", **options)
    if validators.validate_language in found:
        return CodeByNameField("language", **options)
    if validators.validate_nis in found:
        if not options["help_text"]:
            options.pop("help_text")
        return MunicipalityField(**options)
    if validators.validate_insz in found:
        return InszField(**options)
    return None


def describe(kind: str, code: str | None) -> str:
    """A stored code as a page shows it: `SY` -> "Syrië (SY)"."""
    if not code:
        return "—"
    name = {"country": country_name, "language": language_name}[kind](code)
    return format_html("{} ({})", name, code) if name and name != code else code
