"""Employers and the competence catalogue."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat


def normalise_enterprise_number(value: str) -> str:
    return vat.compact(value) if isinstance(value, str) else value


def validate_enterprise_number(value: str) -> None:
    """A Belgian enterprise number (ondernemingsnummer): 10 digits, mod 97."""
    number = normalise_enterprise_number(value)
    if not (isinstance(number, str) and len(number) == 10 and number.isdigit() and vat.is_valid(number)):
        raise ValidationError(_("This is not a valid enterprise number (10 digits, mod 97)."), code="invalid")


class Competence(models.Model):
    """A competence of the catalogue that employers score (read-only, loaded by a migration)."""

    code = models.CharField(_("code"), max_length=40, primary_key=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    esco_uri = models.URLField(_("ESCO skill URI"), null=True, blank=True)

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_nl


class Employer(models.Model):
    """An employer that hosts workplace learning or posts vacancies."""

    name = models.CharField(_("name"), max_length=200)
    enterprise_number = models.CharField(
        _("enterprise number"), max_length=10, unique=True, validators=[validate_enterprise_number]
    )

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
