"""Filters of the referral list. Unknown enum values are a 400 (strict forms)."""

import django_filters as filters
from django import forms

from idw.api.fields import SaneDateFilter

from .models import DeliveryStatus, Referral, ReferralStatus, WebhookDelivery


class LenientIsoDateTimeField(forms.DateTimeField):
    """An ISO 8601 timestamp. A `+` before the zone offset that arrived
    unencoded in the query string reads as a space; it is put back."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if " " in value:
                head, _sep, tail = value.rpartition(" ")
                if tail[:2].isdigit() and "T" in head:
                    value = f"{head}+{tail}"
        return super().to_python(value)


class TimestampFilter(filters.IsoDateTimeFilter):
    field_class = LenientIsoDateTimeField


class ReferralFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReferralStatus.choices)
    referred_after = SaneDateFilter(field_name="referred_on", lookup_expr="gte")
    referred_before = SaneDateFilter(field_name="referred_on", lookup_expr="lte")
    updated_after = TimestampFilter(
        field_name="updated_at", lookup_expr="gt", label="updated strictly after (ISO 8601 timestamp)"
    )

    class Meta:
        model = Referral
        fields = ["status", "referred_after", "referred_before", "updated_after"]


def _own_webhooks(request):
    from .models import Webhook

    return Webhook.objects.for_user(getattr(request, "user", None))


class WebhookDeliveryFilter(filters.FilterSet):
    # Another partner's webhook is an unknown choice: 400, worded as if it did not exist.
    webhook = filters.ModelChoiceFilter(queryset=_own_webhooks)
    status = filters.ChoiceFilter(choices=DeliveryStatus.choices)

    class Meta:
        model = WebhookDelivery
        fields = ["webhook", "status"]
