"""Session login for every role (ui.md "Login"): /login/ and /logout/."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from idw.pages import page_language

from .login_limit import BLOCKED, LoginBlocked, authenticate_limited, client_address, login_blocked
from .models import Role

# One message for a wrong password and for a user without a role: it does not say which.
INVALID = _("Unknown user name or wrong password, or no access to IDW.")


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
        # The form first: a password over its length is never hashed.
        if form.is_valid():
            credentials = form.cleaned_data
            try:
                user = authenticate_limited(request, username=credentials["username"], password=credentials["password"])
            except LoginBlocked:
                user, error, status = None, BLOCKED, 429
            if user is not None and _has_role(user):
                login(request, user)
                return HttpResponseRedirect(next_url or landing_url(user))
            error = error or INVALID
        elif login_blocked(username=request.POST.get("username", "")[:150], address=client_address(request)):
            error, status = BLOCKED, 429
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
