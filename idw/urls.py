from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import login_view, logout_view

from .api.ping import PingView
from .health import healthz

admin.site.site_header = _("IDW: Integration through Work")
admin.site.site_title = _("IDW")
admin.site.index_title = _("Case management")

api_v1 = [
    path("ping/", PingView.as_view(), name="ping"),
    path("", include("trajectories.api.urls")),
    path("", include("employers.api.urls")),
    path("", include("partners.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("privacy.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file of its own: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    # The browsable API's "Log in" link (shown on its 401) goes to the same page.
    path(
        "",
        include(
            ([path("login/", login_view, name="login"), path("logout/", logout_view, name="logout")], "rest_framework")
        ),
    ),
    path("dashboard/", include("dashboard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
