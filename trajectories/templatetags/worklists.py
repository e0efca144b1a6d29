"""`{% worklists as lists %}`: the start page's work lists for the logged-in user."""

from django import template
from django.utils import timezone

from trajectories.worklists import worklists_for

register = template.Library()


@register.simple_tag(takes_context=True)
def worklists(context):
    request = context["request"]
    return worklists_for(request.user, timezone.localdate(), all_regions=request.GET.get("regions") == "all")
