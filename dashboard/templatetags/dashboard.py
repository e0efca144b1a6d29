from django import template
from django.utils.html import format_html_join
from django.utils.translation import get_language

from .. import labels

register = template.Library()


@register.simple_tag
def cell_attrs(cell):
    """A cell's data-* hooks (ui.md), escaped."""
    return format_html_join(" ", '{}="{}"', cell.attrs.items())


@register.filter
def number(value):
    """A value for reading: a decimal comma in Dutch; empty for null."""
    if value is None:
        return ""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text if get_language() == "en" else text.replace(".", ",")


@register.simple_tag(takes_context=True)
def lang_url(context, name, *args, **params):
    """A dashboard URL that keeps the page language."""
    from urllib.parse import urlencode

    from django.urls import reverse

    url = reverse(name, args=args)
    params = {k: v for k, v in params.items() if v not in (None, "")}
    params.setdefault("lang", context.get("lang", "nl"))
    return url + "?" + urlencode(params)


@register.filter
def dimension_label(dimension):
    return labels.dimension_label(str(dimension))


@register.filter
def value_label(value, dimension):
    """One value of a dimension as a reader names it (a control's options; not for regions in a loop)."""
    return labels.value_labels(str(dimension), [str(value)])[str(value)]
