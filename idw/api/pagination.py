from django.core.exceptions import ImproperlyConfigured
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .fields import parse_int_param


class Pagination(PageNumberPagination):
    """50 a page, `?page_size=` up to 500 (larger values are clamped).

    Refuses an unordered queryset: pages of an unordered query can repeat or
    skip rows between requests.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        if hasattr(queryset, "ordered") and not queryset.ordered:
            raise ImproperlyConfigured(f"{type(view).__name__} paginates an unordered queryset.")
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        """DRF's shape with examples of this API (not api.example.org/accounts)."""
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["next"]["example"] = "https://idw.example.org/api/v1/referrals/?page=3"
        properties["previous"]["example"] = "https://idw.example.org/api/v1/referrals/?page=1"
        properties["count"]["example"] = 120
        return response

    def get_page_size(self, request):
        """`page_size` is a positive ASCII integer (clamped to 500); anything else is a 400."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        number = parse_int_param(raw, minimum=1)
        if number is None:
            raise ValidationError({self.page_size_query_param: ["A positive whole number."]})
        return min(number, self.max_page_size)
