"""Partners (partnerorganisaties) and the projects they run."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from trajectories.validators import validate_code


class PartnerKind(models.TextChoices):
    INTEGRATION_AGENCY = "integration_agency", _("integration agency")
    RECEPTION_AGENCY = "reception_agency", _("reception agency")
    LOCAL_AUTHORITY = "local_authority", _("municipality / OCMW")
    EDUCATION = "education", _("education (CVO / CBE)")
    SOCIAL_ECONOMY = "social_economy", _("social economy")
    EMPLOYER_ORGANISATION = "employer_organisation", _("employer organisation")
    TRAINING_PROVIDER = "training_provider", _("training provider")
    OTHER = "other", _("other")


class Partner(models.Model):
    """An organisation that refers people, provides actions or trains mediators."""

    code = models.CharField(_("code"), max_length=32, primary_key=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=PartnerKind.choices)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A local or regional project that actions can belong to."""

    code = models.CharField(_("code"), max_length=32, primary_key=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
