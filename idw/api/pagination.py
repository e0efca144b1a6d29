from django.core.exceptions import ImproperlyConfigured
from rest_framework.pagination import PageNumberPagination


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
