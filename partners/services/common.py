"""What every write of the partners app shares: the 400 a broken rule raises."""

from django.core.exceptions import ValidationError
from rest_framework.settings import api_settings

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
