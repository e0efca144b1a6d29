"""Serializer pieces shared by the apps."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class FixedKeyMixin:
    """The primary-key field (`code`) is set on create and refused on update.

    Saving a model with a changed primary key inserts a second row; so a PATCH
    or PUT that sends another code is a 400 on the field (the same code is fine).
    """

    fixed_key = "code"

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and self.fixed_key in attrs:
            if attrs[self.fixed_key] != getattr(self.instance, self.fixed_key):
                raise serializers.ValidationError({self.fixed_key: [_("The code cannot be changed.")]})
            del attrs[self.fixed_key]
        return attrs
