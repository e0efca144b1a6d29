"""Session login for every role (ui.md "Login"): /login/ and /logout/."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from idw.pages import page_language

from .login_limit import login_blocked, login_failed, login_succeeded
from .models import Role

# One message for a wrong password and for a user without a role: it does not say which.
INVALID = _("Unknown user name or wrong password, or no access to IDW.")
BLOCKED = _("Too many failed attempts. Try again in 15 minutes.")


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), max_length=4096, strip=False, widget=forms.PasswordInput)


def landing_url(user) -> str:
    """Where a user's work is: the admin, the dashboard or the API docs."""
    role = user.effective_role
    if role in (Role.REPORTING, Role.ADMIN):
        return reverse("dashboard:overview")
    if role == Role.PARTNER:
        return reverse("docs")
    return reverse("admin:index")


def _has_role(user) -> bool:
    return user.is_active and user.effective_role in Role.values


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


@sensitive_post_parameters("password")
@page_language
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    error, status = None, 200
    form = LoginForm(request.POST or None)
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        if login_blocked(username=username, address=_address(request)):
            error, status = BLOCKED, 429
        elif form.is_valid():
            user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
            if user is not None and _has_role(user):
                login(request, user)
                login_succeeded(username=username, address=_address(request))
                return HttpResponseRedirect(next_url or landing_url(user))
            login_failed(username=username, address=_address(request))
            error = INVALID
        else:
            error = INVALID
    elif request.user.is_authenticated and _has_role(request.user) and not next_url:
        return HttpResponseRedirect(landing_url(request.user))
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": next_url}, status=status)


@page_language
@csrf_protect
@never_cache
def logout_view(request: HttpRequest) -> HttpResponse:
    """POST logs out (a link cannot log anyone out by surprise); GET shows the button."""
    if request.method == "POST":
        logout(request)
        return HttpResponseRedirect(reverse("login"))
    return render(request, "accounts/logout.html", {})
