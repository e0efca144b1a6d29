"""API answers default to English; the admin defaults to Dutch.

The site language is Dutch for the mediators' admin screens, but API clients
are programs written against the English contract: without an
`Accept-Language` header, an API request gets English messages.
"""

from django.utils import translation


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" not in request.META:
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return self.get_response(request)
