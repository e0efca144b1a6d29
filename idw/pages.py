"""What the project's own pages (login, dashboard) share: the page language.

Pages are Dutch by default; `?lang=en` (or `?lang=nl`) chooses for one
request, and links on the page carry it on. Without it the usual
`LocaleMiddleware` choice applies (session language, `Accept-Language`).
"""

from __future__ import annotations

import functools

from django.utils import translation

PAGE_LANGUAGES = {"nl": "nl-be", "en": "en"}


def page_language(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        chosen = PAGE_LANGUAGES.get(request.GET.get("lang", ""))
        if chosen is None:
            return view(request, *args, **kwargs)
        with translation.override(chosen):
            request.LANGUAGE_CODE = chosen
            return view(request, *args, **kwargs)

    return wrapped


def lang_code(request) -> str:
    """The short code pages put in their links: "nl" or "en"."""
    return "en" if translation.get_language() == "en" else "nl"
