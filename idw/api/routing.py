"""Two conventions of every route under /api/v1/, kept in one place.

- The trailing slash is optional: `POST /api/v1/referrals` is served as
  `POST /api/v1/referrals/` (rewritten in place, never redirected: a client
  would lose a POST's body on a redirect). Links the API writes keep the slash.
- A 201 carries a `Location` header naming the created object: the view's
  detail route for its `lookup_field` (a `create` action), or what the view's
  `<action>_location(data)` returns for other actions that create.
"""

from django.urls import Resolver404, resolve
from django.urls.exceptions import NoReverseMatch

API_PREFIX = "/api/v1/"


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def created_location(view, data) -> str | None:
    """The absolute URL of the object a 201 created, or None when the view has no detail route."""
    custom = getattr(view, f"{getattr(view, 'action', None)}_location", None)
    if custom is not None:
        return custom(data)
    if getattr(view, "action", None) != "create" or not isinstance(data, dict):
        return None
    lookup = getattr(view, "lookup_field", "pk")
    field = lookup
    if lookup == "pk":
        queryset = getattr(view, "queryset", None)
        field = queryset.model._meta.pk.name if queryset is not None else "id"
    value = data.get(field)
    if value is None:
        return None
    kwarg = getattr(view, "lookup_url_kwarg", None) or lookup
    try:
        return view.reverse_action("detail", kwargs={kwarg: value})
    except (NoReverseMatch, AttributeError):
        return None


class ApiRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        slashless = path.startswith(API_PREFIX) and not path.endswith("/")
        if slashless and not _resolves(path) and _resolves(path + "/"):
            request.path_info = path + "/"
            request.path = request.path + "/"
        response = self.get_response(request)
        if response.status_code == 201 and not response.has_header("Location"):
            view = (getattr(response, "renderer_context", None) or {}).get("view")
            location = created_location(view, getattr(response, "data", None)) if view is not None else None
            if location:
                response["Location"] = location
        return response
